import { ApiError, apiRoute } from '#app/api/http.server.ts'
import { apiMessage } from '#app/api/messages.ts'

/** Any /api/v1/* path no route claims: a JSON 404, not the HTML page. */
const noSuchEndpoint = apiRoute(async ({ request }) => {
  throw new ApiError('not_found', apiMessage('noSuchEndpoint', { method: request.method, path: new URL(request.url).pathname }))
})

export const loader = noSuchEndpoint
export const action = noSuchEndpoint
