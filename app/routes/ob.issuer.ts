import { issuerProfileDocument, publicBase } from '#app/models/open-badges.server.ts'

/**
 * GET /ob/issuer (public): the Open Badges issuer profile with its Ed25519
 * verification method. Built on the configured public origin only, so it is
 * the same document whatever Host the request names: a shared cache may keep
 * it (nothing in the request varies it, nothing a forged Host could poison).
 */
export async function loader() {
  const doc = await issuerProfileDocument(publicBase())
  return new Response(JSON.stringify(doc, null, 2), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' },
  })
}
