/**
 * Reminder rules (DESIGN.md §5, §11 "Reminders"): pure functions from an
 * enrollment's evaluated requirements and the Beijing date to the reminders
 * it is due, each with a dedup key that the database keeps unique, so a sweep
 * run twice or a job retried after a crash sends nothing twice.
 *
 * Dedup keys: sweep rules are keyed by person, rule and period — the ISO week
 * for "behind pace", the month for the 5-year cycle, the enrollment's period
 * end for "period ending" (once at 30 days, once at 7) — so a rule fires at
 * most once per person per week. Session reminders and decision notices are
 * keyed by the session or the decision.
 */
import { minutesToHours } from './requirements.ts'

export type ReminderRule =
  'behind_pace' | 'period_ending_30' | 'period_ending_7' | 'cycle_behind' | 'session_tomorrow' | 'decision' | 'coordinator_digest' | 'quarterly_report_due'

export type EvaluatedRequirementLike = {
  code: string
  kind: 'min_hours' | 'not_below' | 'min_count'
  blocking: boolean
  met: boolean
  requiredMinutes?: number
  earnedMinutes?: number
  window: { start: string; end: string | null }
}

export type SweepSubject = {
  enrollmentId: string
  personId: string
  status: string
  minutesPerHour: number
  /** The enrollment's last day (null: open-ended). */
  periodEnd: string | null
  requirements: EvaluatedRequirementLike[]
  pace: { behind: boolean; requirementCode: string | null; expectedMinutes: number; earnedMinutes: number }
  /** Codes of requirements whose window is a multi-year cycle (teachers' 360 学时 per 5 years). */
  cycleRequirementCodes?: string[]
}

export type DueReminder = { rule: ReminderRule; personId: string; enrollmentId: string | null; dedupKey: string; params: Record<string, string> }

const DAY = 86_400_000
const dayNumber = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY)
export const daysBetween = (from: string, to: string) => dayNumber(to) - dayNumber(from)

/** ISO 8601 week of a calendar date, e.g. "2026-W49". */
export function isoWeek(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  const weekday = d.getUTCDay() || 7 // Monday 1 … Sunday 7
  d.setUTCDate(d.getUTCDate() + 4 - weekday) // the week's Thursday decides its year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1)
  const week = Math.ceil(((d.getTime() - yearStart) / DAY + 1) / 7)
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`
}

/** "3月1日" — the way a deadline is said in an SMS. */
export function shortChineseDate(date: string): string {
  const [, m, d] = date.split('-').map(Number) as [number, number, number]
  return `${m}月${d}日`
}

const hoursText = (minutes: number, minutesPerHour: number) => {
  const h = minutesToHours(Math.max(0, minutes), minutesPerHour)
  return Number.isInteger(h) ? String(h) : h.toFixed(1)
}

/** The reminders a daily sweep owes one enrollment on `today` (Beijing). Only active enrollments get any. */
export function dueSweepReminders(s: SweepSubject, today: string): DueReminder[] {
  if (s.status !== 'active') return []
  const out: DueReminder[] = []
  const blockingUnmet = s.requirements.filter((r) => r.blocking && !r.met && r.kind === 'min_hours')
  const periodEnd = s.periodEnd
  const daysLeft = periodEnd ? daysBetween(today, periodEnd) : null

  // Period ending: once when 30 days or fewer are left, once more at 7 or fewer, while a blocking requirement is unmet.
  if (periodEnd && daysLeft !== null && daysLeft >= 0 && blockingUnmet.length > 0) {
    const first = blockingUnmet[0]!
    const missing = (first.requiredMinutes ?? 0) - (first.earnedMinutes ?? 0)
    const rule: ReminderRule | null = daysLeft <= 7 ? 'period_ending_7' : daysLeft <= 30 ? 'period_ending_30' : null
    if (rule) {
      out.push({
        rule,
        personId: s.personId,
        enrollmentId: s.enrollmentId,
        dedupKey: `${rule}:${s.personId}:${s.enrollmentId}:${periodEnd}`,
        params: { hours: hoursText(missing, s.minutesPerHour), deadline: shortChineseDate(periodEnd) },
      })
    }
  }

  // Behind pace (not in the last 30 days, where "period ending" speaks instead): once per person per ISO week.
  const paced = s.requirements.find((r) => r.code === s.pace.requirementCode)
  if (s.pace.behind && paced && !paced.met && (daysLeft === null || daysLeft > 30)) {
    const missingNow = s.pace.expectedMinutes - s.pace.earnedMinutes
    const remaining = (paced.requiredMinutes ?? 0) - (paced.earnedMinutes ?? 0)
    const weeksLeft = daysLeft === null ? null : Math.max(1, Math.ceil(daysLeft / 7))
    out.push({
      rule: 'behind_pace',
      personId: s.personId,
      enrollmentId: s.enrollmentId,
      dedupKey: `behind_pace:${s.personId}:${isoWeek(today)}`,
      params: {
        hours: hoursText(missingNow, s.minutesPerHour),
        perWeek: weeksLeft === null ? hoursText(remaining, s.minutesPerHour) : hoursText(Math.ceil(remaining / weeksLeft), s.minutesPerHour),
      },
    })
  }

  // The 5-year cycle behind its straight line: at most once a month.
  for (const code of s.cycleRequirementCodes ?? []) {
    const r = s.requirements.find((x) => x.code === code)
    if (!r || r.met || r.kind !== 'min_hours' || !r.window.end) continue
    const total = daysBetween(r.window.start, r.window.end) + 1
    const elapsed = Math.min(total, Math.max(0, daysBetween(r.window.start, today) + 1))
    const expected = ((r.requiredMinutes ?? 0) * elapsed) / total
    if ((r.earnedMinutes ?? 0) >= expected * 0.9) continue
    out.push({
      rule: 'cycle_behind',
      personId: s.personId,
      enrollmentId: s.enrollmentId,
      dedupKey: `cycle_behind:${s.personId}:${today.slice(0, 7)}`,
      params: {
        cycle: `${r.window.start.slice(0, 4)}-${r.window.end.slice(0, 4)}`,
        hours: hoursText((r.requiredMinutes ?? 0) - (r.earnedMinutes ?? 0), s.minutesPerHour),
      },
    })
    break
  }
  return out
}

/** Quiet hours for SMS and email: 21:00–08:00 Beijing time. */
export const QUIET_START_HOUR = 21
export const QUIET_END_HOUR = 8

/**
 * When a message may go out: `now` outside quiet hours, else the next 08:00
 * Beijing time (delayed, never dropped). In-app notifications are never held.
 */
export function sendAfter(now: Date, channel: 'in_app' | 'sms' | 'email'): Date {
  if (channel === 'in_app') return now
  const beijing = new Date(now.getTime() + 8 * 3600_000)
  const hour = beijing.getUTCHours()
  if (hour >= QUIET_END_HOUR && hour < QUIET_START_HOUR) return now
  const day = new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), beijing.getUTCDate() + (hour >= QUIET_START_HOUR ? 1 : 0)))
  // 08:00 Beijing is 00:00 UTC of the same calendar day.
  return new Date(day.getTime() + (QUIET_END_HOUR - 8) * 3600_000)
}

/** Retry delays for a failed delivery: exponential from 30 s, at most 6 tries in all. */
export const DELIVERY_ATTEMPTS = 6
export function retryDelayMs(attempt: number): number {
  return 30_000 * 2 ** Math.max(0, attempt - 1)
}
