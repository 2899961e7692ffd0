/**
 * Enrollment rules (DESIGN.md §2.1, §2.2; policy 附件6): study years from
 * prior education, the period an enrollment runs, and who may be enrolled
 * when. Pure: dates are Beijing YYYY-MM-DD strings.
 */
import { addYears, ageOn } from './time.ts'

export type PriorEducationName = 'none' | 'primary' | 'junior' | 'senior' | 'vocational'
export type ProgramCodeName = 'skills-credential' | 'teacher-training' | (string & {})

/** Skills-plus-credential is for laborers aged 15–59 (附件6). */
export const MIN_AGE = 15
export const MAX_AGE = 59

/** Senior-high or secondary-vocational graduates study 1 year; everyone else (unknown included) 3. */
export function studyYearsFor(priorEducation: PriorEducationName | null | undefined): 1 | 3 {
  return priorEducation === 'senior' || priorEducation === 'vocational' ? 1 : 3
}

export type EnrollmentRefusal =
  | { code: 'before_group_start'; groupStart: string }
  | { code: 'after_group_end'; groupEnd: string }
  | { code: 'too_young'; age: number; min: number }
  | { code: 'too_old'; age: number; max: number }
  | { code: 'not_a_teacher' }
  | { code: 'active_in_program'; groupName: string }

/**
 * How many enrollments a person may hold in a program, as data (Program.enrollmentRule, set by
 * content:sync from content/catalog/programs.yaml): `one_active_per_program` — one active
 * enrollment at a time (skills-plus-credential: one class); `one_per_group` — one per class or
 * round, any number at once (teacher training: several rounds a year, DESIGN.md §11 "Rounds").
 * Every program also allows only one enrollment per person and group.
 */
export const ENROLLMENT_RULES = ['one_active_per_program', 'one_per_group'] as const
export type EnrollmentRule = (typeof ENROLLMENT_RULES)[number]

export type HeldEnrollment = { enrollmentId: string; groupId: string; groupName: string; status: 'active' | 'withdrawn' | 'graduated' | 'completed' }

/**
 * What stands in the way of enrolling in `groupId`, judged from the person's enrollments in the
 * same program: already in that group (any status), or — under one_active_per_program — active in
 * another group. The database says the same (the unique key on person and group, and the partial
 * unique index Enrollment_one_active_if_exclusive), so a concurrent second enrollment is refused too.
 */
export function enrollmentConflict(
  rule: EnrollmentRule,
  groupId: string,
  held: readonly HeldEnrollment[],
): { code: 'already_enrolled'; enrollmentId: string } | Extract<EnrollmentRefusal, { code: 'active_in_program' }> | null {
  const same = held.find((e) => e.groupId === groupId)
  if (same) return { code: 'already_enrolled', enrollmentId: same.enrollmentId }
  if (rule === 'one_active_per_program') {
    const active = held.find((e) => e.status === 'active')
    if (active) return { code: 'active_in_program', groupName: active.groupName }
  }
  return null
}

export type EnrollmentPlan = {
  startDate: string
  periodEnd: string | null
  studyYears: number | null
}

export type EnrollmentInput = {
  programCode: ProgramCodeName
  groupKind: 'class' | 'round'
  groupStart: string
  groupEnd: string | null
  startDate: string
  person: { birthDate: string; kind: 'adult_learner' | 'teacher'; priorEducation: PriorEducationName | null }
}

/**
 * The period of a new enrollment, or why it is refused. Classes run
 * start + study years; rounds run to the round's end (no study years). The
 * start must lie in the group's window; skills-plus-credential learners must
 * be 15–59 on the start date; teacher rounds take teachers only.
 */
export function planEnrollment(input: EnrollmentInput): { ok: true; plan: EnrollmentPlan } | { ok: false; refusal: EnrollmentRefusal } {
  if (input.startDate < input.groupStart) return { ok: false, refusal: { code: 'before_group_start', groupStart: input.groupStart } }
  if (input.groupEnd && input.startDate > input.groupEnd) return { ok: false, refusal: { code: 'after_group_end', groupEnd: input.groupEnd } }
  if (input.programCode === 'skills-credential') {
    const age = ageOn(input.person.birthDate, input.startDate)
    if (age < MIN_AGE) return { ok: false, refusal: { code: 'too_young', age, min: MIN_AGE } }
    if (age > MAX_AGE) return { ok: false, refusal: { code: 'too_old', age, max: MAX_AGE } }
  }
  if (input.programCode === 'teacher-training' && input.person.kind !== 'teacher') return { ok: false, refusal: { code: 'not_a_teacher' } }
  if (input.groupKind === 'round') {
    return { ok: true, plan: { startDate: input.startDate, periodEnd: input.groupEnd, studyYears: null } }
  }
  const years = studyYearsFor(input.person.priorEducation)
  return { ok: true, plan: { startDate: input.startDate, periodEnd: addYears(input.startDate, years), studyYears: years } }
}

export type WithdrawalProblem = 'before_start' | 'after_period' | 'in_future'

/** A withdrawal is dated within the enrollment period and not after today. */
export function withdrawalDateProblem(date: string, period: { startDate: string; periodEnd: string | null }, today: string): WithdrawalProblem | null {
  if (date < period.startDate) return 'before_start'
  if (period.periodEnd && date > period.periodEnd) return 'after_period'
  if (date > today) return 'in_future'
  return null
}

/** Tasks of a course not yet complete (retired tasks do not count), in the course's order. */
export function incompleteTasks<T extends { id: string; retired: boolean }>(tasks: readonly T[], completedTaskIds: ReadonlySet<string>): T[] {
  return tasks.filter((t) => !t.retired && !completedTaskIds.has(t.id))
}

/** Exam scores are 0–100 with at most one decimal. */
export function isValidScore(score: number): boolean {
  return Number.isFinite(score) && score >= 0 && score <= 100 && Math.abs(score * 10 - Math.round(score * 10)) < 1e-9
}
