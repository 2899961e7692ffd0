import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'
import { completeTaskApi } from '#app/api/study-records.server.ts'

export const action = apiRoute(completeTaskApi)
export const loader = methodNotAllowed(['POST'])
