import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'
import { readPersonApi } from '#app/api/study-records.server.ts'

export const loader = apiRoute(readPersonApi)
export const action = methodNotAllowed(['GET'])
