import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { beijingDate } from '#app/domain/time.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import { loadEnrollmentProgress } from '#app/models/progress.server.ts'
import { reviewSelfStudyLog } from '#app/models/self-study.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { resetEnvCache } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createSignedInLearner, createTrainingWorld, enroll, type TrainingWorld } from '#tests/fixtures/training.ts'
import { createPersonIn } from '#tests/fixtures/db.ts'
import * as learnerRoute from '#app/routes/me_.self-study.tsx'
import * as queueRoute from '#app/routes/coordinator.self-study.tsx'
import * as photoRoute from '#app/routes/self-study.$logId.photo.tsx'
import * as rosterRoute from '#app/routes/coordinator.groups.$groupId_.progress.tsx'
import * as meRoute from '#app/routes/me.tsx'

let world: TrainingWorld
let uploads: string
let zhelouCoord: Awaited<ReturnType<typeof createUserWithSession>>
let gaoluoCoord: Awaited<ReturnType<typeof createUserWithSession>>
const today = beijingDate(new Date())
const shift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

beforeAll(async () => {
  uploads = await mkdtemp(path.join(os.tmpdir(), 'xx-uploads-'))
  process.env.XX_UPLOAD_DIR = uploads
  resetEnvCache()
  const db = getDb()
  world = await createTrainingWorld(db)
  zhelouCoord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
  gaoluoCoord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.gaoluo.id })
})

afterAll(async () => {
  await rm(uploads, { recursive: true, force: true })
})

const learner = () => createSignedInLearner(getDb(), world)

type Learner = Awaited<ReturnType<typeof learner>>

/** Posts the learner's form as the browser does (multipart, optional photo). */
async function submit(l: Learner, fields: Record<string, string>, photo?: { bytes: Uint8Array<ArrayBuffer>; name: string; type: string }) {
  const form = new FormData()
  const values = { enrollmentId: l.enrollment.id, date: today, hours: '1', minutes: '30', content: '看种植视频', idempotencyKey: newId(), ...fields }
  for (const [k, v] of Object.entries(values)) form.append(k, v)
  form.append('photo', photo ? new File([photo.bytes], photo.name, { type: photo.type }) : new File([], '', { type: 'application/octet-stream' }))
  const request = new Request('http://localhost/me/self-study', { method: 'POST', headers: { cookie: l.user.cookie }, body: form })
  try {
    const value = await learnerRoute.action({ request, params: {}, context: { ip: '127.0.0.1' } })
    if (value instanceof Response) return { status: value.status, errors: {} as Record<string, string> }
    const { data, init } = value as unknown as { data: { errors: Record<string, string> }; init: { status: number } }
    return { status: init.status, errors: data.errors }
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, errors: {} as Record<string, string> }
    throw thrown
  }
}

const review = (cookie: string, body: Record<string, string>) =>
  callRoute(queueRoute.action as never, { url: '/coordinator/self-study', method: 'POST', cookie, body: new URLSearchParams(body) })

const selfStudyEarned = async (enrollmentId: string) =>
  (await loadEnrollmentProgress(getDb(), enrollmentId, today))!.evaluation.requirements.find((r) => r.code === 'self-study-and-online')!.earnedMinutes

