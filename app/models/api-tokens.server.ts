/**
 * Integration tokens (issue 14, api-v1.md "Integration tokens that an admin
 * creates for a service account"): an admin creates a service account — a
 * User without a person and without a password, its role and scope an
 * ordinary RoleAssignment — and a token for it, with an expiry and a note.
 *
 *  - The token is "xxt.<id>.<secret>" (120-bit id, 256-bit secret, base32);
 *    only SHA-256(secret) is stored and it is compared in constant time, like
 *    a session's (DESIGN.md §8). It is shown once, when created.
 *  - It reads back into the same CurrentUser as a session of that account
 *    (grants from its RoleAssignments, read on every request), so the API's
 *    handlers, roles and scopes do not change. Revoked, expired, or the
 *    account disabled: refused at once (401).
 *  - Last use is kept on the token (touched at most once a minute); every API
 *    request made with it is one audit event (api.request: method, path,
 *    status), written by the API's wrapper.
 */
import { sha256 } from '@oslojs/crypto/sha2'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding'
import { decideAccess, grantNeedsScope, type RoleName } from '#app/domain/roles.ts'
import type { T } from '#app/i18n/index.ts'
import { isUniqueViolation, type Db, type Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import type { CurrentUser, Grant } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, NotFoundError, type AppErrorKind } from './errors.server.ts'

/** Roles a service account may hold: staff only (learners and teachers are people). */
export const SERVICE_ACCOUNT_ROLES = ['coordinator', 'bureau', 'admin'] as const satisfies readonly RoleName[]
export type ServiceAccountRole = (typeof SERVICE_ACCOUNT_ROLES)[number]

/** The longest a token may live: a year; then the admin makes a new one. */
export const MAX_TOKEN_DAYS = 366
/** Refresh `lastUsedAt` at most this often (one UPDATE a minute, not one per request). */
export const TOKEN_TOUCH_MS = 60_000
export const MAX_NOTE = 200

const TOKEN_PREFIX = 'xxt'

type ApiTokenProblem = 'username' | 'usernameTaken' | 'role' | 'scope' | 'verifyOnlyBureau' | 'expiry' | 'note' | 'alreadyRevoked'

const FIELDS: Partial<Record<ApiTokenProblem, string>> = {
  username: 'username',
  usernameTaken: 'username',
  role: 'role',
  scope: 'scope',
  verifyOnlyBureau: 'canVerifyGraduation',
  expiry: 'expiresOn',
  note: 'note',
}

export class ApiTokenError extends AppError {
  constructor(
    readonly problem: ApiTokenProblem,
    readonly params: Record<string, string | number> = {},
  ) {
    super(problem)
    this.name = 'ApiTokenError'
  }
  get kind(): AppErrorKind {
    return this.problem === 'usernameTaken' || this.problem === 'alreadyRevoked' ? 'conflict' : 'validation_failed'
  }
  override get field() {
    return FIELDS[this.problem]
  }
  describe(t: T) {
    return t(`apiTokens.error.${this.problem}`, { max: this.problem === 'note' ? MAX_NOTE : MAX_TOKEN_DAYS, ...this.params })
  }
}

function randomString(bytes: number): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)))
}

const hashSecret = (secret: string) => sha256(new TextEncoder().encode(secret))

/** Whether a bearer token is an integration token (else it is a session's). */
export const isApiTokenFormat = (token: string) => token.startsWith(`${TOKEN_PREFIX}.`)

/** The id and secret of a well-formed integration token, else null. */
export function parseApiToken(token: string): { id: string; secret: string } | null {
  const parts = token.split('.')
  if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX) return null
  const [, id, secret] = parts as [string, string, string]
  if (!/^[a-z2-7]{24}$/.test(id) || !/^[a-z2-7]{52}$/.test(secret)) return null
  return { id, secret }
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

export type NewApiToken = {
  /** The service account's username (new; letters, digits, `.`, `_`, `-`). */
  username: string
  displayName?: string | null
  role: string
  scopeRegionId?: string | null
  scopeOrganizationId?: string | null
  canVerifyGraduation?: boolean
  /** The last day (Beijing) the token works: after today, at most MAX_TOKEN_DAYS ahead. */
  expiresOn: string
  note: string
  /** Beijing date of today (tests). */
  today: string
}

/**
 * Creates a service account with one grant and its first token, audited
 * (api_token.create); answers the token — the only time it is ever shown.
 * The token lapses at the end of `expiresOn`, Beijing time.
 */
