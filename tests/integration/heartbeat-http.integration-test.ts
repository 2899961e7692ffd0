/**
 * POST /learn/heartbeat over HTTP, through the fast-path handler that
 * app/server/http.ts mounts before Remix (app/server/heartbeat.server.ts):
 * the cookie session is checked with the same rules as every other page
 * (expiry, wrong secret, disabled, must change password, role), the body is
 * validated, and the answer is what the lesson page reads.
 */
import express from 'express'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { HEARTBEAT_PATH, heartbeatHandler } from '#app/server/heartbeat.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { closePool } from '#app/utils/pg.server.ts'
import { createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, offerWorldLessons, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld
let server: Server
let base: string

beforeAll(async () => {
  world = await createTrainingWorld(getDb())
  await offerWorldLessons(getDb(), world)
  const app = express()
  app.post(HEARTBEAT_PATH, (req, res) => void heartbeatHandler(req, res))
  server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await closePool()
})

async function learnerWithSession() {
  const { person, enrollment } = await createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
  const user = await createUserWithSession(getDb(), { role: 'learner', personId: person.id })
  return { person, enrollment, user, sessionId: user.token.split('.')[0]! }
}

let seq = 0
async function beat(
  cookie: string | null,
  body: unknown = { lessonId: world.lessons.lesson.id, tabToken: 'tab-aaaaaaaaaaaaaaaa', seq: ++seq, sentAt: Date.now() },
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${base}${HEARTBEAT_PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, cacheControl: res.headers.get('cache-control') }
}

test('a learner’s beats are credited and answered with { credited, lessonSecondsToday, status }', async () => {
  const { user, person } = await learnerWithSession()
  const first = await beat(user.cookie, { lessonId: world.lessons.lesson.id, tabToken: 'tab-aaaaaaaaaaaaaaaa', seq: 1, sentAt: Date.now() })
  expect(first).toMatchObject({ status: 200, body: { credited: 0, lessonSecondsToday: 0, status: 'started' }, cacheControl: 'no-store' })
  // The page has been open 30 s since that beat.
  await getDb().onlinePresence.update({ where: { personId: person.id }, data: { lastBeatAt: new Date(Date.now() - 30_000), lastSentAt: null } })
  const second = await beat(user.cookie, { lessonId: world.lessons.lesson.id, tabToken: 'tab-aaaaaaaaaaaaaaaa', seq: 2, sentAt: Date.now() })
  expect(second.status).toBe(200)
  expect(second.body.status).toBe('credited')
  expect(second.body.credited).toBeGreaterThanOrEqual(30)
  expect(second.body.credited).toBeLessThanOrEqual(31)
  expect(second.body.lessonSecondsToday).toBe(second.body.credited)
  const stored = await getDb().onlineCredit.findMany({ where: { personId: person.id } })
  expect(stored.map((c) => c.seconds)).toEqual([second.body.credited])
  // A replayed beat changes nothing.
  expect((await beat(user.cookie, { lessonId: world.lessons.lesson.id, tabToken: 'tab-aaaaaaaaaaaaaaaa', seq: 2, sentAt: Date.now() })).body).toMatchObject({
    credited: 0,
    status: 'replay',
  })
})

test('without a valid session the beat is refused with 401 and a Chinese message; an expired session is deleted', async () => {
  const { user, sessionId } = await learnerWithSession()
  expect(await beat(null)).toMatchObject({ status: 401, body: { status: 'refused', error: '请先登录，再计时' } })
  const [name] = user.cookie.split('=')
  expect((await beat(`${name}=${sessionId}.${'a'.repeat(52)}`)).status).toBe(401) // wrong secret
  expect((await beat(`${name}=not-a-token`)).status).toBe(401)
  expect(await getDb().session.count({ where: { id: sessionId } })).toBe(1) // a wrong secret does not end the real session
  // Idle for longer than a learner's 10 days: refused and removed.
  await getDb().session.update({ where: { id: sessionId }, data: { lastVerifiedAt: new Date(Date.now() - 11 * 86400_000) } })
  expect((await beat(user.cookie)).status).toBe(401)
  expect(await getDb().session.count({ where: { id: sessionId } })).toBe(0)
})

test('past its absolute expiry a session is refused', async () => {
  const { user, sessionId } = await learnerWithSession()
  await getDb().session.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } })
  expect((await beat(user.cookie)).status).toBe(401)
})

