/**
 * Records of study on one enrollment (DESIGN.md §2.1): task completions
 * (作业/实操), exam results (refused while the course's tasks are
 * incomplete), moral evaluation (思想品德评价), withdrawal, and early
 * graduation requests with their decision. Every write is audited with the
 * scope path of the group's region. The caller checks role and scope; these
 * functions check the rules.
 */
import { Prisma } from '#app/generated/prisma/client.ts'
import type { TaskCompletionSource } from '#app/generated/prisma/enums.ts'
import { incompleteTasks, isValidScore, withdrawalDateProblem, type WithdrawalProblem } from '#app/domain/enrollment.ts'
import { mayApplyForEarlyGraduation } from '#app/domain/outcomes.ts'
import { ENROLLMENT_ACTORS } from '#app/domain/roles.ts'
import { beijingDate, isIsoDate, dateOnly } from '#app/domain/time.ts'
import type { T } from '#app/i18n/index.ts'
import { isUniqueViolation, type Db, type Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { findEnrollmentInScope, selfPersonId, type CurrentUser } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, NotFoundError, type AppErrorKind } from './errors.server.ts'
import { loadEnrollmentProgress } from './progress.server.ts'
import { notifyDecision } from './notifications.server.ts'

export type StudyRecordProblem =
  | { code: 'not_found' }
  | { code: 'not_active'; status: string }
  | { code: 'course_not_in_plan' }
  | { code: 'task_not_in_plan' }
  | { code: 'task_ambiguous'; courses: string[] }
  | { code: 'tasks_incomplete'; courseName: string; tasks: string[] }
  | { code: 'invalid_score' }
  /** `field`: the request field the text came in (moral evaluation `note`, withdrawal `reason`). */
  | { code: 'note_too_long'; field?: 'note' | 'reason' }
  | { code: 'invalid_date' }
  | { code: 'withdrawal_date'; problem: WithdrawalProblem }
  | { code: 'reason_required' }
  | { code: 'already_withdrawn' }
  | { code: 'request_pending' }
  | { code: 'request_decided' }
  | { code: 'not_eligible'; reasons: string[] }
  /** A rejected early-graduation application is final (api-v1.md): it may not be sent again. */
  | { code: 'early_rejected' }

const KINDS: Partial<Record<StudyRecordProblem['code'], AppErrorKind>> = {
  not_found: 'not_found',
  task_not_in_plan: 'not_found',
  tasks_incomplete: 'tasks_incomplete',
  not_eligible: 'not_eligible',
  not_active: 'conflict',
  already_withdrawn: 'conflict',
  request_pending: 'conflict',
  request_decided: 'conflict',
  early_rejected: 'conflict',
}

/** The request field (api-v1.md) each refusal concerns; the pages name their own targets. */
const FIELDS: Partial<Record<StudyRecordProblem['code'], string>> = {
  course_not_in_plan: 'courseCode',
  task_ambiguous: 'courseCode',
  invalid_score: 'score',
  invalid_date: 'date',
  withdrawal_date: 'date',
  reason_required: 'reason',
}

/** A refusal by the rules of the records of study; anything not listed in KINDS is bad input (422). */
export class StudyRecordError extends AppError {
  constructor(readonly problem: StudyRecordProblem) {
    super(problem.code)
    this.name = 'StudyRecordError'
  }
  get kind(): AppErrorKind {
    return KINDS[this.problem.code] ?? 'validation_failed'
  }
  override get field() {
    return this.problem.code === 'note_too_long' ? (this.problem.field ?? 'note') : FIELDS[this.problem.code]
  }
  override get extra() {
    // api-v1.md: a 409 not_eligible carries the unmet conditions as `reasons`.
    return this.problem.code === 'not_eligible' ? { reasons: this.problem.reasons } : undefined
  }
  describe(t: T) {
    return studyRecordMessage(t, this.problem)
  }
}

