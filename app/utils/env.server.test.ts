/**
 * The validated environment: the worker and queue settings have their
 * defaults, are checked at boot with a message naming the variable, and no
 * code in app/ or workers/ reads process.env around it (only env.server.ts,
 * and the start-up scripts in app/server/ that set variables before the env
 * can be loaded).
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { queuePrefix, redisUrl } from '#app/jobs/certificate-batch.ts'
import { getEnv, resetEnvCache } from './env.server.ts'

const root = path.resolve(import.meta.dirname, '../..')
const saved = { ...process.env }
const NAMES = ['XX_WORKERS', 'XX_QUEUE_PREFIX', 'XX_WORKER_LOCK_MS', 'XX_WORKER_STALLED_MS', 'XX_SEED_PASSWORD', 'REDIS_URL'] as const

beforeEach(() => {
  process.env.DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/xx_unit'
  process.env.XX_DATA_KEY = 'a'.repeat(64)
  process.env.XX_HMAC_KEY = 'b'.repeat(64)
  for (const name of NAMES) delete process.env[name]
  resetEnvCache()
})

afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
  Object.assign(process.env, saved)
  resetEnvCache()
})

const withEnv = (vars: Partial<Record<(typeof NAMES)[number], string>>) => {
  Object.assign(process.env, vars)
  resetEnvCache()
  return getEnv()
}

test('worker, queue and seed settings default as the README says', () => {
  const env = getEnv()
  expect(env.XX_WORKERS).toBe('inline')
  expect(env.XX_QUEUE_PREFIX).toBe('xx')
  expect(env.XX_WORKER_LOCK_MS).toBe(30_000)
  expect(env.XX_WORKER_STALLED_MS).toBe(30_000)
  expect(env.XX_SEED_PASSWORD).toBe('XiangXue-demo-2026')
  expect(queuePrefix()).toBe('xx')
  expect(redisUrl()).toBe('redis://127.0.0.1:6379')
})

test('given values are read (numbers from their text), and the queue helpers follow them', () => {
  const env = withEnv({
    XX_WORKERS: 'separate',
    XX_QUEUE_PREFIX: 'xxt_ab12',
    XX_WORKER_LOCK_MS: '3000',
    XX_WORKER_STALLED_MS: '1500',
    XX_SEED_PASSWORD: 'Another-pass-2026',
    REDIS_URL: 'redis://10.0.0.5:6380/2',
  })
  expect(env).toMatchObject({
    XX_WORKERS: 'separate',
    XX_QUEUE_PREFIX: 'xxt_ab12',
    XX_WORKER_LOCK_MS: 3000,
    XX_WORKER_STALLED_MS: 1500,
    XX_SEED_PASSWORD: 'Another-pass-2026',
  })
  expect(queuePrefix()).toBe('xxt_ab12')
  expect(redisUrl()).toBe('redis://10.0.0.5:6380/2')
})

test.each([
  ['XX_WORKERS', 'yes'],
  ['XX_QUEUE_PREFIX', 'xx:prod'],
  ['XX_QUEUE_PREFIX', ''],
  ['XX_WORKER_LOCK_MS', 'thirty seconds'],
  ['XX_WORKER_LOCK_MS', '100'],
  ['XX_WORKER_STALLED_MS', '1.5'],
  ['XX_SEED_PASSWORD', ''],
] as const)('%s=%j is refused at boot, naming the variable', (name, value) => {
  expect(() => withEnv({ [name]: value })).toThrow(new RegExp(`环境变量无效[\\s\\S]*${name}:`))
})

test('no code in app/ or workers/ reads process.env except env.server.ts and the start-up scripts', () => {
  const offenders: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (rel !== 'app/generated' && rel !== 'app/server') walk(rel)
      } else if (/\.(ts|tsx|mjs|js)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && rel !== 'app/utils/env.server.ts') {
        readFileSync(path.join(root, rel), 'utf8')
          .split('\n')
          .forEach((line, i) => /process\.env\b/.test(line) && offenders.push(`${rel}:${i + 1}: ${line.trim()}`))
      }
    }
  }
  walk('app')
  walk('workers')
  expect(offenders).toEqual([])
})
