import { beijingDate } from '#app/domain/time.ts'
/**
 * Records of study against real PostgreSQL: enrolling one or many, task
 * completions, exam results refused while tasks are incomplete, moral
 * evaluation, withdrawal, early graduation — through the models, the API
 * route handlers and the coordinator's pages.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { makeIdNumber } from '#app/domain/id-number.ts'
import { ENROLL_GROUP_SELECT, enrollMany, enrollPerson, EnrollmentError } from '#app/models/enrollments.server.ts'
import { personRow } from '#app/models/people.server.ts'
import {
  completeTask,
  decideEarlyGraduation,
  recordMoralEvaluation,
  recordResult,
  requestEarlyGraduation,
  StudyRecordError,
  withdrawEnrollment,
} from '#app/models/study-records.server.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { translator } from '#app/i18n/index.ts'
import * as enrollmentsRoute from '#app/routes/api.v1.enrollments.ts'
import * as moralRoute from '#app/routes/api.v1.enrollments.$id.moral-evaluation.ts'
import * as resultsRoute from '#app/routes/api.v1.enrollments.$id.results.ts'
import * as taskRoute from '#app/routes/api.v1.enrollments.$id.tasks.$taskCode.complete.ts'
import * as withdrawRoute from '#app/routes/api.v1.enrollments.$id.withdraw.ts'
import * as personRoute from '#app/routes/api.v1.people.$id.ts'
import * as peopleRoute from '#app/routes/api.v1.people.ts'
import * as openapiRoute from '#app/routes/api.v1.openapi[.json].ts'
import { createSession } from '#app/auth/session.server.ts'
import * as enrollmentPage from '#app/routes/coordinator.enrollments.$enrollmentId.tsx'
import * as enrollPage from '#app/routes/coordinator.groups.$groupId_.enroll.tsx'
import * as learnerTask from '#app/routes/me_.tasks.$taskId.complete.tsx'
import * as learnerEarly from '#app/routes/me_.early-graduation.tsx'
import { callRoute, createPersonIn, createTestUser, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createPlanWithTasks, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

/**
 * Results, evaluations and requests in these tests are recorded now, and a fact counts only from
 * the Beijing day it was recorded: decisions are taken as of today, never a fixed date (which
 * broke this test at Beijing midnight).
 */
const recordedToday = () => beijingDate(new Date())

type Handler = (args: { request: Request; params: Record<string, string>; context: { ip: string } }) => Promise<Response>

async function call(handler: unknown, opts: { path: string; token?: string; body?: unknown; params?: Record<string, string>; method?: string }) {
  const headers: Record<string, string> = {}
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
  if (body !== undefined) headers['content-type'] = 'application/json'
  const request = new Request(`http://localhost${opts.path}`, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body })
  const response = await (handler as Handler)({ request, params: opts.params ?? {}, context: { ip: '127.0.0.9' } })
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  return { status: response.status, body: (await response.json()) as any }
}

async function tokenOf(db: ReturnType<typeof getDb>, opts: Parameters<typeof createTestUser>[1]) {
  const user = await createTestUser(db, opts)
  const { token } = await createSession(db, { userId: user.id, roles: [opts.role] })
  return { ...user, token }
}

const courseOf = (world: TrainingWorld) => ({ majorId: world.groups.class.majorId, programId: world.programs.skills.id })

/** A person with a chosen birth date and prior education (a valid ID number is made for it). */
let seq = 100
async function personBorn(
  db: ReturnType<typeof getDb>,
  regionId: string,
  birthDate: string,
  priorEducation: 'junior' | 'senior' | 'vocational' | 'none' | null = 'junior',
) {
  const idNumber = makeIdNumber({ regionCode: '522327', birthDate, sequence: seq++ })
  return db.person.create({ data: personRow({ name: `测试${seq}`, idNumber, regionId, kind: 'adult_learner', priorEducation }) })
}

let world: TrainingWorld
let plan: Awaited<ReturnType<typeof createPlanWithTasks>>
let county: { id: string; token: string }
let gaoluo: { id: string; token: string }
let bureau: { id: string; token: string }

beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db)
  plan = await createPlanWithTasks(db, {
    ...courseOf(world),
    courses: [
      { name: '网店运营', tasks: [{ name: '作业：写商品介绍' }, { name: '实操：上架一件商品', kind: 'practical' }] },
      { name: '普通话', kind: 'culture' },
    ],
  })
  county = await tokenOf(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
  gaoluo = await tokenOf(db, { role: 'coordinator', scopeRegionId: world.regions.gaoluo.id })
  bureau = await tokenOf(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
})

const learnerInClass = () => createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })

