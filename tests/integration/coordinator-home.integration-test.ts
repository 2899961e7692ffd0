/**
 * The coordinator's home as a work queue (issue 15): a finished round counts everyone who took
 * part (their enrollments are `completed`, not active), today's sessions are listed and others
 * not, and the learners eligible for a certificate they lack are counted until it is issued.
 */
import { randomBytes } from 'node:crypto'
import { beforeAll, expect, test } from 'vitest'
import { beijingDate } from '#app/domain/time.ts'
import { issueCertificate } from '#app/models/certificates.server.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import { closeEndedRounds } from '#app/models/rounds.server.ts'
import { loader as coordinatorHome } from '#app/routes/coordinator._index.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

type Home = { home: Awaited<ReturnType<typeof import('#app/models/coordinator-home.server.ts').loadCoordinatorHome>> }

let world: TrainingWorld
let passed: { enrollment: { id: string } }
const sessions: Record<string, string> = {}

beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db, { roundStart: '2025-03-01', roundEnd: '2025-12-31' })
  const round = world.groups.round
  const teachers = []
  for (let i = 0; i < 3; i++) teachers.push(await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: round, kind: 'teacher' }))
  passed = teachers[0]!
  await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: passed.enrollment.id,
      category: 'concentrated',
      minutes: 40 * 45,
      date: '2025-06-01',
      source: 'transfer',
      reason: '补录',
      createdById: null,
    }),
  )
  await closeEndedRounds(db, beijingDate(new Date()), { groupId: round.id })

  const learners = []
  for (let i = 0; i < 2; i++) learners.push(await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class }))
  await db.enrollment.update({ where: { id: learners[1]!.enrollment.id }, data: { status: 'withdrawn' } })

  const now = Date.now()
  const session = (key: string, startsAt: Date, cancelled = false) =>
    db.classSession
      .create({
        data: {
          id: newId(),
          groupId: world.groups.class.id,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 7_200_000),
          venue: `会议室 ${key}`,
          plannedMinutes: 120,
          checkinKey: new Uint8Array(randomBytes(32)),
          cancelledAt: cancelled ? new Date() : null,
        },
      })
      .then((s) => (sessions[key] = s.id))
  const todayStart = new Date(`${beijingDate(new Date(now))}T00:00:00+08:00`)
  await session('today', new Date(todayStart.getTime() + 10 * 3_600_000))
  await session('cancelled', new Date(todayStart.getTime() + 11 * 3_600_000), true)
  await session('in3days', new Date(todayStart.getTime() + 3 * 86_400_000 + 10 * 3_600_000))
})

async function homeOf(regionId: string) {
  const coord = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: regionId })
  const res = await callRoute(coordinatorHome, { url: '/coordinator', cookie: coord.cookie })
  expect(res.status).toBe(200)
  return (res.value as Home).home
}

test('a finished round shows everyone who took part; a class its active learners and who withdrew', async () => {
  const home = await homeOf(world.regions.county.id)
  const round = home.groups.find((g) => g.id === world.groups.round.id)!
  expect(round).toMatchObject({ ended: true, active: 0, participants: 3 })
  const cls = home.groups.find((g) => g.id === world.groups.class.id)!
  expect(cls).toMatchObject({ ended: false, active: 1, participants: 2, withdrawn: 1 })
  expect(home.groups.some((g) => g.id === world.groups.otherCountyClass.id)).toBe(false)
})

test('today’s session is listed with its check-in screen; a cancelled one and one in three days are not', async () => {
  const home = await homeOf(world.regions.county.id)
  const ids = home.sessions.map((s) => s.id)
  expect(ids).toContain(sessions.today)
  expect(ids).not.toContain(sessions.cancelled)
  expect(ids).not.toContain(sessions.in3days)
  expect(home.sessions.find((s) => s.id === sessions.today)).toMatchObject({ day: 'today', expected: 1 })
})

test('the teacher who passed the finished round (and the learner who withdrew) count as eligible for a certificate until it is issued; another county sees none of it', async () => {
  const before = await homeOf(world.regions.county.id)
  // The teacher (培训合格证书) and the learner who withdrew (写实性学习证明); the two who did not pass the round, nothing.
  expect(before.counts.eligible).toBe(2)
  await issueCertificate(getDb(), { enrollmentId: passed.enrollment.id, type: 'training', actorId: null })
  expect((await homeOf(world.regions.county.id)).counts.eligible).toBe(1)
  const elsewhere = await homeOf(world.regions.otherCounty.id)
  expect(elsewhere.groups.some((g) => g.id === world.groups.round.id)).toBe(false)
  expect(elsewhere.sessions).toEqual([])
})
