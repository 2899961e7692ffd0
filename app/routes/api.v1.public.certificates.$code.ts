import { publicCertificateApi } from '#app/api/certificates.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const loader = apiRoute(publicCertificateApi)
export const action = methodNotAllowed(['GET'])
