import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { attachmentDisposition } from '#app/domain/records.ts'
import { buildOpenBadgeCredential, VC_JWT_MEDIA_TYPE } from '#app/models/open-badges.server.ts'
import { getDb } from '#app/utils/db.server.ts'

/**
 * GET /me/certificates/:certificateId/badge: the holder's certificate as an
 * Open Badges 3.0 credential (VC-JWT). Only the holder; a certificate that is
 * not theirs, not yet verified or revoked answers 404.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ['learner', 'teacher'])
  if (!user.personId || !params.certificateId) throw notFound()
  const certificate = await getDb().certificate.findFirst({
    where: { id: params.certificateId, status: 'valid', enrollment: { personId: user.personId } },
  })
  if (!certificate) throw notFound()
  const { jwt } = await buildOpenBadgeCredential(certificate, { origin: new URL(request.url).origin })
  return new Response(jwt, {
    headers: {
      'Content-Type': VC_JWT_MEDIA_TYPE,
      'Content-Disposition': attachmentDisposition({ utf8: `电子徽章-${certificate.serial}.jwt`, ascii: `badge-${certificate.serial}.jwt` }),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