describe('exam results wait for the tasks', () => {
  test('model: refused naming the unfinished tasks; accepted once every task is complete; audited', async () => {
    const db = getDb()
    const { enrollment } = await learnerInClass()
    const [course] = plan
    const attempt = () => recordResult(db, { enrollmentId: enrollment.id, courseId: course!.id, score: 78, passed: true, actorId: county.id })

    const refused = await attempt().catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(StudyRecordError)
    expect((refused as StudyRecordError).problem).toEqual({
      code: 'tasks_incomplete',
      courseName: '网店运营',
      tasks: ['作业：写商品介绍', '实操：上架一件商品'],
    })

    await completeTask(db, { enrollmentId: enrollment.id, taskId: course!.tasks[0]!.id, source: 'coordinator', actorId: county.id })
    const stillRefused = (await attempt().catch((e: unknown) => e)) as StudyRecordError
    expect(stillRefused.problem).toEqual({ code: 'tasks_incomplete', courseName: '网店运营', tasks: ['实操：上架一件商品'] })
    expect(await db.courseResult.count({ where: { enrollmentId: enrollment.id } })).toBe(0)

    await completeTask(db, { enrollmentId: enrollment.id, taskId: course!.tasks[1]!.id, source: 'learner', actorId: null })
    const result = await attempt()
    expect(Number(result.score)).toBe(78)
    const audit = await db.auditEvent.findMany({ where: { entityId: { in: [result.id] } } })
    expect(audit).toMatchObject([{ action: 'result.record', actorId: county.id, scopePath: expect.stringContaining(world.regions.zhelou.code) }])
    expect(await db.auditEvent.count({ where: { action: 'task.complete', after: { path: ['enrollmentId'], equals: enrollment.id } } })).toBe(2)
  })

  test('a course without tasks takes a result at once; a course outside the plan is refused', async () => {
    const db = getDb()
    const { enrollment } = await learnerInClass()
    await expect(
      recordResult(db, { enrollmentId: enrollment.id, courseId: plan[1]!.id, score: 59.5, passed: false, actorId: county.id }),
    ).resolves.toMatchObject({ passed: false })
    const outside = await recordResult(db, {
      enrollmentId: enrollment.id,
      courseId: world.courses.course.id,
      score: 80,
      passed: true,
      actorId: county.id,
    }).catch((e: unknown) => e)
    expect((outside as StudyRecordError).problem.code).toBe('course_not_in_plan')
  })

  test('API: 409 tasks_incomplete with the Chinese refusal, 201 after the tasks are completed through the API (idempotently)', async () => {
    const db = getDb()
    const { enrollment } = await learnerInClass()
    const [course] = plan
    const post = (body: unknown) =>
      call(resultsRoute.action, { path: `/api/v1/enrollments/${enrollment.id}/results`, token: county.token, body, params: { id: enrollment.id } })
    const refused = await post({ courseCode: course!.code, score: 90, passed: true })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('tasks_incomplete')
    expect(refused.body.error.message).toBe('该课程还有作业/实操未完成：作业：写商品介绍、实操：上架一件商品')

    for (const task of course!.tasks) {
      const path = `/api/v1/enrollments/${enrollment.id}/tasks/${task.code}/complete`
      const first = await call(taskRoute.action, { path, token: county.token, body: {}, params: { id: enrollment.id, taskCode: task.code } })
      expect(first.status).toBe(200)
      expect(first.body).toMatchObject({ enrollmentId: enrollment.id, courseCode: course!.code, taskCode: task.code, created: true })
      const again = await call(taskRoute.action, { path, token: county.token, params: { id: enrollment.id, taskCode: task.code } })
      expect(again.status).toBe(200)
      expect(again.body.created).toBe(false)
    }
    expect(await db.taskCompletion.count({ where: { enrollmentId: enrollment.id } })).toBe(2)

    const accepted = await post({ courseCode: course!.code, score: 90, passed: true })
    expect(accepted.status).toBe(201)
    expect(accepted.body).toMatchObject({ enrollmentId: enrollment.id, courseCode: course!.code, score: 90, passed: true })

    const badScore = await post({ courseCode: course!.code, score: 101, passed: true })
    expect(badScore.status).toBe(422)
    expect(badScore.body.error.fields.score).toBeTruthy()
    const notInPlan = await post({ courseCode: world.courses.course.code, score: 60, passed: true })
    expect(notInPlan.status).toBe(422)
    expect(notInPlan.body.error.fields.courseCode).toBe('该课程不在本班的教学计划中。')
    const unknownTask = await call(taskRoute.action, { path: '/x', token: county.token, body: {}, params: { id: enrollment.id, taskCode: 'NO-SUCH' } })
    expect(unknownTask.status).toBe(404)
  })

  test("API: a learner completes their own task (source learner) but not someone else's (404)", async () => {
    const db = getDb()
    const mine = await learnerInClass()
    const other = await learnerInClass()
    const learner = await tokenOf(db, { role: 'learner', personId: mine.person.id })
    const task = plan[0]!.tasks[0]!
    const own = await call(taskRoute.action, { path: '/x', token: learner.token, body: {}, params: { id: mine.enrollment.id, taskCode: task.code } })
    expect(own.status).toBe(200)
    expect(await db.taskCompletion.findFirst({ where: { enrollmentId: mine.enrollment.id } })).toMatchObject({ source: 'learner', recordedById: learner.id })
    const theirs = await call(taskRoute.action, { path: '/x', token: learner.token, body: {}, params: { id: other.enrollment.id, taskCode: task.code } })
    expect(theirs.status).toBe(404)
    // A learner cannot record results.
    const result = await call(resultsRoute.action, {
      path: '/x',
      token: learner.token,
      body: { courseCode: plan[1]!.code, score: 90, passed: true },
      params: { id: mine.enrollment.id },
    })
    expect(result.status).toBe(403)
  })
})

