import { applyExemption } from '#app/api/exemptions.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const action = apiRoute(applyExemption)
export const loader = methodNotAllowed(['POST'])
