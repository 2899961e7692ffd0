import { decideEarlyGraduationApi } from '#app/api/early-graduation.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const action = apiRoute(decideEarlyGraduationApi)
export const loader = methodNotAllowed(['POST'])