describe('enrolling', () => {
  const group = async (id: string) => getDb().group.findUniqueOrThrow({ where: { id }, select: ENROLL_GROUP_SELECT })

  test('a second active enrollment in the same program is refused with the class named, also when both race', async () => {
    const db = getDb()
    const person = await personBorn(db, world.regions.zhelou.id, '1990-04-01')
    const first = await enrollPerson(db, { personId: person.id, group: await group(world.groups.class.id), startDate: '2026-03-01', actorId: county.id })
    expect(first).toMatchObject({ studyYears: 3, status: 'active' })
    expect(first.periodEnd?.toISOString().slice(0, 10)).toBe('2029-03-01')
    const second = await enrollPerson(db, {
      personId: person.id,
      group: await group(world.groups.otherCountyClass.id),
      startDate: '2026-03-02',
      actorId: county.id,
    }).catch((e: unknown) => e)
    expect(second).toBeInstanceOf(EnrollmentError)
    expect((second as EnrollmentError).refusal).toEqual({ code: 'active_in_program', groupName: '测试种植班' })

    // Two classes at once for someone new: the partial unique index lets one through and the other is refused, not a crash.
    const racer = await personBorn(db, world.regions.zhelou.id, '1991-04-01')
    const outcomes = await Promise.allSettled([
      enrollPerson(db, { personId: racer.id, group: await group(world.groups.class.id), startDate: '2026-03-01', actorId: county.id }),
      enrollPerson(db, { personId: racer.id, group: await group(world.groups.otherCountyClass.id), startDate: '2026-03-01', actorId: county.id }),
    ])
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult
    expect(rejected.reason).toBeInstanceOf(EnrollmentError)
    expect((rejected.reason as EnrollmentError).refusal.code).toBe('active_in_program')
    expect(await db.enrollment.count({ where: { personId: racer.id } })).toBe(1)
  })

  test('enrolling many reports each person: enrolled (1 or 3 years), already enrolled, too old, outside the scope', async () => {
    const db = getDb()
    const junior = await personBorn(db, world.regions.zhelou.id, '1988-06-01', 'junior')
    const senior = await personBorn(db, world.regions.gaoluo.id, '1995-06-01', 'senior')
    const old = await personBorn(db, world.regions.zhelou.id, '1960-01-01', 'none')
    const already = await learnerInClass()
    const foreign = await createPersonIn(db, world.regions.otherTownship.id)
    const scopes = [{ kind: 'region' as const, regionId: world.regions.county.id, code: '522327', name: '册亨县', path: world.regions.county.path }]
    const outcomes = await enrollMany(db, {
      personIds: [junior.id, senior.id, old.id, already.person.id, foreign.id],
      group: await group(world.groups.class.id),
      startDate: '2026-04-01',
      scopes,
      actorId: county.id,
    })
    expect(outcomes.map((o) => [o.personId, o.status])).toEqual([
      [junior.id, 'enrolled'],
      [senior.id, 'enrolled'],
      [old.id, 'refused'],
      [already.person.id, 'already_enrolled'],
      [foreign.id, 'refused'],
    ])
    expect(outcomes[2]).toMatchObject({ refusal: { code: 'too_old', age: 66 } })
    expect(outcomes[4]).toMatchObject({ refusal: { code: 'not_found' } })
    const rows = await db.enrollment.findMany({
      where: { personId: { in: [junior.id, senior.id, old.id, foreign.id] } },
      select: { personId: true, studyYears: true, periodEnd: true, policyVersion: true },
    })
    expect(rows).toHaveLength(2)
    expect(rows.find((r) => r.personId === junior.id)).toMatchObject({ studyYears: 3, periodEnd: new Date('2029-04-01T00:00:00Z') })
    expect(rows.find((r) => r.personId === senior.id)).toMatchObject({ studyYears: 1, periodEnd: new Date('2027-04-01T00:00:00Z') })
    expect(rows.every((r) => r.policyVersion)).toBe(true)
    expect(
      await db.auditEvent.count({
        where: {
          action: 'enrollment.create',
          entityId: { in: (outcomes.filter((o) => o.status === 'enrolled') as { enrollmentId: string }[]).map((o) => o.enrollmentId) },
        },
      }),
    ).toBe(2)
  })

  test('API: 201 with study years and period; a second class of the program 409; outside the window 422; out-of-scope 404', async () => {
    const db = getDb()
    const person = await personBorn(db, world.regions.zhelou.id, '1992-02-02', 'vocational')
    const post = (body: unknown, token = county.token) => call(enrollmentsRoute.action, { path: '/api/v1/enrollments', token, body })
    const early = await post({ personId: person.id, groupCode: world.groups.class.code, startDate: '2026-02-01' })
    expect(early.status).toBe(422)
    expect(early.body.error.fields.startDate).toBe('入学日期早于开班日期 2026年3月1日')
    const created = await post({ personId: person.id, groupCode: world.groups.class.code, startDate: '2026-03-10' })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({
      id: expect.any(String),
      personId: person.id,
      programCode: 'skills-credential',
      groupCode: world.groups.class.code,
      startDate: '2026-03-10',
      periodEnd: '2027-03-10',
      studyYears: 1,
      status: 'active',
    })
    const again = await post({ personId: person.id, groupCode: world.groups.class.code, startDate: '2026-03-10' })
    expect(again.status).toBe(409)
    expect(again.body.error.existingId).toBe(created.body.id)

    const admin = await tokenOf(db, { role: 'admin' })
    const second = await post({ personId: person.id, groupCode: world.groups.otherCountyClass.code, startDate: '2026-03-10' }, admin.token)
    expect(second.status).toBe(409)
    expect(second.body.error).toMatchObject({ code: 'conflict', message: '已在同一项目的 测试种植班 在读，不能同时在两个班' })

    const teacher = await createPersonIn(db, world.regions.zhelou.id, 'teacher')
    const round = await post({ personId: teacher.id, groupCode: world.groups.round.code, startDate: '2026-09-01' })
    expect(round.status).toBe(201)
    expect(round.body).toMatchObject({ programCode: 'teacher-training', periodEnd: '2026-12-31', studyYears: null })

    const otherCounty = await post({ personId: person.id, groupCode: world.groups.otherCountyClass.code, startDate: '2026-03-10' })
    expect(otherCounty.status).toBe(404)
    const outsidePerson = await post({ personId: person.id, groupCode: world.groups.class.code, startDate: '2026-03-10' }, gaoluo.token)
    expect(outsidePerson.status).toBe(404)
    expect((await post({ personId: person.id, groupCode: world.groups.class.code, startDate: '2026-03-10' }, bureau.token)).status).toBe(403)
  })
})

