/**
 * API v1: certificates (../shared/api-v1.md). Coordinators (and admins) in
 * scope issue and revoke; a prefecture bureau user allowed to verify
 * graduation certificates verifies them; the public endpoint answers
 * anyone, rate-limited per IP, with the fields the verification page shows.
 */
import { scopesFor, type CurrentUser } from '#app/models/access.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import type { Role } from '#app/generated/prisma/enums.ts'
import { translator } from '#app/i18n/index.ts'
import {
  CertificateError,
  certificatePdf,
  findByVerificationCode,
  pdfResponse,
  issueCertificate,
  publicView,
  revokeCertificate,
  verifyCertificates,
  verifyUrlFor,
  type CertificateRow,
} from '#app/models/certificates.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { rateLimit, VERIFY_LIMIT } from '#app/utils/rate-limit.server.ts'
import { requireApiRole, requireApiUser } from './auth.server.ts'
import { enrollmentScopeWhere } from './enrollments.server.ts'
import { ApiError, json, readJsonBody, type ApiArgs } from './http.server.ts'
import { API_MESSAGES } from './messages.ts'
import { CertificateIssueRequest, CertificateRevokeRequest } from './schemas-certificates.ts'

const ISSUERS: readonly Role[] = PEOPLE_MANAGERS
const zh = translator('zh-CN')

const plausibleId = (id: string | undefined): id is string => typeof id === 'string' && /^[a-z0-9_-]{1,64}$/i.test(id)

export const pdfPathFor = (serial: string) => `/api/v1/certificates/${encodeURIComponent(serial)}/pdf`

function originOf(request: Request) {
  return new URL(request.url).origin
}

export function certificateAnswer(c: CertificateRow, request: Request) {
  return {
    serial: c.serial,
    type: c.type,
    status: c.status,
    verificationCode: c.verificationCode,
    verifyUrl: verifyUrlFor(c.verificationCode, originOf(request)),
    pdfUrl: pdfPathFor(c.serial),
  }
}

function certificateError(error: CertificateError): ApiError {
  switch (error.code) {
    case 'not_eligible':
      return new ApiError('not_eligible', zh('certificates.error.notEligible', { reasons: error.reasons.join('；') }), { reasons: error.reasons.join('；') })
    case 'not_found':
      return new ApiError('not_found', zh('certificates.error.notFound'))
    case 'forbidden':
      return new ApiError('forbidden', zh('certificates.error.forbidden'))
    case 'reason_required':
      return new ApiError('validation_failed', zh('certificates.error.reasonRequired'), { reason: zh('certificates.error.reasonRequired') })
  }
}

async function rethrow<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (error) {
    if (error instanceof CertificateError) throw certificateError(error)
    throw error
  }
}

/** A certificate whose enrollment lies in the caller's scope for `roles`; 404 otherwise. */
export async function certificateInScope(user: CurrentUser, serial: string | undefined, roles: readonly Role[]) {
  if (!serial || serial.length > 40) return null
  return getDb().certificate.findFirst({ where: { serial, enrollment: enrollmentScopeWhere(scopesFor(user, roles)) } })
}

/** POST /api/v1/enrollments/{id}/certificates */
export async function issueCertificateApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireApiRole(user, ISSUERS)
  const id = params.id
  if (!plausibleId(id)) throw new ApiError('not_found', API_MESSAGES.enrollmentNotFound)
  const db = getDb()
  const enrollment = await db.enrollment.findFirst({ where: { AND: [{ id }, enrollmentScopeWhere(scopesFor(user, ISSUERS))] }, select: { id: true } })
  if (!enrollment) throw new ApiError('not_found', API_MESSAGES.enrollmentNotFound)
  const body = await readJsonBody(request, CertificateIssueRequest)
  const { certificate, created } = await rethrow(issueCertificate(db, { enrollmentId: enrollment.id, type: body.type, asOf: body.asOf, actorId: user.id, ip: context.ip }))
  return json(certificateAnswer(certificate, request), created ? 201 : 200)
}

/** POST /api/v1/certificates/{serial}/revoke */
export async function revokeCertificateApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireApiRole(user, ISSUERS)
  const c = await certificateInScope(user, params.serial, ISSUERS)
  if (!c) throw new ApiError('not_found', zh('certificates.error.notFound'))
  const body = await readJsonBody(request, CertificateRevokeRequest)
  const revoked = await rethrow(revokeCertificate(getDb(), { serial: c.serial, reason: body.reason, actorId: user.id, ip: context.ip }))
  return json({ serial: revoked.serial, status: revoked.status })
}

/** POST /api/v1/certificates/{serial}/prefecture-verification */
export async function verifyCertificateApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  if (!user.grants.some((g) => g.role === 'bureau' && g.canVerifyGraduation)) throw new ApiError('forbidden', zh('certificates.error.forbidden'))
  const serial = params.serial ?? ''
  const [result] = await rethrow(verifyCertificates(getDb(), { serials: [serial], actorId: user.id, ip: context.ip }))
  if (!result || result.result === 'not_found') throw new ApiError('not_found', zh('certificates.error.notFound'))
  if (result.result === 'not_pending') throw new ApiError('conflict', `${serial} 不是待验印的毕业证书`)
  return json({ serial, status: 'valid' })
}

/** GET /api/v1/public/certificates/{verificationCode} — no auth, rate-limited per IP. */
export async function publicCertificateApi({ params, context }: ApiArgs): Promise<Response> {
  const limit = await rateLimit(`verify:${(context as { ip?: string }).ip ?? 'unknown'}`, VERIFY_LIMIT)
  if (!limit.allowed) throw new ApiError('rate_limited', zh('certificates.verify.tooMany'), undefined, { retryAfterSeconds: limit.retryAfterSeconds })
  const c = await findByVerificationCode(getDb(), params.verificationCode ?? params.code ?? '')
  if (!c) throw new ApiError('not_found', zh('certificates.error.notFound'))
  const { revokedOn: _revokedOn, ...view } = publicView(c)
  return json(view)
}

/** GET /api/v1/certificates/{serial}/pdf — staff in scope (coordinators, admins, bureau) or the holder. */
export async function certificatePdfApi({ request, params }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const c = (await certificateInScope(user, params.serial, [...ISSUERS, 'bureau'])) ?? (await ownCertificate(user, params.serial))
  if (!c) throw new ApiError('not_found', zh('certificates.error.notFound'))
  return pdfResponse(await certificatePdf(c, originOf(request)), c.serial)
}

/** The holder's own certificate (the signed-in user's person), or null. */
export async function ownCertificate(user: CurrentUser, serial: string | undefined) {
  if (!user.personId || !serial || serial.length > 40) return null
  return getDb().certificate.findFirst({ where: { serial, enrollment: { personId: user.personId } } })
}
