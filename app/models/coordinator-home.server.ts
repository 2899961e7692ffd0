/**
 * The coordinator's home as a work queue (issue 15): today's and tomorrow's
 * sessions, the counts of what waits for them (each with its queue page), and
 * the classes and rounds with their real participant counts. Everything inside
 * the caller's scopes (PEOPLE_MANAGERS).
 */
import { CERTIFICATE_TYPES, certificateAllowed, type CertificateType } from '#app/domain/certificates.ts'
import { atRisk, type OutcomeStatus } from '#app/domain/outcomes.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate, dateOnly, startOfBeijingDay } from '#app/domain/time.ts'
import type { Db } from '#app/utils/db.server.ts'
import { groupScopeWhere, scopesFor, type CurrentUser, type Scope } from './access.server.ts'
import { ForbiddenError } from './errors.server.ts'
import { countPendingExemptions } from './exemptions.server.ts'
import { loadProgress } from './progress.server.ts'
import { countPendingLogs } from './self-study.server.ts'

const DAY_MS = 86_400_000

function homeScopes(user: CurrentUser): Scope[] {
  const scopes = scopesFor(user, PEOPLE_MANAGERS)
  if (scopes.length === 0) throw new ForbiddenError()
  return scopes
}

/** Sessions of classes and rounds in scope that start today or tomorrow (Beijing), not cancelled, in order. */
async function upcomingSessions(db: Db, scopes: Scope[], now: Date) {
  const today = beijingDate(now)
  const from = startOfBeijingDay(today)
  const to = new Date(from.getTime() + 2 * DAY_MS)
  const tomorrow = beijingDate(new Date(from.getTime() + DAY_MS))
  const sessions = await db.classSession.findMany({
    where: { startsAt: { gte: from, lt: to }, cancelledAt: null, group: groupScopeWhere(scopes) },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take: 50,
    select: {
      id: true,
      startsAt: true,
      endsAt: true,
      venue: true,
      group: { select: { id: true, name: true, _count: { select: { enrollments: { where: { status: 'active' } } } } } },
      _count: { select: { attendances: true } },
    },
  })
  return sessions.map((s) => ({
    id: s.id,
    day: beijingDate(s.startsAt) === today ? ('today' as const) : ('tomorrow' as const),
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    venue: s.venue,
    groupId: s.group.id,
    groupName: s.group.name,
    expected: s.group._count.enrollments,
    present: s._count.attendances,
    ended: s.endsAt <= now,
    date: beijingDate(s.startsAt) === today ? today : tomorrow,
  }))
}

export type LearnerQueue = 'eligible' | 'behind'

export type QueueRow = {
  enrollmentId: string
  personId: string
  name: string
  groupId: string
  groupName: string
  status: OutcomeStatus
  /** eligible: the certificate types the enrollment may receive and does not hold yet. */
  types: CertificateType[]
  /** behind: why (the outcome's reasons, Chinese). */
  reasons: string[]
  periodEnd: string | null
}

/**
 * The learners of the scope who may receive a certificate they do not hold yet
 * (the batch page's rule: certificateAllowed on the requirement engine's outcome),
 * and those at risk (behind pace, or near the end of their period without meeting
 * the requirements: the board's 有结业风险).
 */
