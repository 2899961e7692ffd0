import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'
import { recordMoralApi } from '#app/api/study-records.server.ts'

export const action = apiRoute(recordMoralApi)
export const loader = methodNotAllowed(['POST'])
