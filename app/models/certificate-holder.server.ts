/**
 * A learner's or teacher's own certificates (我的证书): the one place that
 * decides a certificate is the caller's — its enrollment is their own person's.
 * Anyone else's certificate is answered like one that does not exist.
 */
import type { Prisma } from '#app/generated/prisma/client.ts'
import type { CertificateSnapshot } from '#app/domain/certificates.ts'
import { beijingDate } from '#app/domain/time.ts'
import type { Db } from '#app/utils/db.server.ts'
import type { DownloadFile } from '#app/utils/downloads.ts'
import { selfPersonId, type CurrentUser } from './access.server.ts'
import { verifyUrlFor } from './certificates.server.ts'
import { NotFoundError } from './errors.server.ts'
import { buildOpenBadgeCredential, VC_JWT_MEDIA_TYPE } from './open-badges.server.ts'

/** Certificates of the caller's own enrollments; null when the caller has no person of their own. */
export function ownCertificatesWhere(user: CurrentUser): Prisma.CertificateWhereInput | null {
  const personId = selfPersonId(user)
  return personId ? { enrollment: { personId } } : null
}

/** 我的证书: the caller's certificates, newest first, with their status and verification link. */
export async function listOwnCertificates(db: Db, user: CurrentUser) {
  const where = ownCertificatesWhere(user)
  const rows = where ? await db.certificate.findMany({ where, orderBy: { issuedAt: 'desc' } }) : []
  return rows.map((c) => {
    const s = c.snapshot as unknown as CertificateSnapshot
    return {
      id: c.id,
      serial: c.serial,
      type: c.type,
      status: c.status,
      group: s.groupName,
      issuedOn: beijingDate(c.issuedAt),
      revokedOn: c.revokedAt ? beijingDate(c.revokedAt) : null,
      verifyUrl: verifyUrlFor(c.verificationCode),
    }
  })
}

/**
 * The caller's valid certificate as an Open Badges 3.0 credential (VC-JWT)
 * file; NotFoundError for a certificate that is not theirs, not yet verified
 * or revoked.
 */
export async function ownBadgeFile(db: Db, user: CurrentUser, certificateId: string): Promise<DownloadFile> {
  const where = ownCertificatesWhere(user)
  // Row ids are short URL-safe tokens; anything else (a U+0000 from the URL, refused by PostgreSQL in text) is no certificate.
  const plausible = /^[A-Za-z0-9_-]{1,64}$/.test(certificateId)
  const certificate = where && plausible ? await db.certificate.findFirst({ where: { AND: [{ id: certificateId, status: 'valid' }, where] } }) : null
  if (!certificate) throw new NotFoundError('certificate')
  const { jwt } = await buildOpenBadgeCredential(certificate)
  return {
    bytes: new TextEncoder().encode(jwt),
    contentType: VC_JWT_MEDIA_TYPE,
    fileName: { utf8: `电子徽章-${certificate.serial}.jwt`, ascii: `badge-${certificate.serial}.jwt` },
  }
}
