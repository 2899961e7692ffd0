import { issuerJwks, publicBase } from '#app/models/open-badges.server.ts'

/**
 * GET /ob/jwks.json (public): the issuer's public key set; `kid` matches the
 * credentials' JWS header. On the configured public origin, the same for any Host.
 */
export async function loader() {
  const jwks = await issuerJwks(publicBase())
  return new Response(JSON.stringify(jwks), {
    headers: { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' },
  })
}
