/**
 * Exemption applications (DESIGN.md §2.1): a learner applies for their own
 * active enrollment, or a coordinator in scope applies on their behalf, for a
 * course of the enrollment's teaching plan (PlanItem of the class's major);
 * a coordinator in scope approves or rejects. Every change is audited with
 * the class's region path. The row is the fact; how a course then counts
 * (exempted / waived, its credits) is computed by loadProgress.
 */
import { enrollmentScopeWhere, type Scope } from '#app/models/access.server.ts'
import {
  approvedCredits,
  checkApplication,
  checkDecision,
  modeSettlesCourse,
  type DecisionProblemCode,
  type ExemptionBasis,
  type ExemptionField,
  type ExemptionMode,
  type ExemptionProblemCode,
} from '#app/domain/exemptions.ts'
import type { Prisma } from '#app/generated/prisma/client.ts'
import type { MessageKey, T } from '#app/i18n/index.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { isUniqueViolation } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, type AppErrorKind } from './errors.server.ts'
import { notifyDecision } from './notifications.server.ts'

export type ApplyProblemCode = ExemptionProblemCode | 'course_not_in_plan' | 'course_settled' | 'duplicate_pending'

export type ExemptionProblem = { field: ExemptionField | 'reason' | 'form'; code: ApplyProblemCode | DecisionProblemCode }

/**
 * A refused application or decision. `invalid` names each field (the API's request field
 * names: courseCode, certificateNo, issuer, credits, mode, basis, reason) with its problem;
 * `not_found` is the enrollment (applying) or the application (deciding).
 */
export class ExemptionError extends AppError {
  constructor(
    readonly code: 'not_found' | 'invalid' | 'conflict',
    readonly problems: ExemptionProblem[] = [],
    readonly missing: 'enrollment' | 'exemption' = 'enrollment',
  ) {
    super(problems.length > 0 ? `${code}: ${problems.map((p) => p.code).join(', ')}` : code)
    this.name = 'ExemptionError'
  }
  get kind(): AppErrorKind {
    return this.code === 'invalid' ? 'validation_failed' : this.code
  }
  override get field() {
    return this.problems[0]?.field
  }
  override fieldMessages(t: T): Record<string, string> | undefined {
    if (this.problems.length === 0) return undefined
    const fields: Record<string, string> = {}
    for (const p of this.problems) fields[p.field === 'form' ? '_' : p.field] ??= problemMessage(t, p)
    return fields
  }
  describe(t: T) {
    if (this.code === 'not_found') return t(this.missing === 'exemption' ? 'errors.notFound.exemption' : 'errors.notFound.enrollment')
    if (this.code === 'conflict') return t('exemptions.err.keyReused')
    return this.problems.length === 1 ? problemMessage(t, this.problems[0]!) : t('refusal.checkFields')
  }
}

/** One problem in the reader's words. */
export const problemMessage = (t: T, p: ExemptionProblem) => t(`exemptions.err.${p.code}` as MessageKey)

/** Who applies: the learner themselves, or staff acting within their scopes. */
export type Applicant = { kind: 'self'; userId: string; personId: string } | { kind: 'staff'; userId: string; scopes: Scope[] }

/** An exemption's (or enrollment's) scope filter: the acting rule, its class lies in one of the scopes (DESIGN.md §11). */
const enrollmentInScope = (scopes: Scope[]): Prisma.EnrollmentWhereInput => enrollmentScopeWhere(scopes, 'act')
const exemptionInScope = (scopes: Scope[]): Prisma.ExemptionWhereInput => ({ enrollment: enrollmentInScope(scopes) })

function applicantEnrollmentWhere(enrollmentId: string, applicant: Applicant): Prisma.EnrollmentWhereInput {
  return applicant.kind === 'self'
    ? { id: enrollmentId, personId: applicant.personId, status: 'active' }
    : { AND: [{ id: enrollmentId, status: 'active' }, enrollmentInScope(applicant.scopes)] }
}

const ENROLLMENT_SELECT = {
  id: true,
  personId: true,
  person: { select: { id: true, name: true } },
  group: { select: { id: true, name: true, code: true, majorId: true, region: { select: { path: true } } } },
} as const

/** The enrollment an applicant may apply for (active; their own, or in scope); null otherwise. */
export function enrollmentForApplicant(db: Db, enrollmentId: string, applicant: Applicant) {
  return db.enrollment.findFirst({ where: applicantEnrollmentWhere(enrollmentId, applicant), select: ENROLLMENT_SELECT })
}

