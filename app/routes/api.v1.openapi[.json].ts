import { apiRoute, json, methodNotAllowed } from '#app/api/http.server.ts'
import { buildOpenApiDocument } from '#app/api/openapi.server.ts'

let cached: ReturnType<typeof buildOpenApiDocument> | undefined

export const loader = apiRoute(async () => {
  cached ??= buildOpenApiDocument()
  return json(cached)
})
export const action = methodNotAllowed(['GET'])
