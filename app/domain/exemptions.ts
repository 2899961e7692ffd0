/**
 * Exemptions and credits (DESIGN.md §2.1, policy 附件6): which basis allows
 * which mode, and what each application must carry. Pure: no Prisma, no Remix.
 *
 * - A national vocational-qualification or skill-level certificate exempts a
 *   related plan course from its study (免修, exempt_study) or its exam
 *   (免考, exempt_exam); the course then counts with its own credits.
 * - A competition award or a documented innovation at work earns credits the
 *   reviewer decides (mode credit); no course is needed (one may be named as
 *   the related course, for the reviewer's information; it does not change that
 *   course's state).
 * - Two or more years of relevant work waive the internship (waive_internship,
 *   on the plan's internship course).
 */

export const EXEMPTION_BASES = ['vocational_certificate', 'skill_certificate', 'competition_award', 'innovation', 'work_experience'] as const
export type ExemptionBasis = (typeof EXEMPTION_BASES)[number]

export const EXEMPTION_MODES = ['exempt_study', 'exempt_exam', 'credit', 'waive_internship'] as const
export type ExemptionMode = (typeof EXEMPTION_MODES)[number]

/** The modes each basis allows, in the order a form offers them. */
export const MODES_BY_BASIS: Record<ExemptionBasis, readonly ExemptionMode[]> = {
  vocational_certificate: ['exempt_study', 'exempt_exam'],
  skill_certificate: ['exempt_study', 'exempt_exam'],
  competition_award: ['credit'],
  innovation: ['credit'],
  work_experience: ['waive_internship'],
}

export const CERTIFICATE_BASES: readonly ExemptionBasis[] = ['vocational_certificate', 'skill_certificate']

/** Credits a reviewer may grant for one award or innovation (one decimal). */
export const MAX_GRANTED_CREDITS = 20

export const MAX_CERTIFICATE_NO = 64
export const MAX_ISSUER = 100
export const MAX_NOTE = 500
export const MAX_REVIEW_REASON = 200

export type CourseKind = 'culture' | 'skill' | 'internship'

export type ExemptionProblemCode =
  | 'mode_not_allowed'
  | 'course_required'
  | 'course_internship_only_by_work'
  | 'course_not_internship'
  | 'certificate_no_required'
  | 'issuer_required'
  | 'certificate_no_too_long'
  | 'issuer_too_long'
  | 'credits_not_allowed'

export type ExemptionField = 'basis' | 'mode' | 'courseCode' | 'certificateNo' | 'issuer' | 'credits'
export type ExemptionProblem = { field: ExemptionField; code: ExemptionProblemCode }

export type ExemptionApplication = {
  basis: ExemptionBasis
  mode: ExemptionMode
  /** The course applied for, when one was chosen (and found in the plan). */
  course: { kind: CourseKind } | null
  certificateNo?: string | null
  issuer?: string | null
  /** Credits proposed by the applicant (only meaningful for mode credit; the reviewer decides). */
  credits?: number | null
}

const blank = (s: string | null | undefined) => !s || s.trim() === ''

export function modeAllowed(basis: ExemptionBasis, mode: ExemptionMode): boolean {
  return MODES_BY_BASIS[basis].includes(mode)
}

/** Whether an approved exemption of this mode decides the state of its course (exempted / waived). */
export function modeSettlesCourse(mode: ExemptionMode): boolean {
  return mode !== 'credit'
}

/**
 * Everything wrong with an application (empty when it may be submitted). The
 * web form asks for the issuing body of a certificate; the API takes it as
 * optional (api-v1.md has no such field, and a field the contract does not
 * list is never required): `requireIssuer: false`.
 */
export function checkApplication(a: ExemptionApplication, { requireIssuer = true } = {}): ExemptionProblem[] {
  const problems: ExemptionProblem[] = []
  if (!modeAllowed(a.basis, a.mode)) {
    problems.push({ field: 'mode', code: 'mode_not_allowed' })
  } else if (a.mode === 'exempt_study' || a.mode === 'exempt_exam') {
    if (!a.course) problems.push({ field: 'courseCode', code: 'course_required' })
    else if (a.course.kind === 'internship') problems.push({ field: 'courseCode', code: 'course_internship_only_by_work' })
  } else if (a.mode === 'waive_internship') {
    if (!a.course) problems.push({ field: 'courseCode', code: 'course_required' })
    else if (a.course.kind !== 'internship') problems.push({ field: 'courseCode', code: 'course_not_internship' })
  }
  if (CERTIFICATE_BASES.includes(a.basis)) {
    if (blank(a.certificateNo)) problems.push({ field: 'certificateNo', code: 'certificate_no_required' })
    else if (a.certificateNo!.trim().length > MAX_CERTIFICATE_NO) problems.push({ field: 'certificateNo', code: 'certificate_no_too_long' })
    if (blank(a.issuer)) {
      if (requireIssuer) problems.push({ field: 'issuer', code: 'issuer_required' })
    } else if (a.issuer!.trim().length > MAX_ISSUER) problems.push({ field: 'issuer', code: 'issuer_too_long' })
  }
  if (a.credits != null && a.mode !== 'credit') problems.push({ field: 'credits', code: 'credits_not_allowed' })
  return problems
}

export type DecisionProblemCode = 'reason_required' | 'credits_required' | 'credits_range'

/**
 * A reviewer's decision. Rejecting needs a reason the learner reads; approving
 * a credit-mode application needs the credits (0.5 … 20, one decimal). The
 * credits an approval records: the reviewer's for mode credit, else the course's.
 */
export function checkDecision(d: { approve: boolean; mode: ExemptionMode; reason?: string | null; credits?: number | null }): DecisionProblemCode | null {
  if (!d.approve) return blank(d.reason) ? 'reason_required' : null
  if (d.mode !== 'credit') return null
  if (d.credits == null || Number.isNaN(d.credits)) return 'credits_required'
  if (d.credits <= 0 || d.credits > MAX_GRANTED_CREDITS || Math.round(d.credits * 10) !== d.credits * 10) return 'credits_range'
  return null
}

/** The credits an approved exemption counts: the reviewer's for mode credit, the course's otherwise. */
export function approvedCredits(mode: ExemptionMode, reviewerCredits: number | null | undefined, courseCredits: number | null | undefined): number {
  if (mode === 'credit') return reviewerCredits ?? 0
  return courseCredits ?? 0
}
