/**
 * The requirement engine (DESIGN.md §2.3): one pure function that measures an
 * enrollment's facts (ledger entries, observations, dates, roles) against its
 * program's policy. Every screen, API answer, reminder and certificate
 * decision uses it.
 *
 * Rules: dates are Beijing YYYY-MM-DD strings; a window includes its first and
 * last day; only facts dated inside the window and on or before `asOf` count;
 * corrections (negative minutes) count by their own date and subtract, and the
 * reported total is never below 0. Met/unmet is decided on exact minutes, 学时
 * are for display only.
 */
import type { HourCategory, Policy, Requirement, RequirementWindow } from './policy.ts'
import { isIsoDate } from './time.ts'

export type HourFact = { category: HourCategory; minutes: number; date: string }

export type RequirementFacts = {
  /** The enrollment's start date. */
  startDate: string
  /** The enrollment's last day (start date + study years, or the round's end). Open-ended when absent. */
  periodEnd?: string
  /** The group's (round's) window; `round` requirements fall back to the enrollment period without it. */
  roundWindow?: { start: string; end: string }
  /** The round's own required minutes, replacing `minHours` of `overridable` requirements. */
  requiredMinutesOverride?: number
  /** The person's roles, e.g. `inspector`, `principal`; requirements with a role filter need one of them. */
  roles?: string[]
  /** This enrollment's ledger entries. */
  entries: HourFact[]
  /**
   * The same person's entries in other enrollments (e.g. other rounds). They count only in
   * person-level windows (cycle, calendar year, semester), never in this enrollment's or round's.
   */
  otherEntries?: HourFact[]
  /** Lessons observed (听课评课), for `min_count` requirements on `observations`. */
  observations?: { date: string }[]
}

/** Inclusive dates; `end` is null for an enrollment without a period end. */
export type DateWindow = { start: string; end: string | null }

export type RequirementResult = {
  code: string
  kind: Requirement['kind']
  label: string
  blocking: boolean
  met: boolean
  window: DateWindow
  /** `min_hours`: the minimum; `not_below`: the compared categories' total. */
  requiredMinutes?: number
  earnedMinutes?: number
  requiredHours?: number
  earnedHours?: number
  /** `min_count` only. */
  requiredCount?: number
  earnedCount?: number
}

/**
 * Straight-line pace of the first blocking `min_hours` requirement (`requirementCode`):
 * the share of its window elapsed through `asOf` times its required minutes.
 */
export type Pace = {
  requirementCode: string | null
  expectedMinutes: number
  earnedMinutes: number
  behind: boolean
  shareOfPeriod: number
}

export type Evaluation = { requirements: RequirementResult[]; pace: Pace }

/** How far below the straight line a learner may fall before counting as behind. */
export const DEFAULT_PACE_MARGIN = 0.1

/** Minutes as 学时 with one decimal (half away from zero). */
export function minutesToHours(minutes: number, minutesPerHour: number): number {
  const tenths = Math.round((Math.abs(minutes) * 10) / minutesPerHour)
  return tenths === 0 ? 0 : (Math.sign(minutes) * tenths) / 10
}

/** Evaluate every requirement of `policy` that applies to these facts, as of a Beijing date. */
export function evaluateRequirements({
  policy,
  facts,
  asOf,
  paceMargin = DEFAULT_PACE_MARGIN,
}: {
  policy: Policy
  facts: RequirementFacts
  asOf: string
  paceMargin?: number
}): Evaluation {
  checkFacts(facts, asOf)
  const applicable = policy.requirements.filter((r) => !r.roles || r.roles.some((role) => facts.roles?.includes(role)))
  const requirements = applicable.map((r) => evaluateOne(r, policy, facts, asOf))
  return { requirements, pace: paceOf(requirements, asOf, paceMargin) }
}

function evaluateOne(req: Requirement, policy: Policy, facts: RequirementFacts, asOf: string): RequirementResult {
  const window = windowFor(req.window, facts, asOf)
  const base = { code: req.code, kind: req.kind, blocking: req.blocking, window }
  const hours = (minutes: number) => minutesToHours(minutes, policy.minutesPerHour)
  const entries = isPersonLevel(req.window) ? [...facts.entries, ...(facts.otherEntries ?? [])] : facts.entries

  const hourResult = (requiredMinutes: number, earnedMinutes: number): RequirementResult => ({
    ...base,
    label: fillLabel(req.label, { hours: hours(requiredMinutes) }),
    met: earnedMinutes >= requiredMinutes,
    requiredMinutes,
    earnedMinutes,
    requiredHours: hours(requiredMinutes),
    earnedHours: hours(earnedMinutes),
  })

  switch (req.kind) {
    case 'min_hours': {
      const override = req.overridable ? facts.requiredMinutesOverride : undefined
      const required = override ?? Math.round(req.minHours * policy.minutesPerHour)
      return hourResult(required, Math.max(0, sumMinutes(entries, req.categories, window, asOf)))
    }
    case 'not_below':
      return hourResult(Math.max(0, sumMinutes(entries, req.compareTo, window, asOf)), Math.max(0, sumMinutes(entries, req.categories, window, asOf)))
    case 'min_count': {
      const earnedCount = (facts.observations ?? []).filter((o) => counts(o.date, window, asOf)).length
      return {
        ...base,
        label: fillLabel(req.label, { count: req.minCount }),
        met: earnedCount >= req.minCount,
        requiredCount: req.minCount,
        earnedCount,
      }
    }
  }
}

