/**
 * Issue 10, finding 14 (the part in the sign-in, sign-out, audit, upload,
 * attendance and API plumbing): bad input answered 500.
 *  - a `redirectTo` with CR, LF, VT or U+3000 on sign-in (the header could not carry it);
 *  - a multipart file name containing `=` or `;` (`a=b.jpg`, an ordinary phone photo name):
 *    the multipart parser split the header on them;
 *  - a POST without a body to /logout (the session stayed alive);
 *  - `/audit?before=` with a number past BigInt range;
 *  - U+0000 in a text field (PostgreSQL refuses it in text): the API promises 422, the
 *    forms a plain refusal or the ordinary answer.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { validateSessionToken } from '#app/auth/session.server.ts'
import { beijingDate } from '#app/domain/time.ts'
import { createSession, tickRoster } from '#app/models/attendance.server.ts'
import * as auditRoute from '#app/routes/audit.tsx'
import * as hoursApi from '#app/routes/api.v1.enrollments.$id.hours.ts'
import * as tokenApi from '#app/routes/api.v1.auth.token.ts'
import * as checkinRoute from '#app/routes/checkin.$sessionId.tsx'
import * as loginRoute from '#app/routes/login.tsx'
import * as logoutRoute from '#app/routes/logout.tsx'
import * as selfStudyRoute from '#app/routes/me_.self-study.tsx'
import * as sessionRoute from '#app/routes/coordinator.sessions.$sessionId.tsx'
import * as verifyRoute from '#app/routes/v.$code.tsx'
import * as badgeRoute from '#app/routes/me_.certificates.$certificateId.badge.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { resetEnvCache } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { readUploadForm } from '#app/utils/uploads.server.ts'
import { callRoute, createTestUser, createUserWithSession } from '#tests/fixtures/db.ts'
import { createSignedInLearner, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

type Handler = (args: { request: Request; params: Record<string, string>; context: { ip: string } }) => unknown

let world: TrainingWorld
let uploads: string
let ipSeq = 0

beforeAll(async () => {
  uploads = await mkdtemp(path.join(os.tmpdir(), 'xx-sec-uploads-'))
  process.env.XX_UPLOAD_DIR = uploads
  resetEnvCache()
  world = await createTrainingWorld(getDb())
})

afterAll(async () => {
  await rm(uploads, { recursive: true, force: true })
})

/** Calls a route as the server would; a thrown Response is an answer, anything else thrown is the 500 this test is about. */
async function call(fn: Handler, request: Request, params: Record<string, string> = {}) {
  try {
    const value = await fn({ request, params, context: { ip: `10.88.0.${++ipSeq % 250}` } })
    if (value instanceof Response) return { status: value.status, response: value, data: undefined as unknown }
    if (value && typeof value === 'object' && (value as { type?: string }).type === 'DataWithResponseInit') {
      const { data, init } = value as { data: unknown; init?: { status?: number } | null }
      return { status: init?.status ?? 200, response: undefined, data }
    }
    return { status: 200, response: undefined, data: value }
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, response: thrown, data: undefined as unknown }
    throw thrown
  }
}

describe('sign-in with a redirectTo a Location header cannot carry', () => {
  test.each(['/\r/evil.example', '/\n/evil.example', '/me\r\nSet-Cookie: x=1', '/\u000b/evil.example', '/\u3000/evil.example', '/我的\u3000课程'])(
    'redirectTo=%j signs in and lands on this site',
    async (redirectTo) => {
      const user = await createTestUser(getDb(), { role: 'coordinator', scopeRegionId: world.regions.county.id })
      const body = new URLSearchParams({ identifier: user.username, password: user.password, redirectTo })
      const res = await call(loginRoute.action as Handler, new Request('http://localhost/login', { method: 'POST', body }))
      expect(res.status).toBe(302)
      const location = res.response!.headers.get('location')!
      expect(new URL(location, 'https://xx.example/login').origin).toBe('https://xx.example')
    },
  )
})

