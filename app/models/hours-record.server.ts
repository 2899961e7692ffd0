/**
 * A person's 学时档案: every ledger entry (listHourEntries), totals per
 * program and category, and for programs with a cycle requirement (teachers'
 * 360 学时 per 5 years) each cycle's total from loadProgress, so the figure
 * agrees with every other screen. The page (app/components/hours-record.tsx),
 * the PDF and the xlsx (hours-record-documents.server.ts) all show this one
 * loaded record; who may load whose is decided here.
 */
import { categoryTotals, cycleLabel, cyclesTouched, numberEntries, type HourSource, type LedgerRow } from '#app/domain/hours-record.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { dateOnly } from '#app/domain/time.ts'
import type { Db } from '#app/utils/db.server.ts'
import { findPersonInScope, selfPersonId, type CurrentUser } from './access.server.ts'
import { listHourEntries } from './ledger.server.ts'
import { loadEnrollmentProgress, onlineMinutes } from './progress.server.ts'

export type HoursRecord = Awaited<ReturnType<typeof loadHoursRecord>>

/** The caller's own record (a learner or teacher), or null for an account without a person of its own. */
export async function loadOwnHoursRecord(db: Db, user: CurrentUser, asOf: string): Promise<HoursRecord | null> {
  const personId = selfPersonId(user)
  return personId ? loadHoursRecord(db, personId, asOf) : null
}

/** A person's record as a coordinator (or the admin) sees it: NotFoundError for a person outside their scope. */
export async function loadPersonHoursRecord(db: Db, user: CurrentUser, personId: string, asOf: string): Promise<HoursRecord> {
  const person = await findPersonInScope(db, user, personId, PEOPLE_MANAGERS, { id: true })
  return loadHoursRecord(db, person.id, asOf)
}

export async function loadHoursRecord(db: Db, personId: string, asOf: string) {
  const person = await db.person.findUniqueOrThrow({ where: { id: personId }, select: { id: true, name: true, idMasked: true, kind: true } })
  const [rows, enrollments, unfolded] = await Promise.all([
    listHourEntries(db, { personId }),
    db.enrollment.findMany({
      where: { personId },
      orderBy: [{ startDate: 'desc' }, { id: 'asc' }],
      select: { id: true, programId: true, program: { select: { code: true, name: true, minutesPerHour: true } } },
    }),
    db.onlineCredit.findMany({ where: { personId, foldedAt: null, seconds: { gte: 60 } }, select: { seconds: true } }),
  ])
  const programOfEnrollment = new Map(enrollments.map((e) => [e.id, e.program]))

  const ledgerRows: LedgerRow[] = rows.map((r) => {
    const program = programOfEnrollment.get(r.enrollmentId)!
    return {
      id: r.id.toString(),
      date: dateOnly(r.occurredOn),
      groupName: r.enrollment.group.name,
      groupCode: r.enrollment.group.code,
      programCode: program.code,
      minutesPerHour: program.minutesPerHour,
      category: r.category,
      source: r.source as HourSource,
      minutes: r.minutes,
      reason: r.reason,
      correctsId: r.correctsId?.toString() ?? null,
    }
  })
  const entries = numberEntries(ledgerRows)

  // One block of totals per program (a person is nearly always in one), and its cycles.
  const programs = [...new Map(enrollments.map((e) => [e.programId, e])).values()]
  const blocks = []
  for (const latest of programs) {
    const mine = ledgerRows.filter((r) => r.programCode === latest.program.code)
    const totals = categoryTotals(mine, latest.program.minutesPerHour)
    const cycles = await cycleTotals(
      db,
      latest.id,
      mine.map((r) => r.date),
      asOf,
    )
    if (mine.length === 0 && cycles.length === 0) continue
    blocks.push({ programCode: latest.program.code, programName: latest.program.name, minutesPerHour: latest.program.minutesPerHour, ...totals, cycles })
  }

  return {
    person,
    asOf,
    entries,
    programs: blocks,
    /** Online minutes credited but not yet folded into ledger entries (they count in the cycle totals already). */
    pendingOnlineMinutes: unfolded.reduce((n, c) => n + onlineMinutes(c.seconds), 0),
  }
}

/**
 * Every cycle the record touches, evaluated by the one engine as of the
 * cycle's last day (or today, for the current cycle).
 */
async function cycleTotals(db: Db, enrollmentId: string, dates: string[], asOf: string) {
  const now = await loadEnrollmentProgress(db, enrollmentId, asOf)
  if (!now) return []
  const requirement = now.policy.requirements.find((r) => r.kind === 'min_hours' && r.window.kind === 'cycle')
  if (!requirement || requirement.window.kind !== 'cycle') return []
  const results = []
  for (const window of cyclesTouched(requirement.window, dates, asOf)) {
    const evalAsOf = window.end && window.end < asOf ? window.end : asOf
    const progress = evalAsOf === asOf ? now : await loadEnrollmentProgress(db, enrollmentId, evalAsOf)
    const r = progress?.evaluation.requirements.find((x) => x.code === requirement.code)
    if (!r) continue
    results.push({
      code: r.code,
      label: r.label,
      cycle: cycleLabel(window),
      start: window.start,
      end: window.end,
      current: window.start <= asOf && (window.end === null || asOf <= window.end),
      requiredMinutes: r.requiredMinutes ?? 0,
      earnedMinutes: r.earnedMinutes ?? 0,
      requiredHours: r.requiredHours ?? 0,
      earnedHours: r.earnedHours ?? 0,
      met: r.met,
    })
  }
  return results
}