/** The concrete dates of a policy window for these facts, as of a date. */
export function windowFor(window: RequirementWindow, facts: RequirementFacts, asOf: string): DateWindow {
  const year = Number(asOf.slice(0, 4))
  const month = Number(asOf.slice(5, 7))
  switch (window.kind) {
    case 'enrollment':
      return { start: facts.startDate, end: facts.periodEnd ?? null }
    case 'round':
      return facts.roundWindow ? { ...facts.roundWindow } : { start: facts.startDate, end: facts.periodEnd ?? null }
    case 'calendar_year':
      return { start: `${year}-01-01`, end: `${year}-12-31` }
    case 'semester':
      if (month === 1) return { start: `${year - 1}-08-01`, end: `${year}-01-31` }
      if (month >= 8) return { start: `${year}-08-01`, end: `${year + 1}-01-31` }
      return { start: `${year}-02-01`, end: `${year}-07-31` }
    case 'cycle': {
      const first = window.anchorYear + Math.floor((year - window.anchorYear) / window.years) * window.years
      return { start: `${first}-01-01`, end: `${first + window.years - 1}-12-31` }
    }
  }
}

/** Windows that belong to the person rather than to one enrollment. */
function isPersonLevel(window: RequirementWindow): boolean {
  return window.kind === 'calendar_year' || window.kind === 'semester' || window.kind === 'cycle'
}

/** A fact dated `date` counts when it lies in the window (edges included) and not after asOf. */
function counts(date: string, window: DateWindow, asOf: string): boolean {
  return date >= window.start && (window.end === null || date <= window.end) && date <= asOf
}

/** Exact (signed) sum of the minutes of some categories inside a window. */
function sumMinutes(entries: HourFact[], categories: readonly HourCategory[], window: DateWindow, asOf: string): number {
  let total = 0
  for (const e of entries) if (categories.includes(e.category) && counts(e.date, window, asOf)) total += e.minutes
  return total
}

function paceOf(results: RequirementResult[], asOf: string, margin: number): Pace {
  const target = results.find((r) => r.blocking && r.kind === 'min_hours')
  const earnedMinutes = target?.earnedMinutes ?? 0
  if (!target || target.window.end === null) {
    return { requirementCode: target?.code ?? null, expectedMinutes: 0, earnedMinutes, behind: false, shareOfPeriod: 0 }
  }
  const { start, end } = target.window
  // Days elapsed through the end of asOf, out of the window's days (both inclusive).
  const share = Math.min(1, Math.max(0, (dayNumber(asOf) - dayNumber(start) + 1) / (dayNumber(end) - dayNumber(start) + 1)))
  const expectedMinutes = Math.round(share * (target.requiredMinutes ?? 0))
  return {
    requirementCode: target.code,
    expectedMinutes,
    earnedMinutes,
    behind: earnedMinutes < expectedMinutes * (1 - margin),
    shareOfPeriod: share,
  }
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000

/** Labels may say `{hours}` (required 学时) or `{count}`, e.g. 本轮培训不少于 {hours} 学时. */
function fillLabel(label: string, values: { hours?: number; count?: number }): string {
  return label.replace(/\{(hours|count)\}/g, (whole, key: 'hours' | 'count') => (values[key] === undefined ? whole : String(values[key])))
}

function checkFacts(facts: RequirementFacts, asOf: string): void {
  const dates = {
    asOf,
    startDate: facts.startDate,
    periodEnd: facts.periodEnd,
    'roundWindow.start': facts.roundWindow?.start,
    'roundWindow.end': facts.roundWindow?.end,
  }
  for (const [name, value] of Object.entries(dates)) {
    if (value !== undefined && !isIsoDate(value)) throw new RangeError(`${name} must be a YYYY-MM-DD date, got ${JSON.stringify(value)}`)
  }
  const override = facts.requiredMinutesOverride
  if (override !== undefined && !(Number.isInteger(override) && override > 0)) {
    throw new RangeError(`requiredMinutesOverride must be a positive whole number of minutes, got ${override}`)
  }
}
