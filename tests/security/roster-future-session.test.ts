/**
 * Issue 10, finding 10: ticking the roster credited hours for a session that
 * had not started (a session on 2027-06-15 credited today); the API refuses
 * future dates, this path did not. Now a tick on a session that has not
 * started is refused in Chinese and credits nothing; once it has started the
 * coordinator may vouch for it as before.
 */
import { beforeAll, expect, test } from 'vitest'
import { AttendanceError, createSession, tickRoster } from '#app/models/attendance.server.ts'
import * as sessionRoute from '#app/routes/coordinator.sessions.$sessionId.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld
let coordinator: Awaited<ReturnType<typeof createUserWithSession>>
beforeAll(async () => {
  world = await createTrainingWorld(getDb())
  coordinator = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
})

const session = (startsAt: Date, minutes = 180) =>
  createSession(getDb(), {
    groupId: world.groups.class.id,
    startsAt,
    endsAt: new Date(startsAt.getTime() + minutes * 60_000),
    venue: '实训楼',
    plannedMinutes: minutes,
    description: '',
    actorId: coordinator.id,
  })

const learner = () => createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })

test.each([
  ['a session next June', new Date('2027-06-15T01:00:00Z')],
  ['a session starting in an hour', new Date(Date.now() + 60 * 60_000)],
])('ticking the roster of %s is refused in Chinese and credits nothing', async (_label, startsAt) => {
  const db = getDb()
  const s = await session(startsAt)
  const l = await learner()
  await expect(tickRoster(db, { sessionId: s.id, enrollmentIds: [l.enrollment.id], actorId: coordinator.id })).rejects.toMatchObject({ code: 'not_started' })

  const res = await callRoute(sessionRoute.action, {
    url: `/coordinator/sessions/${s.id}`,
    method: 'POST',
    cookie: coordinator.cookie,
    params: { sessionId: s.id },
    body: new URLSearchParams({ intent: 'tick', enrollmentId: l.enrollment.id }),
  })
  expect(res.status).toBe(409)
  const body = (res.value as { data: { ok: boolean; error: string } }).data
  expect(body.ok).toBe(false)
  expect(body.error).toMatch(/[\u4e00-\u9fff]/)
  expect(body.error).toContain('还没有开始')

  expect(await db.attendance.count({ where: { sessionId: s.id } })).toBe(0)
  expect(await db.hourEntry.count({ where: { enrollmentId: l.enrollment.id } })).toBe(0)
})

test('a session that has started (or ended) can be ticked', async () => {
  const db = getDb()
  const started = await session(new Date(Date.now() - 30 * 60_000))
  const past = await session(new Date('2026-11-02T01:00:00Z'))
  const l = await learner()
  expect(await tickRoster(db, { sessionId: started.id, enrollmentIds: [l.enrollment.id], actorId: coordinator.id })).toMatchObject({ credited: 1 })
  expect(await tickRoster(db, { sessionId: past.id, enrollmentIds: [l.enrollment.id], actorId: coordinator.id })).toMatchObject({ credited: 1 })
  expect(await db.hourEntry.count({ where: { enrollmentId: l.enrollment.id } })).toBe(2)
})

test('the refusal is an AttendanceError the page can say', async () => {
  const s = await session(new Date('2027-01-05T01:00:00Z'))
  const l = await learner()
  const error = await tickRoster(getDb(), { sessionId: s.id, enrollmentIds: [l.enrollment.id], actorId: coordinator.id }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(AttendanceError)
})
