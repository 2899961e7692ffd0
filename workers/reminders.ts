/**
 * The reminder workers (DESIGN.md §5; workers/README.md): the scheduled jobs
 * (sweeps, the nightly fold of online time, digests, the dispatcher) on the
 * `reminders` queue, concurrency 1, and the SMS/email sender on `deliveries`.
 * Job schedulers are upserted at every start (idempotent). SIGTERM/SIGINT
 * close both workers gracefully: running deliveries finish and are recorded.
 */
import { DelayedError, Queue, Worker, type Job } from 'bullmq'
import {
  checkRedisHealth,
  DELIVERY_QUEUE,
  deliveryPayload,
  enqueueDeliveries,
  JOB_RETENTION,
  REMINDER_QUEUE,
  REMINDER_SCHEDULES,
  reminderPayload,
  TIMEZONE,
  type DeliveryPayload,
  type ReminderJobName,
  type ReminderPayload,
} from '#app/jobs/reminders.ts'
import { queuePrefix, redisUrl } from '#app/jobs/certificate-batch.ts'
import { workerConnection, workerOptions } from '#app/jobs/queue.server.ts'
import type { SmsTemplateId } from '#app/domain/sms-templates.ts'
import { beijingDate } from '#app/domain/time.ts'
import {
  createDeliveryBatcher,
  deliverOne,
  dueDeliveries,
  markEnqueued,
  runCoordinatorDigest,
  runDailySweep,
  runQuarterlyReportNotice,
  runSessionSweep,
  type QueuedDelivery,
  type Senders,
} from '#app/models/notifications.server.ts'
import { pruneIdempotencyRecords } from '#app/models/idempotency.server.ts'
import { foldOnlineCredits } from '#app/models/online.server.ts'
import { closeEndedRounds } from '#app/models/rounds.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { mailerFromEnv } from '#app/utils/mail.server.ts'
import { sendSms, smsAccepted, smsConfigFromEnv } from '#app/utils/sms.server.ts'

const log = (line: string) => console.log(`[reminders] ${new Date().toISOString()} ${line}`)

/** SMS through the gateway adapter, email through SMTP, as configured; a channel not configured is skipped. */
export function sendersFromEnv(): Senders {
  const sms = smsConfigFromEnv()
  const mail = mailerFromEnv()
  // A send must answer well within the lease, or a live send could be looked up as a crashed one.
  const timeout = Math.min(5000, Math.floor(getEnv().XX_DELIVERY_LEASE_MS / 3))
  return {
    sms: sms ? (m) => sendSms({ phone: m.phone, template: m.template as SmsTemplateId, params: m.params, outId: m.outId }, sms, timeout) : undefined,
    smsAccepted: sms?.queryUrl ? (outId, phone) => smsAccepted(outId, phone, sms, timeout) : undefined,
    email: mail ?? undefined,
  }
}

