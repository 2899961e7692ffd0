/**
 * Numbers for showing one hour requirement (a ring or a bar): how full, what
 * is earned and required in 学时, and what is still missing. Met/unmet is
 * decided on exact minutes; 学时 (one decimal) are only for display, so when
 * the 学时 look equal but minutes are still short, the gap is said in minutes.
 */
import { minutesToHours } from './requirements.ts'

export type Missing =
  | { kind: 'none' }
  /** Still short by this many 学时 (one decimal), e.g. 还差 12.5 学时. */
  | { kind: 'hours'; hours: number; minutes: number }
  /** Short by a few minutes that round away in 学时, e.g. 还差 1 分钟. */
  | { kind: 'minutes'; minutes: number }

export type ProgressDisplay = {
  met: boolean
  /** Whole percent 0–100; 100 only when met, never above. */
  percent: number
  earnedHours: number
  requiredHours: number
  missing: Missing
}

export function progressDisplay({
  earnedMinutes,
  requiredMinutes,
  minutesPerHour,
}: {
  earnedMinutes: number
  requiredMinutes: number
  minutesPerHour: number
}): ProgressDisplay {
  const earned = Math.max(0, earnedMinutes)
  const required = Math.max(0, requiredMinutes)
  const earnedHours = minutesToHours(earned, minutesPerHour)
  const requiredHours = minutesToHours(required, minutesPerHour)
  const missingMinutes = required - earned
  if (missingMinutes <= 0) return { met: true, percent: 100, earnedHours, requiredHours, missing: { kind: 'none' } }
  // Unmet never shows 100 %, however close; anything earned shows at least 1 %.
  const percent = Math.min(99, Math.max(earned > 0 ? 1 : 0, Math.floor((earned / required) * 100)))
  const missingHours = minutesToHours(missingMinutes, minutesPerHour)
  const missing: Missing =
    missingHours === 0 || earnedHours >= requiredHours
      ? { kind: 'minutes', minutes: missingMinutes }
      : { kind: 'hours', hours: missingHours, minutes: missingMinutes }
  return { met: false, percent, earnedHours, requiredHours, missing }
}

/** 学时 with exactly one decimal for display (123 → "123.0"). */
export const formatHours = (hours: number) => hours.toFixed(1)

/** One requirement ready to show (computed on the server; the component only renders). */
export type RequirementView =
  /** `compare`: a not-below rule, whose "required" is the compared categories' total (e.g. concentrated hours). */
  | { code: string; label: string; blocking: boolean; kind: 'hours'; compare: boolean; display: ProgressDisplay }
  | { code: string; label: string; blocking: boolean; kind: 'count'; met: boolean; percent: number; earned: number; required: number }

export type PaceView = { behind: boolean; expectedHours: number }

type EvaluatedRequirement = {
  code: string
  label: string
  blocking: boolean
  kind: 'min_hours' | 'not_below' | 'min_count'
  requiredMinutes?: number
  earnedMinutes?: number
  requiredCount?: number
  earnedCount?: number
}

export function requirementViews(requirements: readonly EvaluatedRequirement[], minutesPerHour: number): RequirementView[] {
  return requirements.map((r) => {
    const base = { code: r.code, label: r.label, blocking: r.blocking }
    if (r.kind === 'min_count') {
      const earned = r.earnedCount ?? 0
      const required = r.requiredCount ?? 0
      const met = earned >= required
      const percent = met ? 100 : Math.min(99, Math.floor((earned / required) * 100))
      return { ...base, kind: 'count', met, percent, earned, required }
    }
    return {
      ...base,
      kind: 'hours',
      compare: r.kind === 'not_below',
      display: progressDisplay({ earnedMinutes: r.earnedMinutes ?? 0, requiredMinutes: r.requiredMinutes ?? 0, minutesPerHour }),
    }
  })
}

export function paceView(pace: { behind: boolean; expectedMinutes: number }, minutesPerHour: number): PaceView {
  return { behind: pace.behind, expectedHours: minutesToHours(pace.expectedMinutes, minutesPerHour) }
}