describe('withdrawal and moral evaluation', () => {
  test('model: one transaction sets the status and the row; twice is a conflict; dates outside the period refused', async () => {
    const db = getDb()
    const { enrollment } = await learnerInClass()
    const today = '2026-11-24'
    const bad = await withdrawEnrollment(db, { enrollmentId: enrollment.id, date: '2026-02-01', reason: '外出务工', today, actorId: county.id }).catch(
      (e: unknown) => e,
    )
    expect((bad as StudyRecordError).problem).toEqual({ code: 'withdrawal_date', problem: 'before_start' })
    const noReason = await withdrawEnrollment(db, { enrollmentId: enrollment.id, date: '2026-06-01', reason: '  ', today, actorId: county.id }).catch(
      (e: unknown) => e,
    )
    expect((noReason as StudyRecordError).problem.code).toBe('reason_required')
    expect((await db.enrollment.findUniqueOrThrow({ where: { id: enrollment.id } })).status).toBe('active')

    await withdrawEnrollment(db, { enrollmentId: enrollment.id, date: '2026-06-01', reason: '外出务工', today, actorId: county.id })
    expect((await db.enrollment.findUniqueOrThrow({ where: { id: enrollment.id } })).status).toBe('withdrawn')
    expect(await db.withdrawal.findUnique({ where: { enrollmentId: enrollment.id } })).toMatchObject({
      reason: '外出务工',
      withdrawnOn: new Date('2026-06-01T00:00:00Z'),
    })
    const twice = await withdrawEnrollment(db, { enrollmentId: enrollment.id, date: '2026-06-02', reason: '再次', today, actorId: county.id }).catch(
      (e: unknown) => e,
    )
    expect((twice as StudyRecordError).problem.code).toBe('already_withdrawn')
    expect(await db.auditEvent.count({ where: { action: 'enrollment.withdraw', entityId: enrollment.id } })).toBe(1)
    // Nothing more is recorded on a withdrawn enrollment.
    const moral = await recordMoralEvaluation(db, { enrollmentId: enrollment.id, passed: true, actorId: county.id }).catch((e: unknown) => e)
    expect((moral as StudyRecordError).problem).toEqual({ code: 'not_active', status: 'withdrawn' })
  })

  test('API: withdraw 200 then 409; moral evaluation 201; other township 404, bureau 403', async () => {
    const db = getDb()
    const { enrollment } = await learnerInClass()
    const params = { id: enrollment.id }
    const moral = await call(moralRoute.action, { path: '/x', token: county.token, body: { passed: true, note: '遵纪守法' }, params })
    expect(moral.status).toBe(201)
    expect(moral.body).toMatchObject({ enrollmentId: enrollment.id, passed: true, note: '遵纪守法' })
    expect(await db.auditEvent.count({ where: { action: 'moral.record', entityId: moral.body.id } })).toBe(1)

    expect((await call(moralRoute.action, { path: '/x', token: gaoluo.token, body: { passed: true }, params })).status).toBe(404)
    expect((await call(withdrawRoute.action, { path: '/x', token: gaoluo.token, body: { date: '2026-05-01', reason: '搬家' }, params })).status).toBe(404)
    expect(
      (await call(resultsRoute.action, { path: '/x', token: gaoluo.token, body: { courseCode: plan[1]!.code, score: 60, passed: true }, params })).status,
    ).toBe(404)
    expect((await call(taskRoute.action, { path: '/x', token: gaoluo.token, body: {}, params: { ...params, taskCode: plan[0]!.tasks[0]!.code } })).status).toBe(
      404,
    )
    expect((await call(moralRoute.action, { path: '/x', token: bureau.token, body: { passed: true }, params })).status).toBe(403)

    const future = await call(withdrawRoute.action, { path: '/x', token: county.token, body: { date: '2099-01-01', reason: '搬家' }, params })
    expect(future.status).toBe(422)
    expect(future.body.error.fields.date).toBeTruthy()
    const first = await call(withdrawRoute.action, { path: '/x', token: county.token, body: { date: '2026-05-01', reason: '搬家' }, params })
    expect(first.status).toBe(200)
    expect(first.body).toEqual({ enrollmentId: enrollment.id, status: 'withdrawn', date: '2026-05-01', reason: '搬家' })
    const second = await call(withdrawRoute.action, { path: '/x', token: county.token, body: { date: '2026-05-01', reason: '搬家' }, params })
    expect(second.status).toBe(409)
    expect(second.body.error).toMatchObject({ code: 'conflict', message: '此人已经退学，不能重复办理。' })
  })
})