describe('the learner logs self-study', () => {
  test('a double submit with the same key (even at the same moment) creates one log, and the learner is sent back to the list', async () => {
    const l = await learner()
    const idempotencyKey = newId()
    const [a, b] = await Promise.all([submit(l, { idempotencyKey }), submit(l, { idempotencyKey })])
    expect([a.status, b.status]).toEqual([302, 302])
    expect(await submit(l, { idempotencyKey })).toMatchObject({ status: 302 })
    const logs = await getDb().selfStudyLog.findMany({ where: { personId: l.person.id } })
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatchObject({ minutes: 90, content: '看种植视频', status: 'pending' })
    // A new key is a new log.
    expect(await submit(l, {})).toMatchObject({ status: 302 })
    expect(await getDb().selfStudyLog.count({ where: { personId: l.person.id } })).toBe(2)
  })

  test("a log queued on a phone offline and posted twice with its clientKey (the form's idempotencyKey) is one log; the same key from another learner is their own log", async () => {
    const a = await learner()
    const b = await learner()
    // The phone's key (app/utils/offline-self-study.ts newClientKey: 32 hex digits), posted, then posted again.
    const clientKey = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
    expect(await submit(a, { idempotencyKey: clientKey, content: '离线记的自学' })).toMatchObject({ status: 302 })
    expect(await submit(a, { idempotencyKey: clientKey, content: '离线记的自学' })).toMatchObject({ status: 302 })
    expect(await getDb().selfStudyLog.findMany({ where: { personId: a.person.id }, select: { content: true, status: true } })).toEqual([
      { content: '离线记的自学', status: 'pending' },
    ])
    // Keys are unique per person: another learner's phone making the same key does not collide.
    expect(await submit(b, { idempotencyKey: clientKey })).toMatchObject({ status: 302 })
    expect(await getDb().selfStudyLog.count({ where: { personId: b.person.id } })).toBe(1)
  })

  test('a future date, a date outside the study period and more than 24 hours in a day are refused in Chinese', async () => {
    const l = await learner()
    expect(await submit(l, { date: shift(today, 1) })).toEqual({ status: 422, errors: { date: '日期不能晚于今天' } })
    expect(await submit(l, { date: '2026-02-28' })).toEqual({ status: 422, errors: { date: '这一天还没开学（学习期从 2026年3月1日 开始）' } })
    expect(await submit(l, { hours: '0', minutes: '0' })).toEqual({ status: 422, errors: { duration: '学习时间要在 1 分钟到 12 小时之间' } })
    expect(await submit(l, { hours: '13', minutes: '0' })).toMatchObject({ status: 422, errors: { duration: '学习时间要在 1 分钟到 12 小时之间' } })
    expect(await submit(l, { content: '   ' })).toEqual({ status: 422, errors: { content: '请写上学了什么' } })

    const day = shift(today, -3)
    expect(await submit(l, { date: day, hours: '12', minutes: '0' })).toMatchObject({ status: 302 })
    expect(await submit(l, { date: day, hours: '11', minutes: '55' })).toMatchObject({ status: 302 })
    expect(await submit(l, { date: day, hours: '0', minutes: '10' })).toEqual({
      status: 422,
      errors: { duration: '这一天已经记了 1435 分钟，一天最多 24 小时，还能记 5 分钟' },
    })
    expect(await getDb().selfStudyLog.count({ where: { personId: l.person.id } })).toBe(2)
  })

  test('a date after the end of the period is refused', async () => {
    const db = getDb()
    const person = await createPersonIn(db, world.regions.zhelou.id)
    const enrollment = await enroll(db, { personId: person.id, group: world.groups.class, studyYears: 1 })
    await db.$executeRaw`UPDATE "Enrollment" SET "periodEnd" = ${new Date(`${shift(today, -10)}T00:00:00Z`)} WHERE "id" = ${enrollment.id}`
    const user = await createUserWithSession(db, { role: 'learner', personId: person.id })
    const result = await submit({ person, enrollment, user }, { date: shift(today, -2) })
    expect(result.status).toBe(422)
    expect(result.errors.date).toMatch(/^这一天学习期已经结束（到 \d{4}年\d{1,2}月\d{1,2}日 为止）$/)
  })

  test("only the learner's own active enrollment can be logged for", async () => {
    const l = await learner()
    const other = await learner()
    expect(await submit(l, { enrollmentId: other.enrollment.id })).toMatchObject({ status: 404, errors: { enrollmentId: '请选择班级' } })
    await getDb().enrollment.update({ where: { id: l.enrollment.id }, data: { status: 'withdrawn' } })
    expect((await submit(l, {})).status).toBe(404)
    expect(await getDb().selfStudyLog.count({ where: { personId: { in: [l.person.id, other.person.id] } } })).toBe(0)
  })

  test('a renamed .exe is refused as a photo and nothing is stored; a real PNG is stored outside the web root and shown only to those allowed', async () => {
    const l = await learner()
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04])
    expect(await submit(l, {}, { bytes: exe, name: 'photo.jpg', type: 'image/jpeg' })).toEqual({ status: 422, errors: { photo: '照片只能是 JPG 或 PNG 格式' } })
    expect(await getDb().selfStudyLog.count({ where: { personId: l.person.id } })).toBe(0)

    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4])
    expect(await submit(l, {}, { bytes: png, name: 'x.exe', type: 'application/octet-stream' })).toMatchObject({ status: 302 })
    const log = await getDb().selfStudyLog.findFirstOrThrow({ where: { personId: l.person.id } })
    expect(log.photoKey).toMatch(/^self-study\/[0-9a-f]{64}\.png$/)
    expect(await readdir(path.join(uploads, 'self-study'))).toContain(log.photoKey!.split('/')[1])

    const photo = (cookie: string) => callRoute(photoRoute.loader as never, { url: `/self-study/${log.id}/photo`, cookie, params: { logId: log.id } })
    const mine = await photo(l.user.cookie)
    expect(mine.status).toBe(200)
    expect((mine.value as Response).headers.get('content-type')).toBe('image/png')
    expect(new Uint8Array(await (mine.value as Response).arrayBuffer())).toEqual(png)
    expect((await photo(zhelouCoord.cookie)).status).toBe(200)
    expect((await photo(gaoluoCoord.cookie)).status).toBe(404)
    const stranger = await learner()
    expect((await photo(stranger.user.cookie)).status).toBe(404)
  })

  test('a photo over 10 MB is refused', async () => {
    const l = await learner()
    const big = new Uint8Array(10 * 1024 * 1024 + 1)
    big.set([0xff, 0xd8, 0xff])
    const result = await submit(l, {}, { bytes: big, name: 'big.jpg', type: 'image/jpeg' })
    expect(result).toEqual({ status: 413, errors: { photo: '照片太大了，不能超过 10 MB' } })
    expect(await getDb().selfStudyLog.count({ where: { personId: l.person.id } })).toBe(0)
  })
})

