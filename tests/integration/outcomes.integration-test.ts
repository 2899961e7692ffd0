/**
 * Outcomes through loadProgress against real rows: course states (latest
 * re-sit, 免修, waived internship), credits (awards; pending and rejected
 * applications count nothing), moral evaluation, early graduation, 结业 after
 * the period, withdrawal, teacher rounds; the learner's course page and the
 * coordinator's class board with its filters and scope.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import { loadEnrollmentProgress, loadProgress } from '#app/models/progress.server.ts'
import { loader as boardLoader } from '#app/routes/coordinator.groups.$groupId_.board.tsx'
import { loader as coursesLoader } from '#app/routes/me_.courses.tsx'
import type { Db } from '#app/utils/db.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createPlan } from '#tests/fixtures/outcomes.ts'
import { createEnrolledPerson, createTrainingWorld, enroll, type TrainingWorld } from '#tests/fixtures/training.ts'
import { createPersonIn } from '#tests/fixtures/db.ts'

const TODAY = '2026-11-24'
const H = 45
let world: TrainingWorld
let plan: Awaited<ReturnType<typeof createPlan>>
let group: TrainingWorld['groups']['class'] & { majorId: string }
const at = (d: string) => new Date(`${d}T02:00:00Z`)

async function hours(db: Db, enrollmentId: string, entries: [category: 'self_study' | 'online' | 'concentrated', minutes: number, date: string][]) {
  await db.$transaction(async (tx) => {
    for (const [category, minutes, date] of entries) {
      await appendHourEntry(tx, { enrollmentId, category, minutes, date, source: 'transfer', reason: '测试补录', createdById: null })
    }
  })
}

async function completeAllTasks(db: Db, enrollmentId: string) {
  const taskIds = plan.courses.flatMap((c) => c.taskIds)
  await db.taskCompletion.createMany({
    data: taskIds.map((taskId) => ({ id: newId(), enrollmentId, taskId, source: 'coordinator' as const, completedAt: at('2026-04-01') })),
  })
}

async function result(db: Db, enrollmentId: string, courseIndex: number, passed: boolean, day: string) {
  await db.courseResult.create({
    data: { id: newId(), enrollmentId, courseId: plan.courses[courseIndex]!.id, score: passed ? 78 : 41, passed, createdAt: at(day) },
  })
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(`${TODAY}T06:00:00Z`) })
  const db = getDb()
  world = await createTrainingWorld(db)
  plan = await createPlan(db, world.programs.skills.id, [
    { name: '读写算', credits: 4, kind: 'culture', tasks: ['记账练习'] },
    { name: '电子商务基础', credits: 6, kind: 'skill', tasks: ['开网店作业', '拍商品照片'] },
    { name: '网店运营', credits: 5.5, kind: 'skill', tasks: [] },
    { name: '顶岗实习', credits: 10, kind: 'internship', tasks: [] },
  ])
  group = { ...world.groups.class, id: newId(), code: `OUT-${newId().slice(0, 6)}`, majorId: plan.major.id }
  await db.group.create({ data: group })
})

afterAll(() => {
  vi.useRealTimers()
})

describe('a class learner', () => {
  let enrollmentId: string
  let personId: string

  beforeAll(async () => {
    const db = getDb()
    const { enrollment, person } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group })
    enrollmentId = enrollment.id
    personId = person.id
    await completeAllTasks(db, enrollmentId)
    await result(db, enrollmentId, 0, true, '2026-06-01')
    // 电子商务基础: failed in June, passed the re-sit in August — the latest counts.
    await result(db, enrollmentId, 1, false, '2026-06-01')
    await result(db, enrollmentId, 1, true, '2026-08-01')
    const exemption = (data: Record<string, unknown>) =>
      db.exemption.create({
        data: {
          id: newId(),
          enrollmentId,
          basis: 'skill_certificate',
          mode: 'exempt_study',
          status: 'approved',
          reviewedAt: at('2026-07-01'),
          ...data,
        } as never,
      })
    await exemption({ courseId: plan.courses[2]!.id, certificateNo: 'DS-2026-001' })
    await exemption({ courseId: plan.courses[3]!.id, basis: 'work_experience', mode: 'waive_internship' })
    await exemption({ courseId: null, basis: 'competition_award', mode: 'credit', credits: 2 })
    await exemption({ courseId: null, basis: 'innovation', mode: 'credit', credits: 3, status: 'rejected' })
    await exemption({ courseId: null, basis: 'innovation', mode: 'credit', credits: 4, status: 'pending', reviewedAt: null })
    await db.moralEvaluation.create({ data: { id: newId(), enrollmentId, passed: false, createdAt: at('2026-05-01') } })
    await db.moralEvaluation.create({ data: { id: newId(), enrollmentId, passed: true, createdAt: at('2026-09-01') } })
    await hours(db, enrollmentId, [
      ['self_study', 200 * H, '2026-06-10'],
      ['online', 160 * H, '2026-07-10'],
    ])
  })

  test('course states, credits and outcome: eligible before the period ends, early graduation to apply for', async () => {
    const p = (await loadEnrollmentProgress(getDb(), enrollmentId, TODAY))!
    expect(p.courses.map((c) => [c.name, c.state, c.tasksComplete])).toEqual([
      ['读写算', 'passed', true],
      ['电子商务基础', 'passed', true],
      ['网店运营', 'exempted', true],
      ['顶岗实习', 'waived', true],
    ])
    // 4 + 6 + 5.5 + 10 from the plan, + 2 from the approved award; rejected and pending count nothing.
    expect(p.credits).toEqual({ earned: 27.5, required: 25.5, fromAwards: 2 })
    expect(p.outcome.status).toBe('eligible_for_graduation')
    expect(p.outcome.earlyGraduation).toBe('needed')
    expect(p.outcome.reasons).toEqual(['已达到全部毕业条件', '修业期到 2029年3月1日，想提前毕业需先申请'])
    // Existing callers keep their fields.
    expect(p.evaluation.requirements.find((r) => r.code === 'self-study-and-online')).toMatchObject({ met: true, earnedHours: 360 })
  })

  test('as of an earlier day, later records do not count yet (the failed first sitting, the failed moral evaluation)', async () => {
    const p = (await loadEnrollmentProgress(getDb(), enrollmentId, '2026-06-15'))!
    expect(p.courses.map((c) => c.state)).toEqual(['passed', 'failed', 'pending', 'pending'])
    expect(p.credits).toEqual({ earned: 4, required: 25.5, fromAwards: 0 })
    expect(p.outcome).toMatchObject({ status: 'in_progress' })
    expect(p.outcome.reasons).toEqual([
      '思想品德评价不合格',
      '还差 3 门课程未通过：电子商务基础、网店运营、顶岗实习',
      '1 门考试未通过，可以补考：电子商务基础',
      '自学与线上学习还差 160.0 学时',
    ])
  })

  test('the learner sees each course state, credits and the outcome on /me/courses', async () => {
    const user = await createUserWithSession(getDb(), { role: 'learner', personId })
    const res = await callRoute(coursesLoader, { url: '/me/courses', cookie: user.cookie })
    expect(res.status).toBe(200)
    const { cards } = res.value as Awaited<ReturnType<typeof coursesLoader>>
    const card = cards.find((c) => c.id === enrollmentId)!
    expect(card.courses.map((c) => `${c.name} ${c.stateLabel}`)).toEqual(['读写算 已通过', '电子商务基础 已通过', '网店运营 已免修', '顶岗实习 已免'])
    expect(card.credits).toMatchObject({ earned: 27.5, required: 25.5 })
    expect(card.outcome).toMatchObject({ label: '可毕业', reasons: ['已达到全部毕业条件', '修业期到 2029年3月1日，想提前毕业需先申请'] })
  })

  test('an approved early-graduation request is reported', async () => {
    const db = getDb()
    await db.earlyGraduationRequest.create({
      data: { id: newId(), enrollmentId, status: 'approved', reviewedAt: at('2026-11-20'), createdAt: at('2026-11-10') },
    })
    const p = (await loadEnrollmentProgress(db, enrollmentId, TODAY))!
    expect(p.outcome.earlyGraduation).toBe('approved')
    expect(p.outcome.reasons).toContain('提前毕业申请已批准')
    // Decided after the asOf day: still pending then.
    expect((await loadEnrollmentProgress(db, enrollmentId, '2026-11-15'))!.outcome.earlyGraduation).toBe('pending')
  })
})

describe('after the period and withdrawal', () => {
  test('a one-year learner whose period ended with hours short: 结业 with the reasons', async () => {
    const db = getDb()
    const oldClass = { ...group, id: newId(), code: `OUT-OLD-${newId().slice(0, 6)}`, startDate: new Date('2025-03-01T00:00:00Z') }
    await db.group.create({ data: oldClass })
    const person = await createPersonIn(db, world.regions.zhelou.id)
    const enrollment = await enroll(db, { personId: person.id, group: oldClass, studyYears: 1 })
    await completeAllTasks(db, enrollment.id)
    for (const i of [0, 1, 2, 3]) await result(db, enrollment.id, i, true, '2026-01-10')
    await db.moralEvaluation.create({ data: { id: newId(), enrollmentId: enrollment.id, passed: true, createdAt: at('2026-01-10') } })
    await hours(db, enrollment.id, [
      ['self_study', 100 * H, '2025-06-01'],
      ['online', 200 * H, '2026-04-01'],
    ]) // the online hours are after the period
    const p = (await loadEnrollmentProgress(db, enrollment.id, TODAY))!
    expect(p.facts.periodEnd).toBe('2026-03-01')
    expect(p.outcome.status).toBe('completion')
    expect(p.outcome.reasons).toEqual(['修业期已于 2026年3月1日 结束', '自学与线上学习还差 260.0 学时'])
  })

  test('a withdrawn learner: withdrawn with the date and reason, from the day of withdrawal', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group })
    await db.withdrawal.create({ data: { id: newId(), enrollmentId: enrollment.id, withdrawnOn: new Date('2026-09-15T00:00:00Z'), reason: '外出务工' } })
    await db.enrollment.update({ where: { id: enrollment.id }, data: { status: 'withdrawn' } })
    const progress = await loadProgress(db, [enrollment.id], TODAY)
    expect(progress.get(enrollment.id)!.outcome).toMatchObject({
      status: 'withdrawn',
      reasons: ['已于 2026年9月15日 退学', '退学原因：外出务工', '可领取写实性学习证明'],
    })
  })
})

describe('teacher rounds', () => {
  test('complete with 40 学时; short: in progress while the round runs, incomplete after it ended; no courses or credits', async () => {
    const db = getDb()
    const done = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
    const short = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
    await hours(db, done.enrollment.id, [['concentrated', 40 * H, '2026-10-10']])
    await hours(db, short.enrollment.id, [['concentrated', 10 * H, '2026-10-10']])
    const now = await loadProgress(db, [done.enrollment.id, short.enrollment.id], TODAY)
    expect(now.get(done.enrollment.id)!).toMatchObject({
      courses: [],
      credits: { earned: 0, required: 0 },
      outcome: { status: 'round_complete', reasons: ['本轮学时已修满'] },
    })
    expect(now.get(short.enrollment.id)!.outcome).toMatchObject({ status: 'in_progress', reasons: ['本轮培训还差 30.0 学时'] })
    const later = await loadEnrollmentProgress(db, short.enrollment.id, '2027-01-05')
    expect(later!.outcome).toMatchObject({ status: 'round_incomplete', reasons: ['本轮培训已于 2026年12月31日 结束', '本轮培训还差 30.0 学时'] })
  })
})

describe('class board', () => {
  test("each learner's outcome and reasons; 可毕业 and 有结业风险 filters; another county's class is 404", async () => {
    const db = getDb()
    const boardGroup = { ...group, id: newId(), code: `OUT-BRD-${newId().slice(0, 6)}` }
    await db.group.create({ data: boardGroup })
    const ready = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: boardGroup })
    await completeAllTasks(db, ready.enrollment.id)
    for (const i of [0, 1, 2, 3]) await result(db, ready.enrollment.id, i, true, '2026-10-01')
    await db.moralEvaluation.create({ data: { id: newId(), enrollmentId: ready.enrollment.id, passed: true, createdAt: at('2026-10-01') } })
    await hours(db, ready.enrollment.id, [['online', 360 * H, '2026-09-01']])
    const behind = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: boardGroup })

    const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const board = async (query = '') => {
      const res = await callRoute(boardLoader, {
        url: `/coordinator/groups/${boardGroup.id}/board${query}`,
        cookie: coordinator.cookie,
        params: { groupId: boardGroup.id },
      })
      expect(res.status).toBe(200)
      return res.value as Awaited<ReturnType<typeof boardLoader>>
    }
    const all = await board()
    expect(all.counts).toEqual({ eligible: 1, atRisk: 1, completion: 0, withdrawn: 0, roundComplete: 0, roundIncomplete: 0, inProgress: 1 })
    const byId = Object.fromEntries(all.rows.map((r) => [r.enrollmentId, r]))
    expect(byId[ready.enrollment.id]!.outcome).toMatchObject({ status: 'eligible_for_graduation', label: '可毕业' })
    expect(byId[behind.enrollment.id]!).toMatchObject({ atRisk: true, outcome: { status: 'in_progress' } })
    expect(byId[behind.enrollment.id]!.outcome.reasons).toEqual([
      '思想品德评价尚未通过',
      '还差 4 门课程未通过：读写算、电子商务基础、网店运营、顶岗实习',
      '自学与线上学习还差 360.0 学时',
    ])
    expect((await board('?show=eligible')).rows.map((r) => r.enrollmentId)).toEqual([ready.enrollment.id])
    expect((await board('?show=at_risk')).rows.map((r) => r.enrollmentId)).toEqual([behind.enrollment.id])

    const elsewhere = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.otherCounty.id })
    const res = await callRoute(boardLoader, {
      url: `/coordinator/groups/${boardGroup.id}/board`,
      cookie: elsewhere.cookie,
      params: { groupId: boardGroup.id },
    })
    expect(res.status).toBe(404)
  })
})
