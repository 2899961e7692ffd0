/**
 * Teacher-training rounds (DESIGN.md §2.2, §11 "Rounds"): closing round
 * enrollments when the round has ended, and what a round's programme (its
 * face-to-face sessions and online modules) looks like to the teacher and to
 * the coordinator. The rules are app/domain/rounds.ts.
 *
 * Closing: `closeEndedRounds` marks every active enrollment of a round whose
 * end date has passed `completed`, with the outcome the requirement engine
 * (loadProgress) gives that day frozen with it (`round_complete` or
 * `round_incomplete`), audited as a system action. The nightly job runs it for
 * everyone; read models run it for the person or round they are about to show
 * (a teacher's pages, the coordinator's roster and board), and loadProgress
 * reports an ended round's enrollment as completed even where nothing wrote it
 * yet, so a reader never sees an ended round as still running.
 */
import { requirementViews, paceView } from '#app/domain/progress-display.ts'
import { minutesToHours } from '#app/domain/requirements.ts'
import { finalOutcomeOf, type FinalOutcome, type RoundTag } from '#app/domain/rounds.ts'
import { beijingDate, dateOnly } from '#app/domain/time.ts'
import type { Prisma } from '#app/generated/prisma/client.ts'
import type { Locale, T } from '#app/i18n/index.ts'
import type { Db } from '#app/utils/db.server.ts'
import { outcomeView } from './outcome-view.server.ts'
import { loadProgress, onlineMinutes } from './progress.server.ts'

const day = (d: string) => new Date(`${d}T00:00:00Z`)

/** How many enrollments are evaluated and closed per transaction. */
const CLOSE_BATCH = 500

export type CloseResult = { closed: number; complete: number; incomplete: number }

/**
 * Closes the round enrollments whose round ended before `today` (Beijing YYYY-MM-DD): status
 * `completed`, `finalOutcome` from the requirement engine as of `today`, `frozenAt` = now; one
 * audit event each (actor null: a system action, `enrollment.round_closed`, in the round's
 * jurisdiction). `only` narrows it to a person's, a round's or some enrollments (the lazy
 * closing of read models). Idempotent and safe to run twice at once: only a row still active
 * is changed, and only a changed row is audited.
 */
export async function closeEndedRounds(
  db: Db,
  today: string,
  only: { personId?: string; groupId?: string; enrollmentIds?: string[] } = {},
  now = new Date(),
): Promise<CloseResult> {
  const result: CloseResult = { closed: 0, complete: 0, incomplete: 0 }
  const where: Prisma.EnrollmentWhereInput = {
    status: 'active',
    group: { kind: 'round', endDate: { lt: day(today) } },
    ...(only.personId !== undefined ? { personId: only.personId } : {}),
    ...(only.groupId !== undefined ? { groupId: only.groupId } : {}),
    ...(only.enrollmentIds !== undefined ? { id: { in: only.enrollmentIds } } : {}),
  }
  let after: string | undefined
  for (;;) {
    const batch = await db.enrollment.findMany({
      where: after === undefined ? where : { AND: [where, { id: { gt: after } }] },
      orderBy: { id: 'asc' },
      take: CLOSE_BATCH,
      select: { id: true, group: { select: { code: true, endDate: true, region: { select: { path: true } } } } },
    })
    if (batch.length === 0) break
    after = batch.at(-1)!.id
    const progress = await loadProgress(
      db,
      batch.map((e) => e.id),
      today,
    )
    const decided = batch.flatMap((e) => {
      const p = progress.get(e.id)
      if (!p) return []
      const finalOutcome: FinalOutcome = finalOutcomeOf(p.outcome.status)
      const blocking = p.evaluation.requirements
        .filter((r) => r.blocking)
        .map((r) => ({ code: r.code, requiredMinutes: r.requiredMinutes ?? null, earnedMinutes: r.earnedMinutes ?? null, met: r.met }))
      return [{ e, finalOutcome, blocking }]
    })
    await db.$transaction(
      async (tx) => {
        const changed = await tx.$queryRaw<{ id: string }[]>`
        UPDATE "Enrollment" e SET "status" = 'completed', "finalOutcome" = v."outcome"::"FinalOutcome", "frozenAt" = ${now}
        FROM unnest(${decided.map((d) => d.e.id)}::text[], ${decided.map((d) => d.finalOutcome)}::text[]) AS v("id", "outcome")
        WHERE e."id" = v."id" AND e."status" = 'active'
        RETURNING e."id"`
        const closedIds = new Set(changed.map((r) => r.id))
        const audits = decided.filter((d) => closedIds.has(d.e.id))
        if (audits.length === 0) return
        await tx.auditEvent.createMany({
          data: audits.map((d) => ({
            actorId: null,
            action: 'enrollment.round_closed',
            entityType: 'Enrollment',
            entityId: d.e.id,
            before: { status: 'active' },
            after: {
              status: 'completed',
              finalOutcome: d.finalOutcome,
              groupCode: d.e.group.code,
              roundEnd: d.e.group.endDate ? dateOnly(d.e.group.endDate) : null,
              asOf: today,
              requirements: d.blocking,
            },
            scopePath: d.e.group.region.path,
          })),
        })
        for (const d of audits) {
          result.closed++
          if (d.finalOutcome === 'round_complete') result.complete++
          else result.incomplete++
        }
        // Two statements for a whole batch; the default 5 s is tight on a loaded machine.
      },
      { timeout: 60_000 },
    )
  }
  return result
}

/** Today in Beijing: the day read models close ended rounds for. */
export const closingDay = () => beijingDate(new Date())

// ─── A round's programme ─────────────────────────────────────────────────

