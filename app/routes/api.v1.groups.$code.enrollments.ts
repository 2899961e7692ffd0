import { listGroupEnrollments } from '#app/api/catalog.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const loader = apiRoute(listGroupEnrollments)
export const action = methodNotAllowed(['GET'])