/** A person's active enrollments in a class with a major (the ones a plan course can be exempted in). */
export function exemptionEnrollments(db: Db, personId: string) {
  return db.enrollment.findMany({
    where: { personId, status: 'active', group: { majorId: { not: null } } },
    orderBy: { startDate: 'desc' },
    select: { id: true, group: { select: { name: true, majorId: true } } },
  })
}

/**
 * Whether exemptions exist for this person at all (issue 15): only a program
 * taught by a teaching plan has them (a class with a major whose plan has
 * courses, the 双提升 diploma program); teacher-training rounds have none.
 * Someone who applied before keeps the page, to read their applications.
 */
export async function offersExemptions(db: Db, personId: string): Promise<boolean> {
  const [enrollment, application] = await Promise.all([
    db.enrollment.findFirst({
      where: { personId, group: { major: { planItems: { some: { retiredAt: null } } } } },
      select: { id: true },
    }),
    db.exemption.findFirst({ where: { enrollment: { personId } }, select: { id: true } }),
  ])
  return Boolean(enrollment || application)
}

/** The teaching-plan courses of the classes' majors, by major id, in plan order. */
export async function planCourses(db: Db | Tx, majorIds: string[]) {
  const items = await db.planItem.findMany({
    where: { majorId: { in: majorIds }, retiredAt: null, course: { retiredAt: null } },
    orderBy: [{ position: 'asc' }, { course: { code: 'asc' } }],
    select: { majorId: true, course: { select: { id: true, code: true, name: true, kind: true, credits: true } } },
  })
  const byMajor = new Map<string, { id: string; code: string; name: string; kind: 'culture' | 'skill' | 'internship'; credits: number }[]>()
  for (const item of items) {
    const list = byMajor.get(item.majorId) ?? []
    list.push({ ...item.course, credits: Number(item.course.credits) })
    byMajor.set(item.majorId, list)
  }
  return byMajor
}

export type ApplyInput = {
  enrollmentId: string
  applicant: Applicant
  basis: ExemptionBasis
  mode: ExemptionMode
  /** The course, by id (forms) or code (API); null or undefined when none was named. */
  course?: { id: string } | { code: string } | null
  certificateNo?: string | null
  issuer?: string | null
  credits?: number | null
  note?: string | null
  evidence?: { key: string; type: string } | null
  /** The web form asks for a certificate's issuing body; the API does not require it (api-v1.md lists no such field). Default true. */
  requireIssuer?: boolean
  /** From the form (one per page view) or the API's Idempotency-Key: the same key gives the same application. */
  idempotencyKey?: string | null
  ip?: string | null
}

const trimmed = (s: string | null | undefined) => (s && s.trim() !== '' ? s.trim() : null)

/**
 * Records one pending application. Applications of one enrollment are
 * serialized by a lock on the enrollment row, so two at once cannot both pass
 * the one-pending-per-course check; the same idempotency key always answers
 * with the first application (`created: false`).
 */