describe('multipart file names with = or ;', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4])
  /** A multipart body as a phone's browser writes it (the name quoted, `=` and `;` left as they are). */
  function multipart(fields: Record<string, string>, file: { field: string; name: string; bytes: Uint8Array }) {
    const boundary = '----XiangXueBoundary7MA4YWxkTrZu0gW'
    const parts: Buffer[] = []
    for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: image/png\r\n\r\n`))
    parts.push(Buffer.from(file.bytes), Buffer.from(`\r\n--${boundary}--\r\n`))
    return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` }
  }

  test.each(['a=b.jpg', 'IMG;20261124.jpg', '1=1; filename=evil.png', '微信图片_2026=11=24;1.png'])('the upload reader reads a file named %j', async (name) => {
    const { body, type } = multipart({ note: '笔记' }, { field: 'photo', name, bytes: png })
    const form = await readUploadForm(new Request('http://localhost/me/self-study', { method: 'POST', headers: { 'content-type': type }, body }), {
      file: 'photo',
    })
    expect(form.values).toEqual({ note: '笔记' })
    expect(form.file?.size).toBe(png.length)
    expect(form.file?.name).toBe(name)
  })

  test('a self-study log with the photo a=b.jpg is saved (not a 500)', async () => {
    const l = await createSignedInLearner(getDb(), world)
    const fields = { enrollmentId: l.enrollment.id, date: beijingDate(new Date()), hours: '1', minutes: '0', content: '看种植视频', idempotencyKey: newId() }
    const { body, type } = multipart(fields, { field: 'photo', name: 'a=b.jpg', bytes: png })
    const request = new Request('http://localhost/me/self-study', { method: 'POST', headers: { 'content-type': type, cookie: l.user.cookie }, body })
    const res = await call(selfStudyRoute.action as Handler, request)
    expect(res.status).toBe(302)
    const log = await getDb().selfStudyLog.findFirstOrThrow({ where: { personId: l.person.id } })
    expect(log.photoKey).toMatch(/^self-study\/[0-9a-f]{64}\.png$/)
  })

  test('a broken multipart body is a refusal, not a 500', async () => {
    const l = await createSignedInLearner(getDb(), world)
    const request = new Request('http://localhost/me/self-study', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz', cookie: l.user.cookie },
      body: '--zzz\r\nContent-Disposition: form-data\r\n\r\nno name\r\n',
    })
    const res = await call(selfStudyRoute.action as Handler, request)
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
  })
})

