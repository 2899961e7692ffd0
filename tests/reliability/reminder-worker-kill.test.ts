/**
 * Issue 11, Must show 2: a real worker process (node itself) sending 400 SMS
 * through a slow stand-in gateway is killed with SIGKILL mid-delivery and
 * started again: every reminder reaches the gateway exactly once. Deliveries
 * caught between the claim and the recorded answer are looked up at the
 * gateway by outId after the lease: accepted → sent, never arrived → sent now.
 */
import { randomBytes } from 'node:crypto'
import type { ChildProcess } from 'node:child_process'
import { Queue } from 'bullmq'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { DELIVERY_QUEUE, REMINDER_QUEUE } from '#app/jobs/reminders.ts'
import { redisConnection } from '#app/jobs/queue.server.ts'
import { startSmsStandIn, type SmsStandIn } from '#app/server/sms-stand-in.ts'
import { getDb } from '#app/utils/db.server.ts'
import { killAll, seedDeliveries, startWorkerProcess, waitFor } from './reminder-helpers.ts'

const N = 400
const prefix = `xxt_${randomBytes(5).toString('hex')}`
const children: ChildProcess[] = []
let gateway: SmsStandIn
let ids: string[]

beforeAll(async () => {
  gateway = await startSmsStandIn({ delayMs: 40 })
  ids = await seedDeliveries(getDb(), N)
}, 120_000)

afterAll(async () => {
  killAll(children)
  await gateway.close()
  for (const name of [REMINDER_QUEUE, DELIVERY_QUEUE]) {
    const q = new Queue(name, { connection: redisConnection(), prefix })
    await q.obliterate({ force: true })
    await q.close()
  }
})

test('SIGKILL mid-delivery, restart: every reminder delivered exactly once', async () => {
  const db = getDb()
  const env = { XX_QUEUE_PREFIX: prefix, XX_SMS_URL: gateway.url, XX_SMS_KEY: gateway.config.key, XX_SMS_QUERY_URL: gateway.config.queryUrl! }
  const t0 = Date.now()
  // The worker's start-up dispatch finds the due deliveries and enqueues them (payload: the id).
  const first = startWorkerProcess(env, children)
  const atKill = await waitFor('150 messages at the gateway', async () => (gateway.received.length >= 150 ? gateway.received.length : null), 60_000, 20)
  first.kill('SIGKILL')
  await new Promise((r) => first.once('exit', r))
  await new Promise((r) => setTimeout(r, 300)) // requests already on the wire arrive
  const afterKill = gateway.received.length
  const inFlight = await db.notificationDelivery.count({ where: { id: { in: ids }, status: 'sending' } })
  expect(afterKill).toBeLessThan(N) // killed mid-way, really
  await new Promise((r) => setTimeout(r, 700))
  expect(gateway.received.length).toBe(afterKill) // really dead: nothing more arrives

  startWorkerProcess(env, children)
  await waitFor(
    'all sent',
    async () => ((await db.notificationDelivery.count({ where: { id: { in: ids }, status: 'sent' } })) === N ? true : null),
    60_000,
    200,
  ).catch(async (error: Error) => {
    const left = await db.notificationDelivery.findMany({
      where: { id: { in: ids }, status: { not: 'sent' } },
      select: { id: true, status: true, attempts: true, lastError: true, claimedAt: true },
    })
    console.log('not sent:', left.length, JSON.stringify(left.slice(0, 5)))
    throw error
  })
  console.log(
    `[reminder-kill] ${N} SMS: killed at ${atKill} received (${afterKill} after exit, ${inFlight} claimed in flight); all sent in ${Date.now() - t0} ms`,
  )

  const outIds = gateway.received.map((m) => m.outId).filter((id) => ids.includes(id))
  expect(outIds).toHaveLength(N)
  expect(new Set(outIds).size).toBe(N)
  expect(await db.notificationDelivery.count({ where: { id: { in: ids }, status: { not: 'sent' } } })).toBe(0)
  // Nothing more comes later either.
  await new Promise((r) => setTimeout(r, 1500))
  expect(gateway.received.filter((m) => ids.includes(m.outId))).toHaveLength(N)
}, 240_000)
