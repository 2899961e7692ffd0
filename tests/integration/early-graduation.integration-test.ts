/**
 * Issue 9 "Must show 3": the early-graduation rule (mayApplyForEarlyGraduation) is checked
 * where every entry point passes, the model. A learner whose application was rejected posts
 * again past the UI — through the learner's route and through the coordinator's enrollment
 * page, each with a real session — and is refused with a Chinese message; no second request
 * is made.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { translate } from '#app/i18n/index.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import { completeTask, recordMoralEvaluation, recordResult, requestEarlyGraduation, StudyRecordError } from '#app/models/study-records.server.ts'
import * as enrollmentPage from '#app/routes/coordinator.enrollments.$enrollmentId.tsx'
import * as learnerEarly from '#app/routes/me_.early-graduation.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createPlanWithTasks, createSignedInLearner, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const REFUSAL = '提前毕业申请已被驳回，不能再次申请；修业期满后即可毕业。'

let world: TrainingWorld
let plan: Awaited<ReturnType<typeof createPlanWithTasks>>
let coordinator: Awaited<ReturnType<typeof createUserWithSession>>

beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db)
  plan = await createPlanWithTasks(db, {
    majorId: world.groups.class.majorId,
    programId: world.programs.skills.id,
    courses: [
      { name: '网店运营', tasks: [{ name: '作业：写商品介绍' }] },
      { name: '普通话', kind: 'culture' },
    ],
  })
  coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
})

const form = (entries: [string, string][]) => new URLSearchParams(entries)

/** A signed-in learner of the class who meets every graduation condition in 2026, long before the period ends (2029). */
async function eligibleLearner() {
  const db = getDb()
  const learner = await createSignedInLearner(db, world)
  const enrollmentId = learner.enrollment.id
  for (const task of plan[0]!.tasks) await completeTask(db, { enrollmentId, taskId: task.id, source: 'learner', actorId: learner.user.id })
  for (const course of plan) await recordResult(db, { enrollmentId, courseId: course.id, score: 80, passed: true, actorId: coordinator.id })
  await recordMoralEvaluation(db, { enrollmentId, passed: true, actorId: coordinator.id })
  await db.$transaction(async (tx) => {
    for (let i = 0; i < 12; i++) {
      await appendHourEntry(tx, {
        enrollmentId,
        category: 'online',
        minutes: 1350,
        date: `2026-05-${String(i + 1).padStart(2, '0')}`,
        source: 'adjustment',
        createdById: coordinator.id,
        reason: '补录',
      })
    }
  })
  return learner
}

const learnerApplies = (cookie: string, enrollmentId: string) =>
  callRoute(learnerEarly.action, {
    url: '/me/early-graduation',
    cookie,
    method: 'POST',
    body: form([
      ['enrollmentId', enrollmentId],
      ['redirectTo', '/me/courses'],
    ]),
  })

const onPage = (enrollmentId: string, entries: [string, string][]) =>
  callRoute(enrollmentPage.action, {
    url: `/coordinator/enrollments/${enrollmentId}`,
    cookie: coordinator.cookie,
    params: { enrollmentId },
    method: 'POST',
    body: form(entries),
  })

const requestsOf = (enrollmentId: string) => getDb().earlyGraduationRequest.findMany({ where: { enrollmentId }, select: { status: true } })