/** The acting rule (DESIGN.md §11): records of study are written by coordinators and the admin whose scope holds the class or round. */
export const ACT_ON_RECORDS = { roles: ENROLLMENT_ACTORS, mode: 'act' } as const

/**
 * The enrollment `user` may write records of study on (results, moral evaluation, tasks,
 * withdrawal, early graduation): NotFoundError outside the acting scope, ForbiddenError
 * without a coordinator or admin grant. With `allowSelf`, the learner's or teacher's own
 * enrollment too (their own tasks, their own early-graduation application).
 */
export function enrollmentToActOn(db: Db | Tx, user: CurrentUser, enrollmentId: unknown, { allowSelf = false } = {}) {
  return findEnrollmentInScope(db, user, enrollmentId, { ...ACT_ON_RECORDS, allowSelf }, { id: true, personId: true })
}

const MAX_TEXT = 500

const ENROLLMENT_CONTEXT = {
  id: true,
  status: true,
  startDate: true,
  periodEnd: true,
  personId: true,
  group: { select: { id: true, code: true, majorId: true, region: { select: { path: true } } } },
} as const satisfies Prisma.EnrollmentSelect

async function enrollmentContext(db: Db | Tx, enrollmentId: string, { mustBeActive = true } = {}) {
  const e = await db.enrollment.findUnique({ where: { id: enrollmentId }, select: ENROLLMENT_CONTEXT })
  if (!e) throw new StudyRecordError({ code: 'not_found' })
  if (mustBeActive && e.status !== 'active') throw new StudyRecordError({ code: 'not_active', status: e.status })
  return e
}

/** The group's teaching plan: its major's current plan courses, each with its current tasks, in order. */
export async function planCourses(db: Db | Tx, majorId: string | null) {
  if (!majorId) return []
  const items = await db.planItem.findMany({
    where: { majorId, retiredAt: null },
    orderBy: [{ position: 'asc' }, { createdAt: 'asc' }],
    select: {
      course: {
        select: {
          id: true,
          code: true,
          name: true,
          kind: true,
          credits: true,
          tasks: { where: { retiredAt: null }, orderBy: [{ position: 'asc' }, { code: 'asc' }], select: { id: true, code: true, name: true, kind: true } },
        },
      },
    },
  })
  return items.map((i) => i.course)
}

async function planCourse(db: Db | Tx, majorId: string | null, course: CourseRef) {
  if (!majorId) return null
  const item = await db.planItem.findFirst({
    where: { majorId, retiredAt: null, ...('courseId' in course ? { courseId: course.courseId } : { course: { code: course.courseCode } }) },
    select: {
      course: {
        select: {
          id: true,
          code: true,
          name: true,
          tasks: { orderBy: [{ position: 'asc' }, { code: 'asc' }], select: { id: true, name: true, retiredAt: true } },
        },
      },
    },
  })
  return item?.course ?? null
}

/** A task of the enrollment's plan, by its code (and the course's code when two plan courses share a task code). */
export async function findPlanTask(db: Db | Tx, enrollmentId: string, taskCode: string, courseCode?: string) {
  const e = await enrollmentContext(db, enrollmentId, { mustBeActive: false })
  if (!e.group.majorId) throw new StudyRecordError({ code: 'task_not_in_plan' })
  const tasks = await db.courseTask.findMany({
    where: {
      code: taskCode,
      retiredAt: null,
      course: { ...(courseCode ? { code: courseCode } : {}), planItems: { some: { majorId: e.group.majorId, retiredAt: null } } },
    },
    select: { id: true, course: { select: { code: true } } },
  })
  if (tasks.length === 0) throw new StudyRecordError({ code: 'task_not_in_plan' })
  if (tasks.length > 1) throw new StudyRecordError({ code: 'task_ambiguous', courses: tasks.map((t) => t.course.code) })
  return tasks[0]!
}

