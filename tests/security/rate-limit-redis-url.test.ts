/**
 * Finding 6: the public verification rate limit was off although Redis ran:
 * app/utils/rate-limit.server.ts had no default REDIS_URL while start-up and
 * the workers default to redis://127.0.0.1:6379, and it only logged a warning.
 * The limiter now uses the one validated REDIS_URL of app/utils/env.server.ts,
 * with that same default.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, expect, test, vi } from 'vitest'
import { getEnv, resetEnvCache } from '#app/utils/env.server.ts'
import { rateLimit, resetRateLimitClient } from '#app/utils/rate-limit.server.ts'

const realUrl = process.env.REDIS_URL

afterEach(async () => {
  if (realUrl === undefined) delete process.env.REDIS_URL
  else process.env.REDIS_URL = realUrl
  resetEnvCache()
  await resetRateLimitClient()
})
afterAll(async () => {
  await resetRateLimitClient()
})

test('with REDIS_URL unset the limiter still limits, on the default redis://127.0.0.1:6379', async () => {
  // The machine's Redis answers on the default address (as npm start and the workers assume).
  await resetRateLimitClient()
  delete process.env.REDIS_URL
  resetEnvCache()
  expect(getEnv().REDIS_URL).toBe('redis://127.0.0.1:6379')
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const key = `test:default:${randomBytes(6).toString('hex')}`
  const results = []
  for (let i = 0; i < 3; i++) results.push((await rateLimit(key, { limit: 2, windowSeconds: 60 })).allowed)
  expect(results).toEqual([true, true, false])
  expect(warn).not.toHaveBeenCalled()
  warn.mockRestore()
})

test('an empty REDIS_URL means the default too; a REDIS_URL that is not a redis:// URL is refused at boot', () => {
  process.env.REDIS_URL = ''
  resetEnvCache()
  expect(getEnv().REDIS_URL).toBe('redis://127.0.0.1:6379')
  process.env.REDIS_URL = 'http://127.0.0.1:6379'
  resetEnvCache()
  expect(() => getEnv()).toThrow(/REDIS_URL/)
})
