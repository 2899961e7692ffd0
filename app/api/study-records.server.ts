/**
 * API v1: people, enrollments and records of study (../shared/api-v1.md).
 * Access as on the web UI: coordinators and admins (403 for other roles),
 * only inside their scope (404 outside it, like a missing id); a learner may
 * complete their own tasks. Refusals come from the models' rules and speak
 * the Chinese of the UI catalog.
 */
import type { Role } from '#app/generated/prisma/enums.ts'
import { groupScopeWhere, personScopeWhere, regionScopeWhere, scopesFor, type CurrentUser } from '#app/models/access.server.ts'
import { personFormSchema } from '#app/domain/person-form.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate, dateOnly } from '#app/domain/time.ts'
import { translator } from '#app/i18n/index.ts'
import { ENROLL_GROUP_SELECT, enrollPerson, EnrollmentError, enrollRefusalMessage } from '#app/models/enrollments.server.ts'
import { createPerson, PersonError } from '#app/models/people.server.ts'
import {
  completeTask,
  findPlanTask,
  recordMoralEvaluation,
  recordResult,
  StudyRecordError,
  studyRecordMessage,
  withdrawEnrollment,
} from '#app/models/study-records.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiRole, requireApiUser } from './auth.server.ts'
import { enrollmentScopeWhere } from './enrollments.server.ts'
import { ApiError, json, readJsonBody, type ApiArgs } from './http.server.ts'
import { API_MESSAGES } from './messages.ts'
import { ENROLLMENT_API_MESSAGES as M, EnrollmentCreateRequest, MoralEvaluationRequest, PersonCreateRequest, ResultRequest, TaskCompleteRequest, WithdrawRequest } from './schemas-enrollment.ts'

const ROLES: readonly Role[] = PEOPLE_MANAGERS
const SELF_ROLES: readonly Role[] = ['learner', 'teacher']
const zh = translator('zh-CN')

const plausibleId = (id: string | undefined): id is string => typeof id === 'string' && /^[a-z0-9_-]{1,64}$/i.test(id)

/** A model's refusal as the API's error. */
function studyRecordError(error: StudyRecordError, fieldOf: Partial<Record<string, string>> = {}): ApiError {
  const p = error.problem
  const message = studyRecordMessage(zh, p)
  const field = fieldOf[p.code]
  const fields = field ? { [field]: message } : undefined
  switch (p.code) {
    case 'not_found':
      return new ApiError('not_found', API_MESSAGES.enrollmentNotFound)
    case 'task_not_in_plan':
      return new ApiError('not_found', M.taskNotFound)
    case 'tasks_incomplete':
      return new ApiError('tasks_incomplete', message)
    case 'not_eligible':
      return new ApiError('not_eligible', message)
    case 'not_active':
    case 'already_withdrawn':
    case 'request_pending':
    case 'request_decided':
      return new ApiError('conflict', message)
    default:
      return new ApiError('validation_failed', message, fields ?? { _: message })
  }
}

async function rethrow<T>(work: Promise<T>, fieldOf?: Partial<Record<string, string>>): Promise<T> {
  try {
    return await work
  } catch (error) {
    if (error instanceof StudyRecordError) throw studyRecordError(error, fieldOf)
    throw error
  }
}

/** An enrollment the staff caller may write to: 403 without the role, 404 outside the scope. */
async function enrollmentForStaff(user: CurrentUser, id: string | undefined) {
  requireApiRole(user, ROLES)
  if (!plausibleId(id)) throw new ApiError('not_found', API_MESSAGES.enrollmentNotFound)
  const row = await getDb().enrollment.findFirst({ where: { AND: [{ id }, enrollmentScopeWhere(scopesFor(user, ROLES))] }, select: { id: true } })
  if (!row) throw new ApiError('not_found', API_MESSAGES.enrollmentNotFound)
  return row
}

// ─── People ───────────────────────────────────────────────────────────────

