/**
 * Issue 11, Must show 3: the workers' own Redis (a private redis-server on a
 * free port with AOF, never the machine's 6379) is stopped and started again
 * while a worker process sends reminders: the worker reconnects and goes on,
 * jobs queued before the restart survive it (AOF), jobs added after it are
 * taken too, and every SMS reaches the gateway exactly once.
 */
import { randomBytes } from 'node:crypto'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Queue } from 'bullmq'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { DELIVERY_QUEUE, enqueueDeliveries, type DeliveryPayload } from '#app/jobs/reminders.ts'
import { redisConnection } from '#app/jobs/queue.server.ts'
import { redisServerOnPath, startPrivateRedis, type PrivateRedis } from '#app/server/redis.server.ts'
import { startSmsStandIn, type SmsStandIn } from '#app/server/sms-stand-in.ts'
import { getDb } from '#app/utils/db.server.ts'
import { killAll, seedDeliveries, startWorkerProcess, waitFor } from './reminder-helpers.ts'

const N = 240
const prefix = `xxt_${randomBytes(5).toString('hex')}`
const children: ChildProcess[] = []
const dir = mkdtempSync(path.join(tmpdir(), 'xx-redis-'))
let redis: PrivateRedis
let gateway: SmsStandIn
let ids: string[]

beforeAll(async () => {
  if (!redisServerOnPath()) throw new Error('redis-server is needed on PATH for this test (apt-get install redis-server)')
  redis = await startPrivateRedis({ dir })
  gateway = await startSmsStandIn({ delayMs: 30 })
  ids = await seedDeliveries(getDb(), N)
  // Marked as handed to the queue, so the worker's own dispatcher leaves them to the jobs this test adds.
  await getDb().notificationDelivery.updateMany({ where: { id: { in: ids } }, data: { enqueuedAt: new Date() } })
}, 120_000)

afterAll(async () => {
  killAll(children)
  await gateway?.close()
  await redis?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const queueOn = (url: string) => new Queue<DeliveryPayload>(DELIVERY_QUEUE, { connection: redisConnection(url), prefix })

test('Redis restarts while the worker runs: it reconnects and goes on, no job lost, none sent twice', async () => {
  const db = getDb()
  const [before, after] = [ids.slice(0, N / 2), ids.slice(N / 2)]
  const due = (list: string[]) => list.map((id) => ({ id, attempts: 0, sendAfter: new Date(0) }))
  let q = queueOn(redis.url)
  await enqueueDeliveries(q, due(before))
  await q.close()

  const worker = startWorkerProcess(
    { XX_QUEUE_PREFIX: prefix, REDIS_URL: redis.url, XX_SMS_URL: gateway.url, XX_SMS_KEY: gateway.config.key, XX_SMS_QUERY_URL: gateway.config.queryUrl! },
    children,
  )
  let out = ''
  worker.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  await waitFor('30 messages', async () => (gateway.received.length >= 30 ? true : null), 90_000, 20)

  await redis.stop() // SIGTERM: redis-server writes its AOF and exits
  const atStop = gateway.received.length
  expect(atStop).toBeLessThan(N / 2) // jobs were still queued in Redis when it went away
  await new Promise((r) => setTimeout(r, 1500))
  expect(worker.exitCode).toBeNull() // the worker waits for Redis, it does not die
  redis = await startPrivateRedis({ dir, port: redis.port }) // same port and AOF directory
  q = queueOn(redis.url)
  await enqueueDeliveries(q, due(after))
  await q.close()

  await waitFor(
    'all sent',
    async () => ((await db.notificationDelivery.count({ where: { id: { in: ids }, status: 'sent' } })) === N ? true : null),
    150_000,
    200,
  )
  const outIds = gateway.received.map((m) => m.outId).filter((id) => ids.includes(id))
  console.log(`[reminder-redis] ${N} SMS: ${atStop} sent before Redis stopped; all ${outIds.length} after the restart`)
  expect(outIds).toHaveLength(N)
  expect(new Set(outIds).size).toBe(N)
  expect(out).toContain('reminder workers ready')
}, 300_000)