describe('early graduation', () => {
  /** Every graduation condition met (tasks, results, moral evaluation, 360 学时) long before the period ends in 2029. */
  async function makeEligible(enrollmentId: string) {
    const db = getDb()
    for (const task of plan[0]!.tasks) await completeTask(db, { enrollmentId, taskId: task.id, source: 'coordinator', actorId: county.id })
    for (const course of plan) await recordResult(db, { enrollmentId, courseId: course.id, score: 85, passed: true, actorId: county.id })
    await recordMoralEvaluation(db, { enrollmentId, passed: true, actorId: county.id })
    await addHours(enrollmentId)
  }
  async function addHours(enrollmentId: string) {
    await getDb().$transaction(async (tx) => {
      for (let i = 0; i < 12; i++) {
        await appendHourEntry(tx, {
          enrollmentId,
          category: 'self_study',
          minutes: 1350,
          date: `2026-04-${String(i + 1).padStart(2, '0')}`,
          source: 'adjustment',
          createdById: county.id,
          reason: '补录',
        })
      }
    })
  }

  test('one pending request; approval refused once no longer eligible (reasons given); rejection needs a reason and is final', async () => {
    const db = getDb()
    const { enrollment } = await learnerInClass()
    await makeEligible(enrollment.id)
    const a = await requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: county.id })
    const b = await requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: county.id })
    expect(a.created).toBe(true)
    expect(b).toMatchObject({ created: false, request: { id: a.request.id } })

    // A later failed moral evaluation: the outcome no longer allows graduating.
    await recordMoralEvaluation(db, { enrollmentId: enrollment.id, passed: false, actorId: county.id })
    const approve = await decideEarlyGraduation(db, { requestId: a.request.id, approve: true, asOf: recordedToday(), actorId: county.id }).catch(
      (e: unknown) => e,
    )
    expect((approve as StudyRecordError).problem.code).toBe('not_eligible')
    expect(((approve as StudyRecordError).problem as { reasons: string[] }).reasons.length).toBeGreaterThan(0)
    const noReason = await decideEarlyGraduation(db, { requestId: a.request.id, approve: false, asOf: recordedToday(), actorId: county.id }).catch(
      (e: unknown) => e,
    )
    expect((noReason as StudyRecordError).problem.code).toBe('reason_required')
    await expect(
      decideEarlyGraduation(db, { requestId: a.request.id, approve: false, reason: '品德评价未通过', asOf: recordedToday(), actorId: county.id }),
    ).resolves.toEqual({
      id: a.request.id,
      status: 'rejected',
    })
    const again = await decideEarlyGraduation(db, { requestId: a.request.id, approve: false, reason: '再次', asOf: recordedToday(), actorId: county.id }).catch(
      (e: unknown) => e,
    )
    expect((again as StudyRecordError).problem.code).toBe('request_decided')
    expect(await db.auditEvent.findMany({ where: { entityId: a.request.id }, select: { action: true }, orderBy: { id: 'asc' } })).toEqual([
      { action: 'early_graduation.request' },
      { action: 'early_graduation.reject' },
    ])
  })

  test('the model refuses an application while not eligible (with the reasons) and after a rejection, even once eligible again (in Chinese)', async () => {
    const db = getDb()
    const { enrollment } = await learnerInClass()
    const early = await requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: county.id }).catch((e: unknown) => e)
    expect(early).toBeInstanceOf(StudyRecordError)
    expect((early as StudyRecordError).problem.code).toBe('not_eligible')
    expect((early as StudyRecordError).kind).toBe('not_eligible')
    await makeEligible(enrollment.id)
    const { request } = await requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: county.id })
    await decideEarlyGraduation(db, { requestId: request.id, approve: false, reason: '材料不全', asOf: recordedToday(), actorId: county.id })

    const resent = await requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: county.id }).catch((e: unknown) => e)
    expect(resent).toBeInstanceOf(StudyRecordError)
    expect((resent as StudyRecordError).problem).toEqual({ code: 'early_rejected' })
    expect((resent as StudyRecordError).kind).toBe('conflict')
    expect((resent as StudyRecordError).describe(translator('zh-CN'))).toBe('提前毕业申请已被驳回，不能再次申请；修业期满后即可毕业。')
    expect(await db.earlyGraduationRequest.findMany({ where: { enrollmentId: enrollment.id }, select: { status: true } })).toEqual([{ status: 'rejected' }])
  })

  test('approved once the outcome is eligible_for_graduation: moral passed, every plan course passed, 360 学时 of self-study and online', async () => {
    const db = getDb()
    const { enrollment } = await learnerInClass()
    for (const task of plan[0]!.tasks) await completeTask(db, { enrollmentId: enrollment.id, taskId: task.id, source: 'coordinator', actorId: county.id })
    for (const course of plan) await recordResult(db, { enrollmentId: enrollment.id, courseId: course.id, score: 85, passed: true, actorId: county.id })
    await recordMoralEvaluation(db, { enrollmentId: enrollment.id, passed: true, actorId: county.id })
    // Still 360 学时 short: the application itself is refused with the outcome's reason.
    const short = (await requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: county.id }).catch((e: unknown) => e)) as StudyRecordError
    expect(short.problem.code).toBe('not_eligible')
    expect((short.problem as { reasons: string[] }).reasons.join('')).toContain('学时')
    await addHours(enrollment.id)
    const { request } = await requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: county.id })
    await expect(decideEarlyGraduation(db, { requestId: request.id, approve: true, asOf: recordedToday(), actorId: county.id })).resolves.toEqual({
      id: request.id,
      status: 'approved',
    })
    expect(await db.earlyGraduationRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: 'approved', reviewedById: county.id })
    // Asking again answers the approved one (api-v1.md), nothing new.
    await expect(requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: county.id })).resolves.toMatchObject({
      created: false,
      request: { id: request.id, status: 'approved' },
    })
  })
})

