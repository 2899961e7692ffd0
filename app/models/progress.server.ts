/**
 * Facts for the requirement engine, read from the ledger. Every screen, API
 * answer and (later) reminder and certificate decision gets an enrollment's
 * progress from here, so all of them agree.
 */
import {
  courseStates,
  evaluateOutcome,
  formatReason,
  type CourseOutcome,
  type Credits,
  type ExamResultFact,
  type ExemptionFact,
  type Outcome,
  type OutcomeReason,
  type PlanCourse,
  type Translate,
} from '#app/domain/outcomes.ts'
import type { HourCategory, Policy } from '#app/domain/policy.ts'
import { evaluateRequirements, type Evaluation, type HourFact, type RequirementFacts } from '#app/domain/requirements.ts'
import { applyFrozenOutcome, effectiveEnrollmentStatus, roundHasEnded } from '#app/domain/rounds.ts'
import { startOfBeijingDay, dateOnly } from '#app/domain/time.ts'
import { translate } from '#app/i18n/index.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { getPolicy } from './policies.server.ts'

type EnrollmentForFacts = Awaited<ReturnType<typeof findEnrollments>>[number]

function findEnrollments(db: Db | Tx, ids: string[]) {
  return db.enrollment.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      personId: true,
      programId: true,
      policyVersion: true,
      startDate: true,
      periodEnd: true,
      status: true,
      finalOutcome: true,
      group: { select: { id: true, code: true, name: true, kind: true, majorId: true, startDate: true, endDate: true, requiredMinutes: true } },
      program: { select: { code: true, name: true, minutesPerHour: true } },
    },
  })
}

export type EnrollmentProgress = {
  /** `status` as of asOf: an active enrollment of a round that has ended is `completed` (app/domain/rounds.ts). */
  enrollment: EnrollmentForFacts
  policy: Policy
  facts: RequirementFacts
  evaluation: Evaluation
  /** The teaching plan of the class's major with each course's state (rounds have no plan: []). */
  courses: CourseOutcome[]
  credits: Credits
  /**
   * The outcome; `reasons` are in Chinese (the API's words, a certificate
   * refusal's), `reasonData` is the same list as catalog keys for a page in
   * the reader's locale (formatReason).
   */
  outcome: ProgressOutcome
  asOf: string
}

export type ProgressOutcome = Omit<Outcome, 'reasons'> & { reasons: string[]; reasonData: OutcomeReason[] }

const zhT: Translate = (key, params) => translate('zh-CN', key, params)

/** An outcome with its reasons in Chinese as well as data. */
export function withChineseReasons(outcome: Outcome): ProgressOutcome {
  return { ...outcome, reasons: outcome.reasons.map((r) => formatReason(r, zhT, 'zh-CN')), reasonData: outcome.reasons }
}

/**
 * Evaluates many enrollments at once (a roster) with three queries: the
 * ledger summed per enrollment, category and day; credits not yet folded
 * into the ledger (today's online time); the same people's other enrollments
 * for person-level windows (the 5-year cycle).
 */
