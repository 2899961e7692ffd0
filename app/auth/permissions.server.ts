/**
 * The one place that decides access: role + scope, on the server. Every
 * loader and action calls one of the require* helpers; an id outside the
 * caller's scope answers 404, exactly like an id that does not exist.
 */
import { redirect } from '@remix-run/node'
import { decideAccess, PEOPLE_MANAGERS, ROLE_RANK } from '#app/domain/roles.ts'
import type { RoleName as Role } from '#app/domain/roles.ts'
import { getDb } from '#app/utils/db.server.ts'
import { oncePerRequest } from '#app/utils/request-scope.server.ts'
import { findPersonInScope, type CurrentUser } from '#app/models/access.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { readSessionToken } from './cookie.server.ts'
import { validateSessionToken } from './session.server.ts'

export function primaryRole(user: Pick<CurrentUser, 'grants'>): Role | null {
  return ROLE_RANK.find((r) => user.grants.some((g) => g.role === r)) ?? null
}

export function homePath(user: Pick<CurrentUser, 'grants'>): string {
  switch (primaryRole(user)) {
    case 'admin':
      return '/admin'
    case 'bureau':
      return '/bureau'
    case 'coordinator':
      return '/coordinator'
    case 'teacher':
    case 'learner':
      return '/me'
    default:
      return '/login'
  }
}

async function loadCurrentUser(request: Request): Promise<CurrentUser | null> {
  const token = readSessionToken(request)
  if (!token) return null
  return userForSessionToken(token)
}

/**
 * The user behind a session token, with the same grants and scopes whether
 * the token came from the web cookie or an API bearer header
 * (app/api/auth.server.ts); null when the token or the account is not valid.
 */
export async function userForSessionToken(token: string): Promise<CurrentUser | null> {
  const db = getDb()
  const session = await validateSessionToken(db, token)
  if (!session) return null
  const user = await db.user.findUnique({
    where: { id: session.userId },
    include: { roles: { include: { scopeRegion: true, scopeOrganization: { include: { region: true } } } } },
  })
  // Disabled or missing: signed out (the password and role rules are applied per route, below).
  if (!user || decideAccess({ ...user, roles: user.roles.map((r) => r.role) }, { allowPasswordChange: true }) === 'signed_out') return null
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    personId: user.personId,
    locale: user.locale,
    mustChangePassword: user.mustChangePassword,
    sessionId: session.id,
    signInMethod: session.method,
    grants: user.roles.map((r) => ({
      role: r.role,
      canVerifyGraduation: r.canVerifyGraduation,
      scope: r.scopeRegion
        ? { kind: 'region', regionId: r.scopeRegion.id, code: r.scopeRegion.code, name: r.scopeRegion.name, path: r.scopeRegion.path }
        : r.scopeOrganization
          ? {
              kind: 'organization',
              organizationId: r.scopeOrganization.id,
              name: r.scopeOrganization.name,
              regionPath: r.scopeOrganization.region.path,
            }
          : r.role === 'admin'
            ? { kind: 'all' }
            : { kind: 'none' },
    })),
  }
}

/** The signed-in user, looked up once per HTTP request (see request-scope.server.ts). */
export function getCurrentUser(request: Request): Promise<CurrentUser | null> {
  return oncePerRequest(`current-user:${readSessionToken(request) ?? ''}`, () => loadCurrentUser(request))
}

const accountOf = (user: CurrentUser) => ({ disabled: false, mustChangePassword: user.mustChangePassword, roles: user.grants.map((g) => g.role) })

export async function requireUser(request: Request, { allowPasswordChange = false } = {}): Promise<CurrentUser> {
  const user = await getCurrentUser(request)
  const access = decideAccess(user && accountOf(user), { allowPasswordChange })
  if (access === 'signed_out' || !user) {
    const url = new URL(request.url)
    const redirectTo = `${url.pathname}${url.search}`
    throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`)
  }
  if (access === 'must_change_password') throw redirect('/password')
  return user
}

export function forbidden(): Response {
  return new Response('forbidden', { status: 403 })
}

export function notFound(): Response {
  return new Response('not_found', { status: 404 })
}

/** The user, when they hold one of `roles`; otherwise a 403 page. */
export async function requireRole(request: Request, roles: readonly Role[]): Promise<CurrentUser> {
  const user = await requireUser(request)
  if (decideAccess(accountOf(user), { roles }) !== 'ok') throw forbidden()
  return user
}

/** What a person page and its downloads read of the person. */
const PERSON_PAGE_SELECT = {
  id: true,
  name: true,
  idCipher: true,
  idMasked: true,
  phoneCipher: true,
  gender: true,
  birthDate: true,
  kind: true,
  priorEducation: true,
  region: { select: { name: true, path: true } },
  organization: { select: { name: true } },
  user: { select: { id: true, username: true } },
} as const

/** A person the caller may see with one of `roles` (the reading rule: their home region or school in scope); the 404 page otherwise. */
export async function requirePersonInScope(user: CurrentUser, personId: string, roles: readonly Role[] = PEOPLE_MANAGERS) {
  return pageLoad(() => findPersonInScope(getDb(), user, personId, roles, PERSON_PAGE_SELECT))
}
