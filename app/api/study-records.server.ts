/**
 * API v1: people, enrollments and records of study (../shared/api-v1.md).
 * Access and rules are the models': coordinators and admins (403 for other
 * roles), only inside their scope (404 outside it, like a missing id; writing
 * on an enrollment needs its class or round in scope); a learner may complete
 * their own tasks. A model's refusal (an AppError) becomes the API's error in
 * one place, app/api/http.server.ts.
 */
import { selfPersonId, findPersonInScope } from '#app/models/access.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate, dateOnly } from '#app/domain/time.ts'
import { enrollPersonAs } from '#app/models/enrollments.server.ts'
import { registerPerson } from '#app/models/people.server.ts'
import { completeTask, enrollmentToActOn, findPlanTask, recordMoralEvaluation, recordResult, withdrawEnrollment } from '#app/models/study-records.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiUser } from './auth.server.ts'
import { json, readJsonBody, type ApiArgs } from './http.server.ts'
import { idempotent } from './idempotency.server.ts'
import {
  EnrollmentCreateRequest,
  MoralEvaluationRequest,
  PersonCreateRequest,
  ResultRequest,
  TaskCompleteRequest,
  WithdrawRequest,
} from './schemas-enrollment.ts'

// ─── People ───────────────────────────────────────────────────────────────

/** POST /api/v1/people */
export async function createPersonApi({ request, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  return idempotent(request, user, async () => {
    const body = await readJsonBody(request, PersonCreateRequest)
    const person = await registerPerson(getDb(), user, {
      input: {
        name: body.name,
        idNumber: body.idNumber,
        phone: body.phone || null,
        region: { code: body.regionCode },
        schoolName: body.schoolName ?? null,
        kind: body.kind,
        priorEducation: body.priorEducation ?? null,
      },
      ip: context.ip,
    })
    return json({ id: person.id, name: person.name, idNumberMasked: person.idMasked }, 201)
  })
}

/** GET /api/v1/people/{id} */
export async function readPersonApi({ request, params }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const person = await findPersonInScope(getDb(), user, params.id, PEOPLE_MANAGERS, {
    id: true,
    name: true,
    idMasked: true,
    kind: true,
    priorEducation: true,
    region: { select: { code: true } },
  })
  return json({
    id: person.id,
    name: person.name,
    idNumberMasked: person.idMasked,
    regionCode: person.region.code,
    kind: person.kind,
    priorEducation: person.priorEducation,
  })
}

// ─── Enrollments ──────────────────────────────────────────────────────────

/** POST /api/v1/enrollments */
export async function createEnrollmentApi({ request, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  return idempotent(request, user, async () => {
    const body = await readJsonBody(request, EnrollmentCreateRequest)
    const { enrollment: e, group } = await enrollPersonAs(getDb(), user, {
      personId: body.personId,
      group: { code: body.groupCode },
      startDate: body.startDate,
      ip: context.ip,
    })
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
  })
}

// ─── Records of study ─────────────────────────────────────────────────────

/** POST /api/v1/enrollments/{id}/tasks/{taskCode}/complete: staff who may act on the enrollment, or the learner on their own. */
export async function completeTaskApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  return idempotent(request, user, async () => {
    const db = getDb()
    const enrollment = await enrollmentToActOn(db, user, params.id, { allowSelf: true })
    const body = await readJsonBody(request, TaskCompleteRequest)
    const taskCode = params.taskCode ?? ''
    const task = await findPlanTask(db, enrollment.id, taskCode, body.courseCode)
    const source = selfPersonId(user) === enrollment.personId ? 'learner' : 'coordinator'
    const { completion, created } = await completeTask(db, { enrollmentId: enrollment.id, taskId: task.id, source, actorId: user.id, ip: context.ip })
    return json({ enrollmentId: enrollment.id, courseCode: task.course.code, taskCode, completedAt: completion.completedAt.toISOString(), created })
  })
}

/** POST /api/v1/enrollments/{id}/results */
export async function recordResultApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  return idempotent(request, user, async () => {
    const db = getDb()
    const enrollment = await enrollmentToActOn(db, user, params.id)
    const body = await readJsonBody(request, ResultRequest)
    const result = await recordResult(db, {
      enrollmentId: enrollment.id,
      courseCode: body.courseCode,
      score: body.score,
      passed: body.passed,
      actorId: user.id,
      ip: context.ip,
    })
    return json(
      {
        id: result.id,
        enrollmentId: enrollment.id,
        courseCode: result.course.code,
        score: Number(result.score),
        passed: result.passed,
        recordedAt: result.createdAt.toISOString(),
      },
      201,
    )
  })
}

/** POST /api/v1/enrollments/{id}/moral-evaluation */
export async function recordMoralApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  return idempotent(request, user, async () => {
    const db = getDb()
    const enrollment = await enrollmentToActOn(db, user, params.id)
    const body = await readJsonBody(request, MoralEvaluationRequest)
    const row = await recordMoralEvaluation(db, { enrollmentId: enrollment.id, passed: body.passed, note: body.note, actorId: user.id, ip: context.ip })
    return json({ id: row.id, enrollmentId: enrollment.id, passed: row.passed, note: row.note, recordedAt: row.createdAt.toISOString() }, 201)
  })
}

/** POST /api/v1/enrollments/{id}/withdraw */
export async function withdrawApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  return idempotent(request, user, async () => {
    const db = getDb()
    const enrollment = await enrollmentToActOn(db, user, params.id)
    const body = await readJsonBody(request, WithdrawRequest)
    const w = await withdrawEnrollment(db, {
      enrollmentId: enrollment.id,
      date: body.date,
      reason: body.reason,
      today: beijingDate(new Date()),
      actorId: user.id,
      ip: context.ip,
    })
    return json({ enrollmentId: enrollment.id, status: 'withdrawn', date: dateOnly(w.withdrawnOn), reason: w.reason })
  })
}
