/**
 * "How much do I still need, and how much a week is enough?" for the learner
 * home (issue 13): from the minutes still missing, the time left until the
 * window's last day, and the program's minutes per 学时. Pure.
 *
 * - met: nothing missing;
 * - open: no end date, so no pace (只说还差多少);
 * - ended: asOf is after the last day (已结束，没学够);
 * - weekly: at least 7 days left: 学时 per week = missing ÷ (days left ÷ 7),
 *   rounded UP to whole 学时 (to a tenth below 1 学时), so that keeping the pace
 *   always finishes in time;
 * - daily: under 7 days left: 学时 per day over the days left, rounded up the same way.
 * Days left count asOf and the last day (both inclusive: on the last day, one day is left).
 * The missing 学时 are rounded up the same way: a learner told 还差 268 is never short after 268.
 */

export type StudyPace =
  | { kind: 'met' }
  | { kind: 'open'; missingHours: number }
  | { kind: 'ended'; missingHours: number; endDate: string }
  | { kind: 'weekly'; missingHours: number; perWeekHours: number; daysLeft: number; endDate: string }
  | { kind: 'daily'; missingHours: number; perDayHours: number; daysLeft: number; endDate: string }

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000

/** Rounds a positive 学时 amount up: whole 学时 from 1 up, tenths below (0.04 → 0.1, 5.01 → 6). */
export function roundUpHours(hours: number): number {
  if (hours <= 0) return 0
  if (hours >= 1) return Math.ceil(hours - 1e-9)
  return Math.ceil(hours * 10 - 1e-9) / 10
}

export function studyPace({
  missingMinutes,
  endDate,
  asOf,
  minutesPerHour,
}: {
  missingMinutes: number
  /** The window's last day (YYYY-MM-DD), or null when open-ended. */
  endDate: string | null
  asOf: string
  minutesPerHour: number
}): StudyPace {
  if (missingMinutes <= 0) return { kind: 'met' }
  // Rounded up like the pace (268.2 → 269; below 1 学时 in tenths, never "还差 0.0 学时" while a few minutes are missing).
  const missingHours = roundUpHours(missingMinutes / minutesPerHour)
  if (endDate === null) return { kind: 'open', missingHours }
  const daysLeft = dayNumber(endDate) - dayNumber(asOf) + 1
  if (daysLeft <= 0) return { kind: 'ended', missingHours, endDate }
  const exactHours = missingMinutes / minutesPerHour
  if (daysLeft < 7) return { kind: 'daily', missingHours, perDayHours: roundUpHours(exactHours / daysLeft), daysLeft, endDate }
  return { kind: 'weekly', missingHours, perWeekHours: roundUpHours(exactHours / (daysLeft / 7)), daysLeft, endDate }
}

/** 学时 as a learner reads them: 268, 12.5 (no trailing .0). */
export const plainHours = (h: number) => (Number.isInteger(h) ? String(h) : h.toFixed(1))
