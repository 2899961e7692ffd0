import type { LoaderFunctionArgs } from '@remix-run/node'
import { certificateInScope, ownCertificate } from '#app/api/certificates.server.ts'
import { notFound, requireUser } from '#app/auth/permissions.server.ts'
import { certificatePdf, pdfResponse } from '#app/models/certificates.server.ts'

/** GET /certificates/:serial/pdf — the PDF for its holder and for staff (coordinators, admins, bureau) in scope; 404 for anyone else. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const c = (await ownCertificate(user, params.serial)) ?? (await certificateInScope(user, params.serial, ['coordinator', 'admin', 'bureau']))
  if (!c) throw notFound()
  return pdfResponse(await certificatePdf(c, new URL(request.url).origin), c.serial)
}