test('a beat keeps the session alive like a page view: touched when the last touch is a minute old, not more often', async () => {
  const { user, sessionId } = await learnerWithSession()
  const recent = new Date(Date.now() - 10_000)
  await getDb().session.update({ where: { id: sessionId }, data: { lastVerifiedAt: recent } })
  expect((await beat(user.cookie)).status).toBe(200)
  expect((await getDb().session.findUniqueOrThrow({ where: { id: sessionId } })).lastVerifiedAt).toEqual(recent)
  await getDb().session.update({ where: { id: sessionId }, data: { lastVerifiedAt: new Date(Date.now() - 5 * 60_000) } })
  const before = Date.now()
  expect((await beat(user.cookie)).status).toBe(200)
  expect((await getDb().session.findUniqueOrThrow({ where: { id: sessionId } })).lastVerifiedAt.getTime()).toBeGreaterThanOrEqual(before - 1000)
})

test('a disabled account is signed out; one that must change its password, and staff, are refused with 403', async () => {
  const disabled = await learnerWithSession()
  await getDb().user.update({ where: { id: disabled.user.id }, data: { disabled: true } })
  expect((await beat(disabled.user.cookie)).status).toBe(401)

  const mustChange = await learnerWithSession()
  await getDb().user.update({ where: { id: mustChange.user.id }, data: { mustChangePassword: true } })
  expect(await beat(mustChange.user.cookie)).toMatchObject({ status: 403, body: { status: 'refused', error: '请先修改密码，再计时' } })

  const coordinator = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
  expect(await beat(coordinator.cookie)).toMatchObject({ status: 403, body: { status: 'refused', error: '这个账号不能记线上学时' } })
  expect(await getDb().onlineCredit.count({ where: { personId: { in: [disabled.person.id, mustChange.person.id] } } })).toBe(0)
})

test('bad bodies are refused: invalid fields 400, over 1 KB 413, not JSON 415; the locale cookie picks English', async () => {
  const { user } = await learnerWithSession()
  expect(await beat(user.cookie, { lessonId: world.lessons.lesson.id, tabToken: 'short', seq: 1, sentAt: Date.now() })).toMatchObject({
    status: 400,
    body: { status: 'refused', error: '计时数据无效' },
  })
  expect((await beat(user.cookie, '{not json')).status).toBe(400)
  expect((await beat(user.cookie, { lessonId: world.lessons.lesson.id, tabToken: 'tab-aaaaaaaaaaaaaaaa', seq: 1, sentAt: Date.now(), extra: 1 })).status).toBe(
    400,
  )
  expect((await beat(user.cookie, JSON.stringify({ lessonId: 'x'.repeat(2000) }))).status).toBe(413)
  expect((await beat(user.cookie, 'lessonId=x', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415)
  const english = await beat(`${user.cookie}; xx_locale=en`, { seq: 'x' })
  expect(english).toMatchObject({ status: 400, body: { error: 'Invalid heartbeat' } })
})

test('a lesson that does not exist is 404; one outside the learner’s programs is 403; nothing is credited', async () => {
  const { user, person } = await learnerWithSession()
  const other = (lessonId: string) => beat(user.cookie, { lessonId, tabToken: 'tab-aaaaaaaaaaaaaaaa', seq: ++seq, sentAt: Date.now() })
  expect(await other('no-such-lesson')).toMatchObject({ status: 404, body: { status: 'refused', error: '找不到这节课' } })
  expect(await other(world.lessons.teacherLesson.id)).toMatchObject({ status: 403, body: { status: 'refused' } })
  expect(await getDb().onlinePresence.count({ where: { personId: person.id } })).toBe(0)
})
