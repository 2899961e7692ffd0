import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireUser } from '#app/auth/permissions.server.ts'
import { certificatePdf, findCertificateInScope, pdfResponse } from '#app/models/certificates.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

/**
 * GET /certificates/:serial/pdf — the PDF for its holder and for staff who may read the
 * enrollment (coordinators, bureau and the admin in scope, the person's home region included);
 * 404 for anyone else.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const c = await pageLoad(() => findCertificateInScope(getDb(), user, params.serial, 'read'))
  return pdfResponse(await certificatePdf(c), c.serial)
}
