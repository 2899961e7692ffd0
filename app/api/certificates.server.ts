/**
 * API v1: certificates (../shared/api-v1.md). Coordinators (and admins) in
 * scope issue and revoke; a prefecture bureau user allowed to verify
 * graduation certificates verifies them; the public endpoint answers
 * anyone, rate-limited per IP, with the fields the verification page shows.
 */
import { translator } from '#app/i18n/index.ts'
import {
  CertificateError,
  certificatePdf,
  enrollmentToCertify,
  findByVerificationCode,
  findCertificateInScope,
  pdfResponse,
  issueCertificate,
  publicView,
  requireGraduationVerifier,
  revokeCertificate,
  verifyCertificates,
  verifyUrlFor,
  type CertificateRow,
} from '#app/models/certificates.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { rateLimit, VERIFY_LIMIT } from '#app/utils/rate-limit.server.ts'
import { requireApiUser } from './auth.server.ts'
import { ApiError, json, readJsonBody, type ApiArgs } from './http.server.ts'
import { idempotent } from './idempotency.server.ts'
import { CertificateIssueRequest, CertificateRevokeRequest } from './schemas-certificates.ts'

const zh = translator('zh-CN')

export const pdfPathFor = (serial: string) => `/api/v1/certificates/${encodeURIComponent(serial)}/pdf`

export function certificateAnswer(c: CertificateRow) {
  return {
    serial: c.serial,
    type: c.type,
    status: c.status,
    verificationCode: c.verificationCode,
    verifyUrl: verifyUrlFor(c.verificationCode),
    pdfUrl: pdfPathFor(c.serial),
  }
}

/** POST /api/v1/enrollments/{id}/certificates */
export async function issueCertificateApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const db = getDb()
  const enrollment = await enrollmentToCertify(db, user, params.id)
  return idempotent(request, user, async () => {
    const body = await readJsonBody(request, CertificateIssueRequest)
    const { certificate, created } = await issueCertificate(db, {
      enrollmentId: enrollment.id,
      type: body.type,
      asOf: body.asOf,
      actorId: user.id,
      ip: context.ip,
    })
    return json(certificateAnswer(certificate), created ? 201 : 200)
  })
}

/** POST /api/v1/certificates/{serial}/revoke */
export async function revokeCertificateApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const db = getDb()
  const c = await findCertificateInScope(db, user, params.serial, 'act')
  const body = await readJsonBody(request, CertificateRevokeRequest)
  const revoked = await revokeCertificate(db, { serial: c.serial, reason: body.reason, actorId: user.id, ip: context.ip })
  return json({ serial: revoked.serial, status: revoked.status })
}

/** POST /api/v1/certificates/{serial}/prefecture-verification */
export async function verifyCertificateApi({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireGraduationVerifier(user)
  const serial = params.serial ?? ''
  const [result] = await verifyCertificates(getDb(), { serials: [serial], actorId: user.id, ip: context.ip })
  if (!result || result.result === 'not_found') throw new CertificateError('not_found')
  if (result.result === 'not_pending') throw new ApiError('conflict', zh('certificates.error.notPending', { serial }))
  return json({ serial, status: 'valid' })
}

/** GET /api/v1/public/certificates/{verificationCode} — no auth, rate-limited per IP. */
export async function publicCertificateApi({ params, context }: ApiArgs): Promise<Response> {
  const limit = await rateLimit(`verify:${(context as { ip?: string }).ip ?? 'unknown'}`, VERIFY_LIMIT)
  if (!limit.allowed) throw new ApiError('rate_limited', zh('certificates.verify.tooMany'), undefined, { retryAfterSeconds: limit.retryAfterSeconds })
  const c = await findByVerificationCode(getDb(), params.verificationCode ?? params.code ?? '')
  if (!c) throw new CertificateError('not_found')
  const { revokedOn: _revokedOn, ...view } = publicView(c)
  return json(view)
}

/** GET /api/v1/certificates/{serial}/pdf — staff who may read the enrollment (coordinators, bureau, admins) or the holder. */
export async function certificatePdfApi({ request, params }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const c = await findCertificateInScope(getDb(), user, params.serial, 'read')
  return pdfResponse(await certificatePdf(c), c.serial)
}
