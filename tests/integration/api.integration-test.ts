/**
 * Public API v1 (../shared/api-v1.md): tokens, hours and progress, through
 * the real route handlers with real Requests against real PostgreSQL.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { ApiErrorBody, HoursRequest, HoursResponse, ProgressResponse, TokenResponse } from '#app/api/schemas.ts'
import { setUserDisabled, setUserGrant } from '#app/models/users.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import * as catchAll from '#app/routes/api.v1.$.ts'
import * as tokenRoute from '#app/routes/api.v1.auth.token.ts'
import * as hoursRoute from '#app/routes/api.v1.enrollments.$id.hours.ts'
import * as progressRoute from '#app/routes/api.v1.enrollments.$id.progress.ts'
import * as openapiRoute from '#app/routes/api.v1.openapi[.json].ts'
import { createTestUser, createUserWithSession, TEST_PASSWORD } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createPlan } from '#tests/fixtures/outcomes.ts'

type Handler = (args: { request: Request; params: Record<string, string>; context: { ip: string } }) => Promise<Response>

let ipCounter = 0
/** Each call from its own address unless told, so per-IP throttling of one test never leaks into another. */
async function call(
  handler: Handler,
  opts: {
    path: string
    method?: string
    token?: string
    cookie?: string
    body?: unknown
    rawBody?: string
    params?: Record<string, string>
    ip?: string
    headers?: Record<string, string>
  },
) {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.cookie) headers.cookie = opts.cookie
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body))
  if (body !== undefined) headers['content-type'] = 'application/json'
  const request = new Request(`http://localhost${opts.path}`, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body })
  const response = await handler({ request, params: opts.params ?? {}, context: { ip: opts.ip ?? `10.1.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}` } })
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  const json = (await response.json()) as any
  // Every error answer has exactly the documented shape.
  if (response.status >= 400) expect(ApiErrorBody.parse(json)).toEqual(json)
  return { status: response.status, headers: response.headers, body: json }
}

/** The answer has exactly the fields its documented schema has (nothing undocumented, nothing mistyped). */
function expectDocumented(schema: { parse: (v: unknown) => unknown }, body: unknown) {
  expect(schema.parse(body)).toEqual(body)
}

const postHours = (id: string, token: string | undefined, body: unknown) =>
  call(hoursRoute.action as Handler, { path: `/api/v1/enrollments/${id}/hours`, token, body, params: { id } })
const getProgress = (id: string, token: string | undefined, query = '', extra: { cookie?: string } = {}) =>
  call(progressRoute.loader as Handler, { path: `/api/v1/enrollments/${id}/progress${query}`, token, params: { id }, ...extra })

async function tokenFor(username: string, password = TEST_PASSWORD) {
  const res = await call(tokenRoute.action as Handler, { path: '/api/v1/auth/token', body: { username, password } })
  expect(res.status).toBe(200)
  return res.body.token as string
}

let world: TrainingWorld
let countyCoordinator: string
beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db)
  const coord = await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
  countyCoordinator = await tokenFor(coord.username)
})

