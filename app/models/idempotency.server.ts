/**
 * Idempotency keys of the API (issue 14): the first answer to a POST sent
 * with an `Idempotency-Key`, kept per caller and key (the table's primary
 * key) with a hash of the request. The API's wrapper (app/api/idempotency.server.ts)
 * claims the key before the handler runs, so a retry — even one at the same
 * moment — never runs the handler a second time:
 *
 *  - claimed:   no record yet; this request runs and its answer is kept
 *               (`completeIdempotentRequest`) or, when refused, the claim is
 *               let go (`releaseIdempotencyKey`) so a corrected retry may run;
 *  - replay:    the same request answered before: its status and body;
 *  - mismatch:  the same key with another request (method, path or body);
 *  - running:   the first request with this key is still running.
 *
 * A claim left running longer than STALE_CLAIM_SECONDS (the process died)
 * may be taken over.
 */
import type { Db } from '#app/utils/db.server.ts'

export const STALE_CLAIM_SECONDS = 300

export type IdempotencyClaim = { state: 'claimed' } | { state: 'replay'; status: number; body: string } | { state: 'mismatch' } | { state: 'running' }

export async function claimIdempotencyKey(db: Db, opts: { callerId: string; key: string; requestHash: string }): Promise<IdempotencyClaim> {
  // One statement: insert the claim, or take over a stale one; otherwise nothing is written.
  const claimed = await db.$queryRaw<{ key: string }[]>`
    INSERT INTO "IdempotencyRecord" ("callerId", "key", "requestHash")
    VALUES (${opts.callerId}, ${opts.key}, ${opts.requestHash})
    ON CONFLICT ("callerId", "key") DO UPDATE SET "requestHash" = EXCLUDED."requestHash", "createdAt" = CURRENT_TIMESTAMP
      WHERE "IdempotencyRecord"."status" IS NULL
        AND "IdempotencyRecord"."createdAt" < CURRENT_TIMESTAMP - make_interval(secs => ${STALE_CLAIM_SECONDS})
    RETURNING "key"`
  if (claimed.length === 1) return { state: 'claimed' }
  const existing = await db.idempotencyRecord.findUnique({ where: { callerId_key: { callerId: opts.callerId, key: opts.key } } })
  // Let go between the two statements: claim again.
  if (!existing) return claimIdempotencyKey(db, opts)
  if (existing.requestHash !== opts.requestHash) return { state: 'mismatch' }
  if (existing.status === null || existing.body === null) return { state: 'running' }
  return { state: 'replay', status: existing.status, body: existing.body }
}

/** Keeps the first answer to the claimed key. */
export async function completeIdempotentRequest(db: Db, opts: { callerId: string; key: string; status: number; body: string }) {
  await db.idempotencyRecord.updateMany({
    where: { callerId: opts.callerId, key: opts.key, status: null },
    data: { status: opts.status, body: opts.body, completedAt: new Date() },
  })
}

/** Lets a claim go (the request was refused and created nothing). */
export async function releaseIdempotencyKey(db: Db, opts: { callerId: string; key: string }) {
  await db.idempotencyRecord.deleteMany({ where: { callerId: opts.callerId, key: opts.key, status: null } })
}

/** How long an answered key is kept (a retry after that runs again, as with Stripe's 24 hours). */
export const IDEMPOTENCY_KEEP_HOURS = 24

/**
 * The nightly prune: answered keys older than IDEMPOTENCY_KEEP_HOURS and
 * claims left running past STALE_CLAIM_SECONDS at that age go; nothing newer.
 */
export async function pruneIdempotencyRecords(db: Db, now: Date = new Date()): Promise<{ deleted: number }> {
  const before = new Date(now.getTime() - IDEMPOTENCY_KEEP_HOURS * 3600_000)
  const { count } = await db.idempotencyRecord.deleteMany({ where: { createdAt: { lt: before } } })
  return { deleted: count }
}