/**
 * Marks a task complete for an enrollment. Idempotent: the unique
 * (enrollment, task) key keeps one completion; a repeat answers
 * `created: false` and records nothing.
 */
/**
 * The tasks (作业/实操) of active enrollments' plan courses that are not yet
 * complete, by enrollment and course code, for the learner's own course page.
 */
export async function openTasksOf(db: Db | Tx, enrollments: { id: string; majorId: string | null }[]) {
  const majorIds = [...new Set(enrollments.map((e) => e.majorId).filter((m): m is string => m !== null))]
  if (majorIds.length === 0) return new Map<string, { id: string; name: string; courseCode: string }[]>()
  const [tasks, done] = await Promise.all([
    db.courseTask.findMany({
      where: { retiredAt: null, course: { retiredAt: null, planItems: { some: { majorId: { in: majorIds }, retiredAt: null } } } },
      select: { id: true, name: true, course: { select: { code: true, planItems: { where: { retiredAt: null }, select: { majorId: true } } } } },
      orderBy: [{ courseId: 'asc' }, { position: 'asc' }],
    }),
    db.taskCompletion.findMany({ where: { enrollmentId: { in: enrollments.map((e) => e.id) } }, select: { enrollmentId: true, taskId: true } }),
  ])
  const completed = new Set(done.map((d) => `${d.enrollmentId}:${d.taskId}`))
  const open = new Map<string, { id: string; name: string; courseCode: string }[]>()
  for (const e of enrollments) {
    open.set(
      e.id,
      tasks
        .filter((t) => t.course.planItems.some((p) => p.majorId === e.majorId) && !completed.has(`${e.id}:${t.id}`))
        .map((t) => ({ id: t.id, name: t.name, courseCode: t.course.code })),
    )
  }
  return open
}

export async function completeTask(
  db: Db,
  opts: { enrollmentId: string; taskId: string; source: TaskCompletionSource; actorId: string | null; ip?: string | null },
) {
  const e = await enrollmentContext(db, opts.enrollmentId)
  const task = await db.courseTask.findFirst({
    where: { id: opts.taskId, retiredAt: null, course: { planItems: { some: { majorId: e.group.majorId ?? '', retiredAt: null } } } },
    select: { id: true, code: true, name: true, course: { select: { code: true } } },
  })
  if (!task || !e.group.majorId) throw new StudyRecordError({ code: 'task_not_in_plan' })
  const existing = await db.taskCompletion.findUnique({ where: { enrollmentId_taskId: { enrollmentId: e.id, taskId: task.id } } })
  if (existing) return { completion: existing, created: false, task }
  try {
    return await db.$transaction(async (tx) => {
      const completion = await tx.taskCompletion.create({
        data: { id: newId(), enrollmentId: e.id, taskId: task.id, source: opts.source, recordedById: opts.actorId },
      })
      await recordAudit(tx, {
        actorId: opts.actorId,
        action: 'task.complete',
        entityType: 'TaskCompletion',
        entityId: completion.id,
        after: { enrollmentId: e.id, courseCode: task.course.code, taskCode: task.code, source: opts.source },
        ip: opts.ip,
        scopePath: e.group.region.path,
      })
      return { completion, created: true, task }
    })
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    const completion = await db.taskCompletion.findUniqueOrThrow({ where: { enrollmentId_taskId: { enrollmentId: e.id, taskId: task.id } } })
    return { completion, created: false, task }
  }
}

/** A plan course by its id (the pages' forms) or its code (the API). */
type CourseRef = { courseId: string } | { courseCode: string }

/**
 * A learner or teacher marks one of their own tasks (作业/实操) done: the task must be in the
 * plan of one of their active enrollments (`enrollmentId` picks one; otherwise the one whose
 * plan has it). Anything else is NotFoundError, the same as a task that does not exist.
 */
