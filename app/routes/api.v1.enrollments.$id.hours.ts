import { recordHours } from '#app/api/enrollments.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const action = apiRoute(recordHours)
export const loader = methodNotAllowed(['POST'])
