/**
 * The one throttle for every check of a secret (DESIGN.md §8: per account and
 * per IP): sign-in, the password-change page's current password, typed
 * check-in codes. Rules (how many failures, how long a wait) are plain
 * functions in app/domain; the counts live in the LoginThrottle table.
 *
 * A try is CLAIMED before the secret is looked at: one statement per key
 * (INSERT … ON CONFLICT DO UPDATE … WHERE not waiting … RETURNING) counts the
 * try as a failure and sets the wait that failure earns, unless the key is
 * already waiting. PostgreSQL applies it to the row's latest version under
 * the row's lock, so concurrent tries are counted one after the other and the
 * n-th sees the wait the (n−1)-th earned: 30 parallel guesses cannot all get
 * a verdict before the first failure is counted. A try that turns out right
 * gives its charge back (`release`), or starts the key over (`clear`).
 */
import { Prisma } from '#app/generated/prisma/client.ts'
import { ACCOUNT_FAILURE_MEMORY_SECONDS, IP_WINDOW_SECONDS, accountDelaySeconds, ipBlockSeconds, secondsUntil } from '#app/domain/sign-in-throttle.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'

export type ThrottleRule = {
  key: string
  /** A key's count starts over after this long without a failure. */
  memorySeconds: number
  /** The wait (seconds, 0 for none) the `failures`-th failure in a row earns. */
  delayFor: (failures: number) => number
}

/** Failure counts up to this get their wait from the rule; any count past it waits as long as this one. */
const TABLE_SIZE = 64

function delayTable(rule: ThrottleRule): Prisma.Sql {
  const delays = Array.from({ length: TABLE_SIZE }, (_, i) => Math.max(0, Math.ceil(rule.delayFor(i + 1))))
  return Prisma.sql`${delays}::int[]`
}

/** The wait, in SQL, for a failure count (an int expression). */
const waitFor = (table: Prisma.Sql, failures: Prisma.Sql) => Prisma.sql`COALESCE((${table})[LEAST(GREATEST(${failures}, 0), ${TABLE_SIZE})], 0)`

export type Claim =
  /** Counted; `delaySeconds` is the wait this try earns if it fails (0: none). */
  | { ok: true; delaySeconds: number }
  /** A key is waiting: the try was not counted and the secret must not be looked at. */
  | { ok: false; retryAfterSeconds: number }

/** Claims one try against one key; null when the key is waiting. */
async function claimKey(db: Db | Tx, rule: ThrottleRule, now: Date): Promise<{ lockedUntil: Date | null } | null> {
  const table = delayTable(rule)
  const forgetBefore = new Date(now.getTime() - rule.memorySeconds * 1000)
  const next = Prisma.sql`(CASE WHEN t."updatedAt" < ${forgetBefore} THEN 1 ELSE t."failures" + 1 END)`
  const firstWait = Math.max(0, Math.ceil(rule.delayFor(1)))
  const rows = await db.$queryRaw<{ lockedUntil: Date | null }[]>`
    INSERT INTO "LoginThrottle" AS t ("key", "failures", "lockedUntil", "updatedAt")
    VALUES (${rule.key}, 1, ${firstWait > 0 ? new Date(now.getTime() + firstWait * 1000) : null}::timestamptz, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = ${next},
      "lockedUntil" = CASE WHEN ${waitFor(table, next)} > 0
                           THEN ${now}::timestamptz + make_interval(secs => ${waitFor(table, next)})
                           ELSE NULL END,
      "updatedAt" = ${now}
    WHERE t."lockedUntil" IS NULL OR t."lockedUntil" <= ${now}
    RETURNING t."lockedUntil"`
  return rows[0] ?? null
}

/** The longest wait any of the keys is under, in seconds. */
export async function lockedFor(db: Db | Tx, keys: string[], now: Date): Promise<number> {
  const rows = await db.loginThrottle.findMany({ where: { key: { in: keys } } })
  return Math.max(0, ...rows.map((r) => secondsUntil(r.lockedUntil, now)))
}

/**
 * Claims a try against every rule (one at a time, each atomic): all counted,
 * or none (a key that is waiting gives back what was claimed before it).
 */
export async function claim(db: Db, rules: ThrottleRule[], now: Date): Promise<Claim> {
  const claimed: ThrottleRule[] = []
  let delaySeconds = 0
  for (const rule of rules) {
    const row = await claimKey(db, rule, now)
    if (!row) {
      for (const done of claimed) await release(db, done)
      return { ok: false, retryAfterSeconds: Math.max(1, await lockedFor(db, [rule.key], now)) }
    }
    claimed.push(rule)
    delaySeconds = Math.max(delaySeconds, secondsUntil(row.lockedUntil, now))
  }
  return { ok: true, delaySeconds }
}

/**
 * Gives one claimed try back (it was not a failure): the count goes down by
 * one, and a wait it set is lifted when the count no longer earns one.
 */
export async function release(db: Db | Tx, rule: ThrottleRule) {
  const table = delayTable(rule)
  const prev = Prisma.sql`("failures" - 1)`
  await db.$executeRaw`
    UPDATE "LoginThrottle" SET
      "failures" = GREATEST(${prev}, 0),
      "lockedUntil" = CASE WHEN ${waitFor(table, prev)} = 0 THEN NULL ELSE "lockedUntil" END
    WHERE "key" = ${rule.key}`
}

/** The key starts over (a right password ends an account's run of failures). */
export async function clear(db: Db | Tx, key: string) {
  await db.loginThrottle.deleteMany({ where: { key } })
}

// ---------------------------------------------------------------- passwords

/** The throttle of a password check (DESIGN.md §8): the account's growing waits and the address's block. */
export function passwordThrottleRules(accountKey: string, ip: string | null | undefined): { account: ThrottleRule; ip: ThrottleRule | null } {
  return {
    account: { key: accountKey, memorySeconds: ACCOUNT_FAILURE_MEMORY_SECONDS, delayFor: accountDelaySeconds },
    ip: ip ? { key: `ip:${ip}`, memorySeconds: IP_WINDOW_SECONDS, delayFor: ipBlockSeconds } : null,
  }
}

export type PasswordCheck = { ok: true } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'locked'; retryAfterSeconds: number; checked: boolean }

/**
 * THE password check behind a throttle, for sign-in and the password-change
 * page alike: the try is claimed against the account and the address first
 * (a waiting key refuses it before `verify` runs: `checked: false`); a wrong
 * password keeps the claim (and answers `locked` when it earned a wait); a
 * right one starts the account over and gives the address its try back.
 */
export async function checkPasswordThrottled(
  db: Db,
  opts: { accountKey: string; ip?: string | null; now: Date; verify: () => Promise<boolean> },
): Promise<PasswordCheck> {
  const rules = passwordThrottleRules(opts.accountKey, opts.ip)
  const claimed = await claim(db, [rules.account, ...(rules.ip ? [rules.ip] : [])], opts.now)
  if (!claimed.ok) return { ok: false, reason: 'locked', retryAfterSeconds: claimed.retryAfterSeconds, checked: false }
  let valid = false
  try {
    valid = await opts.verify()
  } catch (error) {
    // Not a verdict: give the try back.
    await release(db, rules.account)
    if (rules.ip) await release(db, rules.ip)
    throw error
  }
  if (!valid)
    return claimed.delaySeconds > 0 ? { ok: false, reason: 'locked', retryAfterSeconds: claimed.delaySeconds, checked: true } : { ok: false, reason: 'invalid' }
  await clear(db, rules.account.key)
  if (rules.ip) await release(db, rules.ip)
  return { ok: true }
}