export async function loadProgress(db: Db | Tx, enrollmentIds: string[], asOf: string): Promise<Map<string, EnrollmentProgress>> {
  const result = new Map<string, EnrollmentProgress>()
  if (enrollmentIds.length === 0) return result
  const enrollments = await findEnrollments(db, enrollmentIds)
  const personIds = [...new Set(enrollments.map((e) => e.personId))]
  const asOfDate = new Date(`${asOf}T00:00:00Z`)

  const [ledger, unfolded] = await all(db, [
    // Raw: nearly every (enrollment, category, day) is one entry, so this is ~a row per entry (47k for a
    // county's 605 enrollments); Prisma's groupBy spent three times PostgreSQL's own time building them.
    db.$queryRawUnsafe<{ enrollmentId: string; personId: string; category: HourCategory; day: string; minutes: number }[]>(
      `SELECT "enrollmentId", "personId", "category"::text AS "category", "occurredOn"::text AS "day", SUM("minutes")::int AS "minutes"
         FROM "HourEntry" WHERE "personId" = ANY($1::text[]) AND "occurredOn" <= $2::date
        GROUP BY "enrollmentId", "personId", "category", "occurredOn"`,
      personIds,
      asOf,
    ),
    db.onlineCredit.findMany({
      where: { personId: { in: personIds }, foldedAt: null, day: { lte: asOfDate }, seconds: { gte: 60 } },
      select: { enrollmentId: true, personId: true, day: true, seconds: true },
    }),
  ])

  // person → enrollment → facts
  const byPerson = new Map<string, { enrollmentId: string; fact: HourFact }[]>()
  const add = (personId: string, enrollmentId: string, fact: HourFact) => {
    if (fact.minutes === 0) return
    const list = byPerson.get(personId) ?? []
    list.push({ enrollmentId, fact })
    byPerson.set(personId, list)
  }
  for (const row of ledger) add(row.personId, row.enrollmentId, { category: row.category, minutes: row.minutes, date: row.day })
  for (const c of unfolded) add(c.personId, c.enrollmentId, { category: 'online', minutes: onlineMinutes(c.seconds), date: dateOnly(c.day) })

  // Other enrollments count only in person-level windows, and only within the same program.
  const programOf = new Map<string, string>()
  const others = await db.enrollment.findMany({ where: { personId: { in: personIds } }, select: { id: true, programId: true } })
  for (const o of others) programOf.set(o.id, o.programId)

  const records = await loadStudyRecords(db, enrollments, asOf)

  const policies = new Map<string, Promise<Policy>>()
  const policyOf = (e: EnrollmentForFacts) => {
    const key = `${e.programId}@${e.policyVersion ?? ''}`
    if (!policies.has(key)) policies.set(key, getPolicy(db, e.programId, e.policyVersion))
    return policies.get(key)!
  }

  for (const e of enrollments) {
    const mine: HourFact[] = []
    const other: HourFact[] = []
    for (const { enrollmentId, fact } of byPerson.get(e.personId) ?? []) {
      if (enrollmentId === e.id) mine.push(fact)
      else if (programOf.get(enrollmentId) === e.programId) other.push(fact)
    }
    const policy = await policyOf(e)
    const facts = factsOf(e, mine, other)
    const evaluation = evaluateRequirements({ policy, facts, asOf })
    const r = records.of(e.id)
    const { courses, credits } = courseStates({
      plan: e.group.kind === 'class' && e.group.majorId ? (records.plans.get(e.group.majorId) ?? []) : [],
      completedTaskCodes: r.tasks,
      results: r.results,
      exemptions: r.exemptions,
    })
    const outcome = evaluateOutcome({
      programCode: e.program.code,
      groupKind: e.group.kind,
      evaluation,
      courses,
      moral: r.moral,
      withdrawal: r.withdrawal ?? (e.status === 'withdrawn' ? { date: null, reason: null } : null),
      periodEnd: facts.periodEnd ?? null,
      asOf,
      earlyGraduation: r.earlyGraduation,
      // Until the certificates stage records certificates, a graduated enrollment is the flag.
      graduated: e.status === 'graduated',
    })
    // Rounds close when they end: a closed enrollment keeps the outcome frozen then; one not closed
    // yet (the nightly job has not run) reads as completed all the same.
    const roundEnd = e.group.kind === 'round' && e.group.endDate ? dateOnly(e.group.endDate) : null
    const ended = e.group.kind === 'round' && roundHasEnded(roundEnd, asOf)
    const status = effectiveEnrollmentStatus({ status: e.status, groupKind: e.group.kind, groupEnd: roundEnd }, asOf)
    const shown = applyFrozenOutcome(outcome, ended && e.status === 'completed' ? e.finalOutcome : null, roundEnd)
    result.set(e.id, { enrollment: { ...e, status }, policy, facts, evaluation, courses, credits, outcome: withChineseReasons(shown), asOf })
  }
  return result
}

/** One enrollment's progress, or null when it does not exist. */
export async function loadEnrollmentProgress(db: Db | Tx, enrollmentId: string, asOf: string) {
  return (await loadProgress(db, [enrollmentId], asOf)).get(enrollmentId) ?? null
}

/**
 * Queries at once on the pool, but one after another inside a transaction, whose single
 * connection must not be handed two queries at a time (pg deprecates it). Prisma's queries
 * start only when awaited, so building the list first runs nothing.
 */
async function all<T extends readonly unknown[]>(db: Db | Tx, queries: readonly [...T]): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  // A transaction client has no $disconnect (Prisma leaves the connection-level methods out).
  if ('$disconnect' in db) return (await Promise.all(queries)) as { -readonly [K in keyof T]: Awaited<T[K]> }
  const out: unknown[] = []
  for (const q of queries) out.push(await q)
  return out as { -readonly [K in keyof T]: Awaited<T[K]> }
}

/** Online seconds are credited in whole minutes. */
export const onlineMinutes = (seconds: number) => Math.floor(seconds / 60)

function factsOf(e: EnrollmentForFacts, entries: HourFact[], otherEntries: HourFact[]): RequirementFacts {
  const isRound = e.group.kind === 'round'
  // A round enrollment runs to the round's end, also when the round's dates were changed after enrolling.
  const roundEnd = isRound && e.group.endDate ? dateOnly(e.group.endDate) : undefined
  const periodEnd = roundEnd ?? (e.periodEnd ? dateOnly(e.periodEnd) : e.group.endDate ? dateOnly(e.group.endDate) : undefined)
  return {
    startDate: dateOnly(e.startDate),
    periodEnd,
    roundWindow: isRound && e.group.endDate ? { start: dateOnly(e.group.startDate), end: dateOnly(e.group.endDate) } : undefined,
    requiredMinutesOverride: e.group.requiredMinutes ?? undefined,
    roles: [],
    entries,
    otherEntries,
  }
}