describe('after a rejection, applying again is refused wherever it comes from', () => {
  test('the learner posts again through /me/early-graduation: refused (?early=rejected, said in Chinese on the course page), no second request', async () => {
    const { user, enrollment } = await eligibleLearner()
    const first = await learnerApplies(user.cookie, enrollment.id)
    expect((first.value as Response).headers.get('location')).toBe('/me/courses?early=applied')
    const request = await getDb().earlyGraduationRequest.findFirstOrThrow({ where: { enrollmentId: enrollment.id, status: 'pending' } })
    const rejected = await onPage(enrollment.id, [
      ['intent', 'early-decide'],
      ['requestId', request.id],
      ['decision', 'reject'],
      ['reason', '材料不全'],
    ])
    expect(rejected.status).toBe(200)
    expect(await requestsOf(enrollment.id)).toEqual([{ status: 'rejected' }])

    const again = await learnerApplies(user.cookie, enrollment.id)
    expect(again.status).toBe(302)
    expect((again.value as Response).headers.get('location')).toBe('/me/courses?early=rejected')
    // What /me/courses shows for ?early=rejected:
    expect(translate('zh-CN', 'outcomes.earlyRejectedFinal')).toMatch(/已被驳回，不能再次申请/)
    expect(await requestsOf(enrollment.id)).toEqual([{ status: 'rejected' }])
  })

  test('the coordinator posts 申请提前毕业 again on the enrollment page: 409 with the Chinese refusal; the page no longer offers the button', async () => {
    const { enrollment } = await eligibleLearner()
    expect((await onPage(enrollment.id, [['intent', 'early-apply']])).status).toBe(200)
    const [pending] = await getDb().earlyGraduationRequest.findMany({ where: { enrollmentId: enrollment.id }, select: { id: true } })
    await onPage(enrollment.id, [
      ['intent', 'early-decide'],
      ['requestId', pending!.id],
      ['decision', 'reject'],
      ['reason', '材料不全'],
    ])

    const page = await callRoute(enrollmentPage.loader, {
      url: `/coordinator/enrollments/${enrollment.id}`,
      cookie: coordinator.cookie,
      params: { enrollmentId: enrollment.id },
    })
    expect((page.value as Awaited<ReturnType<typeof enrollmentPage.loader>>).canApplyEarly).toBe(false)

    const again = await onPage(enrollment.id, [['intent', 'early-apply']])
    expect(again.status).toBe(409)
    expect((again.value as { data: { ok: boolean; message: string } }).data).toMatchObject({ ok: false, message: REFUSAL })
    expect(await requestsOf(enrollment.id)).toEqual([{ status: 'rejected' }])
  })

  test('the model itself refuses it (early_rejected, a conflict), so no other caller can get round it', async () => {
    const { user, enrollment } = await eligibleLearner()
    const { request } = await requestEarlyGraduation(getDb(), { enrollmentId: enrollment.id, actorId: user.id })
    await onPage(enrollment.id, [
      ['intent', 'early-decide'],
      ['requestId', request.id],
      ['decision', 'reject'],
      ['reason', '材料不全'],
    ])
    const refused = await requestEarlyGraduation(getDb(), { enrollmentId: enrollment.id, actorId: user.id }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(StudyRecordError)
    expect((refused as StudyRecordError).problem.code).toBe('early_rejected')
    expect((refused as StudyRecordError).kind).toBe('conflict')
    expect(await requestsOf(enrollment.id)).toEqual([{ status: 'rejected' }])
  })

  test('before any application, the learner who is not yet eligible is told so and nothing is recorded', async () => {
    const { user, enrollment } = await createSignedInLearner(getDb(), world)
    const res = await learnerApplies(user.cookie, enrollment.id)
    expect((res.value as Response).headers.get('location')).toBe('/me/courses?early=not_eligible')
    expect(await requestsOf(enrollment.id)).toEqual([])
    // Back to one of the learner's own pages only, judged after normalising.
    for (const [redirectTo, location] of [
      ['/me', '/me?early=not_eligible'],
      ['/me/../..//evil.example', '/me/courses?early=not_eligible'],
      ['/me/../coordinator', '/me/courses?early=not_eligible'],
    ]) {
      const back = await callRoute(learnerEarly.action, {
        url: '/me/early-graduation',
        cookie: user.cookie,
        method: 'POST',
        body: form([
          ['enrollmentId', enrollment.id],
          ['redirectTo', redirectTo!],
        ]),
      })
      expect((back.value as Response).headers.get('location'), redirectTo).toBe(location)
    }
  })
})
