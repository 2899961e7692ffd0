import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'
import { recordResultApi } from '#app/api/study-records.server.ts'

export const action = apiRoute(recordResultApi)
export const loader = methodNotAllowed(['POST'])
