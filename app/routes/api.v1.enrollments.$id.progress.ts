import { readProgress } from '#app/api/enrollments.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const loader = apiRoute(readProgress)
export const action = methodNotAllowed(['GET'])
