/**
 * The demo seed shows every outcome (DESIGN.md §6): the whole seed runs on
 * this file's own database, then loadProgress judges every enrollment as of
 * the demo date, exactly as the pages and the API would.
 */
import { beforeAll, expect, test } from 'vitest'
import { loadProgress, type EnrollmentProgress } from '#app/models/progress.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { seedDemo } from '#prisma/seed.ts'

const TODAY = '2026-11-24'
let progress: Map<string, EnrollmentProgress>

beforeAll(async () => {
  const db = getDb()
  await seedDemo(db)
  const ids = (await db.enrollment.findMany({ select: { id: true } })).map((e) => e.id)
  progress = await loadProgress(db, ids, TODAY)
}, 180_000)

const of = (groupCode: string) => [...progress.values()].filter((p) => p.enrollment.group.code === groupCode)
const statuses = (list: EnrollmentProgress[]) => new Set(list.map((p) => p.outcome.status))

test('every outcome status appears in the demo county', () => {
  expect([...statuses([...progress.values()])].sort()).toEqual(
    ['completion', 'eligible_for_graduation', 'graduated', 'in_progress', 'round_complete', 'round_incomplete', 'withdrawn'].sort(),
  )
})

test('the 2024 catering class: 1-year learners ended (eligible or 结业), early graduation pending and approved', () => {
  const ended = of('CH2024-CY01').filter((p) => p.facts.periodEnd === '2025-09-01')
  expect(statuses(ended)).toEqual(new Set(['eligible_for_graduation', 'completion', 'graduated']))
  const early = of('CH2024-CY01').filter((p) => p.outcome.status === 'eligible_for_graduation' && p.facts.periodEnd! > TODAY)
  expect(early.map((p) => p.outcome.earlyGraduation).sort()).toEqual(expect.arrayContaining(['approved', 'pending']))
  // 结业 for hours alone and for a failed course with hours met.
  const completion = ended.filter((p) => p.outcome.status === 'completion')
  expect(completion.some((p) => p.outcome.reasons.some((r) => r.startsWith('自学与线上学习还差')))).toBe(true)
  expect(completion.some((p) => p.courses.some((c) => c.state === 'failed') && p.evaluation.requirements.every((r) => !r.blocking || r.met))).toBe(true)
})

test('course states include passed, failed, pending, exempted and waived; award credits count', () => {
  const states = new Set([...progress.values()].flatMap((p) => p.courses.map((c) => c.state)))
  expect([...states].sort()).toEqual(['exempted', 'failed', 'passed', 'pending', 'waived'])
  expect([...progress.values()].some((p) => p.credits.fromAwards > 0)).toBe(true)
  // Every class has a plan with its credits.
  for (const code of ['CH2026-ZZ01', 'CH2026-YZ01', 'CH2025-DS01', 'CH2024-CY01']) expect(of(code)[0]!.credits.required).toBeGreaterThan(0)
})

test('the demo learner has passed, failed and pending courses and is in progress', async () => {
  const user = await getDb().user.findUniqueOrThrow({ where: { username: 'learner.demo' }, select: { personId: true } })
  const mine = [...progress.values()].find((p) => p.enrollment.personId === user.personId)!
  expect(mine.outcome.status).toBe('in_progress')
  expect(new Set(mine.courses.map((c) => c.state))).toEqual(new Set(['passed', 'failed', 'pending']))
})
