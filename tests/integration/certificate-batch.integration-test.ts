/**
 * Issue 5, Must show 2: a batch of 500 training certificates issued by a REAL
 * worker process, killed with SIGKILL half-way and started again, ends with
 * exactly 500 certificates whose serials run 1..n without a gap or a duplicate.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { Queue } from 'bullmq'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { CERTIFICATE_BATCH_QUEUE } from '#app/jobs/certificate-batch.ts'
import { certificateBatchQueue, redisConnection } from '#app/jobs/queue.server.ts'
import { unzipSync } from 'fflate'
import { createBatch, eligibleEnrollmentIds, runBatch } from '#app/models/certificate-batches.server.ts'
import { personRow } from '#app/models/people.server.ts'
import { currentPolicyVersion } from '#app/models/policies.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { callRoute, createTestUser, createUserWithSession } from '#tests/fixtures/db.ts'
import { fakePerson } from '#tests/fixtures/factories.ts'
import { createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'
import * as batchPage from '#app/routes/coordinator.certificate-batches.$batchId.tsx'
import * as batchZip from '#app/routes/coordinator.certificate-batches.$batchId[.]zip.ts'
import * as groupBatches from '#app/routes/coordinator.groups.$groupId_.certificate-batches.tsx'

const N = 500
const H = 45
const prefix = `xxt_${randomBytes(5).toString('hex')}`
process.env.XX_QUEUE_PREFIX = prefix
const root = path.resolve(import.meta.dirname, '../..')

let world: TrainingWorld
let coordinatorId: string
const children: ChildProcess[] = []

function startWorker(): ChildProcess {
  // node itself with tsx's loader (not the tsx CLI, which runs a second node process a SIGKILL would orphan).
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
    cwd: root,
    env: { ...process.env, XX_QUEUE_PREFIX: prefix, XX_WORKER_LOCK_MS: '3000', XX_WORKER_STALLED_MS: '1500' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d: Buffer) => process.env.XX_TEST_VERBOSE && process.stdout.write(d))
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d))
  children.push(child)
  return child
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** n teachers enrolled in the round, each with 40 学时 transferred in (the round's requirement): all eligible for a training certificate. */
async function fillRound(db: ReturnType<typeof getDb>, round: TrainingWorld['groups']['round'], n: number) {
  const persons = Array.from({ length: n }, () => personRow({ ...fakePerson('teacher'), regionId: world.regions.zhelou.id }))
  await db.person.createMany({ data: persons })
  const policyVersion = await currentPolicyVersion(db, round.programId)
  const base = Date.parse('2026-11-01T00:00:00Z')
  const enrollments = persons.map((p, i) => ({
    id: newId(),
    personId: p.id,
    groupId: round.id,
    programId: round.programId,
    policyVersion,
    startDate: round.startDate,
    periodEnd: round.endDate,
    studyYears: null,
    createdAt: new Date(base + i * 1000),
  }))
  await db.enrollment.createMany({ data: enrollments })
  await db.hourEntry.createMany({
    data: enrollments.map((e) => ({
      enrollmentId: e.id,
      personId: e.personId,
      groupId: round.id,
      category: 'concentrated' as const,
      minutes: 40 * H,
      occurredOn: new Date('2026-10-10T00:00:00Z'),
      source: 'transfer' as const,
      reason: '测试补录',
    })),
  })
  return enrollments
}

beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db)
  coordinatorId = (await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })).id
  await fillRound(db, world.groups.round, N)
}, 120_000)

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  const queue = new Queue(CERTIFICATE_BATCH_QUEUE, { connection: redisConnection(), prefix })
  await queue.obliterate({ force: true })
  await queue.close()
  await certificateBatchQueue().close()
})

