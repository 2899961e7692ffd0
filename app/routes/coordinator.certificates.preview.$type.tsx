import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { CERTIFICATE_TYPES } from '#app/domain/certificates.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { renderCertificatePdf } from '#app/models/certificate-pdf.server.ts'
import { sampleSerial, sampleSnapshot } from '#app/models/certificate-samples.server.ts'

const query = z.object({
  type: z.enum(CERTIFICATE_TYPES),
  status: z.enum(['pending_verification', 'valid', 'revoked']).optional(),
})

/**
 * GET /coordinator/certificates/preview/:type[?status=valid|pending_verification|revoked]:
 * the certificate template of that type filled with sample data (serial ...-000000,
 * a verification link that leads nowhere), shown inline so coordinators can check it.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, PEOPLE_MANAGERS)
  const url = new URL(request.url)
  const parsed = query.safeParse({ type: params.type, status: url.searchParams.get('status') ?? undefined })
  if (!parsed.success) throw notFound()
  const { type } = parsed.data
  const status = parsed.data.status ?? (type === 'graduation' ? 'pending_verification' : 'valid')
  const bytes = await renderCertificatePdf({
    snapshot: sampleSnapshot(type),
    serial: sampleSerial(type, 0),
    verifyUrl: `${url.origin}/v/SAMPLE-${type.toUpperCase()}`,
    status,
    verifiedOn: status === 'valid' && type === 'graduation' ? '2026-12-01' : null,
    revokedOn: status === 'revoked' ? '2026-12-05' : null,
  })
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Length': String(bytes.byteLength),
      'Content-Disposition': `inline; filename="certificate-sample-${type}.pdf"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
