/**
 * Fixed-window rate limits on Redis (INCR with an expiry), shared by every
 * app instance. Redis is the one validated REDIS_URL of env.server.ts, with
 * the same default as start-up and the workers (redis://127.0.0.1:6379), so
 * the limits are on wherever the queues run. When Redis is not reachable the
 * request is allowed (the public pages must not go down with the queue) and
 * that is logged, once per outage.
 */
import type { Redis } from 'ioredis'
import { getEnv } from './env.server.ts'

const state = globalThis as unknown as { __xxRateRedis?: Promise<Redis | null>; __xxRateWarned?: boolean }

function warnOnce(error: unknown) {
  if (state.__xxRateWarned) return
  state.__xxRateWarned = true
  console.warn(`rate limit: Redis unavailable, requests are not limited (${error instanceof Error ? error.message : String(error)})`)
}

async function client(): Promise<Redis | null> {
  const url = getEnv().REDIS_URL
  state.__xxRateRedis ??= (async () => {
    const { Redis } = await import('ioredis')
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000, enableOfflineQueue: false })
    redis.on('error', warnOnce)
    // Back after an outage: the next outage is logged again.
    redis.on('ready', () => (state.__xxRateWarned = false))
    try {
      await redis.connect()
      return redis
    } catch (error) {
      warnOnce(error)
      redis.disconnect()
      state.__xxRateRedis = undefined
      return null
    }
  })()
  return state.__xxRateRedis
}

export type RateLimitResult = { allowed: boolean; count: number; retryAfterSeconds: number }

/** Counts one hit of `key` in the current window; allowed while the count is at most `limit`. */
export async function rateLimit(key: string, opts: { limit: number; windowSeconds: number }): Promise<RateLimitResult> {
  try {
    const redis = await client()
    if (!redis) return { allowed: true, count: 0, retryAfterSeconds: 0 }
    const k = `xx:rl:${key}`
    const [[, count], [, ttl]] = (await redis.multi().incr(k).ttl(k).exec()) as [[unknown, number], [unknown, number]]
    if (ttl < 0) await redis.expire(k, opts.windowSeconds)
    return { allowed: count <= opts.limit, count, retryAfterSeconds: ttl > 0 ? ttl : opts.windowSeconds }
  } catch (error) {
    warnOnce(error)
    return { allowed: true, count: 0, retryAfterSeconds: 0 }
  }
}

/** Tests: forget the client and the "logged once" flag (e.g. after changing REDIS_URL). */
export async function resetRateLimitClient() {
  const redis = await state.__xxRateRedis?.catch(() => null)
  redis?.disconnect()
  state.__xxRateRedis = undefined
  state.__xxRateWarned = false
}

/** Public certificate checks: per IP, 60 a minute (a person scanning a stack of certificates is fine; a crawler is not). */
export const VERIFY_LIMIT = { limit: 60, windowSeconds: 60 }

/** The JSON API, per caller address: 1,200 requests a minute (many scripts of a county office may share one). */
export const API_IP_LIMIT = { limit: 1200, windowSeconds: 60 }
/** The JSON API, per token (a session's or an integration token): 600 requests a minute; a sync sends batches of 1,000 entries per request. */
export const API_TOKEN_LIMIT = { limit: 600, windowSeconds: 60 }
