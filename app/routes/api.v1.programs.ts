import { listPrograms } from '#app/api/catalog.server.ts'
import { apiRoute, methodNotAllowed } from '#app/api/http.server.ts'

export const loader = apiRoute(listPrograms)
export const action = methodNotAllowed(['GET'])
