import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'
import { createEnrollmentApi } from '#app/api/study-records.server.ts'

export const action = apiRoute(createEnrollmentApi)
export const loader = methodNotAllowed(['POST'])
