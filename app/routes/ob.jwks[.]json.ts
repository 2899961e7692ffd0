import type { LoaderFunctionArgs } from '@remix-run/node'
import { issuerJwks, publicBase } from '#app/models/open-badges.server.ts'

/** GET /ob/jwks.json (public): the issuer's public key set; `kid` matches the credentials' JWS header. */
export async function loader({ request }: LoaderFunctionArgs) {
  const jwks = await issuerJwks(publicBase(new URL(request.url).origin))
  return new Response(JSON.stringify(jwks), {
    headers: { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' },
  })
}