describe('sign-out without a body', () => {
  test.each([
    ['no body at all', {}],
    ['an empty urlencoded body', { body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
    ['a body that is not a form', { body: '{"intent":"everywhere"}', headers: { 'content-type': 'application/json' } }],
    ['a broken multipart body', { body: '--x\r\n', headers: { 'content-type': 'multipart/form-data; boundary=x' } }],
  ])('%s: the session ends and the answer is the signed-out page', async (_label, init) => {
    const db = getDb()
    const user = await createUserWithSession(db, { role: 'learner' })
    const headers = { cookie: user.cookie, ...((init as { headers?: Record<string, string> }).headers ?? {}) }
    const request = new Request('http://localhost/logout', { method: 'POST', headers, body: (init as { body?: string }).body })
    const res = await call(logoutRoute.action as Handler, request)
    expect(res.status).toBe(302)
    expect(res.response!.headers.get('location')).toBe('/login?signedOut=1')
    expect(await validateSessionToken(db, user.token)).toBeNull()
  })
})

describe('/audit?before=', () => {
  test.each(['99999999999999999999999', '9223372036854775808', '-1', 'abc', '1e5', '１２', ' 12', '0x10', ''])(
    'before=%j answers the first page or a 400, never a 500',
    async (before) => {
      const admin = await createUserWithSession(getDb(), { role: 'admin' })
      const res = await call(
        auditRoute.loader as Handler,
        new Request(`http://localhost/audit?before=${encodeURIComponent(before)}`, { headers: { cookie: admin.cookie } }),
      )
      expect([200, 400]).toContain(res.status)
    },
  )

  test('the largest id PostgreSQL holds is still a page', async () => {
    const admin = await createUserWithSession(getDb(), { role: 'admin' })
    const res = await call(
      auditRoute.loader as Handler,
      new Request('http://localhost/audit?before=9223372036854775807', { headers: { cookie: admin.cookie } }),
    )
    expect(res.status).toBe(200)
    expect((res.data as { events: unknown[] }).events.length).toBeGreaterThan(0)
  })
})

describe('U+0000', () => {
  test('in a JSON text field of the API: 422 with the field named', async () => {
    const db = getDb()
    const coordinator = await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const tokenRes = await call(
      tokenApi.action as Handler,
      new Request('http://localhost/api/v1/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: coordinator.username, password: coordinator.password }),
      }),
    )
    const token = ((await tokenRes.response!.json()) as { token: string }).token
    const l = await createSignedInLearner(db, world)
    const body = JSON.stringify({ category: 'online', minutes: 30, date: '2026-11-02', reason: '平台同步\u0000' })
    const res = await call(
      hoursApi.action as Handler,
      new Request(`http://localhost/api/v1/enrollments/${l.enrollment.id}/hours`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      }),
      { id: l.enrollment.id },
    )
    expect(res.status).toBe(422)
    const json = (await res.response!.json()) as { error: { code: string; fields?: Record<string, string> } }
    expect(json.error.code).toBe('validation_failed')
    expect(Object.keys(json.error.fields ?? {})).toContain('reason')
    expect(await db.hourEntry.count({ where: { enrollmentId: l.enrollment.id } })).toBe(0)
  })

  test('in the API’s sign-in: 422, not a 500', async () => {
    const res = await call(
      tokenApi.action as Handler,
      new Request('http://localhost/api/v1/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin\u0000', password: 'whatever it is' }),
      }),
    )
    expect(res.status).toBe(422)
  })

  test('in the sign-in form: the ordinary "wrong username or password"', async () => {
    const body = new URLSearchParams({ identifier: 'admin\u0000', password: 'whatever it is' })
    const res = await call(loginRoute.action as Handler, new Request('http://localhost/login', { method: 'POST', body }))
    expect(res.status).toBe(401)
  })

  test('in an attendance correction reason: a refusal in Chinese, nothing written', async () => {
    const db = getDb()
    const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const s = await createSession(db, {
      groupId: world.groups.class.id,
      startsAt: new Date('2026-11-03T01:00:00Z'),
      endsAt: new Date('2026-11-03T04:00:00Z'),
      venue: '实训楼',
      plannedMinutes: 180,
      description: '',
      actorId: coordinator.id,
    })
    const l = await createSignedInLearner(db, world)
    await tickRoster(db, { sessionId: s.id, enrollmentIds: [l.enrollment.id], actorId: coordinator.id })
    const attendance = await db.attendance.findFirstOrThrow({ where: { sessionId: s.id } })
    const res = await callRoute(sessionRoute.action, {
      url: `/coordinator/sessions/${s.id}`,
      method: 'POST',
      cookie: coordinator.cookie,
      params: { sessionId: s.id },
      body: new URLSearchParams({ intent: 'correct', attendanceId: attendance.id, minutes: '30', reason: '早退\u0000' }),
    })
    expect(res.status).toBe(422)
    expect((res.value as { data: { error: string } }).data.error).toMatch(/[\u4e00-\u9fff]/)
    expect(await db.hourEntry.count({ where: { enrollmentId: l.enrollment.id } })).toBe(1)
  })

  test('in a path parameter of the pages here: 404, not a 500', async () => {
    const db = getDb()
    const l = await createSignedInLearner(db, world)
    const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const nul = 'abc\u0000def'
    const cases: [Handler, string, Record<string, string>, string][] = [
      [verifyRoute.loader as Handler, `/v/abc%00def`, { code: nul }, ''],
      [checkinRoute.loader as Handler, `/checkin/abc%00def?t=x%00y`, { sessionId: nul }, l.user.cookie],
      [badgeRoute.loader as Handler, `/me/certificates/abc%00def/badge`, { certificateId: nul }, l.user.cookie],
      [sessionRoute.loader as Handler, `/coordinator/sessions/abc%00def`, { sessionId: nul }, coordinator.cookie],
    ]
    for (const [fn, url, params, cookie] of cases) {
      const res = await call(fn, new Request(`http://localhost${url}`, { headers: cookie ? { cookie } : {} }), params)
      expect(res.status, url).toBe(404)
    }
  })
})
