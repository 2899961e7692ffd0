import { issueCertificateApi } from '#app/api/certificates.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const action = apiRoute(issueCertificateApi)
export const loader = methodNotAllowed(['POST'])