describe('tokens', () => {
  test('the right password gets a token that works as a bearer; a wrong one is 401 with the error shape', async () => {
    const db = getDb()
    const user = await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const ok = await call(tokenRoute.action as Handler, { path: '/api/v1/auth/token', body: { username: user.username, password: TEST_PASSWORD } })
    expect(ok.status).toBe(200)
    expect(ok.body.token).toMatch(/^[a-z2-7]{24}\.[a-z2-7]{52}$/)
    expectDocumented(TokenResponse, ok.body)
    expect(new Date(ok.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 11 * 3600_000) // staff: 12 h absolute
    // The token is a session row like the web's, only its hash stored.
    expect(await db.session.count({ where: { id: ok.body.token.split('.')[0] } })).toBe(1)

    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    expect((await getProgress(enrollment.id, ok.body.token, '?asOf=2026-11-24')).status).toBe(200)

    const wrong = await call(tokenRoute.action as Handler, { path: '/api/v1/auth/token', body: { username: user.username, password: 'not it' } })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toEqual({ error: { code: 'unauthenticated', message: '用户名或密码错误' } })
    const unknown = await call(tokenRoute.action as Handler, { path: '/api/v1/auth/token', body: { username: 'nobody.here', password: 'x' } })
    expect(unknown.status).toBe(401)
    const missing = await call(tokenRoute.action as Handler, { path: '/api/v1/auth/token', body: { username: user.username } })
    expect(missing.status).toBe(422)
    expect(missing.body.error.fields).toEqual({ password: '必须填写' })
  })

  test('repeated wrong passwords lock the account: 429 rate_limited with Retry-After, even for the right password', async () => {
    const user = await createTestUser(getDb(), { role: 'learner' })
    const attempt = (password: string) => call(tokenRoute.action as Handler, { path: '/api/v1/auth/token', body: { username: user.username, password } })
    for (let i = 0; i < 4; i++) expect((await attempt('wrong')).status).toBe(401)
    const fifth = await attempt('wrong')
    expect(fifth.status).toBe(429)
    expect(fifth.body.error.code).toBe('rate_limited')
    expect(fifth.body.error.message).toMatch(/尝试次数过多/)
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    const right = await attempt(TEST_PASSWORD)
    expect(right.status).toBe(429)
  })

  test('a request with only the web session cookie and no bearer token is 401', async () => {
    const db = getDb()
    const staff = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const res = await getProgress(enrollment.id, undefined, '', { cookie: staff.cookie })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('unauthenticated')
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
    const post = await call(hoursRoute.action as Handler, {
      path: `/api/v1/enrollments/${enrollment.id}/hours`,
      cookie: staff.cookie,
      body: { category: 'online', minutes: 45, date: '2026-04-01', reason: '补录' },
      params: { id: enrollment.id },
    })
    expect(post.status).toBe(401)
    expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(0)
    // The same session's token as a bearer is accepted: it is the header, not the session, that the cookie path lacks.
    expect((await getProgress(enrollment.id, staff.token)).status).toBe(200)
    expect((await getProgress(enrollment.id, 'garbage')).status).toBe(401)
  })

  test('a token ends like a web session: a scope change or disabling the account makes it 401', async () => {
    const db = getDb()
    const admin = await createTestUser(db, { role: 'admin' })
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const user = await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const token = await tokenFor(user.username)
    expect((await getProgress(enrollment.id, token)).status).toBe(200)
    await setUserGrant(db, { actorId: admin.id, userId: user.id, grant: { role: 'coordinator', scopeRegionId: world.regions.otherCounty.id } })
    expect((await getProgress(enrollment.id, token)).status).toBe(401)
    // A new token carries the new scope: the enrollment is now out of it.
    const second = await tokenFor(user.username)
    expect((await getProgress(enrollment.id, second)).status).toBe(404)
    await setUserDisabled(db, { actorId: admin.id, userId: user.id, disabled: true })
    expect((await getProgress(enrollment.id, second)).status).toBe(401)
  })

  test('an account that must still change its password gets no token', async () => {
    const user = await createTestUser(getDb(), { role: 'coordinator', scopeRegionId: world.regions.county.id, mustChangePassword: true })
    const res = await call(tokenRoute.action as Handler, { path: '/api/v1/auth/token', body: { username: user.username, password: TEST_PASSWORD } })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('forbidden')
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(0)
  })
})

describe('hours', () => {
  test('201 with the entry id, audited with who and from where; progress then shows it in 学时 with one decimal', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const res = await call(hoursRoute.action as Handler, {
      path: `/api/v1/enrollments/${enrollment.id}/hours`,
      token: countyCoordinator,
      body: { category: 'self_study', minutes: 100, date: '2026-04-01', reason: '纸质记录补录' },
      params: { id: enrollment.id },
      ip: '203.0.113.7',
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ entryId: expect.stringMatching(/^\d+$/), minutes: 100, hours: 2.2, category: 'self_study', date: '2026-04-01' })
    expectDocumented(HoursResponse, res.body)

    const entry = await db.hourEntry.findUniqueOrThrow({ where: { id: BigInt(res.body.entryId) } })
    expect(entry).toMatchObject({ enrollmentId: enrollment.id, source: 'adjustment', minutes: 100, reason: '纸质记录补录' })
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: 'HourEntry', entityId: res.body.entryId } })
    expect(audit).toMatchObject({ action: 'hours.credit', actorId: entry.createdById, ip: '203.0.113.7' })

    const progress = await getProgress(enrollment.id, countyCoordinator, '?asOf=2026-11-24')
    expect(progress.status).toBe(200)
    const req = progress.body.requirements.find((r: { code: string }) => r.code === 'self-study-and-online')
    expect(req).toMatchObject({ earnedHours: 2.2, earnedMinutes: 100, requiredHours: 360, met: false, blocking: true })
    // As of a day before the entry, it does not count yet.
    const before = await getProgress(enrollment.id, countyCoordinator, '?asOf=2026-03-31')
    expect(before.body.requirements.find((r: { code: string }) => r.code === 'self-study-and-online').earnedHours).toBe(0)
  })

  test('a negative correction needs a reason (422 fields.reason) and, with one, subtracts', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    expect((await postHours(enrollment.id, countyCoordinator, { category: 'online', minutes: 90, date: '2026-05-01', reason: '补录' })).status).toBe(201)

    const noReason = await postHours(enrollment.id, countyCoordinator, { category: 'online', minutes: -45, date: '2026-05-01' })
    expect(noReason.status).toBe(422)
    expect(noReason.body.error.code).toBe('validation_failed')
    expect(noReason.body.error.fields.reason).toMatch(/原因/)
    const blankReason = await postHours(enrollment.id, countyCoordinator, { category: 'online', minutes: -45, date: '2026-05-01', reason: '   ' })
    expect(blankReason.status).toBe(422)
    expect(Object.keys(blankReason.body.error.fields)).toEqual(['reason'])

    const fix = await postHours(enrollment.id, countyCoordinator, { category: 'online', minutes: -45, date: '2026-05-01', reason: '重复登记' })
    expect(fix.status).toBe(201)
    expect(fix.body.hours).toBe(-1)
    const progress = await getProgress(enrollment.id, countyCoordinator, '?asOf=2026-11-24')
    expect(progress.body.requirements.find((r: { code: string }) => r.code === 'self-study-and-online')).toMatchObject({ earnedMinutes: 45, earnedHours: 1 })
    expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(2)
  })

  test('a date outside the enrollment period, in the future or not a date is 422 with fields.date, and nothing is written', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const before = await postHours(enrollment.id, countyCoordinator, { category: 'online', minutes: 45, date: '2026-02-28', reason: '补录' })
    expect(before.status).toBe(422)
    expect(before.body.error.fields.date).toMatch(/学习期/)
    const future = await postHours(enrollment.id, countyCoordinator, { category: 'online', minutes: 45, date: '2099-01-01', reason: '补录' })
    expect(future.status).toBe(422)
    expect(future.body.error.fields.date).toMatch(/不能晚于今天/)
    const notADate = await postHours(enrollment.id, countyCoordinator, { category: 'online', minutes: 45, date: '2026-02-30', reason: '补录' })
    expect(notADate.status).toBe(422)
    expect(notADate.body.error.fields.date).toMatch(/YYYY-MM-DD/)
    const bad = await postHours(enrollment.id, countyCoordinator, { category: 'sleeping', minutes: 0, date: '2026-04-01', reason: '补录' })
    expect(bad.status).toBe(422)
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['category', 'minutes'])
    expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(0)
  })

  test('retries with the same Idempotency-Key record once, even at the same moment, and answer the first answer; a different body under that key is 409', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const send = (key: string, body: Record<string, unknown>, id = enrollment.id) =>
      call(hoursRoute.action as Handler, {
        path: `/api/v1/enrollments/${id}/hours`,
        token: countyCoordinator,
        body,
        params: { id },
        headers: { 'idempotency-key': key },
      })
    const body = { category: 'online', minutes: 90, date: '2026-06-01', reason: '省平台同步 #42' }
    const results = await Promise.all([send('sync-42', body), send('sync-42', body), send('sync-42', body)])
    // The first answer, status and body, for every retry (issue 14: one shared Idempotency-Key mechanism).
    expect(results.map((r) => r.status)).toEqual([201, 201, 201])
    expect(results.map((r) => r.body)).toEqual([results[0]!.body, results[0]!.body, results[0]!.body])
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(2)
    expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(1)
    expect(await db.auditEvent.count({ where: { entityType: 'HourEntry', entityId: results[0]!.body.entryId } })).toBe(1)

    const changed = await send('sync-42', { ...body, minutes: 45 })
    expect(changed.status).toBe(409)
    expect(changed.body.error.code).toBe('conflict')
    expect((await send('sync-43', body)).status).toBe(201)
    expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(2)
    const badKey = await send('x'.repeat(101), body)
    expect(badKey.status).toBe(422)
    expect(badKey.body.error.fields).toHaveProperty('Idempotency-Key')
  })

  test('malformed JSON is 422, not 500', async () => {
    const { enrollment } = await createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
    const res = await call(hoursRoute.action as Handler, {
      path: `/api/v1/enrollments/${enrollment.id}/hours`,
      token: countyCoordinator,
      rawBody: '{"category": "online", "minutes": 45,',
      params: { id: enrollment.id },
    })
    expect(res.status).toBe(422)
    expect(res.body.error).toMatchObject({ code: 'validation_failed', message: '请求正文不是有效的 JSON' })
    const tokenRes = await call(tokenRoute.action as Handler, { path: '/api/v1/auth/token', rawBody: 'username=a&password=b' })
    expect(tokenRes.status).toBe(422)
    const huge = await call(hoursRoute.action as Handler, {
      path: `/api/v1/enrollments/${enrollment.id}/hours`,
      token: countyCoordinator,
      body: { category: 'online', minutes: 45, date: '2026-04-01', reason: 'x'.repeat(70_000) },
      params: { id: enrollment.id },
    })
    expect(huge.status).toBe(422)
    expect(huge.body.error.message).toMatch(/过大/)
    const notAnObject = await call(hoursRoute.action as Handler, {
      path: `/api/v1/enrollments/${enrollment.id}/hours`,
      token: countyCoordinator,
      rawBody: '[1,2]',
      params: { id: enrollment.id },
    })
    expect(notAnObject.status).toBe(422)
  })

  test('an enrollment in another county is 404 for a county coordinator, exactly like one that does not exist', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.otherTownship.id, group: world.groups.otherCountyClass })
    const body = { category: 'online', minutes: 45, date: '2026-04-01', reason: '补录' }
    const res = await postHours(enrollment.id, countyCoordinator, body)
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('not_found')
    expect(await postHours('doesnotexist000000000000', countyCoordinator, body)).toEqual({ ...res, headers: expect.anything() })
    expect((await getProgress(enrollment.id, countyCoordinator)).status).toBe(404)
    expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(0)

    // A township coordinator sees neither the other county nor the neighbouring township.
    const gaoluo = await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.gaoluo.id })
    const gaoluoToken = await tokenFor(gaoluo.username)
    const { enrollment: zhelouLearner } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    expect((await postHours(zhelouLearner.id, gaoluoToken, body)).status).toBe(404)
    // An admin may write anywhere.
    const admin = await createTestUser(db, { role: 'admin' })
    expect((await postHours(enrollment.id, await tokenFor(admin.username), body)).status).toBe(201)
  })

  test('a learner or a bureau user posting hours is 403, even for their own enrollment; nothing is written', async () => {
    const db = getDb()
    const { person, enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const learner = await createTestUser(db, { role: 'learner', personId: person.id })
    const body = { category: 'self_study', minutes: 600, date: '2026-04-01', reason: '我自己加的' }
    const res = await postHours(enrollment.id, await tokenFor(learner.username), body)
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('forbidden')
    const bureau = await createTestUser(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    expect((await postHours(enrollment.id, await tokenFor(bureau.username), body)).status).toBe(403)
    expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(0)
  })
})