test('500 certificates by a worker killed half-way and restarted: exactly 500, serials contiguous, batch done', async () => {
  const db = getDb()
  const year = 2026
  const before = (await db.serialCounter.findUnique({ where: { countyCode_year_type: { countyCode: '522327', year, type: 'training' } } }))?.lastValue ?? 0
  expect(await eligibleEnrollmentIds(db, { groupId: world.groups.round.id, type: 'training' })).toHaveLength(N)

  const t0 = Date.now()
  const batch = await createBatch(db, { groupId: world.groups.round.id, type: 'training', actorId: coordinatorId })
  expect(batch).toMatchObject({ total: N, status: 'queued', issued: 0 })
  expect((await db.certificateBatch.findUniqueOrThrow({ where: { id: batch.id } })).error).toBeNull() // the job is in Redis

  const first = startWorker()
  const atKill = await waitFor(
    '200 certificates',
    async () => {
      const n = await db.certificate.count({ where: { batchId: batch.id } })
      return n >= 200 ? n : null
    },
    120_000,
    50,
  )
  first.kill('SIGKILL')
  await new Promise((r) => first.once('exit', r))
  const afterKill = await db.certificate.count({ where: { batchId: batch.id } })
  // Really dead: nothing is issued while no worker runs.
  await new Promise((r) => setTimeout(r, 1000))
  expect(await db.certificate.count({ where: { batchId: batch.id } })).toBe(afterKill)
  expect(afterKill).toBeLessThan(N) // killed half-way, really
  const tKill = Date.now()

  const second = startWorker()
  const done = await waitFor(
    'batch done',
    async () => {
      const b = await db.certificateBatch.findUniqueOrThrow({ where: { id: batch.id } })
      return b.status === 'done' || b.status === 'failed' ? b : null
    },
    180_000,
    200,
  )
  const t1 = Date.now()
  console.log(`[certificate-batch] ${N} certificates: killed at ${atKill} (${afterKill} after exit) ${tKill - t0} ms, done ${t1 - t0} ms in all`)

  expect(done).toMatchObject({ status: 'done', issued: N, total: N, error: null })
  expect(done.finishedAt).not.toBeNull()
  const ids = done.enrollmentIds as string[]
  const certs = await db.certificate.findMany({
    where: { enrollmentId: { in: ids } },
    select: { enrollmentId: true, sequence: true, countyCode: true, year: true, type: true, batchId: true },
  })
  expect(certs).toHaveLength(N)
  expect(new Set(certs.map((c) => c.enrollmentId)).size).toBe(N)
  expect(certs.every((c) => c.batchId === batch.id && c.countyCode === '522327' && c.year === year && c.type === 'training')).toBe(true)
  const sequences = certs.map((c) => c.sequence).sort((a, b) => a - b)
  expect(sequences).toEqual(Array.from({ length: N }, (_, i) => before + i + 1))
  expect((await db.serialCounter.findUniqueOrThrow({ where: { countyCode_year_type: { countyCode: '522327', year, type: 'training' } } })).lastValue).toBe(
    before + N,
  )
  // Nothing left to issue: a second batch would be empty.
  expect(await eligibleEnrollmentIds(db, { groupId: world.groups.round.id, type: 'training' })).toHaveLength(0)
  // SIGTERM closes the worker gracefully: it says so and exits 0.
  let out = ''
  second.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((r) => second.once('exit', (code) => r(code)))
  second.kill('SIGTERM')
  expect(await exited).toBe(0)
  expect(out).toContain('SIGTERM: closing')
}, 300_000)

test('a coordinator in scope sees how many are eligible, starts a batch, watches it finish and downloads one ZIP of the PDFs; another county gets 404', async () => {
  const db = getDb()
  const r = world.groups.round
  const round = { ...r, id: newId(), code: `${r.code}-B` }
  await db.group.create({ data: round })
  await fillRound(db, round, 3)
  const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
  const stranger = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.otherCounty.id })
  const url = `/coordinator/groups/${round.id}/certificate-batches`
  const params = { groupId: round.id }

  const page = await callRoute(groupBatches.loader, { url, cookie: coordinator.cookie, params })
  expect(page.status).toBe(200)
  const counts = (page.value as Awaited<ReturnType<typeof groupBatches.loader>>).counts
  expect(counts.find((c) => c.type === 'training')!.count).toBe(3)
  expect(counts.find((c) => c.type === 'graduation')!.count).toBe(0)
  expect((await callRoute(groupBatches.loader, { url, cookie: stranger.cookie, params })).status).toBe(404)
  expect(
    (
      await callRoute(groupBatches.action, {
        url,
        cookie: stranger.cookie,
        params,
        method: 'POST',
        body: new URLSearchParams({ intent: 'create', type: 'training' }),
      })
    ).status,
  ).toBe(404)

  const created = await callRoute(groupBatches.action, {
    url,
    cookie: coordinator.cookie,
    params,
    method: 'POST',
    body: new URLSearchParams({ intent: 'create', type: 'training' }),
  })
  expect(created.status).toBe(302)
  const location = (created.value as Response).headers.get('Location')!
  const batchId = location.split('/').pop()!
  expect(location).toBe(`/coordinator/certificate-batches/${batchId}`)
  // Not finished yet: the ZIP is not there.
  expect((await callRoute(batchZip.loader, { url: `${location}.zip`, cookie: coordinator.cookie, params: { batchId } })).status).toBe(404)
  await runBatch(db, batchId) // what the worker does (a worker may race us: issuing is idempotent)

  const shown = await callRoute(batchPage.loader, { url: location, cookie: coordinator.cookie, params: { batchId } })
  expect(shown.value).toMatchObject({ status: 'done', issued: 3, total: 3, type: 'training' })
  expect((await callRoute(batchPage.loader, { url: location, cookie: stranger.cookie, params: { batchId } })).status).toBe(404)
  expect((await callRoute(batchZip.loader, { url: `${location}.zip`, cookie: stranger.cookie, params: { batchId } })).status).toBe(404)

  const zip = await callRoute(batchZip.loader, { url: `${location}.zip`, cookie: coordinator.cookie, params: { batchId } })
  expect(zip.status).toBe(200)
  const res = zip.value as Response
  expect(res.headers.get('Content-Type')).toBe('application/zip')
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()))
  const serials = (await db.certificate.findMany({ where: { batchId }, select: { serial: true }, orderBy: { sequence: 'asc' } })).map((c) => `${c.serial}.pdf`)
  expect(Object.keys(files)).toEqual(serials)
  for (const bytes of Object.values(files)) expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-')
  // Everyone has one now: nothing left to batch.
  const after = await callRoute(groupBatches.loader, { url, cookie: coordinator.cookie, params })
  expect((after.value as Awaited<ReturnType<typeof groupBatches.loader>>).counts.find((c) => c.type === 'training')!.count).toBe(0)
}, 60_000)