const PROGRAMME_SELECT = {
  id: true,
  code: true,
  name: true,
  kind: true,
  startDate: true,
  endDate: true,
  requiredMinutes: true,
  plannedConcentratedMinutes: true,
  plannedOnlineMinutes: true,
  plannedSchoolBasedMinutes: true,
  tags: true,
  program: { select: { minutesPerHour: true } },
  region: { select: { name: true } },
  organization: { select: { name: true } },
  roundCourses: {
    orderBy: [{ position: 'asc' }, { course: { code: 'asc' } }],
    select: {
      course: {
        select: {
          id: true,
          code: true,
          name: true,
          retiredAt: true,
          lessons: { where: { retiredAt: null }, orderBy: [{ position: 'asc' }, { code: 'asc' }], select: { id: true, title: true, nominalMinutes: true } },
        },
      },
    },
  },
} as const satisfies Prisma.GroupSelect

type ProgrammeGroup = Prisma.GroupGetPayload<{ select: typeof PROGRAMME_SELECT }>

/** Planned 学时 per kind (null: not planned), tags and modules of a round, in 学时 with one decimal. */
function programmeOf(g: ProgrammeGroup) {
  const mph = g.program.minutesPerHour
  const hours = (m: number | null) => (m === null ? null : minutesToHours(m, mph))
  return {
    requiredHours: g.requiredMinutes === null ? null : minutesToHours(g.requiredMinutes, mph),
    planned: { concentrated: hours(g.plannedConcentratedMinutes), online: hours(g.plannedOnlineMinutes), school_based: hours(g.plannedSchoolBasedMinutes) },
    tags: g.tags as RoundTag[],
    modules: g.roundCourses.map(({ course: c }) => ({
      id: c.id,
      code: c.code,
      name: c.name,
      retired: c.retiredAt !== null,
      lessons: c.lessons,
      nominalMinutes: c.lessons.reduce((sum, l) => sum + l.nominalMinutes, 0),
    })),
  }
}

/** The programme of a class or round the caller has found in scope (the coordinator's group page). */
export async function roundProgramme(db: Db, groupId: string) {
  const g = await db.group.findUnique({ where: { id: groupId }, select: PROGRAMME_SELECT })
  return g ? programmeOf(g) : null
}

/**
 * A teacher's round page (/me/rounds/:groupId): the round, its face-to-face sessions (date, time,
 * venue, whether the teacher checked in), its online modules with the minutes credited to this
 * round per lesson, and the round's progress from loadProgress (the same numbers as everywhere).
 * Null when the person is not enrolled in that round (answer 404). Closes the person's ended
 * rounds first.
 */
export async function roundForTeacher(db: Db, opts: { personId: string; groupId: string; today: string; t: T; locale: Locale }) {
  await closeEndedRounds(db, opts.today, { personId: opts.personId })
  const enrollment = await db.enrollment.findFirst({
    where: { personId: opts.personId, groupId: opts.groupId, group: { kind: 'round' } },
    select: { id: true, status: true, group: { select: PROGRAMME_SELECT } },
  })
  if (!enrollment) return null
  const g = enrollment.group
  const programme = programmeOf(g)
  const lessonIds = programme.modules.flatMap((m) => m.lessons.map((l) => l.id))
  const [sessions, attended, credits, progress] = await Promise.all([
    db.classSession.findMany({
      where: { groupId: g.id, cancelledAt: null },
      orderBy: { startsAt: 'asc' },
      select: { id: true, startsAt: true, endsAt: true, venue: true, plannedMinutes: true, description: true },
    }),
    db.attendance.findMany({ where: { enrollmentId: enrollment.id, checkedInAt: { not: null } }, select: { sessionId: true, creditedMinutes: true } }),
    lessonIds.length === 0
      ? Promise.resolve([])
      : db.onlineCredit.findMany({ where: { enrollmentId: enrollment.id, lessonId: { in: lessonIds } }, select: { lessonId: true, seconds: true } }),
    loadProgress(db, [enrollment.id], opts.today),
  ])
  const p = progress.get(enrollment.id)!
  const mph = g.program.minutesPerHour
  const minutesOf = new Map<string, number>()
  for (const c of credits) minutesOf.set(c.lessonId, (minutesOf.get(c.lessonId) ?? 0) + onlineMinutes(c.seconds))
  const attendedBy = new Map(attended.map((a) => [a.sessionId, a.creditedMinutes]))
  const now = Date.now()
  return {
    enrollmentId: enrollment.id,
    status: p.enrollment.status,
    round: {
      id: g.id,
      code: g.code,
      name: g.name,
      startDate: dateOnly(g.startDate),
      endDate: g.endDate ? dateOnly(g.endDate) : null,
      region: g.region.name,
      organization: g.organization?.name ?? null,
      ...programme,
      modules: programme.modules.map((m) => {
        const lessons = m.lessons.map((l) => ({ ...l, minutes: Math.min(minutesOf.get(l.id) ?? 0, l.nominalMinutes) }))
        return { ...m, lessons, earnedMinutes: lessons.reduce((sum, l) => sum + l.minutes, 0) }
      }),
    },
    sessions: sessions.map((s) => ({
      id: s.id,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      venue: s.venue,
      description: s.description,
      plannedHours: minutesToHours(s.plannedMinutes, mph),
      past: s.endsAt.getTime() < now,
      attended: attendedBy.has(s.id),
    })),
    requirements: requirementViews(p.evaluation.requirements, mph),
    pace: paceView(p.evaluation.pace, mph),
    outcome: outcomeView(p, opts.t, opts.locale),
  }
}