/** POST /api/v1/people */
export async function createPersonApi({ request, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireApiRole(user, ROLES)
  const body = await readJsonBody(request, PersonCreateRequest)
  const db = getDb()
  const scopes = scopesFor(user, ROLES)
  const today = beijingDate(new Date())
  const idCheck = personFormSchema(zh, today).shape.idNumber.safeParse(body.idNumber)
  if (!idCheck.success) {
    throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { idNumber: idCheck.error.issues[0]?.message ?? API_MESSAGES.validationFailed })
  }
  const region = await db.region.findFirst({
    where: { AND: [{ code: body.regionCode }, { level: { in: ['township', 'village'] } }, regionScopeWhere(scopes)] },
    select: { id: true, path: true },
  })
  if (!region) throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { regionCode: M.regionCode })
  let organizationId: string | null = null
  if (body.schoolName) {
    const org = await db.organization.findFirst({
      where: { name: body.schoolName, region: regionScopeWhere(scopes) },
      select: { id: true },
    })
    if (!org) throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { schoolName: M.schoolName })
    organizationId = org.id
  }
  try {
    const person = await createPerson(db, {
      input: { name: body.name, idNumber: body.idNumber, phone: body.phone || null, regionId: region.id, organizationId, kind: body.kind, priorEducation: body.priorEducation ?? null },
      actorId: user.id,
      ip: context.ip,
      today,
    })
    return json({ id: person.id, name: person.name, idNumberMasked: person.idMasked }, 201)
  } catch (error) {
    if (error instanceof PersonError) {
      if (error.code === 'duplicate_id_number') {
        // The existing id only to a caller who may see that person (otherwise it would leak who is registered elsewhere).
        const visible = error.detail.existingId
          ? await db.person.findFirst({ where: { AND: [{ id: error.detail.existingId }, personScopeWhere(scopes)] }, select: { id: true } })
          : null
        return json({ error: { code: 'conflict', message: M.duplicateIdNumber, ...(visible ? { existingId: visible.id } : {}) } }, 409)
      }
      if (error.code === 'invalid_phone') throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { phone: M.phone })
      throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { idNumber: API_MESSAGES.validationFailed })
    }
    throw error
  }
}

/** GET /api/v1/people/{id} */
export async function readPersonApi({ request, params }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireApiRole(user, ROLES)
  const id = params.id
  if (!plausibleId(id)) throw new ApiError('not_found', M.personNotFound)
  const person = await getDb().person.findFirst({
    where: { AND: [{ id }, personScopeWhere(scopesFor(user, ROLES))] },
    select: { id: true, name: true, idMasked: true, kind: true, priorEducation: true, region: { select: { code: true } } },
  })
  if (!person) throw new ApiError('not_found', M.personNotFound)
  return json({ id: person.id, name: person.name, idNumberMasked: person.idMasked, regionCode: person.region.code, kind: person.kind, priorEducation: person.priorEducation })
}

// ─── Enrollments ──────────────────────────────────────────────────────────