async function learnerQueues(db: Db, scopes: Scope[], asOf: string) {
  const enrollments = await db.enrollment.findMany({
    where: { group: groupScopeWhere(scopes), OR: [{ status: 'active' }, { status: 'completed' }, { status: 'withdrawn' }] },
    select: {
      id: true,
      person: { select: { id: true, name: true } },
      group: { select: { id: true, name: true } },
      certificates: { select: { type: true } },
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  })
  const progress = await loadProgress(
    db,
    enrollments.map((e) => e.id),
    asOf,
  )
  const eligible: QueueRow[] = []
  const behind: QueueRow[] = []
  for (const e of enrollments) {
    const p = progress.get(e.id)
    if (!p) continue
    const row = (types: CertificateType[]): QueueRow => ({
      enrollmentId: e.id,
      personId: e.person.id,
      name: e.person.name,
      groupId: e.group.id,
      groupName: e.group.name,
      status: p.outcome.status,
      types,
      reasons: p.outcome.reasons,
      periodEnd: p.facts.periodEnd ?? null,
    })
    const types = CERTIFICATE_TYPES.filter(
      (type) => !e.certificates.some((c) => c.type === type) && certificateAllowed(type, p.outcome.status, p.outcome.earlyGraduation),
    )
    if (types.length > 0) eligible.push(row(types))
    const periodEnd = p.facts.periodEnd ?? null
    if (atRisk({ status: p.outcome.status, periodEnd, asOf, behindPace: p.evaluation.pace.behind })) behind.push(row([]))
  }
  const byName = (a: QueueRow, b: QueueRow) =>
    a.groupName.localeCompare(b.groupName, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN') || a.enrollmentId.localeCompare(b.enrollmentId)
  return { eligible: eligible.sort(byName), behind: behind.sort(byName) }
}

/** Pending early-graduation requests of classes in scope, oldest first. */
export function listPendingEarlyGraduation(db: Db, scopes: Scope[], take = 200) {
  return db.earlyGraduationRequest.findMany({
    where: { status: 'pending', enrollment: { group: groupScopeWhere(scopes) } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take,
    select: {
      id: true,
      createdAt: true,
      enrollment: { select: { id: true, person: { select: { id: true, name: true } }, group: { select: { id: true, name: true } } } },
    },
  })
}

/** Classes and rounds in scope with every enrollment counted (a finished round's participants are `completed`, not active). */
async function groupsWithCounts(db: Db, scopes: Scope[], today: string) {
  const groups = await db.group.findMany({
    where: groupScopeWhere(scopes),
    orderBy: [{ startDate: 'desc' }, { code: 'asc' }],
    select: {
      id: true,
      code: true,
      name: true,
      kind: true,
      startDate: true,
      endDate: true,
      major: { select: { name: true } },
      region: { select: { name: true } },
    },
  })
  const counts = await db.enrollment.groupBy({
    by: ['groupId', 'status'],
    where: { groupId: { in: groups.map((g) => g.id) } },
    _count: { _all: true },
  })
  return groups.map((g) => {
    const of = (status: string) => counts.find((c) => c.groupId === g.id && c.status === status)?._count._all ?? 0
    const endDate = g.endDate ? dateOnly(g.endDate) : null
    return {
      id: g.id,
      code: g.code,
      name: g.name,
      kind: g.kind,
      major: g.major?.name ?? null,
      region: g.region.name,
      startDate: dateOnly(g.startDate),
      endDate,
      ended: endDate !== null && endDate < today,
      active: of('active'),
      /** Everyone who took part: active, completed, graduated and withdrawn. */
      participants: of('active') + of('completed') + of('graduated') + of('withdrawn'),
      withdrawn: of('withdrawn'),
    }
  })
}

/** Everything the home shows. */
export async function loadCoordinatorHome(db: Db, user: CurrentUser, opts: { now?: Date } = {}) {
  const scopes = homeScopes(user)
  const now = opts.now ?? new Date()
  const today = beijingDate(now)
  const [sessions, selfStudy, exemptions, early, learners, groups] = await Promise.all([
    upcomingSessions(db, scopes, now),
    countPendingLogs(db, scopes),
    countPendingExemptions(db, scopes),
    db.earlyGraduationRequest.count({ where: { status: 'pending', enrollment: { group: groupScopeWhere(scopes) } } }),
    learnerQueues(db, scopes, today),
    groupsWithCounts(db, scopes, today),
  ])
  return {
    today,
    sessions,
    counts: { selfStudy, exemptions, earlyGraduation: early, eligible: learners.eligible.length, behind: learners.behind.length },
    groups,
  }
}

/** One of the learner queues the home counts (可发证 / 进度落后), across the scope. */
export async function loadLearnerQueue(db: Db, user: CurrentUser, queue: LearnerQueue, opts: { now?: Date } = {}) {
  const scopes = homeScopes(user)
  const today = beijingDate(opts.now ?? new Date())
  const learners = await learnerQueues(db, scopes, today)
  return { today, rows: learners[queue] }
}

/** The early-graduation requests waiting for a decision, across the scope. */
export async function loadEarlyGraduationQueue(db: Db, user: CurrentUser) {
  const scopes = homeScopes(user)
  const rows = await listPendingEarlyGraduation(db, scopes)
  return rows.map((r) => ({
    id: r.id,
    at: r.createdAt.toISOString(),
    enrollmentId: r.enrollment.id,
    personId: r.enrollment.person.id,
    name: r.enrollment.person.name,
    groupId: r.enrollment.group.id,
    groupName: r.enrollment.group.name,
  }))
}
