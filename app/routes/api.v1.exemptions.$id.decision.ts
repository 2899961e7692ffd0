import { decideExemptionApi } from '#app/api/exemptions.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const action = apiRoute(decideExemptionApi)
export const loader = methodNotAllowed(['POST'])
