import type { LoaderFunctionArgs } from '@remix-run/node'
import { issuerProfileDocument, publicBase } from '#app/models/open-badges.server.ts'

/** GET /ob/issuer (public): the Open Badges issuer profile with its Ed25519 verification method. */
export async function loader({ request }: LoaderFunctionArgs) {
  const doc = await issuerProfileDocument(publicBase(new URL(request.url).origin))
  return new Response(JSON.stringify(doc, null, 2), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' },
  })
}
