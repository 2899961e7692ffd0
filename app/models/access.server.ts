/**
 * Who may see and change what: the scope filters and the one finder per
 * aggregate that applies them (DESIGN.md §8, §11 "Who may act on an
 * enrollment"). Pages and the API both call these; neither writes a scope
 * condition of its own. No Remix here: the transports map the errors thrown
 * (NotFoundError → 404, ForbiddenError → 403) once each.
 */
import type { Prisma } from '#app/generated/prisma/client.ts'
import { SELF_ROLES, type RoleName } from '#app/domain/roles.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { ForbiddenError, NotFoundError } from './errors.server.ts'

export type Scope =
  | { kind: 'all' }
  /** A staff grant whose scope is missing sees nothing rather than everything. */
  | { kind: 'none' }
  | { kind: 'region'; regionId: string; code: string; name: string; path: string }
  | { kind: 'organization'; organizationId: string; name: string; regionPath: string }

export type Grant = { role: RoleName; scope: Scope; canVerifyGraduation: boolean }

/** The signed-in caller as every model sees it (built in app/auth/permissions.server.ts). */
export type CurrentUser = {
  id: string
  username: string
  displayName: string
  personId: string | null
  locale: string | null
  mustChangePassword: boolean
  sessionId: string
  /** How this session began; a card session needs an SMS code to change the password or phone (issue 17). */
  signInMethod: 'password' | 'sms' | 'card'
  grants: Grant[]
}

export function scopesFor(user: Pick<CurrentUser, 'grants'>, roles: readonly RoleName[]): Scope[] {
  return user.grants.filter((g) => roles.includes(g.role)).map((g) => g.scope)
}

/** The caller's own person, when they hold a learner or teacher role (their own records). */
export function selfPersonId(user: Pick<CurrentUser, 'grants' | 'personId'>): string | null {
  return user.personId && user.grants.some((g) => SELF_ROLES.includes(g.role)) ? user.personId : null
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

/** Prisma filter: people inside any of the scopes (their home region, or their school). */
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

/**
 * `act`: change an enrollment (hours, attendance, results, moral evaluation,
 * tasks, withdrawal, exemption and self-study decisions, early graduation,
 * certificates) — its class or round lies in the scope.
 * `read`: additionally the coordinator whose scope holds the person's home
 * region (a township's teacher in a county round). DESIGN.md §11.
 */
export type AccessMode = 'read' | 'act'

/** Prisma filter: enrollments inside any of the scopes, for reading or for acting. */
export function enrollmentScopeWhere(scopes: Scope[], mode: AccessMode): Prisma.EnrollmentWhereInput {
  // Everything: no condition. (Spelled out as OR of empty relation filters, Prisma matches nothing
  // when the filter is nested under another relation, e.g. a certificate's enrollment — the
  // admin's 404 on certificate PDFs.)
  if (scopes.some((s) => s.kind === 'all')) return {}
  if (mode === 'act') return { group: groupScopeWhere(scopes) }
  return { OR: [{ group: groupScopeWhere(scopes) }, { person: personScopeWhere(scopes) }] }
}

/** Ids are short base32/url-safe strings; anything else cannot exist (and never reaches SQL). */
export const plausibleId = (id: unknown): id is string => typeof id === 'string' && /^[a-z0-9_-]{1,64}$/i.test(id)

export type EnrollmentAccess = {
  /** Staff roles whose scopes count. */
  roles: readonly RoleName[]
  mode: AccessMode
  /** A learner or teacher may reach their own enrollment too. */
  allowSelf?: boolean
}

/** The access filter for enrollments, or ForbiddenError when the caller has no way in at all. */
export function enrollmentAccessWhere(user: CurrentUser, access: EnrollmentAccess): Prisma.EnrollmentWhereInput {
  const staff = scopesFor(user, access.roles)
  const self = access.allowSelf ? selfPersonId(user) : null
  if (staff.length === 0 && !self) throw new ForbiddenError()
  const ways: Prisma.EnrollmentWhereInput[] = []
  if (staff.length > 0) ways.push(enrollmentScopeWhere(staff, access.mode))
  if (self) ways.push({ personId: self })
  return ways.length === 1 ? ways[0]! : { OR: ways }
}

/**
 * THE finder of an enrollment a caller may read or act on: the row (with
 * `select`), or NotFoundError when it does not exist or lies outside the
 * caller's reach; ForbiddenError when the caller's roles give no way in.
 */
export async function findEnrollmentInScope<S extends Prisma.EnrollmentSelect>(
  db: Db | Tx,
  user: CurrentUser,
  enrollmentId: unknown,
  access: EnrollmentAccess,
  select: S,
): Promise<Prisma.EnrollmentGetPayload<{ select: S }>> {
  const where = enrollmentAccessWhere(user, access)
  if (!plausibleId(enrollmentId)) throw new NotFoundError('enrollment')
  const row = await db.enrollment.findFirst({ where: { AND: [{ id: enrollmentId }, where] }, select })
  if (!row) throw new NotFoundError('enrollment')
  return row as Prisma.EnrollmentGetPayload<{ select: S }>
}

/** THE finder of a person a caller may see with one of `roles` (their home region or school in scope). */
export async function findPersonInScope<S extends Prisma.PersonSelect>(
  db: Db | Tx,
  user: CurrentUser,
  personId: unknown,
  roles: readonly RoleName[],
  select: S,
): Promise<Prisma.PersonGetPayload<{ select: S }>> {
  const scopes = scopesFor(user, roles)
  if (scopes.length === 0) throw new ForbiddenError()
  if (!plausibleId(personId)) throw new NotFoundError('person')
  const row = await db.person.findFirst({ where: { AND: [{ id: personId }, personScopeWhere(scopes)] }, select })
  if (!row) throw new NotFoundError('person')
  return row as Prisma.PersonGetPayload<{ select: S }>
}
