import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'
import { withdrawApi } from '#app/api/study-records.server.ts'

export const action = apiRoute(withdrawApi)
export const loader = methodNotAllowed(['POST'])
