import { recordHoursBatch } from '#app/api/hours.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const action = apiRoute(recordHoursBatch)
export const loader = methodNotAllowed(['POST'])