export async function applyForExemption(db: Db, input: ApplyInput) {
  const key = input.idempotencyKey ? `${input.applicant.userId}:${input.idempotencyKey}` : null
  try {
    return await db.$transaction(async (tx) => {
      const enrollment = await tx.enrollment.findFirst({ where: applicantEnrollmentWhere(input.enrollmentId, input.applicant), select: ENROLLMENT_SELECT })
      if (!enrollment) throw new ExemptionError('not_found')
      await tx.$queryRaw`SELECT "id" FROM "Enrollment" WHERE "id" = ${enrollment.id} FOR UPDATE`
      if (key) {
        const existing = await tx.exemption.findUnique({ where: { idempotencyKey: key } })
        if (existing) {
          if (existing.enrollmentId !== enrollment.id) throw new ExemptionError('conflict')
          return { exemption: existing, created: false }
        }
      }

      let course: { id: string; kind: 'culture' | 'skill' | 'internship'; credits: number } | null = null
      if (input.course) {
        const plan = enrollment.group.majorId ? ((await planCourses(tx, [enrollment.group.majorId])).get(enrollment.group.majorId) ?? []) : []
        const wanted = input.course
        const found = plan.find((c) => ('id' in wanted ? c.id === wanted.id : c.code === wanted.code))
        if (!found) throw new ExemptionError('invalid', [{ field: 'courseCode', code: 'course_not_in_plan' }])
        course = found
      }
      const problems = checkApplication(
        { basis: input.basis, mode: input.mode, course, certificateNo: input.certificateNo, issuer: input.issuer, credits: input.credits },
        { requireIssuer: input.requireIssuer ?? true },
      )
      if (problems.length > 0) throw new ExemptionError('invalid', problems)

      if (course && modeSettlesCourse(input.mode)) {
        const [latest, settled, pending] = await Promise.all([
          tx.courseResult.findFirst({ where: { enrollmentId: enrollment.id, courseId: course.id }, orderBy: { createdAt: 'desc' }, select: { passed: true } }),
          tx.exemption.count({ where: { enrollmentId: enrollment.id, courseId: course.id, status: 'approved', mode: { not: 'credit' } } }),
          tx.exemption.count({ where: { enrollmentId: enrollment.id, courseId: course.id, status: 'pending', mode: { not: 'credit' } } }),
        ])
        if (latest?.passed || settled > 0) throw new ExemptionError('invalid', [{ field: 'courseCode', code: 'course_settled' }])
        if (pending > 0) throw new ExemptionError('invalid', [{ field: 'courseCode', code: 'duplicate_pending' }])
      }

      const exemption = await tx.exemption.create({
        data: {
          id: newId(),
          enrollmentId: enrollment.id,
          courseId: course?.id ?? null,
          basis: input.basis,
          mode: input.mode,
          certificateNo: trimmed(input.certificateNo),
          issuer: trimmed(input.issuer),
          credits: input.mode === 'credit' && input.credits != null ? String(input.credits) : null,
          note: trimmed(input.note),
          evidenceKey: input.evidence?.key ?? null,
          evidenceType: input.evidence?.type ?? null,
          appliedById: input.applicant.userId,
          idempotencyKey: key,
        },
      })
      await recordAudit(tx, {
        actorId: input.applicant.userId,
        action: 'exemption.apply',
        entityType: 'Exemption',
        entityId: exemption.id,
        after: {
          enrollmentId: exemption.enrollmentId,
          courseId: exemption.courseId,
          basis: exemption.basis,
          mode: exemption.mode,
          certificateNo: exemption.certificateNo,
          issuer: exemption.issuer,
          proposedCredits: exemption.credits?.toString() ?? null,
          evidenceType: exemption.evidenceType,
          onBehalf: input.applicant.kind === 'staff',
        },
        ip: input.ip ?? null,
        scopePath: enrollment.group.region.path,
      })
      return { exemption, created: true }
    })
  } catch (error) {
    // A concurrent submit with the same key committed first.
    if (key && isUniqueViolation(error)) {
      const exemption = await db.exemption.findUnique({ where: { idempotencyKey: key } })
      if (exemption && exemption.enrollmentId === input.enrollmentId) return { exemption, created: false }
    }
    throw error
  }
}

export type DecideInput = {
  exemptionId: string
  scopes: Scope[]
  reviewerId: string
  approve: boolean
  reason?: string | null
  /** For mode credit: the credits granted (the reviewer decides). */
  credits?: number | null
  ip?: string | null
}

/**
 * Approves or rejects a pending application. The row is locked and its status
 * read again under the lock: a second decision — even at the same moment —
 * changes nothing and answers with the status already decided (`changed:
 * false`). An approval records the reviewer and the credits (the reviewer's
 * for mode credit, the course's otherwise); a rejection records only the
 * reviewer and the reason. Out of scope: not found.
 */
