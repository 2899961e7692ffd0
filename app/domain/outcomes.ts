/**
 * Course states, credits and the outcome of an enrollment (DESIGN.md §2.1,
 * 附件6 三(六)(七) of the 册亨县 action plan), on top of the requirement
 * engine. Pure: the facts (plan, tasks done, exam results, approved
 * exemptions, moral evaluation, withdrawal) come from loadProgress.
 *
 * Rules decided here (docs/decisions/009-outcomes-and-course-states.md):
 * - A course's latest exam result counts (a re-sit is a new result).
 * - An approved 免修/免考 (exempt_study / exempt_exam) makes the course
 *   `exempted` with the course's credits; a waived internship
 *   (waive_internship, 附件6 三(六)4 "承认其职业经历，可不再安排顶岗实习") makes
 *   the internship `waived`: it is satisfied and its credits count, because
 *   the recognised work experience takes the internship's place in the plan.
 *   A pass stays `passed`; an exemption overrides a failed or pending exam.
 * - Award and innovation credits (mode `credit`, 附件6 三(六)3) add the
 *   credits the reviewer set; they never satisfy a course.
 * - Graduation (附件6 三(七)1): moral evaluation passed, every plan course
 *   passed / exempted / waived, every blocking hour requirement met (the
 *   engine counts hours only inside the period). Advisory requirements never
 *   block. Exam results are counted by when they were recorded, not held
 *   against the period (a result is often recorded days after the exam).
 * - Early graduation: meeting everything before the period ends is already
 *   `eligible_for_graduation`; `earlyGraduation` then says whether a request
 *   is still needed, pending, approved or rejected (附件6: "提前达到毕业标准的
 *   学员，可申请提前毕业"). Without an approved request the certificate waits
 *   for the period end; the certificates stage reads this field.
 * - Completion (结业): the period has ended (asOf after periodEnd) and some
 *   graduation condition is unmet. Withdrawal (写实性学习证明) wins over all.
 *
 * Reasons are data ({ key, params }) in the outcomes catalog, so every screen
 * translates them; the API answers them in Chinese (formatReason with zh-CN).
 */
import type { outcomesZh } from '#app/i18n/features/outcomes.ts'
import type { Evaluation } from './requirements.ts'
import { formatDate } from './time.ts'

export type CourseKind = 'culture' | 'skill' | 'internship'
export type CourseState = 'pending' | 'passed' | 'failed' | 'exempted' | 'waived'
export type ExemptionMode = 'exempt_study' | 'exempt_exam' | 'credit' | 'waive_internship'
export const COURSE_STATES: readonly CourseState[] = ['pending', 'passed', 'failed', 'exempted', 'waived']

export const OUTCOME_STATUSES = [
  'in_progress',
  'eligible_for_graduation',
  'graduated',
  'completion',
  'withdrawn',
  'round_complete',
  'round_incomplete',
] as const
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number]

export type PlanCourse = { code: string; name: string; credits: number; kind: CourseKind; taskCodes: readonly string[] }
/** `at` orders results (an ISO instant); the latest per course counts, ties go to the later one in the list. */
export type ExamResultFact = { courseCode: string; passed: boolean; score?: number; at: string }
/** Only approved exemptions count; others are ignored. `credits` is the reviewer's figure (mode `credit`). */
export type ExemptionFact = { courseCode: string | null; mode: ExemptionMode; credits: number | null; status?: 'pending' | 'approved' | 'rejected' }

export type CourseOutcome = {
  code: string
  name: string
  credits: number
  kind: CourseKind
  state: CourseState
  tasksComplete: boolean
  tasksDone: number
  tasksTotal: number
  /** How an `exempted` course was exempted (免修 or 免考). */
  exemptionMode?: 'exempt_study' | 'exempt_exam'
  /** The counting (latest) exam result's score, if any. */
  score?: number
}

export type Credits = { earned: number; required: number; fromAwards: number }

/** Credits travel with one decimal; sums are done in tenths so 0.1 + 0.2 is 0.3. */
const tenths = (credits: number) => Math.round(credits * 10)

