import { issueToken } from '#app/api/auth.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const action = apiRoute(issueToken)
export const loader = methodNotAllowed(['POST'])