describe('the coordinator reviews', () => {
  async function pendingLog(minutes = '30') {
    const l = await learner()
    expect(await submit(l, { hours: '0', minutes, date: shift(today, -1) })).toMatchObject({ status: 302 })
    const log = await getDb().selfStudyLog.findFirstOrThrow({ where: { personId: l.person.id } })
    return { l, log }
  }

  test('the queue lists pending logs of the coordinator’s township, oldest first; another township sees none of them', async () => {
    const first = await pendingLog()
    const second = await pendingLog()
    const mine = await callRoute(queueRoute.loader as never, { url: '/coordinator/self-study', cookie: zhelouCoord.cookie })
    const ids = (mine.value as { logs: { id: string }[] }).logs.map((x) => x.id)
    expect(ids.indexOf(first.log.id)).toBeGreaterThanOrEqual(0)
    expect(ids.indexOf(first.log.id)).toBeLessThan(ids.indexOf(second.log.id))
    const theirs = await callRoute(queueRoute.loader as never, { url: '/coordinator/self-study', cookie: gaoluoCoord.cookie })
    expect((theirs.value as { logs: unknown[] }).logs).toEqual([])
  })

  test('approving twice at the same moment credits one entry, audited with the class’s township', async () => {
    const { l, log } = await pendingLog('45')
    expect(await selfStudyEarned(l.enrollment.id)).toBe(0)
    const [a, b] = await Promise.all([
      review(zhelouCoord.cookie, { intent: 'approve', logId: log.id }),
      review(zhelouCoord.cookie, { intent: 'approve', logId: log.id }),
    ])
    expect([a.status, b.status]).toEqual([200, 200])
    const messages = [a, b].map((r) => (r.value as { message: string }).message).sort()
    expect(messages).toEqual(['已通过，学时已记入。', '这条记录已经审核过了。'])
    const entries = await getDb().hourEntry.findMany({ where: { source: 'self_study_log', sourceRef: log.id } })
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ minutes: 45, category: 'self_study', createdById: zhelouCoord.id, occurredOn: log.studiedOn })
    expect(await selfStudyEarned(l.enrollment.id)).toBe(45)
    // Approving again later changes nothing either.
    await reviewSelfStudyLog(getDb(), { logId: log.id, scopes: [{ kind: 'all' }], reviewerId: zhelouCoord.id, decision: 'approve' })
    expect(await getDb().hourEntry.count({ where: { sourceRef: log.id } })).toBe(1)
    const audits = await getDb().auditEvent.findMany({ where: { entityType: 'SelfStudyLog', entityId: log.id } })
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({ action: 'self_study.approve', actorId: zhelouCoord.id, scopePath: world.regions.zhelou.path })
  })

  test('rejecting needs a reason, writes no entry, and the learner sees the reason', async () => {
    const { l, log } = await pendingLog()
    const blank = await review(zhelouCoord.cookie, { intent: 'reject', logId: log.id, reason: '  ' })
    expect(blank.status).toBe(422)
    expect((blank.value as { data: { error: string } }).data.error).toBe('不通过时必须写原因')
    expect((await getDb().selfStudyLog.findUniqueOrThrow({ where: { id: log.id } })).status).toBe('pending')

    const ok = await review(zhelouCoord.cookie, { intent: 'reject', logId: log.id, reason: '照片看不清，请重新拍' })
    expect((ok.value as { message: string }).message).toBe('已退回，学员能看到原因。')
    expect(await getDb().hourEntry.count({ where: { sourceRef: log.id } })).toBe(0)
    // A later approval of a rejected log changes nothing.
    const late = await review(zhelouCoord.cookie, { intent: 'approve', logId: log.id })
    expect((late.value as { message: string }).message).toBe('这条记录已经审核过了。')
    expect(await getDb().hourEntry.count({ where: { sourceRef: log.id } })).toBe(0)

    const page = await callRoute(learnerRoute.loader as never, { url: '/me/self-study', cookie: l.user.cookie })
    expect((page.value as { logs: unknown[] }).logs).toEqual([
      expect.objectContaining({ id: log.id, status: 'rejected', rejectReason: '照片看不清，请重新拍' }),
    ])
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { entityType: 'SelfStudyLog', entityId: log.id } })
    expect(audit).toMatchObject({ action: 'self_study.reject', scopePath: world.regions.zhelou.path })
  })

  test('a coordinator of another township gets 404 on approve and reject, and nothing changes', async () => {
    const { log } = await pendingLog()
    expect((await review(gaoluoCoord.cookie, { intent: 'approve', logId: log.id })).status).toBe(404)
    expect((await review(gaoluoCoord.cookie, { intent: 'reject', logId: log.id, reason: '不行' })).status).toBe(404)
    expect((await getDb().selfStudyLog.findUniqueOrThrow({ where: { id: log.id } })).status).toBe('pending')
    expect(await getDb().hourEntry.count({ where: { sourceRef: log.id } })).toBe(0)
  })

  test('a learner cannot use the queue', async () => {
    const { l, log } = await pendingLog()
    expect((await review(l.user.cookie, { intent: 'approve', logId: log.id })).status).toBe(403)
  })
})

