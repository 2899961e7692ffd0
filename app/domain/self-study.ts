/**
 * Rules for a learner's self-study log (DESIGN.md §3): a date that is not in
 * the future and lies inside the enrollment's period, 1–720 minutes, and no
 * more than 24 hours logged for one day (pending and approved logs count,
 * rejected ones do not).
 */
export const MIN_LOG_MINUTES = 1
export const MAX_LOG_MINUTES = 720
export const MAX_DAY_MINUTES = 24 * 60

export type SelfStudyProblem =
  | { code: 'future' }
  | { code: 'before_period'; start: string }
  | { code: 'after_period'; end: string }
  | { code: 'day_full'; alreadyMinutes: number; leftMinutes: number }

export function checkSelfStudyLog(opts: {
  date: string
  minutes: number
  today: string
  periodStart: string
  periodEnd: string | null
  /** Minutes already logged (pending or approved) by the person on `date`. */
  loggedThatDay: number
}): SelfStudyProblem | null {
  if (opts.date > opts.today) return { code: 'future' }
  if (opts.date < opts.periodStart) return { code: 'before_period', start: opts.periodStart }
  if (opts.periodEnd !== null && opts.date > opts.periodEnd) return { code: 'after_period', end: opts.periodEnd }
  if (opts.loggedThatDay + opts.minutes > MAX_DAY_MINUTES) {
    return { code: 'day_full', alreadyMinutes: opts.loggedThatDay, leftMinutes: Math.max(0, MAX_DAY_MINUTES - opts.loggedThatDay) }
  }
  return null
}

/** Minutes from the form's hours and minutes selects (either may be empty). */
export function durationMinutes(hours: number | undefined, minutes: number | undefined): number {
  return (hours ?? 0) * 60 + (minutes ?? 0)
}
