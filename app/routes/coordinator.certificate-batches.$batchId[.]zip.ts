import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import type { LoaderFunctionArgs } from '@remix-run/node'
import { Zip, ZipPassThrough } from 'fflate'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { groupScopeWhere, scopesFor } from '#app/models/access.server.ts'
import { findBatchInScope } from '#app/models/certificate-batches.server.ts'
import { certificatePdf } from '#app/models/certificates.server.ts'
import { getDb } from '#app/utils/db.server.ts'

const ROLES = PEOPLE_MANAGERS

/**
 * GET /coordinator/certificate-batches/:id.zip — every certificate of the batch's
 * enrollments as one ZIP, streamed: each PDF is rendered when the client pulls
 * for more, so memory stays at one PDF, not 500.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const db = getDb()
  const batch = await findBatchInScope(db, groupScopeWhere(scopesFor(user, ROLES)), params.batchId ?? '')
  if (!batch || batch.status !== 'done') throw notFound()
  const ids = batch.enrollmentIds as string[]
  const rows = await db.certificate.findMany({
    where: { enrollmentId: { in: ids }, type: batch.type },
    select: { id: true },
    orderBy: { sequence: 'asc' },
  })
  const origin = new URL(request.url).origin
  let next = 0
  let zip: Zip
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip((error, chunk, final) => {
        if (error) return controller.error(error)
        if (chunk.length) controller.enqueue(chunk)
        if (final) controller.close()
      })
    },
    async pull() {
      if (next >= rows.length) return void zip.end()
      const c = await db.certificate.findUniqueOrThrow({ where: { id: rows[next++]!.id } })
      const file = new ZipPassThrough(`${c.serial}.pdf`)
      zip.add(file)
      file.push(await certificatePdf(c, origin), true)
    },
  })
  return new Response(body, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="certificates-${batch.group.code}-${batch.type}.zip"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