describe('the progress roster', () => {
  async function freshClass() {
    const db = getDb()
    const group = {
      id: newId(),
      code: `R-${newId().slice(0, 8)}`,
      name: '进度测试班',
      programId: world.programs.skills.id,
      kind: 'class' as const,
      regionId: world.regions.zhelou.id,
      startDate: new Date('2026-03-01T00:00:00Z'),
    }
    await db.group.create({ data: group })
    return group
  }

  const roster = (cookie: string, groupId: string, query = '') =>
    callRoute(rosterRoute.loader as never, { url: `/coordinator/groups/${groupId}/progress${query}`, cookie, params: { groupId } })

  type Roster = {
    total: number
    rows: { name: string; behind: boolean; earnedMinutes: number; cells: { code: string; earnedHours: number; met: boolean }[] }[]
  }

  test('every active enrollee with each requirement; "only behind pace" returns exactly the behind learners; sorts by earned and missing', async () => {
    const db = getDb()
    const group = await freshClass()
    const people = []
    // 8000 minutes is ahead of the straight line in November; 0 and 600 are behind.
    for (const minutes of [8000, 0, 600]) {
      const { person, enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group })
      if (minutes > 0) {
        await db.$transaction((tx) =>
          appendHourEntry(tx, {
            enrollmentId: enrollment.id,
            category: 'self_study',
            minutes,
            date: '2026-04-01',
            source: 'adjustment',
            reason: '补录',
            createdById: null,
          }),
        )
      }
      people.push({ person, enrollment, minutes })
    }
    const withdrawn = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group })
    await db.enrollment.update({ where: { id: withdrawn.enrollment.id }, data: { status: 'withdrawn' } })

    const all = (await roster(zhelouCoord.cookie, group.id)).value as Roster
    expect(all.total).toBe(3)
    expect(all.rows.map((r) => r.name).sort()).toEqual(people.map((p) => p.person.name).sort())
    expect(all.rows[0]!.cells.map((c) => c.code)).toEqual(['self-study-and-online', 'self-study-not-below-concentrated'])

    const behind = (await roster(zhelouCoord.cookie, group.id, '?behind=1')).value as Roster
    expect(behind.rows.map((r) => r.name).sort()).toEqual(
      people
        .filter((p) => p.minutes < 8000)
        .map((p) => p.person.name)
        .sort(),
    )
    expect(behind.rows.every((r) => r.behind)).toBe(true)

    const byEarned = (await roster(zhelouCoord.cookie, group.id, '?sort=earned')).value as Roster
    expect(byEarned.rows.map((r) => r.earnedMinutes)).toEqual([8000, 600, 0])
    const byMissing = (await roster(zhelouCoord.cookie, group.id, '?sort=missing')).value as Roster
    expect(byMissing.rows.map((r) => r.earnedMinutes)).toEqual([0, 600, 8000])
    expect(byEarned.rows[0]!.cells[0]).toMatchObject({ earnedHours: 177.8, met: false })
  })

  test('a coordinator of another township gets 404; an unknown group is 404', async () => {
    const group = await freshClass()
    expect((await roster(gaoluoCoord.cookie, group.id)).status).toBe(404)
    expect((await roster(zhelouCoord.cookie, 'nope')).status).toBe(404)
    expect((await roster(zhelouCoord.cookie, world.groups.otherCountyClass.id)).status).toBe(404)
  })
})

