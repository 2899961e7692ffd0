/**
 * The per-IP limit of the public certificate check on a real Redis, and what
 * happens when Redis is not there: requests are allowed and it is logged once.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, expect, test, vi } from 'vitest'
import { resetEnvCache } from '#app/utils/env.server.ts'
import { rateLimit, resetRateLimitClient } from '#app/utils/rate-limit.server.ts'

const realUrl = process.env.REDIS_URL

afterAll(async () => {
  process.env.REDIS_URL = realUrl
  resetEnvCache()
  await resetRateLimitClient()
})

test('counts per key within the window; the limit+1st is refused with a Retry-After; another key is not affected', async () => {
  const key = `test:${randomBytes(6).toString('hex')}`
  const results = []
  for (let i = 0; i < 4; i++) results.push(await rateLimit(key, { limit: 3, windowSeconds: 60 }))
  expect(results.map((r) => r.allowed)).toEqual([true, true, true, false])
  expect(results[3]!.count).toBe(4)
  expect(results[3]!.retryAfterSeconds).toBeGreaterThan(0)
  expect(results[3]!.retryAfterSeconds).toBeLessThanOrEqual(60)
  expect((await rateLimit(`${key}:other`, { limit: 3, windowSeconds: 60 })).allowed).toBe(true)
})

test('Redis down: allowed, warned once', async () => {
  await resetRateLimitClient()
  process.env.REDIS_URL = 'redis://127.0.0.1:1'
  resetEnvCache()
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const a = await rateLimit('down', { limit: 1, windowSeconds: 60 })
  const b = await rateLimit('down', { limit: 1, windowSeconds: 60 })
  expect([a.allowed, b.allowed]).toEqual([true, true])
  expect(warn).toHaveBeenCalledTimes(1)
  expect(String(warn.mock.calls[0]![0])).toContain('Redis unavailable')
  warn.mockRestore()
})
