/**
 * Facts for the requirement engine, read from the ledger. Every screen, API
 * answer and (later) reminder and certificate decision gets an enrollment's
 * progress from here, so all of them agree.
 */
import type { Policy } from '#app/domain/policy.ts'
import { evaluateRequirements, type Evaluation, type HourFact, type RequirementFacts } from '#app/domain/requirements.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { getPolicy } from './policies.server.ts'

const dateOnly = (d: Date) => d.toISOString().slice(0, 10)

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
      group: { select: { id: true, code: true, name: true, kind: true, startDate: true, endDate: true, requiredMinutes: true } },
      program: { select: { code: true, name: true, minutesPerHour: true } },
    },
  })
}

export type EnrollmentProgress = {
  enrollment: EnrollmentForFacts
  policy: Policy
  facts: RequirementFacts
  evaluation: Evaluation
  asOf: string
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

  const [ledger, unfolded] = await Promise.all([
    db.hourEntry.groupBy({
      by: ['enrollmentId', 'personId', 'category', 'occurredOn'],
      where: { personId: { in: personIds }, occurredOn: { lte: asOfDate } },
      _sum: { minutes: true },
    }),
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
  for (const row of ledger) add(row.personId, row.enrollmentId, { category: row.category, minutes: row._sum.minutes ?? 0, date: dateOnly(row.occurredOn) })
  for (const c of unfolded) add(c.personId, c.enrollmentId, { category: 'online', minutes: onlineMinutes(c.seconds), date: dateOnly(c.day) })

  // Other enrollments count only in person-level windows, and only within the same program.
  const programOf = new Map<string, string>()
  const others = await db.enrollment.findMany({ where: { personId: { in: personIds } }, select: { id: true, programId: true } })
  for (const o of others) programOf.set(o.id, o.programId)

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
    result.set(e.id, { enrollment: e, policy, facts, evaluation: evaluateRequirements({ policy, facts, asOf }), asOf })
  }
  return result
}

/** One enrollment's progress, or null when it does not exist. */
export async function loadEnrollmentProgress(db: Db | Tx, enrollmentId: string, asOf: string) {
  return (await loadProgress(db, [enrollmentId], asOf)).get(enrollmentId) ?? null
}

/** Online seconds are credited in whole minutes. */
export const onlineMinutes = (seconds: number) => Math.floor(seconds / 60)

function factsOf(e: EnrollmentForFacts, entries: HourFact[], otherEntries: HourFact[]): RequirementFacts {
  const isRound = e.group.kind === 'round'
  const periodEnd = e.periodEnd ? dateOnly(e.periodEnd) : e.group.endDate ? dateOnly(e.group.endDate) : undefined
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