describe('progress on the home page', () => {
  test('a teacher sees the round’s hours and the 5-year cycle, and is told when behind pace', async () => {
    const db = getDb()
    const { person, enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
    const user = await createUserWithSession(db, { role: 'teacher', personId: person.id })
    await db.$transaction((tx) =>
      appendHourEntry(tx, {
        enrollmentId: enrollment.id,
        category: 'online',
        minutes: 100,
        date: '2026-09-02',
        source: 'adjustment',
        reason: '补录',
        createdById: null,
      }),
    )
    const home = await callRoute(meRoute.loader as never, { url: '/me', cookie: user.cookie })
    // The home's cards (issue 13): one ring per blocking 学时 requirement, in plain words; the 5-year cycle is advisory.
    const cards = (
      home.value as {
        cards: { id: string; rings: { code: string; met: boolean; percent: number; earnedHours: number; requiredHours: number; missingText: string }[] }[]
      }
    ).cards
    expect(cards).toHaveLength(1)
    expect(cards[0]!.rings.map((r) => r.code)).toEqual(['round-hours'])
    expect(cards[0]!.rings[0]).toMatchObject({ met: false, percent: 5, earnedHours: 2.2, requiredHours: 40 })
    expect(cards[0]!.rings[0]!.missingText).toMatch(/^还差 38 学时/)
    const progress = await loadEnrollmentProgress(db, enrollment.id, today)
    expect(progress!.evaluation.requirements.find((r) => r.code === 'cycle-hours')).toMatchObject({ blocking: false })
  })

  test('a learner without an active enrollment sees no progress cards, and someone else’s enrollment never appears', async () => {
    const db = getDb()
    const l = await learner()
    await db.enrollment.update({ where: { id: l.enrollment.id }, data: { status: 'withdrawn' } })
    const home = await callRoute(meRoute.loader as never, { url: '/me', cookie: l.user.cookie })
    expect((home.value as { cards: unknown[] }).cards).toEqual([])
    expect((await callRoute(meRoute.loader as never, { url: '/me', cookie: zhelouCoord.cookie })).status).toBe(403)
  })
})