export function courseStates({
  plan,
  completedTaskCodes,
  results,
  exemptions,
}: {
  plan: readonly PlanCourse[]
  completedTaskCodes: Iterable<string>
  results: readonly ExamResultFact[]
  exemptions: readonly ExemptionFact[]
}): { courses: CourseOutcome[]; credits: Credits } {
  const done = new Set(completedTaskCodes)
  const latest = new Map<string, ExamResultFact>()
  results.forEach((r) => {
    const prev = latest.get(r.courseCode)
    if (!prev || r.at >= prev.at) latest.set(r.courseCode, r)
  })
  const approved = exemptions.filter((x) => (x.status ?? 'approved') === 'approved')
  const exemptedBy = new Map<string, 'exempt_study' | 'exempt_exam'>()
  for (const x of approved) {
    if ((x.mode === 'exempt_study' || x.mode === 'exempt_exam') && x.courseCode) {
      // 免修 covers more than 免考: keep it when both are approved.
      if (exemptedBy.get(x.courseCode) !== 'exempt_study') exemptedBy.set(x.courseCode, x.mode)
    }
  }
  const waivers = approved.filter((x) => x.mode === 'waive_internship')
  const isWaived = (c: PlanCourse) => c.kind === 'internship' && waivers.some((w) => w.courseCode === null || w.courseCode === c.code)

  let earned = 0
  let required = 0
  const courses = plan.map((c): CourseOutcome => {
    const tasksDone = c.taskCodes.filter((t) => done.has(t)).length
    const result = latest.get(c.code)
    let state: CourseState = result ? (result.passed ? 'passed' : 'failed') : 'pending'
    const exemption = exemptedBy.get(c.code)
    if (state !== 'passed') {
      if (isWaived(c)) state = 'waived'
      else if (exemption) state = 'exempted'
    }
    required += tenths(c.credits)
    if (state !== 'pending' && state !== 'failed') earned += tenths(c.credits)
    return {
      code: c.code,
      name: c.name,
      credits: c.credits,
      kind: c.kind,
      state,
      tasksComplete: tasksDone === c.taskCodes.length,
      tasksDone,
      tasksTotal: c.taskCodes.length,
      ...(state === 'exempted' && exemption ? { exemptionMode: exemption } : {}),
      ...(result?.score !== undefined ? { score: result.score } : {}),
    }
  })
  const fromAwards = approved.filter((x) => x.mode === 'credit').reduce((sum, x) => sum + tenths(x.credits ?? 0), 0)
  return { courses, credits: { earned: (earned + fromAwards) / 10, required: required / 10, fromAwards: fromAwards / 10 } }
}

/** A course that counts toward graduation. */
export const courseSatisfied = (state: CourseState) => state === 'passed' || state === 'exempted' || state === 'waived'

// ─── Outcome ────────────────────────────────────────────────────────────────

export type OutcomeMessageKey = keyof typeof outcomesZh
export type ReasonParam = string | number | { date: string } | { list: readonly string[] } | { message: OutcomeMessageKey } | { text: string }
export type OutcomeReason = { key: OutcomeMessageKey; params?: Record<string, ReasonParam> }

export type EarlyGraduation = 'not_applicable' | 'needed' | 'pending' | 'approved' | 'rejected'

export type Outcome = {
  status: OutcomeStatus
  reasons: OutcomeReason[]
  /** Skills-plus-credential, eligible before the period end: the state of the early-graduation request. */
  earlyGraduation: EarlyGraduation
}

export type EvaluateOutcomeInput = {
  programCode: string
  /** `round` for teacher-training rounds (their outcome is round_complete / round_incomplete). */
  groupKind?: 'class' | 'round'
  evaluation: Pick<Evaluation, 'requirements'>
  courses: readonly Pick<CourseOutcome, 'name' | 'state'>[]
  /** The latest moral evaluation, or null when none was recorded. */
  moral: { passed: boolean } | null
  /** Set when the learner withdrew (date and reason may be unknown for old records). */
  withdrawal: { date: string | null; reason: string | null } | null
  /** The period's last day (YYYY-MM-DD); open-ended when absent. */
  periodEnd: string | null
  asOf: string
  /** The latest early-graduation request's status, if any. */
  earlyGraduation?: 'pending' | 'approved' | 'rejected' | null
  /** A graduation certificate exists (set by the certificates stage). */
  graduated?: boolean
}

