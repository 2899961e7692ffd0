/**
 * API v1 exemptions (../shared/api-v1.md): applying for an enrollment and
 * deciding an application. Access as on the web pages: the learner for their
 * own active enrollment, coordinators and admins in scope (anything else in
 * reach of the role but outside the scope is 404).
 */
import type { Role } from '#app/generated/prisma/enums.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { translate, type MessageKey } from '#app/i18n/index.ts'
import { applyForExemption, decideExemption, ExemptionError, type Applicant } from '#app/models/exemptions.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiRole, requireApiUser } from './auth.server.ts'
import { ApiError, json, readJsonBody, type ApiArgs } from './http.server.ts'
import { API_MESSAGES } from './messages.ts'
import { ExemptionDecisionRequest, ExemptionRequest } from './schemas-exemptions.ts'

const STAFF: readonly Role[] = ['coordinator', 'admin']
const SELF: readonly Role[] = ['learner']

const plausibleId = (id: string | undefined): id is string => typeof id === 'string' && /^[a-z0-9_-]{1,64}$/i.test(id)
const zh = (key: string) => translate('zh-CN', key as MessageKey)
/** API-only messages (Chinese, like app/api/messages.ts). */
const MESSAGES = {
  notFound: '找不到该免修免考申请',
  alreadyApproved: '该申请已审核为通过，不能再改为不通过',
  alreadyRejected: '该申请已审核为不通过，不能再改为通过',
}
const API_FIELD: Record<string, string> = { courseCode: 'courseCode', certificateNo: 'certificateNo', issuer: 'issuer', credits: 'credits', mode: 'mode', basis: 'basis', reason: 'reason', form: '_' }

function invalid(error: ExemptionError): ApiError {
  const fields: Record<string, string> = {}
  for (const p of error.problems) fields[API_FIELD[p.field] ?? p.field] ??= zh(`exemptions.err.${p.code}`)
  return new ApiError('validation_failed', API_MESSAGES.validationFailed, fields)
}

/** POST /api/v1/enrollments/{id}/exemptions → 201 { id, status: "pending" } (a retry with the same Idempotency-Key: 200, the same application). */
export async function applyExemption({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireApiRole(user, [...STAFF, ...SELF])
  if (!plausibleId(params.id)) throw new ApiError('not_found', API_MESSAGES.enrollmentNotFound)
  const staffScopes = scopesFor(user, STAFF)
  const applicant: Applicant =
    staffScopes.length > 0 ? { kind: 'staff', userId: user.id, scopes: staffScopes } : { kind: 'self', userId: user.id, personId: user.personId ?? '' }
  const body = await readJsonBody(request, ExemptionRequest)
  const key = request.headers.get('idempotency-key')
  if (key !== null && !/^[\x21-\x7e]{1,100}$/.test(key)) {
    throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { 'Idempotency-Key': API_MESSAGES.idempotencyKeyFormat })
  }
  try {
    const { exemption, created } = await applyForExemption(getDb(), {
      enrollmentId: params.id,
      applicant,
      basis: body.basis,
      mode: body.mode,
      course: body.courseCode ? { code: body.courseCode } : null,
      certificateNo: body.certificateNo,
      issuer: body.issuer,
      credits: body.credits ?? null,
      note: body.note,
      idempotencyKey: key ? `api:${key}` : null,
      ip: context.ip,
    })
    return json({ id: exemption.id, status: exemption.status }, created ? 201 : 200)
  } catch (error) {
    if (error instanceof ExemptionError) {
      if (error.code === 'not_found') throw new ApiError('not_found', API_MESSAGES.enrollmentNotFound)
      if (error.code === 'conflict') throw new ApiError('conflict', API_MESSAGES.idempotencyKeyReused)
      throw invalid(error)
    }
    throw error
  }
}

/** POST /api/v1/exemptions/{id}/decision → 200 { id, status, credits }. */
export async function decideExemptionApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireApiRole(user, STAFF)
  if (!plausibleId(params.id)) throw new ApiError('not_found', MESSAGES.notFound)
  const body = await readJsonBody(request, ExemptionDecisionRequest)
  try {
    const result = await decideExemption(getDb(), {
      exemptionId: params.id,
      scopes: scopesFor(user, STAFF),
      reviewerId: user.id,
      approve: body.approve,
      reason: body.reason,
      credits: body.credits ?? null,
      ip: context.ip,
    })
    if (!result.changed && (result.status === 'approved') !== body.approve) {
      throw new ApiError('conflict', result.status === 'approved' ? MESSAGES.alreadyApproved : MESSAGES.alreadyRejected)
    }
    return json({ id: result.id, status: result.status, credits: result.credits })
  } catch (error) {
    if (error instanceof ExemptionError) {
      if (error.code === 'not_found') throw new ApiError('not_found', MESSAGES.notFound)
      throw invalid(error)
    }
    throw error
  }
}