describe('progress', () => {
  test('a skills-plus-credential enrollment reports self-study-and-online (blocking, 360) and self-study-not-below-concentrated (advisory)', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    await postHours(enrollment.id, countyCoordinator, { category: 'concentrated', minutes: 360, date: '2026-04-10', reason: '集中授课补录' })
    const res = await getProgress(enrollment.id, countyCoordinator, '?asOf=2026-11-24')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      enrollmentId: enrollment.id,
      programCode: 'skills-credential',
      groupCode: world.groups.class.code,
      asOf: '2026-11-24',
      startDate: '2026-03-01',
      periodEnd: '2029-03-01',
      minutesPerHour: 45,
    })
    expectDocumented(ProgressResponse, res.body)
    const byCode = Object.fromEntries(res.body.requirements.map((r: { code: string }) => [r.code, r]))
    expect(byCode['self-study-and-online']).toMatchObject({
      requiredHours: 360,
      earnedHours: 0,
      met: false,
      blocking: true,
      label: expect.stringContaining('360'),
    })
    expect(byCode['self-study-not-below-concentrated']).toMatchObject({ requiredHours: 8, earnedHours: 0, met: false, blocking: false })
    for (const r of res.body.requirements)
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['code', 'label', 'requiredHours', 'earnedHours', 'met', 'blocking']))
    // A class without a teaching plan yet: no courses, no credits; the outcome says what is missing.
    expect(res.body.courses).toEqual([])
    expect(res.body.credits).toEqual({ earned: 0, required: 0 })
    expect(res.body.outcome).toEqual({ status: 'in_progress', reasons: ['思想品德评价尚未通过', '自学与线上学习还差 360.0 学时'] })
  })

  test('courses, credits and outcome follow the plan, results, exemptions and moral evaluation (api-v1.md Progress answer)', async () => {
    const db = getDb()
    const { major, courses } = await createPlan(db, world.programs.skills.id, [
      { name: '电子商务基础', credits: 6, kind: 'skill', tasks: ['网店开设作业'] },
      { name: '网店运营', credits: 5.5, kind: 'skill', tasks: [] },
      { name: '顶岗实习', credits: 10, kind: 'internship', tasks: [] },
    ])
    const group = { ...world.groups.class, id: newId(), code: `API-OUT-${newId().slice(0, 6)}`, majorId: major.id }
    await db.group.create({ data: group })
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group })
    const [basics, shop, internship] = courses
    await db.taskCompletion.create({
      data: { id: newId(), enrollmentId: enrollment.id, taskId: basics!.taskIds[0]!, source: 'coordinator', completedAt: new Date('2026-05-01T02:00:00Z') },
    })
    await db.courseResult.create({
      data: { id: newId(), enrollmentId: enrollment.id, courseId: basics!.id, score: 82, passed: true, createdAt: new Date('2026-06-01T02:00:00Z') },
    })
    await db.exemption.create({
      data: {
        id: newId(),
        enrollmentId: enrollment.id,
        courseId: internship!.id,
        basis: 'work_experience',
        mode: 'waive_internship',
        status: 'approved',
        reviewedAt: new Date('2026-06-02T02:00:00Z'),
      },
    })
    await db.exemption.create({
      data: {
        id: newId(),
        enrollmentId: enrollment.id,
        basis: 'competition_award',
        mode: 'credit',
        credits: 1.5,
        status: 'approved',
        reviewedAt: new Date('2026-06-03T02:00:00Z'),
      },
    })
    await db.moralEvaluation.create({ data: { id: newId(), enrollmentId: enrollment.id, passed: true, createdAt: new Date('2026-06-04T02:00:00Z') } })

    const res = await getProgress(enrollment.id, countyCoordinator, '?asOf=2026-11-24')
    expect(res.status).toBe(200)
    expectDocumented(ProgressResponse, res.body)
    expect(res.body.courses).toEqual([
      { code: basics!.code, name: '电子商务基础', credits: 6, kind: 'skill', state: 'passed', tasksComplete: true },
      { code: shop!.code, name: '网店运营', credits: 5.5, kind: 'skill', state: 'pending', tasksComplete: true },
      { code: internship!.code, name: '顶岗实习', credits: 10, kind: 'internship', state: 'waived', tasksComplete: true },
    ])
    expect(res.body.credits).toEqual({ earned: 17.5, required: 21.5 })
    expect(res.body.outcome).toEqual({ status: 'in_progress', reasons: ['还差 1 门课程未通过：网店运营', '自学与线上学习还差 360.0 学时'] })

    // As of a day before the result was recorded, the course is still pending.
    const earlier = await getProgress(enrollment.id, countyCoordinator, '?asOf=2026-05-31')
    expect(earlier.body.courses[0].state).toBe('pending')
    expect(earlier.body.credits).toEqual({ earned: 0, required: 21.5 })
  })

  test('a teacher-training enrollment reports round-hours and cycle-hours', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
    await postHours(enrollment.id, countyCoordinator, { category: 'school_based', minutes: 450, date: '2026-10-01', reason: '校本研修补录' })
    const res = await getProgress(enrollment.id, countyCoordinator, '?asOf=2026-11-24')
    expect(res.status).toBe(200)
    expect(res.body.programCode).toBe('teacher-training')
    expectDocumented(ProgressResponse, res.body)
    const byCode = Object.fromEntries(res.body.requirements.map((r: { code: string }) => [r.code, r]))
    expect(byCode['round-hours']).toMatchObject({ requiredHours: 40, earnedHours: 10, met: false, blocking: true })
    expect(byCode['cycle-hours']).toMatchObject({
      requiredHours: 360,
      earnedHours: 10,
      met: false,
      blocking: false,
      window: { start: '2026-01-01', end: '2030-12-31' },
    })
  })

  test('the person reads their own progress; another learner gets 404; bureau in scope reads, out of scope 404', async () => {
    const db = getDb()
    const { person, enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const me = await createTestUser(db, { role: 'learner', personId: person.id })
    const myToken = await tokenFor(me.username)
    expect((await getProgress(enrollment.id, myToken)).status).toBe(200)

    const { person: other, enrollment: theirs } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    expect((await getProgress(theirs.id, myToken)).status).toBe(404)
    const otherLearner = await createTestUser(db, { role: 'learner', personId: other.id })
    expect((await getProgress(enrollment.id, await tokenFor(otherLearner.username))).status).toBe(404)

    const bureau = await createTestUser(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const bureauToken = await tokenFor(bureau.username)
    expect((await getProgress(enrollment.id, bureauToken)).status).toBe(200)
    const { enrollment: elsewhere } = await createEnrolledPerson(db, { regionId: world.regions.otherTownship.id, group: world.groups.otherCountyClass })
    expect((await getProgress(elsewhere.id, bureauToken)).status).toBe(404)
  })

  test('asOf defaults to today in Beijing; a malformed asOf is 422 with fields.asOf', async () => {
    const { enrollment } = await createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    expect((await getProgress(enrollment.id, countyCoordinator)).body.asOf).toBe(today)
    for (const asOf of ['2026-13-01', '24.11.2026', '2026-11-24T00:00']) {
      const res = await getProgress(enrollment.id, countyCoordinator, `?asOf=${encodeURIComponent(asOf)}`)
      expect(res.status).toBe(422)
      expect(res.body.error.fields.asOf).toMatch(/YYYY-MM-DD/)
    }
  })
})

