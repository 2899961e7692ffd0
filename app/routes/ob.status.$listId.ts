import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFound } from '#app/auth/permissions.server.ts'
import { buildStatusListCredential, STATUS_LIST_ID, VC_JWT_MEDIA_TYPE } from '#app/models/open-badges.server.ts'
import { getDb } from '#app/utils/db.server.ts'

/**
 * GET /ob/status/1 (public): the BitstringStatusListCredential as a VC-JWT,
 * computed from the Certificate table and signed anew on each request, valid
 * for 24 hours (validUntil, exp), so an old copy cannot hide a revocation for
 * long. Its URLs are the configured public origin's whatever Host says, so a
 * shared cache may keep it for the few seconds allowed.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  if (params.listId !== STATUS_LIST_ID) throw notFound()
  const { jwt } = await buildStatusListCredential(getDb())
  return new Response(jwt, {
    headers: { 'Content-Type': VC_JWT_MEDIA_TYPE, 'Cache-Control': 'public, max-age=5', 'Access-Control-Allow-Origin': '*' },
  })
}