describe('API people', () => {
  const valid = () => ({
    name: '王小明',
    idNumber: makeIdNumber({ regionCode: '522327', birthDate: '1990-01-01', sequence: seq++ }),
    regionCode: '522327001',
    kind: 'adult_learner',
    priorEducation: 'junior',
  })

  test('201 masked; bad ID number 422 on idNumber; duplicate 409 with existingId; region out of scope 422; GET in scope 200, outside 404', async () => {
    const body = valid()
    const created = await call(peopleRoute.action, { path: '/api/v1/people', token: county.token, body })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ id: expect.any(String), name: '王小明', idNumberMasked: expect.stringMatching(/^5223\*+\d{3}[\dX]$/) })

    const badCheck = body.idNumber.slice(0, 17) + (body.idNumber[17] === '0' ? '1' : '0')
    const bad = await call(peopleRoute.action, { path: '/api/v1/people', token: county.token, body: { ...valid(), idNumber: badCheck } })
    expect(bad.status).toBe(422)
    expect(bad.body.error.code).toBe('validation_failed')
    expect(bad.body.error.fields.idNumber).toMatch(/校验|最后一位/)
    const short = await call(peopleRoute.action, { path: '/api/v1/people', token: county.token, body: { ...valid(), idNumber: '52232719900101' } })
    expect(short.status).toBe(422)
    expect(short.body.error.fields.idNumber).toBeTruthy()

    const duplicate = await call(peopleRoute.action, { path: '/api/v1/people', token: county.token, body: { ...body, name: '王晓明' } })
    expect(duplicate.status).toBe(409)
    expect(duplicate.body.error).toMatchObject({ code: 'conflict', existingId: created.body.id })

    const foreignRegion = await call(peopleRoute.action, { path: '/api/v1/people', token: gaoluo.token, body: valid() })
    expect(foreignRegion.status).toBe(422)
    expect(foreignRegion.body.error.fields.regionCode).toBeTruthy()

    const read = await call(personRoute.loader, { path: '/x', token: county.token, params: { id: created.body.id } })
    expect(read.status).toBe(200)
    expect(read.body).toEqual({
      id: created.body.id,
      name: '王小明',
      idNumberMasked: created.body.idNumberMasked,
      regionCode: '522327001',
      kind: 'adult_learner',
      priorEducation: 'junior',
    })
    expect((await call(personRoute.loader, { path: '/x', token: gaoluo.token, params: { id: created.body.id } })).status).toBe(404)
    expect((await call(personRoute.loader, { path: '/x', token: bureau.token, params: { id: created.body.id } })).status).toBe(403)
    expect(await getDb().auditEvent.count({ where: { action: 'person.create', entityId: created.body.id } })).toBe(1)
  })

  test('the OpenAPI document describes the new operations', async () => {
    const doc = await call(openapiRoute.loader, { path: '/api/v1/openapi.json' })
    for (const path of [
      '/api/v1/people',
      '/api/v1/people/{id}',
      '/api/v1/enrollments',
      '/api/v1/enrollments/{id}/results',
      '/api/v1/enrollments/{id}/withdraw',
    ]) {
      expect(doc.body.paths[path], path).toBeTruthy()
    }
    expect(doc.body.components.schemas.ResultRequest.required).toEqual(['courseCode', 'score', 'passed'])
  })
})

