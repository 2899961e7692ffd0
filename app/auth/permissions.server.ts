/**
 * The one place that decides access: role + scope, on the server. Every
 * loader and action calls one of the require* helpers; an id outside the
 * caller's scope answers 404, exactly like an id that does not exist.
 */
import { redirect } from '@remix-run/node'
import type { Prisma } from '#app/generated/prisma/client.ts'
import { decideAccess, PEOPLE_MANAGERS, ROLE_RANK } from '#app/domain/roles.ts'
import type { Role } from '#app/generated/prisma/enums.ts'
import { getDb } from '#app/utils/db.server.ts'
import { oncePerRequest } from '#app/utils/request-scope.server.ts'
import { readSessionToken } from './cookie.server.ts'
import { validateSessionToken } from './session.server.ts'

export type Scope =
  | { kind: 'all' }
  /** A staff grant whose scope is missing sees nothing rather than everything. */
  | { kind: 'none' }
  | { kind: 'region'; regionId: string; code: string; name: string; path: string }
  | { kind: 'organization'; organizationId: string; name: string; regionPath: string }

export type Grant = { role: Role; scope: Scope; canVerifyGraduation: boolean }

export type CurrentUser = {
  id: string
  username: string
  displayName: string
  personId: string | null
  locale: string | null
  mustChangePassword: boolean
  sessionId: string
  grants: Grant[]
}


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

export function scopesFor(user: CurrentUser, roles: readonly Role[]): Scope[] {
  return user.grants.filter((g) => roles.includes(g.role)).map((g) => g.scope)
}

type OrganizationScope = Extract<Scope, { kind: 'organization' }>

/**
 * One filter from a caller's scopes: everything for an "all" scope, else the
 * OR of one condition per region or organization scope. A "none" scope adds
 * nothing; with no condition at all the filter matches no row (Prisma reads
 * an empty OR as no filter, so it must be said explicitly).
 */
function scopeWhere<W>(
  scopes: Scope[],
  by: { region: (path: string) => W; organization: (s: OrganizationScope) => W },
): W | { id: { in: [] } } | Record<string, never> {
  if (scopes.some((s) => s.kind === 'all')) return {}
  const conditions = scopes.flatMap((s) => (s.kind === 'region' ? [by.region(s.path)] : s.kind === 'organization' ? [by.organization(s)] : []))
  return conditions.length === 0 ? { id: { in: [] } } : ({ OR: conditions } as W)
}

/** Prisma filter: people inside any of the scopes. */
export function personScopeWhere(scopes: Scope[]): Prisma.PersonWhereInput {
  return scopeWhere<Prisma.PersonWhereInput>(scopes, {
    region: (path) => ({ region: { path: { startsWith: path } } }),
    organization: (s) => ({
      OR: [{ organizationId: s.organizationId }, { enrollments: { some: { group: { organizationId: s.organizationId } } } }],
    }),
  })
}

/** Prisma filter: classes and rounds inside any of the scopes. */
export function groupScopeWhere(scopes: Scope[]): Prisma.GroupWhereInput {
  return scopeWhere<Prisma.GroupWhereInput>(scopes, {
    region: (path) => ({ region: { path: { startsWith: path } } }),
    organization: (s) => ({ organizationId: s.organizationId }),
  })
}

/** Prisma filter: regions at or below any of the scopes (for pickers). */
export function regionScopeWhere(scopes: Scope[]): Prisma.RegionWhereInput {
  return scopeWhere<Prisma.RegionWhereInput>(scopes, {
    region: (path) => ({ path: { startsWith: path } }),
    organization: (s) => ({ path: s.regionPath }),
  })
}

/** Prisma filter: audit events of the scopes' jurisdiction (events without a scopePath are admin-only). */
export function auditScopeWhere(scopes: Scope[]): Prisma.AuditEventWhereInput {
  return scopeWhere<Prisma.AuditEventWhereInput>(scopes, {
    region: (path) => ({ scopePath: { startsWith: path } }),
    organization: (s) => ({ scopePath: { startsWith: s.regionPath } }),
  })
}

/** A person the caller may see with one of `roles`; 404 otherwise. */
export async function requirePersonInScope(user: CurrentUser, personId: string, roles: readonly Role[] = PEOPLE_MANAGERS) {
  const scopes = scopesFor(user, roles)
  if (scopes.length === 0) throw forbidden()
  const person = await getDb().person.findFirst({
    where: { AND: [{ id: personId }, personScopeWhere(scopes)] },
    include: { region: true, organization: true, user: { select: { id: true, username: true } } },
  })
  if (!person) throw notFound()
  return person
}