export async function createServiceAccountToken(db: Db, actor: Pick<CurrentUser, 'id'>, input: NewApiToken, ip?: string | null) {
  const username = input.username.trim().toLowerCase()
  if (!/^[a-z0-9][a-z0-9._-]{2,39}$/.test(username)) throw new ApiTokenError('username')
  if (!(SERVICE_ACCOUNT_ROLES as readonly string[]).includes(input.role)) throw new ApiTokenError('role')
  const role = input.role as ServiceAccountRole
  const scopeRegionId = input.scopeRegionId || null
  const scopeOrganizationId = input.scopeOrganizationId || null
  if (grantNeedsScope(role, Boolean(scopeRegionId || scopeOrganizationId))) throw new ApiTokenError('scope')
  if (input.canVerifyGraduation && role !== 'bureau') throw new ApiTokenError('verifyOnlyBureau')
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.expiresOn) || Number.isNaN(Date.parse(input.expiresOn))) throw new ApiTokenError('expiry')
  if (input.expiresOn <= input.today || input.expiresOn > addDays(input.today, MAX_TOKEN_DAYS)) throw new ApiTokenError('expiry')
  const note = input.note.trim()
  if (note.length === 0 || note.length > MAX_NOTE) throw new ApiTokenError('note')
  // The end of that Beijing day: 24:00 +08:00.
  const expiresAt = new Date(Date.parse(`${addDays(input.expiresOn, 1)}T00:00:00+08:00`))

  const id = randomString(15)
  const secret = randomString(32)
  try {
    return await db.$transaction(async (tx) => {
      if (scopeRegionId && !(await tx.region.findUnique({ where: { id: scopeRegionId }, select: { id: true } }))) throw new ApiTokenError('scope')
      if (scopeOrganizationId && !(await tx.organization.findUnique({ where: { id: scopeOrganizationId }, select: { id: true } })))
        throw new ApiTokenError('scope')
      const grant = { role, scopeRegionId, scopeOrganizationId, canVerifyGraduation: Boolean(input.canVerifyGraduation) }
      const user = await tx.user.create({
        data: {
          id: newId(),
          username,
          displayName: input.displayName?.trim() || username,
          passwordHash: null,
          personId: null,
          roles: { create: [{ id: newId(), ...grant }] },
        },
      })
      const row = await tx.apiToken.create({
        data: { id, userId: user.id, secretHash: Buffer.from(hashSecret(secret)), note, expiresAt, createdById: actor.id },
      })
      await recordAudit(tx, {
        actorId: actor.id,
        action: 'api_token.create',
        entityType: 'ApiToken',
        entityId: row.id,
        after: { userId: user.id, username, grants: [grant], expiresAt: expiresAt.toISOString(), note },
        ip,
        scopePath: await scopePathOf(tx, grant),
      })
      return { token: `${TOKEN_PREFIX}.${id}.${secret}`, id: row.id, userId: user.id, username, expiresAt }
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiTokenError('usernameTaken', { username })
    throw error
  }
}

async function scopePathOf(tx: Tx, grant: { scopeRegionId: string | null; scopeOrganizationId: string | null }) {
  if (grant.scopeRegionId) return (await tx.region.findUnique({ where: { id: grant.scopeRegionId }, select: { path: true } }))?.path ?? null
  if (grant.scopeOrganizationId) {
    return (await tx.organization.findUnique({ where: { id: grant.scopeOrganizationId }, select: { region: { select: { path: true } } } }))?.region.path ?? null
  }
  return null
}

/** Every integration token, newest first, for the admin's list (never the secret). */
export async function listApiTokens(db: Db) {
  const rows = await db.apiToken.findMany({
    orderBy: { createdAt: 'desc' },
    take: 500,
    select: {
      id: true,
      note: true,
      createdAt: true,
      expiresAt: true,
      lastUsedAt: true,
      lastUsedIp: true,
      revokedAt: true,
      user: {
        select: {
          username: true,
          disabled: true,
          roles: { select: { role: true, canVerifyGraduation: true, scopeRegion: { select: { name: true } }, scopeOrganization: { select: { name: true } } } },
        },
      },
    },
  })
  const now = Date.now()
  return rows.map((r) => ({
    id: r.id,
    username: r.user.username,
    grants: r.user.roles.map((g) => ({
      role: g.role,
      canVerifyGraduation: g.canVerifyGraduation,
      scopeName: g.scopeRegion?.name ?? g.scopeOrganization?.name ?? null,
    })),
    note: r.note,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: r.lastUsedIp,
    state: r.revokedAt
      ? ('revoked' as const)
      : r.expiresAt.getTime() <= now
        ? ('expired' as const)
        : r.user.disabled
          ? ('disabled' as const)
          : ('active' as const),
  }))
}

/** Revokes a token at once (the next request with it is 401), audited; revoking twice is a conflict. */
export async function revokeApiToken(db: Db, actor: Pick<CurrentUser, 'id'>, tokenId: string, ip?: string | null) {
  return db.$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id: tokenId }, select: { id: true, revokedAt: true, userId: true } })
    if (!row) throw new NotFoundError('record')
    const changed = await tx.apiToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: new Date(), revokedById: actor.id } })
    if (changed.count !== 1) throw new ApiTokenError('alreadyRevoked')
    await recordAudit(tx, { actorId: actor.id, action: 'api_token.revoke', entityType: 'ApiToken', entityId: tokenId, after: { userId: row.userId }, ip })
    return { id: tokenId }
  })
}

