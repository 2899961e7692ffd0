import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { ownBadgeFile } from '#app/models/certificate-holder.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { downloadResponse } from '#app/utils/downloads.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

/**
 * GET /me/certificates/:certificateId/badge: the holder's certificate as an
 * Open Badges 3.0 credential (VC-JWT). Only the holder; a certificate that is
 * not theirs, not yet verified or revoked answers 404. Its URLs are the
 * configured public origin's, never the request's Host.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  return downloadResponse(await pageLoad(() => ownBadgeFile(getDb(), user, params.certificateId ?? '')))
}