export async function decideExemption(
  db: Db,
  input: DecideInput,
): Promise<{ id: string; status: 'approved' | 'rejected'; credits: number | null; changed: boolean }> {
  const visible = await db.exemption.findFirst({
    where: { AND: [{ id: input.exemptionId }, exemptionInScope(input.scopes)] },
    select: { id: true, enrollment: { select: { group: { select: { region: { select: { path: true } } } } } } },
  })
  if (!visible) throw new ExemptionError('not_found', [], 'exemption')
  const reason = trimmed(input.reason)

  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ status: 'pending' | 'approved' | 'rejected' }[]>`
      SELECT "status"::text AS "status" FROM "Exemption" WHERE "id" = ${input.exemptionId} FOR UPDATE`
    if (!row) throw new ExemptionError('not_found', [], 'exemption')
    const current = await tx.exemption.findUniqueOrThrow({
      where: { id: input.exemptionId },
      include: { course: { select: { credits: true, code: true, name: true } } },
    })
    if (row.status !== 'pending') {
      return { id: current.id, status: row.status, credits: current.credits === null ? null : Number(current.credits), changed: false }
    }
    const problem = checkDecision({ approve: input.approve, mode: current.mode, reason, credits: input.credits })
    if (problem) throw new ExemptionError('invalid', [{ field: problem === 'reason_required' ? 'reason' : 'credits', code: problem }])
    const credits = input.approve ? approvedCredits(current.mode, input.credits, current.course ? Number(current.course.credits) : null) : null
    const updated = await tx.exemption.update({
      where: { id: current.id },
      data: input.approve
        ? { status: 'approved', reviewedById: input.reviewerId, reviewedAt: new Date(), reviewReason: reason, credits: String(credits) }
        : { status: 'rejected', reviewedById: input.reviewerId, reviewedAt: new Date(), reviewReason: reason },
    })
    await recordAudit(tx, {
      actorId: input.reviewerId,
      action: input.approve ? 'exemption.approve' : 'exemption.reject',
      entityType: 'Exemption',
      entityId: updated.id,
      before: { status: 'pending', credits: current.credits?.toString() ?? null },
      after: { status: updated.status, mode: updated.mode, courseCode: current.course?.code ?? null, credits: updated.credits?.toString() ?? null, reason },
      ip: input.ip ?? null,
      scopePath: visible.enrollment.group.region.path,
    })
    // The learner hears the result and the reason (issue 11), in this transaction.
    await notifyDecision(tx, {
      kind: 'exemption',
      decisionId: updated.id,
      enrollmentId: updated.enrollmentId,
      approved: input.approve,
      reason,
      detail: current.course?.name ?? null,
    })
    return {
      id: updated.id,
      status: updated.status as 'approved' | 'rejected',
      credits: updated.credits === null ? null : Number(updated.credits),
      changed: true,
    }
  })
}

const LIST_SELECT = {
  id: true,
  basis: true,
  mode: true,
  certificateNo: true,
  issuer: true,
  credits: true,
  note: true,
  status: true,
  reviewReason: true,
  evidenceKey: true,
  evidenceType: true,
  createdAt: true,
  reviewedAt: true,
  course: { select: { code: true, name: true, credits: true, kind: true } },
  enrollment: { select: { id: true, person: { select: { id: true, name: true } }, group: { select: { name: true, code: true } } } },
} as const

/** A person's applications, newest first. */
export function listExemptionsOfPerson(db: Db, personId: string, take = 50) {
  return db.exemption.findMany({ where: { enrollment: { personId } }, orderBy: { createdAt: 'desc' }, take, select: LIST_SELECT })
}

/** Pending applications of classes in scope, oldest first. */
export function listPendingExemptions(db: Db, scopes: Scope[], take = 200) {
  return db.exemption.findMany({ where: { status: 'pending', ...exemptionInScope(scopes) }, orderBy: { createdAt: 'asc' }, take, select: LIST_SELECT })
}

export function countPendingExemptions(db: Db, scopes: Scope[]) {
  return db.exemption.count({ where: { status: 'pending', ...exemptionInScope(scopes) } })
}

/**
 * The evidence of an application, when `viewer` may see it: the learner whose
 * application it is, or staff whose scopes hold the class. Null otherwise (404).
 */
export async function evidenceKeyForViewer(
  db: Db,
  exemptionId: string,
  viewer: { personId: string | null; scopes: Scope[]; verifierPaths?: readonly string[] },
): Promise<string | null> {
  const verifierPaths = viewer.verifierPaths ?? []
  if (!viewer.personId && viewer.scopes.length === 0 && verifierPaths.length === 0) return null
  const row = await db.exemption.findFirst({
    where: {
      id: exemptionId,
      evidenceKey: { not: null },
      OR: [
        ...(viewer.personId ? [{ enrollment: { personId: viewer.personId } }] : []),
        ...(viewer.scopes.length > 0 ? [exemptionInScope(viewer.scopes)] : []),
        // A prefecture verifier (州教育局验印) checks the evidence behind a graduation certificate of its counties before stamping it.
        ...verifierPaths.map((p) => ({
          enrollment: { group: { region: { path: { startsWith: p } } }, certificates: { some: { type: 'graduation' as const } } },
        })),
      ],
    },
    select: { evidenceKey: true },
  })
  return row?.evidenceKey ?? null
}
