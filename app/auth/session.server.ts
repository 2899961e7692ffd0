/**
 * Sessions after Lucia's guide (lucia-auth.com, "auth_session.ts"): the token
 * is "<id>.<secret>", the id a 120-bit and the secret a 256-bit random value;
 * only SHA-256(secret) is stored and it is compared in constant time. Idle and
 * absolute lifetimes depend on the user's roles (DESIGN.md §8).
 */
import { sha256 } from '@oslojs/crypto/sha2'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding'
import { sessionLifetime } from '#app/domain/roles.ts'
import type { Role, SignInMethod } from '#app/generated/prisma/enums.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'

function randomString(bytes: number): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)))
}

function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret))
}

export type SessionRecord = {
  id: string
  userId: string
  createdAt: Date
  lastVerifiedAt: Date
  expiresAt: Date
  idleSeconds: number
  /** How the session began (a card session may not change the password or phone without an SMS code). */
  method: SignInMethod
}

export async function createSession(
  db: Db | Tx,
  opts: { userId: string; roles: readonly Role[]; ip?: string | null; userAgent?: string | null; now?: Date; method?: SignInMethod },
): Promise<{ token: string; session: SessionRecord }> {
  const now = opts.now ?? new Date()
  const id = randomString(15)
  const secret = randomString(32)
  const { idleSeconds, absoluteSeconds } = sessionLifetime(opts.roles)
  const session = {
    id,
    userId: opts.userId,
    createdAt: now,
    lastVerifiedAt: now,
    expiresAt: new Date(now.getTime() + absoluteSeconds * 1000),
    idleSeconds,
    method: opts.method ?? 'password',
  }
  await db.session.create({
    data: {
      ...session,
      secretHash: Buffer.from(hashSecret(secret)),
      ip: opts.ip ?? null,
      userAgent: opts.userAgent?.slice(0, 300) ?? null,
    },
  })
  return { token: `${id}.${secret}`, session }
}

/** The id and secret of a well-formed token ("<24 base32 chars>.<52 base32 chars>"), else null. */
export function parseSessionToken(token: string): { id: string; secret: string } | null {
  const parts = token.split('.')
  if (parts.length !== 2) return null
  const [id, secret] = parts as [string, string]
  if (!/^[a-z2-7]{24}$/.test(id) || !/^[a-z2-7]{52}$/.test(secret)) return null
  return { id, secret }
}

/** Refresh `lastVerifiedAt` (the idle clock) at most this often. */
export const SESSION_TOUCH_MS = 60_000

export type StoredSession = { secretHash: Uint8Array; lastVerifiedAt: Date; expiresAt: Date; idleSeconds: number }

/**
 * THE session rules (pure; every path that reads a session token calls this:
 * validateSessionToken below and the heartbeat fast path,
 * app/server/heartbeat.server.ts). `row` is the stored session of the token's
 * id (null when unknown). A wrong secret (compared in constant time) is
 * refused; a session idle too long or past its absolute expiry is refused and
 * should be deleted; a valid one is touched (lastVerifiedAt = now) when the
 * last touch is at least SESSION_TOUCH_MS old.
 */
export function decideSession(row: StoredSession | null, secret: string, now: Date): { valid: false; drop: boolean } | { valid: true; touch: boolean } {
  if (!row) return { valid: false, drop: false }
  if (!constantTimeEqual(hashSecret(secret), row.secretHash)) return { valid: false, drop: false }
  const idleDeadline = row.lastVerifiedAt.getTime() + row.idleSeconds * 1000
  if (now.getTime() >= row.expiresAt.getTime() || now.getTime() >= idleDeadline) return { valid: false, drop: true }
  return { valid: true, touch: now.getTime() - row.lastVerifiedAt.getTime() >= SESSION_TOUCH_MS }
}

/**
 * Returns the session for a token, or null when the token is malformed,
 * unknown, wrong, idle too long or past its absolute expiry (see
 * decideSession). Refreshes `lastVerifiedAt` at most once a minute.
 */
export async function validateSessionToken(db: Db, token: string, now = new Date()): Promise<SessionRecord | null> {
  const parsed = parseSessionToken(token)
  if (!parsed) return null
  const { id, secret } = parsed
  const row = await db.session.findUnique({ where: { id } })
  const verdict = decideSession(row && { ...row, secretHash: new Uint8Array(row.secretHash) }, secret, now)
  if (!verdict.valid) {
    if (verdict.drop) await db.session.deleteMany({ where: { id } })
    return null
  }
  if (verdict.touch) {
    await db.session.update({ where: { id }, data: { lastVerifiedAt: now } })
    row!.lastVerifiedAt = now
  }
  return {
    id: row!.id,
    userId: row!.userId,
    createdAt: row!.createdAt,
    lastVerifiedAt: row!.lastVerifiedAt,
    expiresAt: row!.expiresAt,
    idleSeconds: row!.idleSeconds,
    method: row!.method,
  }
}

export async function invalidateSession(db: Db | Tx, sessionId: string) {
  await db.session.deleteMany({ where: { id: sessionId } })
}

/** Ends every session of a user, except `keepSessionId` when given. */
export async function invalidateUserSessions(db: Db | Tx, userId: string, keepSessionId?: string) {
  await db.session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } })
}
