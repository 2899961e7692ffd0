import { createHmac } from 'node:crypto'
import { normalizePhone } from '#app/domain/names.ts'
import { dummyPasswordHash, verifyPassword } from '#app/auth/password.server.ts'
import { createSession, invalidateSession, invalidateUserSessions, type SessionRecord } from '#app/auth/session.server.ts'
import { lookupHmac } from '#app/utils/crypto.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { recordAudit } from './audit.server.ts'
import { checkPasswordThrottled } from './login-throttle.server.ts'
import { userScopePath } from './users.server.ts'

export type SignInResult =
  | { ok: true; token: string; session: SessionRecord; userId: string; mustChangePassword: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number }

/** Nothing with a control character is a username or a phone number (and PostgreSQL refuses U+0000 in text). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

async function findUser(db: Db, identifier: string) {
  if (CONTROL.test(identifier.trim())) return null
  const username = identifier.trim().toLowerCase()
  const include = { roles: { include: { scopeRegion: true } }, person: { include: { region: true } } } as const
  const byName = await db.user.findUnique({ where: { username }, include })
  if (byName) return byName
  const phone = normalizePhone(identifier)
  if (!phone) return null
  return db.user.findFirst({ where: { person: { phoneHmac: lookupHmac('phone', phone) } }, include })
}

/**
 * What the audit log and the throttle table keep of a typed identifier: a
 * keyed HMAC (the server's HMAC key, never shown) of its normalised form, so
 * the same identifier tried again is recognisable, but a phone number, or a
 * password typed into the wrong field, is never stored in clear.
 */
export function identifierDigest(identifier: string): string {
  const normalised = normalizePhone(identifier) ?? identifier.trim().toLowerCase()
  return createHmac('sha256', Buffer.from(getEnv().XX_HMAC_KEY, 'hex')).update(`sign-in-identifier:${normalised}`).digest('base64url').slice(0, 32)
}

/**
 * Signs in by username or phone number. A locked account or address is
 * refused before the password is looked at, so the right password waits too.
 */
export async function signIn(db: Db, opts: { identifier: string; password: string; ip: string; userAgent?: string | null; now?: Date }): Promise<SignInResult> {
  const now = opts.now ?? new Date()
  const user = await findUser(db, opts.identifier)
  const identifierHmac = identifierDigest(opts.identifier)
  // An identifier nobody has is throttled under its digest, never under the typed text.
  const accountKey = user ? `account:${user.id}` : `account:?${identifierHmac}`
  const scopePath = user?.roles.find((r) => r.scopeRegion)?.scopeRegion?.path ?? user?.person?.region.path ?? null

  const check = await checkPasswordThrottled(db, {
    accountKey,
    ip: opts.ip,
    now,
    verify: async () => {
      // An account without a password yet (a learner enrolled by a coordinator) signs in by SMS code or card only.
      if (user?.passwordHash) return (await verifyPassword(user.passwordHash, opts.password)) && !user.disabled
      // No such account (or no password): hash anyway, so the timing does not tell which usernames exist.
      await verifyPassword(await dummyPasswordHash(), opts.password)
      return false
    },
  })

  if (!check.ok) {
    const throttled = check.reason === 'locked' && !check.checked
    await recordAudit(db, {
      actorId: user?.id ?? null,
      action: throttled ? 'auth.sign_in_throttled' : 'auth.sign_in_failed',
      entityType: 'User',
      entityId: user?.id ?? null,
      after: throttled
        ? { identifierHmac, retryAfterSeconds: check.retryAfterSeconds }
        : { identifierHmac, disabled: user?.disabled ?? undefined, ...(check.reason === 'locked' ? { retryAfterSeconds: check.retryAfterSeconds } : {}) },
      ip: opts.ip,
      scopePath,
    })
    return check.reason === 'locked' ? { ok: false, reason: 'locked', retryAfterSeconds: check.retryAfterSeconds } : { ok: false, reason: 'invalid' }
  }
  if (!user) throw new Error('unreachable: a password check without an account succeeded')

  const { token, session } = await db.$transaction(async (tx) => {
    const created = await createSession(tx, {
      userId: user.id,
      roles: user.roles.map((r) => r.role),
      ip: opts.ip,
      userAgent: opts.userAgent,
      now,
    })
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } })
    await recordAudit(tx, {
      actorId: user.id,
      action: 'auth.sign_in',
      entityType: 'User',
      entityId: user.id,
      after: { method: 'password' },
      ip: opts.ip,
      scopePath,
    })
    return created
  })
  return { ok: true, token, session, userId: user.id, mustChangePassword: user.mustChangePassword }
}

/** Ends this session, or with `everywhere` every session of the user; audited either way. */
export async function signOut(db: Db, opts: { userId: string; sessionId: string; everywhere: boolean; ip?: string | null }) {
  await db.$transaction(async (tx) => {
    if (opts.everywhere) await invalidateUserSessions(tx, opts.userId)
    else await invalidateSession(tx, opts.sessionId)
    await recordAudit(tx, {
      actorId: opts.userId,
      action: opts.everywhere ? 'auth.sign_out_everywhere' : 'auth.sign_out',
      entityType: 'User',
      entityId: opts.userId,
      ip: opts.ip,
      scopePath: await userScopePath(tx, opts.userId),
    })
  })
}
