import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'
import { createPersonApi } from '#app/api/study-records.server.ts'

export const action = apiRoute(createPersonApi)
export const loader = methodNotAllowed(['POST'])