export async function completeOwnTask(db: Db, user: CurrentUser, opts: { taskId: string; enrollmentId?: string | null; ip?: string | null }) {
  const personId = selfPersonId(user)
  if (!personId) throw new NotFoundError('task')
  const enrollment = await db.enrollment.findFirst({
    where: {
      personId,
      status: 'active',
      ...(opts.enrollmentId ? { id: opts.enrollmentId } : {}),
      group: { major: { planItems: { some: { retiredAt: null, course: { tasks: { some: { id: opts.taskId, retiredAt: null } } } } } } },
    },
    select: { id: true },
  })
  if (!enrollment) throw new NotFoundError('task')
  try {
    return await completeTask(db, { enrollmentId: enrollment.id, taskId: opts.taskId, source: 'learner', actorId: user.id, ip: opts.ip })
  } catch (error) {
    if (error instanceof StudyRecordError) throw new NotFoundError('task')
    throw error
  }
}

/**
 * Records an exam result (a re-sit is a new row; the latest counts). The
 * course must be in the enrollment's plan, and every one of its tasks must be
 * complete: otherwise StudyRecordError tasks_incomplete naming the tasks.
 * Answers the row with the course's code and name.
 */
export async function recordResult(
  db: Db,
  opts: CourseRef & { enrollmentId: string; score: number; passed: boolean; actorId: string | null; ip?: string | null },
) {
  if (!isValidScore(opts.score)) throw new StudyRecordError({ code: 'invalid_score' })
  return db.$transaction(async (tx) => {
    const e = await enrollmentContext(tx, opts.enrollmentId)
    const course = await planCourse(tx, e.group.majorId, 'courseId' in opts ? { courseId: opts.courseId } : { courseCode: opts.courseCode })
    if (!course) throw new StudyRecordError({ code: 'course_not_in_plan' })
    const done = await tx.taskCompletion.findMany({ where: { enrollmentId: e.id, task: { courseId: course.id } }, select: { taskId: true } })
    const missing = incompleteTasks(
      course.tasks.map((t) => ({ ...t, retired: t.retiredAt !== null })),
      new Set(done.map((d) => d.taskId)),
    )
    if (missing.length > 0) throw new StudyRecordError({ code: 'tasks_incomplete', courseName: course.name, tasks: missing.map((t) => t.name) })
    const before = await tx.courseResult.findFirst({
      where: { enrollmentId: e.id, courseId: course.id },
      orderBy: { createdAt: 'desc' },
      select: { score: true, passed: true },
    })
    const result = await tx.courseResult.create({
      data: { id: newId(), enrollmentId: e.id, courseId: course.id, score: new Prisma.Decimal(opts.score), passed: opts.passed, recordedById: opts.actorId },
    })
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: 'result.record',
      entityType: 'CourseResult',
      entityId: result.id,
      before: before ? { score: Number(before.score), passed: before.passed } : null,
      after: { enrollmentId: e.id, courseCode: course.code, score: opts.score, passed: opts.passed },
      ip: opts.ip,
      scopePath: e.group.region.path,
    })
    return { ...result, course: { code: course.code, name: course.name } }
  })
}

/** Records a moral evaluation (思想品德评价); the latest counts. */
export async function recordMoralEvaluation(
  db: Db,
  opts: { enrollmentId: string; passed: boolean; note?: string | null; actorId: string | null; ip?: string | null },
) {
  const note = opts.note?.trim() || null
  if (note && note.length > MAX_TEXT) throw new StudyRecordError({ code: 'note_too_long' })
  return db.$transaction(async (tx) => {
    const e = await enrollmentContext(tx, opts.enrollmentId)
    const before = await tx.moralEvaluation.findFirst({ where: { enrollmentId: e.id }, orderBy: { createdAt: 'desc' }, select: { passed: true, note: true } })
    const row = await tx.moralEvaluation.create({ data: { id: newId(), enrollmentId: e.id, passed: opts.passed, note, recordedById: opts.actorId } })
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: 'moral.record',
      entityType: 'MoralEvaluation',
      entityId: row.id,
      before,
      after: { enrollmentId: e.id, passed: opts.passed, note },
      ip: opts.ip,
      scopePath: e.group.region.path,
    })
    return row
  })
}