export async function startReminderWorkers(opts: { senders?: Senders; deliveryConcurrency?: number; schedules?: boolean } = {}) {
  const db = getDb()
  const env = getEnv()
  const prefix = queuePrefix()
  const senders = opts.senders ?? sendersFromEnv()
  const leaseMs = env.XX_DELIVERY_LEASE_MS
  const retryBaseMs = env.XX_DELIVERY_RETRY_MS
  // Concurrent deliveries share their claim and their "sent" record statements (one round trip each per turn).
  const batcher = createDeliveryBatcher(db)

  const health = await checkRedisHealth()
  if (health.ok) log(health.message)
  else console.error(`\n[reminders] ⚠⚠⚠ ${health.message}\n`)

  const deliveryQueue = new Queue<DeliveryPayload>(DELIVERY_QUEUE, { connection: workerConnection(), prefix })
  const reminderQueue = new Queue<ReminderPayload>(REMINDER_QUEUE, { connection: workerConnection(), prefix })
  deliveryQueue.on('error', (e) => log(`deliveries queue: ${e.message}`))
  reminderQueue.on('error', (e) => log(`reminders queue: ${e.message}`))

  const enqueue = async (ds: QueuedDelivery[]) => {
    if (ds.length === 0) return
    await enqueueDeliveries(deliveryQueue, ds)
    await markEnqueued(
      db,
      ds.map((d) => d.id),
    )
  }

  const handlers: Record<ReminderJobName, (now: Date) => Promise<unknown>> = {
    'daily-sweep': (now) => runDailySweep(db, { today: beijingDate(now), now, onDeliveries: enqueue }),
    'session-sweep': (now) => runSessionSweep(db, { now, onDeliveries: enqueue }),
    'fold-online': (now) => foldOnlineCredits(db, { beforeDay: beijingDate(now), now }),
    // Issue 18: round enrollments whose round has ended become completed, with their outcome frozen.
    'close-rounds': (now) => closeEndedRounds(db, beijingDate(now), {}, now),
    // Issue 14: the API's Idempotency-Key answers are kept 24 hours.
    'prune-idempotency': (now) => pruneIdempotencyRecords(db, now),
    'coordinator-digest': (now) => runCoordinatorDigest(db, { today: beijingDate(now), now, onDeliveries: enqueue }),
    'quarterly-report': (now) => runQuarterlyReportNotice(db, { today: beijingDate(now), now, onDeliveries: enqueue }),
    dispatch: async (now) => {
      const due = await dueDeliveries(db, { now, leaseMs, senders })
      await enqueue(due)
      return { enqueued: due.length }
    },
  }

  const reminders = new Worker<ReminderPayload>(
    REMINDER_QUEUE,
    async (job) => {
      const { at } = reminderPayload.parse(job.data ?? {})
      const handler = handlers[job.name as ReminderJobName]
      if (!handler) throw new Error(`unknown job ${job.name}`)
      const started = Date.now()
      const result = await handler(at ? new Date(at) : new Date())
      if (job.name !== 'dispatch' || (result as { enqueued: number }).enqueued > 0) log(`${job.name}: ${JSON.stringify(result)} in ${Date.now() - started} ms`)
      return result
    },
    workerOptions(1),
  )

  const deliveries = new Worker<DeliveryPayload>(
    DELIVERY_QUEUE,
    async (job: Job<DeliveryPayload>, token?: string) => {
      const { deliveryId } = deliveryPayload.parse(job.data)
      const r = await deliverOne(db, deliveryId, { senders, leaseMs, retryBaseMs, batcher })
      if (r.outcome === 'retry') throw new Error(`retry: ${r.reason ?? ''}`) // the job's exponential backoff, same delays as the row's sendAfter
      if (r.outcome === 'wait') {
        // Not due yet (quiet hours, a back-off the row knows of) or claimed by a worker that may have died: come back then.
        await job.moveToDelayed(Math.max(r.at.getTime(), Date.now() + 50), token)
        throw new DelayedError()
      }
      return r
    },
    workerOptions(opts.deliveryConcurrency ?? 20),
  )
  reminders.on('failed', (job, error) => log(`${job?.name}: failed: ${error.message}`))
  deliveries.on('failed', (job, error) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) log(`delivery ${job.data.deliveryId}: gave up: ${error.message}`)
  })
  reminders.on('error', (error) => log(`error: ${error.message}`))
  deliveries.on('error', (error) => log(`error: ${error.message}`))
  await Promise.all([reminders.waitUntilReady(), deliveries.waitUntilReady()])

  for (const s of opts.schedules === false ? [] : REMINDER_SCHEDULES) {
    await reminderQueue.upsertJobScheduler(s.name, s.pattern ? { pattern: s.pattern, tz: TIMEZONE } : { every: s.every! }, {
      name: s.name,
      data: {},
      opts: JOB_RETENTION,
    })
  }
  // Whatever was due while no worker ran (or was lost with Redis) goes out now.
  if (opts.schedules !== false) await reminderQueue.add('dispatch', {}, JOB_RETENTION)
  log(`reminder workers ready (redis ${redisUrl()}, prefix ${prefix}; ${REMINDER_SCHEDULES.length} schedules, ${TIMEZONE})`)

  let closing = false
  const close = async (signal: string) => {
    if (closing) return
    closing = true
    log(`${signal}: closing (waiting for running deliveries)…`)
    await Promise.all([reminders.close(), deliveries.close()])
    await Promise.all([reminderQueue.close(), deliveryQueue.close()])
    log('closed')
  }
  return { reminders, deliveries, reminderQueue, deliveryQueue, health, close }
}
