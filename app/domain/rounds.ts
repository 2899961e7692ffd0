/**
 * Teacher-training rounds (培训项目, DESIGN.md §2.2, §11 "Rounds"): when a
 * round enrollment counts as ended, the outcome frozen with it, the round's
 * programme (planned 学时 per kind adding up to its requirement) and its tags.
 * Pure: dates are Beijing YYYY-MM-DD strings; 学时 have at most one decimal.
 */
import type { OutcomeReason, OutcomeStatus } from './outcomes.ts'

// ─── Rounds that close ───────────────────────────────────────────────────

/** A round has ended on the day after its end date (the end date itself is still a training day). */
export function roundHasEnded(endDate: string | null, today: string): boolean {
  return endDate !== null && today > endDate
}

export type EnrollmentStatusName = 'active' | 'withdrawn' | 'graduated' | 'completed'

/**
 * The status an enrollment has as of `today`: an active round enrollment whose round has ended is
 * `completed` even before closeEndedRounds (the nightly job) has written it; nothing else changes.
 */
export function effectiveEnrollmentStatus(
  e: { status: EnrollmentStatusName; groupKind: 'class' | 'round'; groupEnd: string | null },
  today: string,
): EnrollmentStatusName {
  return e.status === 'active' && e.groupKind === 'round' && roundHasEnded(e.groupEnd, today) ? 'completed' : e.status
}

export const FINAL_OUTCOMES = ['round_complete', 'round_incomplete'] as const
export type FinalOutcome = (typeof FINAL_OUTCOMES)[number]

/** The outcome a round enrollment is closed with: the engine's, after the round's end (complete or not). */
export function finalOutcomeOf(status: OutcomeStatus): FinalOutcome {
  return status === 'round_complete' ? 'round_complete' : 'round_incomplete'
}

/**
 * A closed round enrollment keeps the outcome it was closed with, even if the ledger says otherwise
 * later (a late correction): the engine's reasons when they agree, the plain statement otherwise.
 */
export function applyFrozenOutcome<O extends { status: OutcomeStatus; reasons: OutcomeReason[] }>(
  computed: O,
  frozen: FinalOutcome | null,
  roundEnd: string | null,
): O {
  if (!frozen || computed.status === frozen) return computed
  const reasons: OutcomeReason[] =
    frozen === 'round_complete'
      ? [{ key: 'outcomes.reason.roundComplete' }]
      : roundEnd
        ? [{ key: 'outcomes.reason.roundEnded', params: { date: { date: roundEnd } } }]
        : []
  return { ...computed, status: frozen, reasons }
}

// ─── Round programmes ────────────────────────────────────────────────────

/** The kinds of 学时 a round plans (the hour categories the round requirement counts). */
export const PLAN_KINDS = ['concentrated', 'online', 'school_based'] as const
export type PlanKind = (typeof PLAN_KINDS)[number]
export type PlannedHours = Record<PlanKind, number | null>

/** A round template's session kinds (content/catalog/round-templates.yaml) as plan kinds. */
const TEMPLATE_KIND: Record<string, PlanKind> = { 'face-to-face': 'concentrated', online: 'online', 'school-based': 'school_based' }

const tenths = (hours: number) => Math.round(hours * 10)

/** Planned 学时 per kind of a template's sessions (null for a kind it has none of), and the courses of its online modules in order. */
export function templateProgramme(sessions: readonly { kind: string; hours: number; course?: string }[]): { planned: PlannedHours; courseCodes: string[] } {
  const sums: Record<PlanKind, number | null> = { concentrated: null, online: null, school_based: null }
  const courseCodes: string[] = []
  for (const s of sessions) {
    const kind = TEMPLATE_KIND[s.kind]
    if (!kind) continue
    sums[kind] = (tenths(sums[kind] ?? 0) + tenths(s.hours)) / 10
    if (s.course && !courseCodes.includes(s.course)) courseCodes.push(s.course)
  }
  return { planned: sums, courseCodes }
}

/** Whether a programme is given at all (any kind planned). */
export const hasProgramme = (planned: PlannedHours) => PLAN_KINDS.some((k) => planned[k] !== null)

export type PlanProblem = { code: 'plan_sum'; total: number; required: number } | { code: 'online_modules_short'; planned: number; available: number }

/**
 * What is wrong with a round's programme, or null: the planned 学时 of the three kinds (a kind left
 * empty counts 0) must add up to the round's requirement, and the online modules' lessons must be
 * able to yield the planned online 学时 (`availableOnlineHours`: their nominal lengths in 学时). A
 * round without a programme (nothing planned) has nothing wrong.
 */
export function planProblem(input: { requiredHours: number; planned: PlannedHours; availableOnlineHours: number }): PlanProblem | null {
  if (!hasProgramme(input.planned)) return null
  const total = PLAN_KINDS.reduce((sum, k) => sum + tenths(input.planned[k] ?? 0), 0)
  if (total !== tenths(input.requiredHours)) return { code: 'plan_sum', total: total / 10, required: input.requiredHours }
  const online = input.planned.online ?? 0
  if (online > 0 && input.availableOnlineHours + 1e-9 < online) {
    return { code: 'online_modules_short', planned: online, available: Math.floor(input.availableOnlineHours * 10) / 10 }
  }
  return null
}

// ─── Round tags ──────────────────────────────────────────────────────────

/**
 * The fixed vocabulary of round tags a coordinator sets on a round, so a bureau target can count a
 * subset ("500 人次 of rural principals and teachers over 2021–2025"). Labels live in app/i18n
 * (`rounds.tag.<tag>`); stored as these codes in Group.tags.
 */
export const ROUND_TAGS = ['rural', 'principal', 'backbone', 'head_teacher', 'new_teacher', 'inspector'] as const
export type RoundTag = (typeof ROUND_TAGS)[number]

export const isRoundTag = (value: unknown): value is RoundTag => typeof value === 'string' && (ROUND_TAGS as readonly string[]).includes(value)

/** Tags in the vocabulary's order, each once; anything outside the vocabulary is dropped. */
export function normalizeRoundTags(values: Iterable<unknown>): RoundTag[] {
  const given = new Set([...values].filter(isRoundTag))
  return ROUND_TAGS.filter((t) => given.has(t))
}