/** POST /api/v1/enrollments */
export async function createEnrollmentApi({ request, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireApiRole(user, ROLES)
  const body = await readJsonBody(request, EnrollmentCreateRequest)
  const db = getDb()
  const scopes = scopesFor(user, ROLES)
  const [person, group] = await Promise.all([
    plausibleId(body.personId) ? db.person.findFirst({ where: { AND: [{ id: body.personId }, personScopeWhere(scopes)] }, select: { id: true } }) : null,
    db.group.findFirst({ where: { AND: [{ code: body.groupCode }, groupScopeWhere(scopes)] }, select: ENROLL_GROUP_SELECT }),
  ])
  if (!person) throw new ApiError('not_found', M.personNotFound)
  if (!group) throw new ApiError('not_found', M.groupNotFound)
  try {
    const e = await enrollPerson(db, { personId: person.id, group, startDate: body.startDate, actorId: user.id, ip: context.ip })
    return json(
      {
        id: e.id,
        personId: e.personId,
        programCode: group.program.code,
        groupCode: group.code,
        startDate: dateOnly(e.startDate),
        periodEnd: e.periodEnd ? dateOnly(e.periodEnd) : null,
        studyYears: e.studyYears,
        status: e.status,
      },
      201,
    )
  } catch (error) {
    if (!(error instanceof EnrollmentError)) throw error
    const r = error.refusal
    const message = enrollRefusalMessage(zh, r)
    switch (r.code) {
      case 'already_enrolled':
        return json({ error: { code: 'conflict', message: M.alreadyEnrolled, existingId: r.enrollmentId } }, 409)
      case 'active_in_program':
        throw new ApiError('conflict', message)
      case 'not_found':
        throw new ApiError('not_found', M.personNotFound)
      case 'before_group_start':
      case 'after_group_end':
        throw new ApiError('validation_failed', message, { startDate: message })
      default:
        throw new ApiError('validation_failed', message, { personId: message })
    }
  }
}

// ─── Records of study ─────────────────────────────────────────────────────

/** POST /api/v1/enrollments/{id}/tasks/{taskCode}/complete: staff in scope, or the learner on their own enrollment. */
export async function completeTaskApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const db = getDb()
  const staff = scopesFor(user, ROLES)
  const self = user.personId && user.grants.some((g) => SELF_ROLES.includes(g.role)) ? user.personId : null
  if (staff.length === 0 && !self) throw new ApiError('forbidden', API_MESSAGES.forbidden)
  const id = params.id
  if (!plausibleId(id)) throw new ApiError('not_found', API_MESSAGES.enrollmentNotFound)
  const access = [...(staff.length > 0 ? [enrollmentScopeWhere(staff)] : []), ...(self ? [{ personId: self }] : [])]
  const enrollment = await db.enrollment.findFirst({ where: { AND: [{ id }, { OR: access }] }, select: { id: true, personId: true } })
  if (!enrollment) throw new ApiError('not_found', API_MESSAGES.enrollmentNotFound)
  const body = await readJsonBody(request, TaskCompleteRequest)
  const taskCode = params.taskCode ?? ''
  const task = await rethrow(findPlanTask(db, enrollment.id, taskCode, body.courseCode), { task_ambiguous: 'courseCode' })
  const source = staff.length > 0 && !(self && self === enrollment.personId) ? 'coordinator' : 'learner'
  const { completion, created } = await rethrow(completeTask(db, { enrollmentId: enrollment.id, taskId: task.id, source, actorId: user.id, ip: context.ip }))
  return json({ enrollmentId: enrollment.id, courseCode: task.course.code, taskCode, completedAt: completion.completedAt.toISOString(), created })
}

/** POST /api/v1/enrollments/{id}/results */
export async function recordResultApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const enrollment = await enrollmentForStaff(user, params.id)
  const body = await readJsonBody(request, ResultRequest)
  const course = await getDb().course.findUnique({ where: { code: body.courseCode }, select: { id: true, code: true } })
  if (!course) {
    const message = studyRecordMessage(zh, { code: 'course_not_in_plan' })
    throw new ApiError('validation_failed', message, { courseCode: message })
  }
  const result = await rethrow(
    recordResult(getDb(), { enrollmentId: enrollment.id, courseId: course.id, score: body.score, passed: body.passed, actorId: user.id, ip: context.ip }),
    { course_not_in_plan: 'courseCode', invalid_score: 'score' },
  )
  return json(
    { id: result.id, enrollmentId: enrollment.id, courseCode: course.code, score: Number(result.score), passed: result.passed, recordedAt: result.createdAt.toISOString() },
    201,
  )
}

/** POST /api/v1/enrollments/{id}/moral-evaluation */
export async function recordMoralApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const enrollment = await enrollmentForStaff(user, params.id)
  const body = await readJsonBody(request, MoralEvaluationRequest)
  const row = await rethrow(recordMoralEvaluation(getDb(), { enrollmentId: enrollment.id, passed: body.passed, note: body.note, actorId: user.id, ip: context.ip }), {
    note_too_long: 'note',
  })
  return json({ id: row.id, enrollmentId: enrollment.id, passed: row.passed, note: row.note, recordedAt: row.createdAt.toISOString() }, 201)
}

/** POST /api/v1/enrollments/{id}/withdraw */
export async function withdrawApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const enrollment = await enrollmentForStaff(user, params.id)
  const body = await readJsonBody(request, WithdrawRequest)
  const w = await rethrow(
    withdrawEnrollment(getDb(), { enrollmentId: enrollment.id, date: body.date, reason: body.reason, today: beijingDate(new Date()), actorId: user.id, ip: context.ip }),
    { withdrawal_date: 'date', invalid_date: 'date', reason_required: 'reason', note_too_long: 'reason' },
  )
  return json({ enrollmentId: enrollment.id, status: 'withdrawn', date: dateOnly(w.withdrawnOn), reason: w.reason })
}
