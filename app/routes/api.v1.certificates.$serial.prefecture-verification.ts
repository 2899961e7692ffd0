import { verifyCertificateApi } from '#app/api/certificates.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const action = apiRoute(verifyCertificateApi)
export const loader = methodNotAllowed(['POST'])
