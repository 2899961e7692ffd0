import { readPersonTimes } from '#app/api/stats.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const loader = apiRoute(readPersonTimes)
export const action = methodNotAllowed(['GET'])
