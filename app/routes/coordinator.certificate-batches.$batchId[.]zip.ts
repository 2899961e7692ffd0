import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { batchPdfFiles } from '#app/models/certificate-batches.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { zipStream } from '#app/utils/zip.server.ts'

const ROLES = PEOPLE_MANAGERS

/**
 * GET /coordinator/certificate-batches/:id.zip — every certificate of the batch's
 * enrollments as one ZIP, streamed: each PDF is rendered when the client pulls
 * for more, so memory stays at one PDF, not 500.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const zip = await pageLoad(() => batchPdfFiles(getDb(), scopesFor(user, ROLES), params.batchId ?? ''))
  return new Response(zipStream(zip.files), {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${zip.fileName}"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