/**
 * The caller behind an integration token, as the CurrentUser a session of
 * the same account gives (grants and scopes from its RoleAssignments), or
 * null: malformed, unknown, wrong secret (constant-time), revoked, expired,
 * or the account disabled. Touches lastUsedAt at most once a minute.
 */
export async function userForApiToken(
  db: Db,
  token: string,
  opts: { ip?: string | null; now?: Date } = {},
): Promise<{ user: CurrentUser; tokenId: string } | null> {
  const parsed = parseApiToken(token)
  if (!parsed) return null
  const now = opts.now ?? new Date()
  const row = await db.apiToken.findUnique({
    where: { id: parsed.id },
    select: {
      id: true,
      secretHash: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      user: { select: { ...CURRENT_USER_SELECT } },
    },
  })
  if (!row || !constantTimeEqual(hashSecret(parsed.secret), new Uint8Array(row.secretHash))) return null
  if (row.revokedAt || row.expiresAt.getTime() <= now.getTime()) return null
  const user = row.user
  if (decideAccess({ ...user, roles: user.roles.map((r) => r.role) }) === 'signed_out') return null
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOKEN_TOUCH_MS) {
    await db.apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now, lastUsedIp: opts.ip ?? null } })
  }
  return {
    tokenId: row.id,
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      personId: user.personId,
      locale: user.locale,
      mustChangePassword: false,
      sessionId: `apitoken:${row.id}`,
      signInMethod: 'password',
      grants: user.roles.map(grantOf),
    },
  }
}

const CURRENT_USER_SELECT = {
  id: true,
  username: true,
  displayName: true,
  personId: true,
  locale: true,
  disabled: true,
  mustChangePassword: true,
  roles: { include: { scopeRegion: true, scopeOrganization: { include: { region: true } } } },
} as const

type RoleRow = {
  role: RoleName
  canVerifyGraduation: boolean
  scopeRegion: { id: string; code: string; name: string; path: string } | null
  scopeOrganization: { id: string; name: string; region: { path: string } } | null
}

/** One RoleAssignment as a Grant: the same mapping as a session's (app/auth/permissions.server.ts userForSessionToken; a test holds them equal). */
function grantOf(r: RoleRow): Grant {
  return {
    role: r.role,
    canVerifyGraduation: r.canVerifyGraduation,
    scope: r.scopeRegion
      ? { kind: 'region', regionId: r.scopeRegion.id, code: r.scopeRegion.code, name: r.scopeRegion.name, path: r.scopeRegion.path }
      : r.scopeOrganization
        ? { kind: 'organization', organizationId: r.scopeOrganization.id, name: r.scopeOrganization.name, regionPath: r.scopeOrganization.region.path }
        : r.role === 'admin'
          ? { kind: 'all' }
          : { kind: 'none' },
  }
}

/** The audit event of one API request made with an integration token: one insert. */
export async function recordApiRequest(db: Db, e: { tokenId: string; userId: string; method: string; path: string; status: number; ip?: string | null }) {
  await recordAudit(db, {
    actorId: e.userId,
    action: 'api.request',
    entityType: 'ApiToken',
    entityId: e.tokenId,
    after: { method: e.method, path: e.path, status: e.status },
    ip: e.ip,
  })
}
