/**
 * Reminders (DESIGN.md §7: a sweep of 100,000 enrollments ≤ 60 s; a worker with
 * a stub sender ≥ 1,000 deliveries/s).
 *
 * 1. A fresh database (migrated like the tests) with the tests' training world
 *    and N learners (multi-row INSERTs of 1,000), each with an account, a phone
 *    and an enrollment in a 3-year class; half have some self-study hours.
 * 2. Baseline: an empty sweep over the same rows — the same batched walk over
 *    the active enrollments, without evaluating or writing anything.
 * 3. The daily sweep (runDailySweep: loadProgress per 500, the domain rules, one
 *    multi-row INSERT … ON CONFLICT DO NOTHING of notifications and deliveries per batch).
 * 4. Deliveries: D of the SMS deliveries enqueued (addBulk) and sent by the real
 *    delivery worker (claim, eligibility, record) with a stub sender; baseline a
 *    no-op BullMQ worker over the same number of jobs, same concurrency.
 *
 *   npm run bench:reminders   (XX_BENCH_ENROLLMENTS=100000, XX_BENCH_DELIVERIES=20000, XX_BENCH_KEEP=1 keeps the database)
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Queue, Worker } from 'bullmq'
import { migrate } from '#prisma/migrate-runner.ts'
import { createDatabase, dropDatabase, resolvePostgres, withDatabase } from '#tests/services.ts'

const N = Number(process.env.XX_BENCH_ENROLLMENTS ?? 100_000)
const D = Number(process.env.XX_BENCH_DELIVERIES ?? 20_000)
const SWEEP_BUDGET_S = 60
const RATE_BUDGET = 1000
const CONCURRENCY = 50
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const log = (line: string) => console.log(`[bench] ${line}`)
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })

async function main() {
  log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  const pgAdmin = process.env.XX_BENCH_DATABASE_URL ? { adminUrl: process.env.XX_BENCH_DATABASE_URL, stop: undefined } : await resolvePostgres(root, log)
  const dbName = `xx_bench_${randomBytes(4).toString('hex')}`
  await createDatabase(pgAdmin.adminUrl, dbName)
  const databaseUrl = withDatabase(pgAdmin.adminUrl, dbName)
  const prefix = `xxbench_${randomBytes(4).toString('hex')}`
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    XX_DATA_KEY: randomBytes(32).toString('hex'),
    XX_HMAC_KEY: randomBytes(32).toString('hex'),
    XX_QUEUE_PREFIX: prefix,
  })
  try {
    await migrate({ connectionString: databaseUrl })
    const { getDb } = await import('#app/utils/db.server.ts')
    const { personRow } = await import('#app/models/people.server.ts')
    const { currentPolicyVersion } = await import('#app/models/policies.server.ts')
    const { newId } = await import('#app/utils/ids.server.ts')
    const { fakePerson, fakePhone } = await import('#tests/fixtures/factories.ts')
    const { createTrainingWorld } = await import('#tests/fixtures/training.ts')
    const { runDailySweep } = await import('#app/models/notifications.server.ts')
    const { DELIVERY_QUEUE, enqueueDeliveries } = await import('#app/jobs/reminders.ts')
    const { redisConnection } = await import('#app/jobs/queue.server.ts')
    const db = getDb()

    // ── data ──────────────────────────────────────────────────────────────
    let t = performance.now()
    const world = await createTrainingWorld(db, { classStart: '2026-03-01' })
    const group = world.groups.class
    const policyVersion = await currentPolicyVersion(db, group.programId)
    for (let i = 0; i < N; i += 1000) {
      const persons = Array.from({ length: Math.min(1000, N - i) }, () =>
        personRow({ ...fakePerson('adult_learner'), phone: fakePhone(), regionId: world.regions.zhelou.id }, '2026-11-30'),
      )
      const enrollments = persons.map((p) => ({
        id: newId(),
        personId: p.id,
        groupId: group.id,
        programId: group.programId,
        policyVersion,
        startDate: group.startDate,
        periodEnd: new Date('2029-03-01T00:00:00Z'),
        studyYears: 3,
      }))
      await db.person.createMany({ data: persons })
      await db.user.createMany({ data: persons.map((p, k) => ({ id: newId(), username: `b.${i + k}`, displayName: p.name, personId: p.id })) })
      await db.enrollment.createMany({ data: enrollments })
      await db.hourEntry.createMany({
        data: enrollments
          .filter((_, k) => k % 2 === 0)
          .map((e, k) => ({
            enrollmentId: e.id,
            personId: e.personId,
            groupId: group.id,
            category: 'self_study' as const,
            minutes: (1 + (k % 120)) * 45,
            occurredOn: new Date('2026-10-01T00:00:00Z'),
            source: 'transfer' as const,
            reason: 'bench',
          })),
      })
    }
    await db.$executeRawUnsafe('ANALYZE')
    log(`seeded ${fmt(N)} learners (accounts, phones, enrollments; half with hours) in ${fmt((performance.now() - t) / 1000, 1)} s`)

    // ── baseline: the same walk, nothing evaluated or written ──────────────
    t = performance.now()
    let cursor = ''
    let walked = 0
    for (;;) {
      const batch = await db.enrollment.findMany({
        where: { status: 'active', id: { gt: cursor }, person: { user: { is: { disabled: false } } } },
        orderBy: { id: 'asc' },
        take: 500,
        select: { id: true, person: { select: { phoneCipher: true, user: { select: { id: true, email: true } } } } },
      })
      if (batch.length === 0) break
      cursor = batch[batch.length - 1]!.id
      walked += batch.length
    }
    const baselineS = (performance.now() - t) / 1000
    log(`baseline (empty sweep over the same rows): ${fmt(walked)} enrollments in ${fmt(baselineS, 2)} s`)

    // ── the sweep ────────────────────────────────────────────────────────
    const now = new Date('2026-12-01T01:00:00Z')
    t = performance.now()
    const swept = await runDailySweep(db, { today: '2026-12-01', now, batchSize: 500 })
    const sweepS = (performance.now() - t) / 1000
    log(
      `daily sweep: ${fmt(swept.enrollments)} enrollments → ${fmt(swept.notifications)} reminders, ${fmt(swept.deliveries)} SMS deliveries in ${fmt(sweepS, 1)} s (${fmt(swept.enrollments / sweepS)} enrollments/s; ${fmt(sweepS / baselineS, 1)}× the empty sweep)`,
    )
    t = performance.now()
    const again = await runDailySweep(db, { today: '2026-12-01', now, batchSize: 500 })
    log(`the same sweep again: ${fmt(again.notifications)} new reminders in ${fmt((performance.now() - t) / 1000, 1)} s`)

    // ── deliveries with a stub sender ──────────────────────────────────────
    const ids = (await db.notificationDelivery.findMany({ select: { id: true }, take: D, orderBy: { id: 'asc' } })).map((d) => d.id)
    const jobs = ids.map((id) => ({ id, attempts: 0, sendAfter: new Date(0) }))

    // Baseline: a no-op worker over the same number of jobs.
    const noopQueue = new Queue('bench-noop', { connection: redisConnection(), prefix })
    await noopQueue.addBulk(ids.map((id) => ({ name: 'noop', data: { deliveryId: id }, opts: { removeOnComplete: true } })))
    let noopDone = 0
    t = performance.now()
    const noop = new Worker('bench-noop', async () => null, {
      connection: { ...redisConnection(), maxRetriesPerRequest: null },
      prefix,
      concurrency: CONCURRENCY,
    })
    noop.on('completed', () => void noopDone++)
    while (noopDone < ids.length) await new Promise((r) => setTimeout(r, 20))
    const noopRate = ids.length / ((performance.now() - t) / 1000)
    await noop.close()
    await noopQueue.obliterate({ force: true })
    await noopQueue.close()
    log(`baseline (no-op BullMQ worker, concurrency ${CONCURRENCY}): ${fmt(noopRate)} jobs/s`)

    const deliveryQueue = new Queue(DELIVERY_QUEUE, { connection: redisConnection(), prefix })
    await enqueueDeliveries(deliveryQueue, jobs)
    const { startReminderWorkers } = await import('../workers/reminders.ts')
    let stubbed = 0
    t = performance.now()
    const workers = await startReminderWorkers({
      senders: { sms: async () => ({ ok: true, providerId: `stub-${++stubbed}` }) },
      schedules: false,
      deliveryConcurrency: CONCURRENCY,
    })
    let sent = 0
    while (sent < ids.length) {
      await new Promise((r) => setTimeout(r, 250))
      sent = await db.notificationDelivery.count({ where: { status: 'sent' } })
    }
    const rate = ids.length / ((performance.now() - t) / 1000)
    await workers.close('bench')
    await deliveryQueue.obliterate({ force: true })
    await deliveryQueue.close()
    log(
      `delivery worker (claim, eligibility, stub send, record; concurrency ${CONCURRENCY}): ${fmt(ids.length)} in ${fmt(ids.length / rate, 1)} s = ${fmt(rate)} deliveries/s (${fmt((rate / noopRate) * 100)} % of the no-op worker); stub called ${fmt(stubbed)} times`,
    )

    const checks = [
      [`sweep of ${fmt(N)} enrollments ≤ ${SWEEP_BUDGET_S} s`, `${fmt(sweepS, 1)} s`, sweepS <= SWEEP_BUDGET_S * (N / 100_000)],
      ['sweep run twice adds nothing', `${again.notifications}`, again.notifications === 0],
      [`deliveries ≥ ${fmt(RATE_BUDGET)}/s`, `${fmt(rate)}/s`, rate >= RATE_BUDGET],
      ['each delivery sent once', `${fmt(stubbed)} / ${fmt(ids.length)}`, stubbed === ids.length],
    ] as const
    console.log('')
    for (const [what, value, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(40)} ${value}`)
    console.log('')
    process.exitCode = checks.every((c) => c[2]) ? 0 : 1
    await db.$disconnect()
  } finally {
    if (process.env.XX_BENCH_KEEP !== '1') await dropDatabase(pgAdmin.adminUrl, dbName).catch(() => {})
    await pgAdmin.stop?.()
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error('[bench] failed:', error)
    process.exit(1)
  },
)
