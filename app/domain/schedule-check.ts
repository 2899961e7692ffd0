/**
 * The class schedule check of skills-plus-credential (DESIGN.md §2.1):
 * concentrated teaching is scheduled so that a class has EITHER one day
 * (8 学时) every month, OR at least two blocks of ≥ 120 学时 every year.
 *
 * Definitions used here (the coordinator sees them on the group page):
 * - Sessions count by their Beijing date and planned minutes (cancelled
 *   sessions are left out by the caller). Only sessions dated inside the
 *   checked period count.
 * - Month rule: every calendar month lying wholly inside the period needs
 *   ≥ 8 学时 (8 × minutesPerHour planned minutes). A month only partly inside
 *   (the class starts on the 20th; the current month when checking "up to
 *   today") is shown with its minutes but is not required.
 * - Year: consecutive 12-month spans from the period's first day (the class's
 *   study years; for a calendar-year check, the calendar year). A span that
 *   ends after the period's last day is "open": it is shown but cannot fail.
 * - Block: sessions of one year, taken in date order, where each session is at
 *   most 7 days after the previous one; a gap of 8 days or more starts a new
 *   block. A block counts when its planned minutes total ≥ 120 学时.
 * - Block rule: every complete year has ≥ 2 counting blocks, and there is at
 *   least one complete year, or the open year already has 2.
 * - The class satisfies the schedule when either rule holds.
 */

export const MONTH_HOURS = 8
export const BLOCK_HOURS = 120
export const BLOCKS_PER_YEAR = 2
/** Sessions at most this many days apart belong to the same block. */
export const BLOCK_GAP_DAYS = 7

export type ScheduledSession = { date: string; plannedMinutes: number }
export type SchedulePeriod = { from: string; to: string }

export type MonthCheck = { month: string; minutes: number; required: boolean; met: boolean }
export type Block = { from: string; to: string; minutes: number; sessions: number; counts: boolean }
export type YearCheck = { from: string; to: string; complete: boolean; blocks: Block[]; countingBlocks: number; met: boolean }

export type ScheduleCheck = {
  monthMinutes: number
  blockMinutes: number
  months: MonthCheck[]
  missingMonths: string[]
  monthlyMet: boolean
  years: YearCheck[]
  blocksMet: boolean
  met: boolean
}

const toDate = (s: string) => new Date(`${s}T00:00:00Z`)
const iso = (d: Date) => d.toISOString().slice(0, 10)
const dayDiff = (a: string, b: string) => Math.round((toDate(b).getTime() - toDate(a).getTime()) / 86_400_000)
const addDays = (s: string, n: number) => iso(new Date(toDate(s).getTime() + n * 86_400_000))

/** YYYY-MM-DD + n months, clamped to the month's last day. */
function addMonths(s: string, n: number): string {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number]
  const first = new Date(Date.UTC(y, m - 1 + n, 1))
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate()
  first.setUTCDate(Math.min(d, last))
  return iso(first)
}

function monthsOf(period: SchedulePeriod): { month: string; first: string; last: string }[] {
  const out = []
  for (let first = `${period.from.slice(0, 7)}-01`; first <= period.to; first = addMonths(first, 1)) {
    out.push({ month: first.slice(0, 7), first, last: addDays(addMonths(first, 1), -1) })
  }
  return out
}

export function blocksOf(sessions: ScheduledSession[], blockMinutes: number): Block[] {
  const sorted = [...sessions].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  const blocks: Block[] = []
  for (const s of sorted) {
    const last = blocks[blocks.length - 1]
    if (last && dayDiff(last.to, s.date) <= BLOCK_GAP_DAYS) {
      last.to = s.date
      last.minutes += s.plannedMinutes
      last.sessions += 1
    } else {
      blocks.push({ from: s.date, to: s.date, minutes: s.plannedMinutes, sessions: 1, counts: false })
    }
  }
  for (const b of blocks) b.counts = b.minutes >= blockMinutes
  return blocks
}

export function checkSchedule(sessions: ScheduledSession[], period: SchedulePeriod, minutesPerHour: number): ScheduleCheck {
  const monthMinutes = MONTH_HOURS * minutesPerHour
  const blockMinutes = BLOCK_HOURS * minutesPerHour
  const inPeriod = sessions.filter((s) => s.date >= period.from && s.date <= period.to && s.plannedMinutes > 0)

  const months = monthsOf(period).map(({ month, first, last }) => {
    const minutes = inPeriod.filter((s) => s.date.startsWith(month)).reduce((sum, s) => sum + s.plannedMinutes, 0)
    const required = first >= period.from && last <= period.to
    return { month, minutes, required, met: minutes >= monthMinutes }
  })
  const missingMonths = months.filter((m) => m.required && !m.met).map((m) => m.month)
  const monthlyMet = months.some((m) => m.required) && missingMonths.length === 0

  const years: YearCheck[] = []
  for (let from = period.from; from <= period.to; from = addMonths(from, 12)) {
    const end = addDays(addMonths(from, 12), -1)
    const complete = end <= period.to
    const to = complete ? end : period.to
    const blocks = blocksOf(
      inPeriod.filter((s) => s.date >= from && s.date <= to),
      blockMinutes,
    )
    const countingBlocks = blocks.filter((b) => b.counts).length
    years.push({ from, to: end, complete, blocks, countingBlocks, met: countingBlocks >= BLOCKS_PER_YEAR })
  }
  const completeYears = years.filter((y) => y.complete)
  const blocksMet = completeYears.length > 0 ? completeYears.every((y) => y.met) : years.some((y) => y.met)

  return { monthMinutes, blockMinutes, months, missingMonths, monthlyMet, years, blocksMet, met: monthlyMet || blocksMet }
}
