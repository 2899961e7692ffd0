/**
 * The API's Idempotency-Key answers are kept 24 hours (issue 14): the nightly
 * prune removes older ones, so a retry after a day runs again, and keeps
 * every newer one, so a retry within the day still answers the first answer.
 */
import { expect, test } from 'vitest'
import { claimIdempotencyKey, completeIdempotentRequest, pruneIdempotencyRecords } from '#app/models/idempotency.server.ts'
import { getDb } from '#app/utils/db.server.ts'

test('answers older than 24 hours are pruned and the key runs again; a newer answer is still replayed', async () => {
  const db = getDb()
  const callerId = 'caller-prune'
  const now = new Date('2026-12-02T00:40:00+08:00')
  for (const key of ['old', 'fresh']) {
    expect(await claimIdempotencyKey(db, { callerId, key, requestHash: 'h' })).toEqual({ state: 'claimed' })
    await completeIdempotentRequest(db, { callerId, key, status: 201, body: `{"key":"${key}"}` })
  }
  await db.idempotencyRecord.update({ where: { callerId_key: { callerId, key: 'old' } }, data: { createdAt: new Date(now.getTime() - 25 * 3600_000) } })
  await db.idempotencyRecord.update({ where: { callerId_key: { callerId, key: 'fresh' } }, data: { createdAt: new Date(now.getTime() - 23 * 3600_000) } })

  expect(await pruneIdempotencyRecords(db, now)).toEqual({ deleted: 1 })
  expect(await claimIdempotencyKey(db, { callerId, key: 'old', requestHash: 'h' })).toEqual({ state: 'claimed' })
  expect(await claimIdempotencyKey(db, { callerId, key: 'fresh', requestHash: 'h' })).toEqual({ state: 'replay', status: 201, body: '{"key":"fresh"}' })
  expect(await pruneIdempotencyRecords(db, now)).toEqual({ deleted: 0 })
})
