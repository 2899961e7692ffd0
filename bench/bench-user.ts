/**
 * The signed-in user a benchmark acts as, shaped as a session gives it
 * (app/models/access.server.ts CurrentUser): one role over one region.
 */
import type { RoleName } from '#app/domain/roles.ts'
import type { CurrentUser } from '#app/models/access.server.ts'

export function benchUser(role: RoleName, region: { id: string; code: string; name: string; path: string }): CurrentUser {
  return {
    id: `bench-${role}`,
    username: 'bench',
    displayName: 'bench',
    personId: null,
    locale: null,
    mustChangePassword: false,
    sessionId: 'bench',
    signInMethod: 'password',
    grants: [{ role, scope: { kind: 'region', regionId: region.id, code: region.code, name: region.name, path: region.path }, canVerifyGraduation: false }],
  }
}
