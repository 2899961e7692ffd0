import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFound } from '#app/auth/permissions.server.ts'
import { buildStatusListCredential, publicBase, STATUS_LIST_ID, VC_JWT_MEDIA_TYPE } from '#app/models/open-badges.server.ts'
import { getDb } from '#app/utils/db.server.ts'

/**
 * GET /ob/status/1 (public): the BitstringStatusListCredential as a VC-JWT,
 * computed from the Certificate table on each request (a revocation shows
 * within the few seconds a cache may keep it).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  if (params.listId !== STATUS_LIST_ID) throw notFound()
  const { jwt } = await buildStatusListCredential(getDb(), { origin: publicBase(new URL(request.url).origin) })
  return new Response(jwt, {
    headers: { 'Content-Type': VC_JWT_MEDIA_TYPE, 'Cache-Control': 'public, max-age=5', 'Access-Control-Allow-Origin': '*' },
  })
}
