import { certificatePdfApi } from '#app/api/certificates.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const loader = apiRoute(certificatePdfApi)
export const action = methodNotAllowed(['GET'])