describe('coordinator pages and the learner action', () => {
  const form = (entries: [string, string][]) => new URLSearchParams(entries)

  test('enrollment page: the refusal shown in Chinese, the result recorded after ticking the tasks; other township 404', async () => {
    const db = getDb()
    const { enrollment } = await learnerInClass()
    const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const outsider = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.gaoluo.id })
    const url = `/coordinator/enrollments/${enrollment.id}`
    const params = { enrollmentId: enrollment.id }
    const [course] = plan
    const post = (entries: [string, string][], cookie = coord.cookie) =>
      callRoute(enrollmentPage.action, { url, cookie, params, method: 'POST', body: form(entries) })

    const refused = await post([
      ['intent', 'result'],
      ['courseId', course!.id],
      ['score', '88'],
      ['passed', 'true'],
    ])
    expect(refused.status).toBe(409)
    expect((refused.value as { data: { message: string } }).data.message).toBe('该课程还有作业/实操未完成：作业：写商品介绍、实操：上架一件商品')

    for (const task of course!.tasks)
      expect(
        (
          await post([
            ['intent', 'task'],
            ['taskId', task.id],
          ])
        ).status,
      ).toBe(200)
    expect(
      (
        await post([
          ['intent', 'result'],
          ['courseId', course!.id],
          ['score', '88'],
          ['passed', 'true'],
        ])
      ).status,
    ).toBe(200)
    expect(
      (
        await post([
          ['intent', 'moral'],
          ['passed', 'true'],
        ])
      ).status,
    ).toBe(200)
    const noConfirm = await post([
      ['intent', 'withdraw'],
      ['date', '2026-05-01'],
      ['reason', '外出务工'],
    ])
    expect(noConfirm.status).toBe(422)

    const page = await callRoute(enrollmentPage.loader, { url, cookie: coord.cookie, params })
    expect(page.status).toBe(200)
    const loaded = page.value as Awaited<ReturnType<typeof enrollmentPage.loader>>
    expect(loaded.courses.find((c) => c.id === course!.id)).toMatchObject({ tasksComplete: true, latestResult: { score: 88, passed: true } })
    expect(loaded.moral).toMatchObject({ passed: true })

    expect((await callRoute(enrollmentPage.loader, { url, cookie: outsider.cookie, params })).status).toBe(404)
    expect(
      (
        await post(
          [
            ['intent', 'moral'],
            ['passed', 'false'],
          ],
          outsider.cookie,
        )
      ).status,
    ).toBe(404)
    expect(await db.moralEvaluation.count({ where: { enrollmentId: enrollment.id } })).toBe(1)
  })

  test('enroll page: only people in scope and not yet in the class are listed; one submit reports each person', async () => {
    const db = getDb()
    const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const fresh = await personBorn(db, world.regions.gaoluo.id, '1993-03-03', 'senior')
    const tooYoung = await personBorn(db, world.regions.gaoluo.id, '2012-03-03', 'none')
    const inClass = await learnerInClass()
    const foreign = await createPersonIn(db, world.regions.otherTownship.id)
    const url = `/coordinator/groups/${world.groups.class.id}/enroll`
    const params = { groupId: world.groups.class.id }
    const list = await callRoute(enrollPage.loader, { url: `${url}?region=${world.regions.gaoluo.id}`, cookie: coord.cookie, params })
    const ids = (list.value as Awaited<ReturnType<typeof enrollPage.loader>>).people.map((p) => p.id)
    expect(ids).toEqual(expect.arrayContaining([fresh.id, tooYoung.id]))
    expect(ids).not.toContain(inClass.person.id)
    expect(ids).not.toContain(foreign.id)

    const res = await callRoute(enrollPage.action, {
      url,
      cookie: coord.cookie,
      params,
      method: 'POST',
      body: form([
        ['startDate', '2026-05-01'],
        ['personId', fresh.id],
        ['personId', tooYoung.id],
        ['personId', inClass.person.id],
        ['personId', foreign.id],
      ]),
    })
    expect(res.status).toBe(200)
    const results = (res.value as { results: { personId: string; status: string; message: string | null }[] }).results
    expect(results.map((r) => [r.personId, r.status])).toEqual([
      [fresh.id, 'enrolled'],
      [tooYoung.id, 'refused'],
      [inClass.person.id, 'already_enrolled'],
      [foreign.id, 'refused'],
    ])
    expect(results[1]!.message).toBe('入学时未满 15 周岁（14 岁），双提升招收 15 至 59 周岁的劳动者')
    expect(await db.enrollment.findFirst({ where: { personId: fresh.id } })).toMatchObject({ studyYears: 1 })

    const outside = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.otherCounty.id })
    expect((await callRoute(enrollPage.loader, { url, cookie: outside.cookie, params })).status).toBe(404)
  })

  test('learner action: completes their own task and returns to /me/courses; a task outside their plan is 404', async () => {
    const db = getDb()
    const { person, enrollment } = await learnerInClass()
    const learner = await createUserWithSession(db, { role: 'learner', personId: person.id })
    const task = plan[0]!.tasks[1]!
    const res = await callRoute(learnerTask.action, {
      url: `/me/tasks/${task.id}/complete`,
      cookie: learner.cookie,
      params: { taskId: task.id },
      method: 'POST',
      body: form([]),
    })
    expect(res.status).toBe(302)
    expect((res.value as Response).headers.get('location')).toBe(`/me/courses?taskDone=${task.id}`)
    expect(await db.taskCompletion.findFirst({ where: { enrollmentId: enrollment.id, taskId: task.id } })).toMatchObject({ source: 'learner' })
    const stranger = await createPlanWithTasks(db, {
      majorId: (await db.major.create({ data: { id: `m${seq++}x`, code: `other-${seq}`, name: '刺绣' } })).id,
      programId: world.programs.skills.id,
      courses: [{ name: '刺绣基础', tasks: [{ name: '作业：绣一朵花' }] }],
    })
    const foreignTask = stranger[0]!.tasks[0]!
    const refused = await callRoute(learnerTask.action, {
      url: '/x',
      cookie: learner.cookie,
      params: { taskId: foreignTask.id },
      method: 'POST',
      body: form([]),
    })
    expect(refused.status).toBe(404)
  })

  test("learner early-graduation application: refused while not eligible, one pending request once eligible; someone else's enrollment 404", async () => {
    const db = getDb()
    const { person, enrollment } = await learnerInClass()
    const other = await learnerInClass()
    const learner = await createUserWithSession(db, { role: 'learner', personId: person.id })
    const apply = (enrollmentId: string) =>
      callRoute(learnerEarly.action, {
        url: '/me/early-graduation',
        cookie: learner.cookie,
        method: 'POST',
        body: form([
          ['enrollmentId', enrollmentId],
          ['redirectTo', '/me/courses'],
        ]),
      })
    const early = await apply(enrollment.id)
    expect((early.value as Response).headers.get('location')).toBe('/me/courses?early=not_eligible')
    expect(await db.earlyGraduationRequest.count({ where: { enrollmentId: enrollment.id } })).toBe(0)

    for (const task of plan[0]!.tasks) await completeTask(db, { enrollmentId: enrollment.id, taskId: task.id, source: 'learner', actorId: learner.id })
    for (const course of plan) await recordResult(db, { enrollmentId: enrollment.id, courseId: course.id, score: 80, passed: true, actorId: county.id })
    await recordMoralEvaluation(db, { enrollmentId: enrollment.id, passed: true, actorId: county.id })
    await db.$transaction(async (tx) => {
      for (let i = 0; i < 12; i++) {
        await appendHourEntry(tx, {
          enrollmentId: enrollment.id,
          category: 'online',
          minutes: 1350,
          date: `2026-05-${String(i + 1).padStart(2, '0')}`,
          source: 'adjustment',
          createdById: county.id,
          reason: '补录',
        })
      }
    })
    for (let i = 0; i < 2; i++) expect(((await apply(enrollment.id)).value as Response).headers.get('location')).toBe('/me/courses?early=applied')
    expect(await db.earlyGraduationRequest.findMany({ where: { enrollmentId: enrollment.id }, select: { status: true, requestedById: true } })).toEqual([
      { status: 'pending', requestedById: learner.id },
    ])
    expect((await apply(other.enrollment.id)).status).toBe(404)
  })
})