/** How many course names a reason lists before saying 等. */
export const MAX_NAMED_COURSES = 5

export function evaluateOutcome(input: EvaluateOutcomeInput): Outcome {
  const { evaluation, courses, moral, withdrawal, periodEnd, asOf } = input
  const base = { earlyGraduation: 'not_applicable' as EarlyGraduation }
  if (withdrawal) {
    const reasons: OutcomeReason[] = []
    if (withdrawal.date) reasons.push({ key: 'outcomes.reason.withdrawnOn', params: { date: { date: withdrawal.date } } })
    if (withdrawal.reason) reasons.push({ key: 'outcomes.reason.withdrawnBecause', params: { reason: { text: withdrawal.reason } } })
    reasons.push({ key: 'outcomes.reason.studyRecord' })
    return { ...base, status: 'withdrawn', reasons }
  }
  if (input.graduated) return { ...base, status: 'graduated', reasons: [{ key: 'outcomes.reason.graduated' }] }

  const ended = periodEnd !== null && asOf > periodEnd
  const hourReasons = missingHours(evaluation)
  const isRound = input.groupKind === 'round' || input.programCode === 'teacher-training'
  if (isRound) {
    if (hourReasons.length === 0) return { ...base, status: 'round_complete', reasons: [{ key: 'outcomes.reason.roundComplete' }] }
    const reasons = ended ? [{ key: 'outcomes.reason.roundEnded', params: { date: { date: periodEnd! } } } as OutcomeReason, ...hourReasons] : hourReasons
    return { ...base, status: ended ? 'round_incomplete' : 'in_progress', reasons }
  }

  const reasons: OutcomeReason[] = []
  if (!moral) reasons.push({ key: 'outcomes.reason.moralMissing' })
  else if (!moral.passed) reasons.push({ key: 'outcomes.reason.moralFailed' })
  const open = courses.filter((c) => !courseSatisfied(c.state))
  if (open.length > 0) {
    const names = open.slice(0, MAX_NAMED_COURSES).map((c) => c.name)
    reasons.push({
      key: open.length > MAX_NAMED_COURSES ? 'outcomes.reason.coursesOpenMany' : 'outcomes.reason.coursesOpen',
      params: { count: open.length, names: { list: names } },
    })
    const failed = open.filter((c) => c.state === 'failed')
    if (failed.length > 0)
      reasons.push({
        key: 'outcomes.reason.coursesFailed',
        params: { count: failed.length, names: { list: failed.slice(0, MAX_NAMED_COURSES).map((c) => c.name) } },
      })
  }
  reasons.push(...hourReasons)

  if (reasons.length === 0) {
    const early = periodEnd !== null && asOf < periodEnd
    if (!early) return { ...base, status: 'eligible_for_graduation', reasons: [{ key: 'outcomes.reason.eligible' }] }
    const request = input.earlyGraduation ?? null
    const earlyGraduation: EarlyGraduation = request ?? 'needed'
    const key =
      request === 'approved'
        ? 'outcomes.reason.earlyApproved'
        : request === 'pending'
          ? 'outcomes.reason.earlyPending'
          : request === 'rejected'
            ? 'outcomes.reason.earlyRejected'
            : 'outcomes.reason.earlyNeeded'
    return {
      status: 'eligible_for_graduation',
      earlyGraduation,
      reasons: [{ key: 'outcomes.reason.eligible' }, { key, params: { date: { date: periodEnd! } } }],
    }
  }
  if (ended) return { ...base, status: 'completion', reasons: [{ key: 'outcomes.reason.periodEnded', params: { date: { date: periodEnd! } } }, ...reasons] }
  return { ...base, status: 'in_progress', reasons }
}

/** Known requirements get a short name ("自学与线上学习还差 12.5 学时"); others use the policy's label. */
const SHORT_NAMES: Record<string, OutcomeMessageKey> = {
  'self-study-and-online': 'outcomes.requirement.self-study-and-online',
  'round-hours': 'outcomes.requirement.round-hours',
}

