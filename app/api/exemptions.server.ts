/**
 * API v1 exemptions (../shared/api-v1.md): applying for an enrollment and
 * deciding an application. Access as on the web pages: the learner for their
 * own active enrollment, coordinators and admins in scope (anything else in
 * reach of the role but outside the scope is 404).
 */
import { ENROLLMENT_ACTORS, LEARNERS } from '#app/domain/roles.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { applyForExemption, decideExemption, type Applicant } from '#app/models/exemptions.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiRole, requireApiUser } from './auth.server.ts'
import { ApiError, json, readJsonBody, type ApiArgs } from './http.server.ts'
import { idempotent } from './idempotency.server.ts'
import { API_MESSAGES } from './messages.ts'
import { ExemptionDecisionRequest, ExemptionRequest } from './schemas-exemptions.ts'

/** Staff who apply on a learner's behalf and decide: the acting rule (the class in scope). */
const STAFF = ENROLLMENT_ACTORS
/** Learners apply for their own active enrollment. */
const SELF = LEARNERS

/** POST /api/v1/enrollments/{id}/exemptions → 201 { id, status: "pending" } (a retry with the same Idempotency-Key: the same answer, nothing new). */
export async function applyExemption({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireApiRole(user, [...STAFF, ...SELF])
  const staffScopes = scopesFor(user, STAFF)
  const applicant: Applicant =
    staffScopes.length > 0 ? { kind: 'staff', userId: user.id, scopes: staffScopes } : { kind: 'self', userId: user.id, personId: user.personId ?? '' }
  return idempotent(request, user, async () => {
    const body = await readJsonBody(request, ExemptionRequest)
    const { exemption } = await applyForExemption(getDb(), {
      enrollmentId: params.id ?? '',
      applicant,
      basis: body.basis,
      mode: body.mode,
      course: body.courseCode ? { code: body.courseCode } : null,
      certificateNo: body.certificateNo,
      issuer: body.issuer,
      // api-v1.md lists no issuing body: optional here (the web form asks for it).
      requireIssuer: false,
      credits: body.credits ?? null,
      note: body.note,
      ip: context.ip,
    })
    return json({ id: exemption.id, status: exemption.status }, 201)
  })
}

/** POST /api/v1/exemptions/{id}/decision → 200 { id, status, credits }; the opposite of a decision already made is 409. */
export async function decideExemptionApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireApiRole(user, STAFF)
  const body = await readJsonBody(request, ExemptionDecisionRequest)
  const result = await decideExemption(getDb(), {
    exemptionId: params.id ?? '',
    scopes: scopesFor(user, STAFF),
    reviewerId: user.id,
    approve: body.approve,
    reason: body.reason,
    credits: body.credits ?? null,
    ip: context.ip,
  })
  if (!result.changed && (result.status === 'approved') !== body.approve) {
    throw new ApiError('conflict', result.status === 'approved' ? API_MESSAGES.exemptionAlreadyApproved : API_MESSAGES.exemptionAlreadyRejected)
  }
  return json({ id: result.id, status: result.status, credits: result.credits })
}