describe('the API itself', () => {
  test('openapi.json is OpenAPI 3.1 with the endpoints, bearer security, the error schema and the request schemas that validate', async () => {
    const res = await call(openapiRoute.loader as Handler, { path: '/api/v1/openapi.json' })
    expect(res.status).toBe(200)
    const doc = res.body
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/token', '/api/v1/enrollments/{id}/hours', '/api/v1/enrollments/{id}/progress', '/api/v1/openapi.json']),
    )
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }))
    expect(doc.security).toEqual([{ bearerAuth: [] }])
    expect(doc.paths['/api/v1/auth/token'].post.security).toEqual([])
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(
      expect.arrayContaining([
        'unauthenticated',
        'forbidden',
        'not_found',
        'validation_failed',
        'conflict',
        'not_eligible',
        'tasks_incomplete',
        'rate_limited',
      ]),
    )
    // The documented request body is the very schema the handler validates with.
    const { $schema: _s, ...hours } = z.toJSONSchema(HoursRequest, { io: 'input' }) as Record<string, unknown>
    expect(doc.components.schemas.HoursRequest).toEqual(hours)
    expect(doc.paths['/api/v1/enrollments/{id}/hours'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/HoursRequest',
    })
    expect(doc.paths['/api/v1/enrollments/{id}/progress'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['id', 'asOf'])
    // Every $ref points at a component that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1])
    expect(refs.length).toBeGreaterThan(5)
    for (const id of refs) expect(doc.components.schemas).toHaveProperty(id!)
  })

  test('unknown /api/v1 paths and wrong methods answer JSON errors', async () => {
    const res = await call(catchAll.loader as Handler, { path: '/api/v1/no-such-thing' })
    expect(res.status).toBe(404)
    expect(res.body.error).toEqual({ code: 'not_found', message: '没有这个接口：GET /api/v1/no-such-thing' })
    expect((await call(catchAll.action as Handler, { path: '/api/v1/people', body: {} })).status).toBe(404)
    const wrongMethod = await call(tokenRoute.loader as Handler, { path: '/api/v1/auth/token' })
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toBe('POST')
  })
})