function missingHours(evaluation: Pick<Evaluation, 'requirements'>): OutcomeReason[] {
  return evaluation.requirements
    .filter((r) => r.blocking && !r.met)
    .map((r): OutcomeReason => {
      const what: ReasonParam = SHORT_NAMES[r.code] ? { message: SHORT_NAMES[r.code]! } : { text: r.label }
      if (r.kind === 'min_count')
        return { key: 'outcomes.reason.countShort', params: { what, count: Math.max(0, (r.requiredCount ?? 0) - (r.earnedCount ?? 0)) } }
      const missing = Math.max(0, (r.requiredHours ?? 0) - (r.earnedHours ?? 0))
      const hours = Math.round(missing * 10) / 10
      // 学时 shown with one decimal; a gap that rounds away is said in minutes.
      if (hours <= 0) return { key: 'outcomes.reason.minutesShort', params: { what, minutes: Math.max(1, (r.requiredMinutes ?? 0) - (r.earnedMinutes ?? 0)) } }
      return { key: 'outcomes.reason.hoursShort', params: { what, hours: hours.toFixed(1) } }
    })
}

// ─── At risk of 结业 (coordinator board) ─────────────────────────────────

export const AT_RISK_DAYS = 90

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000

/**
 * Still studying and either behind pace or with the period ending within
 * 90 days while not eligible for graduation.
 */
/**
 * A learner may apply to graduate early when every graduation condition is met before the
 * period ends and no application is pending or decided yet (a rejected one may not be re-sent
 * here; the coordinator can still decide again).
 */
export function mayApplyForEarlyGraduation(outcome: Pick<Outcome, 'status' | 'earlyGraduation'>, enrollmentActive: boolean): boolean {
  return enrollmentActive && outcome.status === 'eligible_for_graduation' && outcome.earlyGraduation === 'needed'
}

export function atRisk({
  status,
  periodEnd,
  asOf,
  behindPace,
}: {
  status: OutcomeStatus
  periodEnd: string | null
  asOf: string
  behindPace: boolean
}): boolean {
  if (status !== 'in_progress') return false
  if (behindPace) return true
  return periodEnd !== null && dayNumber(periodEnd) - dayNumber(asOf) <= AT_RISK_DAYS
}

/** The class board's filters (GET ?show=): everyone, 可毕业, 有结业风险. */
export const BOARD_FILTERS = ['all', 'eligible', 'at_risk'] as const
export type BoardFilter = (typeof BOARD_FILTERS)[number]
export const parseBoardFilter = (value: string | null): BoardFilter =>
  (BOARD_FILTERS as readonly string[]).includes(value ?? '') ? (value as BoardFilter) : 'all'

// ─── Words ──────────────────────────────────────────────────────────────────

/** Minimal translator shape (app/i18n `T`), so the domain does not depend on the catalogs at run time. */
export type Translate = (key: OutcomeMessageKey, params?: Record<string, string | number>) => string

/** One reason in words: dates as 2026年11月24日, lists joined with 、 (zh) or , (en). */
export function formatReason(reason: OutcomeReason, t: Translate, locale: 'zh-CN' | 'en'): string {
  const params: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(reason.params ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') params[name] = value
    else if ('date' in value) params[name] = formatDate(value.date, locale)
    else if ('list' in value) params[name] = value.list.join(locale === 'zh-CN' ? '、' : ', ')
    else if ('message' in value) params[name] = t(value.message)
    else params[name] = value.text
  }
  return t(reason.key, params)
}

export const STATUS_KEYS: Record<OutcomeStatus, OutcomeMessageKey> = {
  in_progress: 'outcomes.status.in_progress',
  eligible_for_graduation: 'outcomes.status.eligible_for_graduation',
  graduated: 'outcomes.status.graduated',
  completion: 'outcomes.status.completion',
  withdrawn: 'outcomes.status.withdrawn',
  round_complete: 'outcomes.status.round_complete',
  round_incomplete: 'outcomes.status.round_incomplete',
}

/** The learner's word for a course state: 免修 and 免考 are told apart. */
export function courseStateKey(c: Pick<CourseOutcome, 'state' | 'exemptionMode'>): OutcomeMessageKey {
  if (c.state === 'exempted') return c.exemptionMode === 'exempt_exam' ? 'outcomes.course.exempt_exam' : 'outcomes.course.exempt_study'
  return `outcomes.course.${c.state}`
}
