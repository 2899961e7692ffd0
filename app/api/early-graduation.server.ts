/**
 * API v1 early graduation (../shared/api-v1.md), through the same model
 * functions and rules as the learner's and the coordinator's pages
 * (requestEarlyGraduation / decideEarlyGraduation in
 * app/models/study-records.server.ts):
 *  - apply: 201 { id, status: "pending" }; asking again while one is pending
 *    or approved answers 200 with it; not eligible (conditions unmet, or the
 *    period already over) is 409 not_eligible with `reasons`; after a
 *    rejection 409 conflict (a rejection is final here; the coordinator may
 *    reopen it from the page).
 *  - decide: 200 { id, status }; the same decision again answers 200 with
 *    the status recorded, the opposite 409 conflict; approving while a
 *    condition is unmet is 409 not_eligible with `reasons`.
 * Access: the learner for their own enrollment, or coordinators and admins
 * whose scope holds the class (acting rule); others 404 / 403.
 */
import { beijingDate } from '#app/domain/time.ts'
import { earlyGraduationRequestToDecide } from '#app/models/early-graduation.server.ts'
import { decideEarlyGraduation, enrollmentToActOn, requestEarlyGraduation } from '#app/models/study-records.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiUser } from './auth.server.ts'
import { ApiError, json, readJsonBody, type ApiArgs } from './http.server.ts'
import { idempotent } from './idempotency.server.ts'
import { API_MESSAGES } from './messages.ts'
import { EarlyGraduationDecisionRequest, EarlyGraduationRequest } from './schemas-early-graduation.ts'

/** POST /api/v1/enrollments/{id}/early-graduation */
export async function applyEarlyGraduationApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const db = getDb()
  const enrollment = await enrollmentToActOn(db, user, params.id, { allowSelf: true })
  return idempotent(request, user, async () => {
    await readJsonBody(request, EarlyGraduationRequest)
    const { request: row, created } = await requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: user.id, ip: context.ip })
    return json({ id: row.id, status: row.status }, created ? 201 : 200)
  })
}

/** POST /api/v1/early-graduation/{id}/decision */
export async function decideEarlyGraduationApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const db = getDb()
  const found = await earlyGraduationRequestToDecide(db, user, params.id)
  const body = await readJsonBody(request, EarlyGraduationDecisionRequest)
  if (found.status !== 'pending') {
    // Decided already: the same decision is answered as recorded, the opposite refused.
    if ((found.status === 'approved') === body.approve) return json({ id: found.id, status: found.status })
    throw new ApiError('conflict', found.status === 'approved' ? API_MESSAGES.earlyAlreadyApproved : API_MESSAGES.earlyAlreadyRejected)
  }
  const result = await decideEarlyGraduation(db, {
    requestId: found.id,
    enrollmentId: found.enrollmentId,
    approve: body.approve,
    reason: body.reason,
    asOf: beijingDate(new Date()),
    actorId: user.id,
    ip: context.ip,
  })
  return json({ id: result.id, status: result.status })
}
