import { normalizePhone } from '#app/domain/names.ts'
import {
  ACCOUNT_FAILURE_MEMORY_SECONDS,
  IP_WINDOW_SECONDS,
  accountDelaySeconds,
  ipBlockSeconds,
  secondsUntil,
} from '#app/domain/sign-in-throttle.ts'
import { dummyPasswordHash, verifyPassword } from '#app/auth/password.server.ts'
import { createSession, invalidateSession, invalidateUserSessions, type SessionRecord } from '#app/auth/session.server.ts'
import { lookupHmac } from '#app/utils/crypto.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { recordAudit } from './audit.server.ts'
import { userScopePath } from './users.server.ts'

export type SignInResult =
  | { ok: true; token: string; session: SessionRecord; userId: string; mustChangePassword: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number }

async function findUser(db: Db, identifier: string) {
  const username = identifier.trim().toLowerCase()
  const include = { roles: { include: { scopeRegion: true } }, person: { include: { region: true } } } as const
  const byName = await db.user.findUnique({ where: { username }, include })
  if (byName) return byName
  const phone = normalizePhone(identifier)
  if (!phone) return null
  return db.user.findFirst({ where: { person: { phoneHmac: lookupHmac('phone', phone) } }, include })
}

/** The longest wait any of the keys is under, in seconds. */
async function lockedFor(db: Db, keys: string[], now: Date) {
  const rows = await db.loginThrottle.findMany({ where: { key: { in: keys } } })
  return Math.max(0, ...rows.map((r) => secondsUntil(r.lockedUntil, now)))
}

/** Counts a failure atomically and sets the lock it earns. */
async function countFailure(db: Db, key: string, memorySeconds: number, delayFor: (n: number) => number, now: Date) {
  const rows = await db.$queryRaw<{ failures: number }[]>`
    INSERT INTO "LoginThrottle" ("key", "failures", "updatedAt") VALUES (${key}, 1, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN "LoginThrottle"."updatedAt" < ${new Date(now.getTime() - memorySeconds * 1000)}
                        THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
      "updatedAt" = ${now}
    RETURNING "failures"`
  const failures = rows[0]?.failures ?? 1
  const delay = delayFor(failures)
  if (delay > 0) {
    await db.loginThrottle.update({ where: { key }, data: { lockedUntil: new Date(now.getTime() + delay * 1000) } })
  }
  return delay
}

/**
 * Signs in by username or phone number. A locked account or address is
 * refused before the password is looked at, so the right password waits too.
 */
export async function signIn(
  db: Db,
  opts: { identifier: string; password: string; ip: string; userAgent?: string | null; now?: Date },
): Promise<SignInResult> {
  const now = opts.now ?? new Date()
  const ipKey = `ip:${opts.ip}`
  const user = await findUser(db, opts.identifier)
  const accountKey = `account:${user ? user.id : opts.identifier.trim().toLowerCase()}`
  const scopePath = user?.roles.find((r) => r.scopeRegion)?.scopeRegion?.path ?? user?.person?.region.path ?? null

  const wait = await lockedFor(db, [ipKey, accountKey], now)
  if (wait > 0) {
    await recordAudit(db, {
      actorId: user?.id ?? null,
      action: 'auth.sign_in_throttled',
      entityType: 'User',
      entityId: user?.id ?? null,
      after: { identifier: opts.identifier.slice(0, 64), retryAfterSeconds: wait },
      ip: opts.ip,
      scopePath,
    })
    return { ok: false, reason: 'locked', retryAfterSeconds: wait }
  }

  let valid = false
  // An account without a password yet (a learner enrolled by a coordinator) signs in by SMS code or card only.
  if (user?.passwordHash) valid = (await verifyPassword(user.passwordHash, opts.password)) && !user.disabled
  else if (user) await verifyPassword(await dummyPasswordHash(), opts.password)
  // No such account: hash anyway, so the timing does not tell which usernames exist.
  else await verifyPassword(await dummyPasswordHash(), opts.password)

  if (!user || !valid) {
    const accountDelay = await countFailure(db, accountKey, ACCOUNT_FAILURE_MEMORY_SECONDS, accountDelaySeconds, now)
    const ipDelay = await countFailure(db, ipKey, IP_WINDOW_SECONDS, ipBlockSeconds, now)
    await recordAudit(db, {
      actorId: user?.id ?? null,
      action: 'auth.sign_in_failed',
      entityType: 'User',
      entityId: user?.id ?? null,
      after: { identifier: opts.identifier.slice(0, 64), disabled: user?.disabled ?? undefined },
      ip: opts.ip,
      scopePath,
    })
    const delay = Math.max(accountDelay, ipDelay)
    return delay > 0 ? { ok: false, reason: 'locked', retryAfterSeconds: delay } : { ok: false, reason: 'invalid' }
  }

  const { token, session } = await db.$transaction(async (tx) => {
    await tx.loginThrottle.deleteMany({ where: { key: accountKey } })
    const created = await createSession(tx, {
      userId: user.id,
      roles: user.roles.map((r) => r.role),
      ip: opts.ip,
      userAgent: opts.userAgent,
      now,
    })
    await recordAudit(tx, { actorId: user.id, action: 'auth.sign_in', entityType: 'User', entityId: user.id, ip: opts.ip, scopePath })
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
