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
