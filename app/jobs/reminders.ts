/**
 * The reminder queues (DESIGN.md §5). `reminders` holds the scheduled jobs
 * (job schedulers, Beijing time); `deliveries` one job per SMS or email, whose
 * payload is only the delivery id — who, what and whether it went live in
 * PostgreSQL (NotificationDelivery), so a lost or repeated job never loses or
 * doubles a message.
 */
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { z } from 'zod'
import { DELIVERY_ATTEMPTS } from '#app/domain/reminders.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { CERTIFICATE_BATCH_QUEUE, queuePrefix, redisUrl } from './certificate-batch.ts'
import { producerConnection } from './queue.server.ts'

export const REMINDER_QUEUE = 'reminders'
export const DELIVERY_QUEUE = 'deliveries'
export const TIMEZONE = 'Asia/Shanghai'

export const REMINDER_JOBS = [
  'daily-sweep',
  'session-sweep',
  'fold-online',
  'close-rounds',
  'prune-idempotency',
  'coordinator-digest',
  'quarterly-report',
  'dispatch',
] as const
export type ReminderJobName = (typeof REMINDER_JOBS)[number]

/** A scheduled job carries nothing; `at` (an instant) lets a test or an admin run it as of a fixed time. */
export const reminderPayload = z.object({ at: z.string().datetime().optional() })
export type ReminderPayload = z.infer<typeof reminderPayload>

export const deliveryPayload = z.object({ deliveryId: z.string().min(1) })
export type DeliveryPayload = z.infer<typeof deliveryPayload>

/** When each scheduled job runs (cron in Asia/Shanghai; the dispatcher every minute). What each does, in words, is the message `queues.job.<name>` (the admin's queue page). */
export const REMINDER_SCHEDULES: { name: ReminderJobName; pattern?: string; every?: number }[] = [
  { name: 'daily-sweep', pattern: '30 8 * * *' },
  { name: 'session-sweep', pattern: '5 * * * *' },
  { name: 'fold-online', pattern: '10 0 * * *' },
  { name: 'close-rounds', pattern: '20 0 * * *' },
  { name: 'prune-idempotency', pattern: '40 0 * * *' },
  { name: 'coordinator-digest', pattern: '0 8 * * 1-5' },
  { name: 'quarterly-report', pattern: '0 9 * * *' },
  { name: 'dispatch', every: 60_000 },
]

export const JOB_RETENTION = { removeOnComplete: { count: 1000, age: 24 * 3600 }, removeOnFail: { count: 5000, age: 7 * 24 * 3600 } }

/** The delivery job's options: retries with exponential backoff from XX_DELIVERY_RETRY_MS (the delivery row keeps the same delays). */
export function deliveryJobOptions(d: { id: string; attempts: number; sendAfter: Date }, now = Date.now()) {
  return {
    // One job per delivery and attempt count: adding it again while it waits is a no-op (the claim guards the rest).
    jobId: `d-${d.id}-${d.attempts}`,
    delay: Math.max(0, d.sendAfter.getTime() - now),
    attempts: DELIVERY_ATTEMPTS,
    backoff: { type: 'exponential', delay: getEnv().XX_DELIVERY_RETRY_MS },
    ...JOB_RETENTION,
  }
}

export async function enqueueDeliveries(queue: Queue<DeliveryPayload>, deliveries: { id: string; attempts: number; sendAfter: Date }[]) {
  for (let i = 0; i < deliveries.length; i += 1000) {
    const chunk = deliveries.slice(i, i + 1000)
    await queue.addBulk(chunk.map((d) => ({ name: 'deliver', data: { deliveryId: d.id }, opts: deliveryJobOptions(d) })))
  }
}

const g = globalThis as unknown as { __xxReminderQueues?: { key: string; deliveries: Queue<DeliveryPayload>; reminders: Queue<ReminderPayload> } }

/** The web app's producers (fail fast, like the batch queue's). */
export function producerQueues() {
  const key = `${redisUrl()}|${queuePrefix()}`
  if (!g.__xxReminderQueues || g.__xxReminderQueues.key !== key) {
    const deliveries = new Queue<DeliveryPayload>(DELIVERY_QUEUE, { connection: producerConnection(), prefix: queuePrefix() })
    const reminders = new Queue<ReminderPayload>(REMINDER_QUEUE, { connection: producerConnection(), prefix: queuePrefix() })
    for (const q of [deliveries, reminders]) q.on('error', () => {}) // an outage surfaces as a failed call, not an unhandled error
    g.__xxReminderQueues = { key, deliveries, reminders }
  }
  return g.__xxReminderQueues
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis 不可用：${what}`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** The admin's retry: enqueues one delivery from the web process; rejects within ~3 s when Redis is down (the dispatcher then sends it). */
export function enqueueDeliveryNow(d: { id: string; attempts: number; sendAfter: Date }) {
  return withTimeout(enqueueDeliveries(producerQueues().deliveries, [d]), 3000, '短信邮件未能加入队列')
}

export type RedisHealth = { ok: boolean; policy: string | null; message: string }

/**
 * BullMQ needs `maxmemory-policy noeviction` (an evicting Redis silently drops
 * queued jobs). Says so in Chinese; `policy` is null when Redis does not let
 * us read it (a managed Redis without CONFIG).
 */
export async function checkRedisHealth(url = redisUrl()): Promise<RedisHealth> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null, enableOfflineQueue: false })
  client.on('error', () => {})
  try {
    await client.connect()
    const reply = (await client.call('CONFIG', 'GET', 'maxmemory-policy')) as string[]
    const policy = reply[1] ?? null
    if (policy === 'noeviction') return { ok: true, policy, message: 'Redis maxmemory-policy 为 noeviction，队列任务不会被丢弃。' }
    return {
      ok: false,
      policy,
      message: `Redis maxmemory-policy 为 ${policy ?? '未知'}，不是 noeviction：内存满时 Redis 会删除队列中的任务，提醒可能丢失。请在 redis.conf 中设置 maxmemory-policy noeviction 后重启 Redis。`,
    }
  } catch (error) {
    return { ok: false, policy: null, message: `无法读取 Redis 的 maxmemory-policy（${(error as Error).message}）。请确认 Redis 设置为 noeviction。` }
  } finally {
    client.disconnect()
  }
}

export type QueueSnapshot = {
  name: string
  counts: Record<string, number>
  schedulers: { name: string; pattern: string | null; every: number | null; next: string | null }[]
}

/** Job counts of every queue and the reminder schedulers (the admin's queue page); throws within ~3 s when Redis is down. */
export async function queueSnapshot(): Promise<QueueSnapshot[]> {
  const { deliveries, reminders } = producerQueues()
  const batches = new Queue(CERTIFICATE_BATCH_QUEUE, { connection: producerConnection(), prefix: queuePrefix() })
  batches.on('error', () => {})
  try {
    return await withTimeout(
      Promise.all(
        [reminders, deliveries, batches].map(async (q) => {
          const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized')
          const schedulers = q.name === REMINDER_QUEUE ? await q.getJobSchedulers(0, 50) : []
          return {
            name: q.name,
            counts,
            schedulers: schedulers.map((s) => ({
              name: s.name,
              pattern: s.pattern ?? null,
              every: s.every ? Number(s.every) : null,
              next: s.next ? new Date(s.next).toISOString() : null,
            })),
          }
        }),
      ),
      3000,
      '无法读取队列',
    )
  } finally {
    await batches.close().catch(() => {})
  }
}