/**
 * Withdraws an enrollment: a Withdrawal row and status 'withdrawn' in one
 * transaction. The date lies within the period and not after today; a reason
 * is required; a second withdrawal is refused (already_withdrawn).
 */
export async function withdrawEnrollment(
  db: Db,
  opts: { enrollmentId: string; date: string; reason: string; today: string; actorId: string | null; ip?: string | null },
) {
  const reason = opts.reason.trim()
  if (!reason) throw new StudyRecordError({ code: 'reason_required' })
  if (reason.length > MAX_TEXT) throw new StudyRecordError({ code: 'note_too_long', field: 'reason' })
  if (!isIsoDate(opts.date)) throw new StudyRecordError({ code: 'invalid_date' })
  try {
    return await db.$transaction(async (tx) => {
      const e = await enrollmentContext(tx, opts.enrollmentId, { mustBeActive: false })
      if (e.status === 'withdrawn') throw new StudyRecordError({ code: 'already_withdrawn' })
      if (e.status !== 'active') throw new StudyRecordError({ code: 'not_active', status: e.status })
      const problem = withdrawalDateProblem(opts.date, { startDate: dateOnly(e.startDate), periodEnd: e.periodEnd ? dateOnly(e.periodEnd) : null }, opts.today)
      if (problem) throw new StudyRecordError({ code: 'withdrawal_date', problem })
      // Only an active enrollment turns withdrawn; a concurrent withdrawal finds none left.
      const changed = await tx.enrollment.updateMany({ where: { id: e.id, status: 'active' }, data: { status: 'withdrawn' } })
      if (changed.count !== 1) throw new StudyRecordError({ code: 'already_withdrawn' })
      const withdrawal = await tx.withdrawal.create({
        data: { id: newId(), enrollmentId: e.id, withdrawnOn: new Date(`${opts.date}T00:00:00Z`), reason, recordedById: opts.actorId },
      })
      await recordAudit(tx, {
        actorId: opts.actorId,
        action: 'enrollment.withdraw',
        entityType: 'Enrollment',
        entityId: e.id,
        before: { status: 'active' },
        after: { status: 'withdrawn', withdrawnOn: opts.date, reason },
        ip: opts.ip,
        scopePath: e.group.region.path,
      })
      return withdrawal
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new StudyRecordError({ code: 'already_withdrawn' })
    throw error
  }
}

/**
 * Whether an enrollment may graduate now, with the reasons it may not: the
 * outcome of loadProgress (the one outcomes engine) must be
 * eligible_for_graduation.
 */
export async function graduationCheck(db: Db | Tx, enrollmentId: string, asOf: string): Promise<{ eligible: boolean; reasons: string[] }> {
  const progress = await loadEnrollmentProgress(db, enrollmentId, asOf)
  if (!progress) throw new StudyRecordError({ code: 'not_found' })
  return { eligible: progress.outcome.status === 'eligible_for_graduation', reasons: progress.outcome.reasons }
}

/**
 * An early-graduation application (the learner's, or the coordinator's for them), the one
 * place every entry point passes. A pending or approved one answers as it is (`created:
 * false`; two clicks make one request). Otherwise the rule `mayApplyForEarlyGraduation`
 * decides on the outcome as of `asOf` (today): every graduation condition met before the
 * period ends and no application decided yet. After a rejection it is refused
 * (early_rejected: a rejection is final, api-v1.md); not eligible, refused with the reasons.
 */
export async function requestEarlyGraduation(db: Db, opts: { enrollmentId: string; actorId: string | null; ip?: string | null; asOf?: string }) {
  const asOf = opts.asOf ?? beijingDate(new Date())
  return db.$transaction(async (tx) => {
    const e = await enrollmentContext(tx, opts.enrollmentId)
    // Serializes applications of one enrollment so two clicks make one request.
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`early-graduation:${e.id}`}, 0))`
    const open = await tx.earlyGraduationRequest.findFirst({
      where: { enrollmentId: e.id, status: { in: ['pending', 'approved'] } },
      orderBy: { createdAt: 'desc' },
    })
    if (open) return { request: open, created: false }
    const progress = await loadEnrollmentProgress(tx, e.id, asOf)
    if (!progress) throw new StudyRecordError({ code: 'not_found' })
    if (!mayApplyForEarlyGraduation(progress.outcome, e.status === 'active')) {
      if (progress.outcome.earlyGraduation === 'rejected') throw new StudyRecordError({ code: 'early_rejected' })
      throw new StudyRecordError({ code: 'not_eligible', reasons: progress.outcome.reasons })
    }
    const request = await tx.earlyGraduationRequest.create({ data: { id: newId(), enrollmentId: e.id, requestedById: opts.actorId } })
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: 'early_graduation.request',
      entityType: 'EarlyGraduationRequest',
      entityId: request.id,
      after: { enrollmentId: e.id, status: 'pending' },
      ip: opts.ip,
      scopePath: e.group.region.path,
    })
    return { request, created: true }
  })
}

/**
 * A coordinator's decision on a pending request: approval only when the
 * enrollment is eligible for graduation (not_eligible with the reasons
 * otherwise); rejection needs a reason. A decided request is not decided again.
 */
export async function decideEarlyGraduation(
  db: Db,
  opts: {
    requestId: string
    /** When given, the request must be one of this enrollment's (the page's form names both). */
    enrollmentId?: string
    approve: boolean
    reason?: string | null
    asOf: string
    actorId: string | null
    ip?: string | null
  },
) {
  const reason = opts.reason?.trim() || null
  if (!opts.approve && !reason) throw new StudyRecordError({ code: 'reason_required' })
  if (reason && reason.length > MAX_TEXT) throw new StudyRecordError({ code: 'note_too_long', field: 'reason' })
  const request = await db.earlyGraduationRequest.findUnique({ where: { id: opts.requestId }, select: { id: true, enrollmentId: true, status: true } })
  if (!request || (opts.enrollmentId !== undefined && request.enrollmentId !== opts.enrollmentId)) throw new StudyRecordError({ code: 'not_found' })
  if (request.status !== 'pending') throw new StudyRecordError({ code: 'request_decided' })
  if (opts.approve) {
    const check = await graduationCheck(db, request.enrollmentId, opts.asOf)
    if (!check.eligible) throw new StudyRecordError({ code: 'not_eligible', reasons: check.reasons })
  }
  return db.$transaction(async (tx) => {
    const e = await enrollmentContext(tx, request.enrollmentId)
    const status = opts.approve ? 'approved' : 'rejected'
    const changed = await tx.earlyGraduationRequest.updateMany({
      where: { id: request.id, status: 'pending' },
      data: { status, reviewedById: opts.actorId, reviewedAt: new Date(), reviewReason: reason },
    })
    if (changed.count !== 1) throw new StudyRecordError({ code: 'request_decided' })
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: opts.approve ? 'early_graduation.approve' : 'early_graduation.reject',
      entityType: 'EarlyGraduationRequest',
      entityId: request.id,
      before: { status: 'pending' },
      after: { enrollmentId: e.id, status, reason },
      ip: opts.ip,
      scopePath: e.group.region.path,
    })
    // The learner hears the result and the reason (issue 11), in this transaction.
    await notifyDecision(tx, { kind: 'early_graduation', decisionId: request.id, enrollmentId: request.enrollmentId, approved: opts.approve, reason })
    return { id: request.id, status }
  })
}

/**
 * Everything the coordinator's enrollment page shows, for a caller who may act on the enrollment
 * (NotFoundError otherwise, the same as a missing id): the records of study (plan courses with
 * tasks and results, moral evaluation, withdrawal, early-graduation requests), the progress as of
 * `asOf`, and whether an early-graduation application may be sent now (the rule the model applies
 * on submit, so the button and the POST agree).
 */
export async function loadStudyRecord(db: Db, user: CurrentUser, enrollmentId: unknown, asOf: string) {
  const { id } = await enrollmentToActOn(db, user, enrollmentId)
  const [record, progress] = await Promise.all([studyRecordOf(db, id), loadEnrollmentProgress(db, id, asOf)])
  if (!record || !progress) throw new NotFoundError('enrollment')
  return { ...record, progress, canApplyEarly: mayApplyForEarlyGraduation(progress.outcome, record.enrollment.status === 'active') }
}

async function studyRecordOf(db: Db, enrollmentId: string) {
  const e = await db.enrollment.findUnique({
    where: { id: enrollmentId },
    select: {
      id: true,
      status: true,
      startDate: true,
      periodEnd: true,
      studyYears: true,
      person: { select: { id: true, name: true, idMasked: true, priorEducation: true, region: { select: { name: true } } } },
      program: { select: { code: true, name: true } },
      group: { select: { id: true, code: true, name: true, kind: true, majorId: true, major: { select: { name: true } } } },
      taskCompletions: { select: { taskId: true, source: true, completedAt: true } },
      results: { orderBy: { createdAt: 'desc' }, select: { courseId: true, score: true, passed: true, createdAt: true } },
      moralEvaluations: { orderBy: { createdAt: 'desc' }, take: 1, select: { passed: true, note: true, createdAt: true } },
      withdrawal: { select: { withdrawnOn: true, reason: true } },
      earlyGraduationRequests: { orderBy: { createdAt: 'desc' }, select: { id: true, status: true, createdAt: true, reviewReason: true, reviewedAt: true } },
      // Certificates in force (or awaiting the stamp): their results are what the page shows read-only (issue 15).
      certificates: { where: { status: { not: 'revoked' } }, orderBy: { issuedAt: 'asc' }, select: { serial: true, type: true } },
    },
  })
  if (!e) return null
  const courses = await planCourses(db, e.group.majorId)
  const done = new Map(e.taskCompletions.map((c) => [c.taskId, c]))
  return {
    enrollment: e,
    courses: courses.map((c) => {
      const latest = e.results.find((r) => r.courseId === c.id)
      return {
        id: c.id,
        code: c.code,
        name: c.name,
        kind: c.kind,
        credits: Number(c.credits),
        tasks: c.tasks.map((t) => ({ ...t, done: done.has(t.id), source: done.get(t.id)?.source ?? null })),
        tasksComplete: c.tasks.every((t) => done.has(t.id)),
        latestResult: latest ? { score: Number(latest.score), passed: latest.passed, at: latest.createdAt } : null,
        attempts: e.results.filter((r) => r.courseId === c.id).length,
      }
    }),
  }
}

/** A refusal in the reader's words (the API uses the Chinese catalog). */
export function studyRecordMessage(t: T, p: StudyRecordProblem): string {
  switch (p.code) {
    case 'not_active':
      return t('study.error.not_active', { status: t(`enrollment.status.${p.status as 'active'}`) })
    case 'task_ambiguous':
      return t('study.error.task_ambiguous', { courses: p.courses.join('、') })
    case 'tasks_incomplete':
      return t('study.error.tasks_incomplete', { tasks: p.tasks.join('、') })
    case 'withdrawal_date':
      return t(`study.error.${p.problem}`)
    case 'not_eligible':
      return t('study.error.not_eligible', { reasons: p.reasons.join('；') })
    default:
      return t(`study.error.${p.code}`)
  }
}