type StudyRecords = {
  tasks: string[]
  results: ExamResultFact[]
  exemptions: ExemptionFact[]
  moral: { passed: boolean } | null
  withdrawal: { date: string; reason: string } | null
  earlyGraduation: 'pending' | 'approved' | 'rejected' | null
}

/** A task is known by its course and code: task codes are unique only within a course. */
const taskKey = (courseCode: string, taskCode: string) => `${courseCode}/${taskCode}`

/**
 * The plans of the classes' majors and every enrollment's study records as of
 * a date (recorded before the end of that Beijing day), in seven queries for
 * any number of enrollments. Retired plan items, courses and tasks are not
 * part of the plan.
 */
async function loadStudyRecords(db: Db | Tx, enrollments: EnrollmentForFacts[], asOf: string) {
  const ids = enrollments.map((e) => e.id)
  const majorIds = [...new Set(enrollments.flatMap((e) => (e.group.kind === 'class' && e.group.majorId ? [e.group.majorId] : [])))]
  const before = new Date(startOfBeijingDay(asOf).getTime() + 86_400_000)
  const recorded = { lt: before }
  const [planItems, tasks, results, exemptions, morals, withdrawals, early] = await all(db, [
    majorIds.length === 0
      ? Promise.resolve([])
      : db.planItem.findMany({
          where: { majorId: { in: majorIds }, retiredAt: null, course: { retiredAt: null } },
          orderBy: [{ position: 'asc' }, { createdAt: 'asc' }],
          select: {
            majorId: true,
            course: {
              select: {
                code: true,
                name: true,
                credits: true,
                kind: true,
                tasks: { where: { retiredAt: null }, select: { code: true }, orderBy: { position: 'asc' } },
              },
            },
          },
        }),
    db.taskCompletion.findMany({
      where: { enrollmentId: { in: ids }, completedAt: recorded },
      select: { enrollmentId: true, task: { select: { code: true, course: { select: { code: true } } } } },
    }),
    db.courseResult.findMany({
      where: { enrollmentId: { in: ids }, createdAt: recorded },
      select: { enrollmentId: true, passed: true, score: true, createdAt: true, course: { select: { code: true } } },
    }),
    db.exemption.findMany({
      where: { enrollmentId: { in: ids }, status: 'approved', reviewedAt: recorded },
      select: { enrollmentId: true, mode: true, credits: true, course: { select: { code: true } } },
    }),
    db.moralEvaluation.findMany({
      where: { enrollmentId: { in: ids }, createdAt: recorded },
      orderBy: { createdAt: 'desc' },
      distinct: ['enrollmentId'],
      select: { enrollmentId: true, passed: true },
    }),
    db.withdrawal.findMany({
      where: { enrollmentId: { in: ids }, withdrawnOn: { lte: new Date(`${asOf}T00:00:00Z`) } },
      select: { enrollmentId: true, withdrawnOn: true, reason: true },
    }),
    db.earlyGraduationRequest.findMany({
      where: { enrollmentId: { in: ids }, createdAt: recorded },
      orderBy: { createdAt: 'desc' },
      distinct: ['enrollmentId'],
      select: { enrollmentId: true, status: true, reviewedAt: true },
    }),
  ])

  const plans = new Map<string, PlanCourse[]>()
  for (const item of planItems) {
    const c = item.course
    const list = plans.get(item.majorId) ?? []
    list.push({ code: c.code, name: c.name, credits: Number(c.credits), kind: c.kind, taskCodes: c.tasks.map((t) => taskKey(c.code, t.code)) })
    plans.set(item.majorId, list)
  }

  const byEnrollment = new Map<string, StudyRecords>()
  const of = (id: string): StudyRecords => {
    let r = byEnrollment.get(id)
    if (!r) {
      r = { tasks: [], results: [], exemptions: [], moral: null, withdrawal: null, earlyGraduation: null }
      byEnrollment.set(id, r)
    }
    return r
  }
  for (const t of tasks) of(t.enrollmentId).tasks.push(taskKey(t.task.course.code, t.task.code))
  for (const x of results)
    of(x.enrollmentId).results.push({ courseCode: x.course.code, passed: x.passed, score: Number(x.score), at: x.createdAt.toISOString() })
  for (const x of exemptions) {
    of(x.enrollmentId).exemptions.push({
      courseCode: x.course?.code ?? null,
      mode: x.mode,
      credits: x.credits === null ? null : Number(x.credits),
      status: 'approved',
    })
  }
  for (const m of morals) of(m.enrollmentId).moral = { passed: m.passed }
  for (const w of withdrawals) of(w.enrollmentId).withdrawal = { date: dateOnly(w.withdrawnOn), reason: w.reason }
  for (const g of early) {
    // A decision made after asOf was still pending on that day.
    of(g.enrollmentId).earlyGraduation = g.status !== 'pending' && g.reviewedAt && g.reviewedAt >= before ? 'pending' : g.status
  }
  return { plans, of }
}
