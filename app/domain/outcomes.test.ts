import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { en } from '#app/i18n/en.ts'
import { translate } from '#app/i18n/index.ts'
import {
  atRisk,
  courseStateKey,
  courseStates,
  evaluateOutcome,
  formatReason,
  type EvaluateOutcomeInput,
  type ExamResultFact,
  type ExemptionFact,
  type Outcome,
  type PlanCourse,
  mayApplyForEarlyGraduation,
} from './outcomes.ts'
import { parsePolicy } from './policy.ts'
import { evaluateRequirements, type HourFact } from './requirements.ts'

const loadPolicy = (name: string) => parsePolicy(readFileSync(new URL(`../../content/policies/${name}`, import.meta.url), 'utf8'))
const SKILLS = loadPolicy('skills-credential.yaml')
const TEACHER = loadPolicy('teacher-training.yaml')
const H = 45

const zh = (o: Outcome) => o.reasons.map((r) => formatReason(r, (k, p) => translate('zh-CN', k, p), 'zh-CN'))

// A one-year e-commerce learner: 2026-03-01 … 2027-03-01.
const START = '2026-03-01'
const END = '2027-03-01'
const PLAN: PlanCourse[] = [
  { code: 'WH-101', name: '读写算', credits: 4, kind: 'culture', taskCodes: ['WH-101-T1'] },
  { code: 'DS-101', name: '电子商务基础', credits: 6, kind: 'skill', taskCodes: ['DS-101-T1', 'DS-101-T2'] },
  { code: 'DS-102', name: '网店运营', credits: 5.5, kind: 'skill', taskCodes: [] },
  { code: 'DS-900', name: '顶岗实习', credits: 10, kind: 'internship', taskCodes: [] },
]
const ALL_TASKS = ['WH-101-T1', 'DS-101-T1', 'DS-101-T2']
const at = (day: string) => `${day}T02:00:00.000Z`
const pass = (courseCode: string, day = '2026-10-01'): ExamResultFact => ({ courseCode, passed: true, score: 80, at: at(day) })
const fail = (courseCode: string, day = '2026-10-01'): ExamResultFact => ({ courseCode, passed: false, score: 40, at: at(day) })
const ALL_PASSED = PLAN.map((c) => pass(c.code))

const hoursMet: HourFact[] = [
  { category: 'self_study', minutes: 200 * H, date: '2026-06-01' },
  { category: 'online', minutes: 160 * H, date: '2026-07-01' },
]
const hoursShort: HourFact[] = [
  { category: 'self_study', minutes: 200 * H, date: '2026-06-01' },
  { category: 'online', minutes: 147.5 * H, date: '2026-07-01' },
]

function skills({
  entries = hoursMet,
  results = ALL_PASSED,
  exemptions = [] as ExemptionFact[],
  moral = { passed: true } as EvaluateOutcomeInput['moral'],
  asOf = '2027-02-01',
  ...rest
}: Partial<Omit<EvaluateOutcomeInput, 'evaluation' | 'courses'>> & { entries?: HourFact[]; results?: ExamResultFact[]; exemptions?: ExemptionFact[] } = {}) {
  const evaluation = evaluateRequirements({ policy: SKILLS, facts: { startDate: START, periodEnd: END, entries }, asOf })
  const { courses, credits } = courseStates({ plan: PLAN, completedTaskCodes: ALL_TASKS, results, exemptions })
  const outcome = evaluateOutcome({
    programCode: 'skills-credential',
    groupKind: 'class',
    evaluation,
    courses,
    moral,
    withdrawal: null,
    periodEnd: END,
    asOf,
    ...rest,
  })
  return { outcome, courses, credits }
}

describe('graduation conditions: each one missing alone keeps the learner in progress, with the reason', () => {
  test.each([
    ['moral evaluation not recorded', { moral: null }, ['思想品德评价尚未通过']],
    ['moral evaluation failed', { moral: { passed: false } }, ['思想品德评价不合格']],
    ['two courses not passed yet', { results: [pass('WH-101'), pass('DS-900')] }, ['还差 2 门课程未通过：电子商务基础、网店运营']],
    [
      'one course failed',
      { results: [...ALL_PASSED.filter((r) => r.courseCode !== 'DS-102'), fail('DS-102')] },
      ['还差 1 门课程未通过：网店运营', '1 门考试未通过，可以补考：网店运营'],
    ],
    ['hours short', { entries: hoursShort }, ['自学与线上学习还差 12.5 学时']],
    ['hours short by one minute', { entries: [{ category: 'self_study' as const, minutes: 360 * H - 1, date: '2026-06-01' }] }, ['自学与线上学习还差 1 分钟']],
  ])('%s', (_, facts, reasons) => {
    const { outcome } = skills(facts)
    expect(outcome.status).toBe('in_progress')
    expect(zh(outcome)).toEqual(reasons)
  })

  test('advisory requirement unmet (self-study below concentrated) does not block graduation', () => {
    const { outcome } = skills({ entries: [...hoursMet, { category: 'concentrated', minutes: 400 * H, date: '2026-05-01' }], asOf: '2027-03-01' })
    expect(outcome.status).toBe('eligible_for_graduation')
  })

  test('everything missing at once lists every reason, courses beyond five end with 等', () => {
    const plan: PlanCourse[] = Array.from({ length: 7 }, (_, i) => ({ code: `C${i}`, name: `课程${i + 1}`, credits: 1, kind: 'skill', taskCodes: [] }))
    const { courses } = courseStates({ plan, completedTaskCodes: [], results: [], exemptions: [] })
    const evaluation = evaluateRequirements({ policy: SKILLS, facts: { startDate: START, periodEnd: END, entries: [] }, asOf: '2026-03-02' })
    const outcome = evaluateOutcome({
      programCode: 'skills-credential',
      evaluation,
      courses,
      moral: null,
      withdrawal: null,
      periodEnd: END,
      asOf: '2026-03-02',
    })
    expect(zh(outcome)).toEqual(['思想品德评价尚未通过', '还差 7 门课程未通过：课程1、课程2、课程3、课程4、课程5 等', '自学与线上学习还差 360.0 学时'])
  })
})

describe('eligible for graduation and early graduation', () => {
  test.each([
    ['on the last day of the period: no request needed', '2027-03-01', null, 'not_applicable', ['已达到全部毕业条件']],
    ['early without a request: must apply', '2027-02-01', null, 'needed', ['已达到全部毕业条件', '修业期到 2027年3月1日，想提前毕业需先申请']],
    ['early with a pending request', '2027-02-01', 'pending', 'pending', ['已达到全部毕业条件', '提前毕业申请正在审核']],
    ['early with an approved request', '2027-02-01', 'approved', 'approved', ['已达到全部毕业条件', '提前毕业申请已批准']],
    ['early with a rejected request', '2027-02-01', 'rejected', 'rejected', ['已达到全部毕业条件', '提前毕业申请未批准，修业期满（2027年3月1日）后毕业']],
    ['after the period, all met within it', '2027-05-01', null, 'not_applicable', ['已达到全部毕业条件']],
  ] as const)('%s', (_, asOf, request, early, reasons) => {
    const { outcome } = skills({ asOf, earlyGraduation: request })
    expect(outcome.status).toBe('eligible_for_graduation')
    expect(outcome.earlyGraduation).toBe(early)
    expect(zh(outcome)).toEqual(reasons)
  })

  test('a graduation certificate makes the outcome graduated', () => {
    expect(skills({ graduated: true }).outcome.status).toBe('graduated')
  })
})

describe('completion (结业) once the period has ended', () => {
  test('period ended with hours short', () => {
    const { outcome } = skills({ entries: hoursShort, asOf: '2027-03-02' })
    expect(outcome.status).toBe('completion')
    expect(zh(outcome)).toEqual(['修业期已于 2027年3月1日 结束', '自学与线上学习还差 12.5 学时'])
  })

  test('hours earned after the period do not rescue it', () => {
    const { outcome } = skills({ entries: [...hoursShort, { category: 'online', minutes: 100 * H, date: '2027-03-02' }], asOf: '2027-04-01' })
    expect(outcome.status).toBe('completion')
  })

  test('period ended with hours met but a course failed', () => {
    const { outcome } = skills({ results: [...ALL_PASSED, fail('DS-101', '2026-12-01')], asOf: '2027-03-02' })
    expect(outcome.status).toBe('completion')
    expect(zh(outcome)).toEqual(['修业期已于 2027年3月1日 结束', '还差 1 门课程未通过：电子商务基础', '1 门考试未通过，可以补考：电子商务基础'])
  })
})

describe('withdrawn', () => {
  test('withdrawal wins over everything, with date and reason', () => {
    const { outcome } = skills({ withdrawal: { date: '2026-09-15', reason: '外出务工' }, graduated: false })
    expect(outcome.status).toBe('withdrawn')
    expect(zh(outcome)).toEqual(['已于 2026年9月15日 退学', '退学原因：外出务工', '可领取写实性学习证明'])
  })
  test('an old withdrawal without a date still says withdrawn', () => {
    expect(zh(skills({ withdrawal: { date: null, reason: null } }).outcome)).toEqual(['可领取写实性学习证明'])
  })
})

describe('course states and credits', () => {
  test('every course passed: credits earned equal required (one decimal, exact)', () => {
    const { courses, credits } = skills()
    expect(courses.map((c) => c.state)).toEqual(['passed', 'passed', 'passed', 'passed'])
    expect(credits).toEqual({ earned: 25.5, required: 25.5, fromAwards: 0 })
  })

  test('an approved 免修 exempts the course with its credits and satisfies graduation', () => {
    const { courses, credits, outcome } = skills({
      results: ALL_PASSED.filter((r) => r.courseCode !== 'DS-101'),
      exemptions: [{ courseCode: 'DS-101', mode: 'exempt_study', credits: null, status: 'approved' }],
      asOf: '2027-03-01',
    })
    const ds = courses.find((c) => c.code === 'DS-101')!
    expect(ds).toMatchObject({ state: 'exempted', exemptionMode: 'exempt_study' })
    expect(translate('zh-CN', courseStateKey(ds))).toBe('已免修')
    expect(credits.earned).toBe(25.5)
    expect(outcome.status).toBe('eligible_for_graduation')
  })

  test('an approved 免考 overrides a failed exam; a pending or rejected one changes nothing', () => {
    const results = [...ALL_PASSED.filter((r) => r.courseCode !== 'DS-102'), fail('DS-102')]
    const exempted = skills({ results, exemptions: [{ courseCode: 'DS-102', mode: 'exempt_exam', credits: null, status: 'approved' }] })
    const ds = exempted.courses.find((c) => c.code === 'DS-102')!
    expect(translate('zh-CN', courseStateKey(ds))).toBe('已免考')
    for (const status of ['pending', 'rejected'] as const) {
      const { courses, credits } = skills({ results, exemptions: [{ courseCode: 'DS-102', mode: 'exempt_exam', credits: null, status }] })
      expect(courses.find((c) => c.code === 'DS-102')!.state).toBe('failed')
      expect(credits.earned).toBe(20)
    }
  })

  test('a waived internship is satisfied and its credits count', () => {
    const { courses, credits, outcome } = skills({
      results: ALL_PASSED.filter((r) => r.courseCode !== 'DS-900'),
      exemptions: [{ courseCode: null, mode: 'waive_internship', credits: null, status: 'approved' }],
      asOf: '2027-03-01',
    })
    const internship = courses.find((c) => c.code === 'DS-900')!
    expect(internship.state).toBe('waived')
    expect(translate('zh-CN', courseStateKey(internship))).toBe('已免')
    expect(credits.earned).toBe(25.5)
    expect(outcome.status).toBe('eligible_for_graduation')
  })

  test('a waiver never touches a course that is not an internship', () => {
    const { courses } = skills({ results: [], exemptions: [{ courseCode: 'DS-101', mode: 'waive_internship', credits: null }] })
    expect(courses.find((c) => c.code === 'DS-101')!.state).toBe('pending')
  })

  test("credits from an award add the reviewer's figure without passing any course", () => {
    const { courses, credits, outcome } = skills({
      results: ALL_PASSED.filter((r) => r.courseCode !== 'DS-102'),
      exemptions: [
        { courseCode: 'DS-102', mode: 'credit', credits: 2.5, status: 'approved' },
        { courseCode: null, mode: 'credit', credits: 0.2, status: 'approved' },
        { courseCode: null, mode: 'credit', credits: 9, status: 'rejected' },
      ],
    })
    expect(courses.find((c) => c.code === 'DS-102')!.state).toBe('pending')
    expect(credits).toEqual({ earned: 20 + 2.7, required: 25.5, fromAwards: 2.7 })
    expect(outcome.status).toBe('in_progress')
  })

  test('the latest re-sit counts, whichever order the rows come in', () => {
    const resit = [fail('DS-101', '2026-06-01'), pass('DS-101', '2026-08-01')]
    expect(courseStates({ plan: PLAN, completedTaskCodes: ALL_TASKS, results: resit, exemptions: [] }).courses[1]!.state).toBe('passed')
    expect(courseStates({ plan: PLAN, completedTaskCodes: ALL_TASKS, results: [...resit].reverse(), exemptions: [] }).courses[1]!.state).toBe('passed')
    const failedAgain = [pass('DS-101', '2026-06-01'), fail('DS-101', '2026-08-01')]
    expect(courseStates({ plan: PLAN, completedTaskCodes: ALL_TASKS, results: failedAgain, exemptions: [] }).courses[1]!.state).toBe('failed')
  })

  test('tasks complete is per course; a course without tasks is complete', () => {
    const { courses } = courseStates({ plan: PLAN, completedTaskCodes: ['DS-101-T1', 'OTHER'], results: [], exemptions: [] })
    expect(courses.map((c) => [c.code, c.tasksComplete, c.tasksDone, c.tasksTotal])).toEqual([
      ['WH-101', false, 0, 1],
      ['DS-101', false, 1, 2],
      ['DS-102', true, 0, 0],
      ['DS-900', true, 0, 0],
    ])
  })
})

describe('teacher rounds', () => {
  const ROUND = { start: '2026-07-06', end: '2026-12-31' }
  const round = (minutes: number, asOf: string) => {
    const evaluation = evaluateRequirements({
      policy: TEACHER,
      facts: { startDate: ROUND.start, periodEnd: ROUND.end, roundWindow: ROUND, entries: [{ category: 'concentrated', minutes, date: '2026-08-01' }] },
      asOf,
    })
    return evaluateOutcome({
      programCode: 'teacher-training',
      groupKind: 'round',
      evaluation,
      courses: [],
      moral: null,
      withdrawal: null,
      periodEnd: ROUND.end,
      asOf,
    })
  }
  test.each([
    ['complete before the round ends', 40 * H, '2026-09-01', 'round_complete', ['本轮学时已修满']],
    ['short while the round runs: in progress', 30 * H, '2026-09-01', 'in_progress', ['本轮培训还差 10.0 学时']],
    ['short on the last day: still in progress', 30 * H, '2026-12-31', 'in_progress', ['本轮培训还差 10.0 学时']],
    ['short after the round ended: incomplete', 30 * H, '2027-01-01', 'round_incomplete', ['本轮培训已于 2026年12月31日 结束', '本轮培训还差 10.0 学时']],
  ] as const)('%s', (_, minutes, asOf, status, reasons) => {
    const outcome = round(minutes, asOf)
    expect(outcome.status).toBe(status)
    expect(zh(outcome)).toEqual(reasons)
  })
  test('the advisory 5-year cycle never decides a round', () => {
    expect(round(40 * H, '2027-01-01').status).toBe('round_complete')
  })
})

describe('at risk of 结业', () => {
  test.each([
    ['in progress, period ends in 90 days', 'in_progress', '2027-03-01', '2026-12-01', false, true],
    ['in progress, period ends in 91 days', 'in_progress', '2027-03-01', '2026-11-30', false, false],
    ['in progress, behind pace, far from the end', 'in_progress', '2029-03-01', '2026-11-30', true, true],
    ['eligible, period ends soon', 'eligible_for_graduation', '2027-03-01', '2027-02-20', false, false],
    ['already completion', 'completion', '2027-03-01', '2027-04-01', true, false],
  ] as const)('%s', (_, status, periodEnd, asOf, behindPace, expected) => {
    expect(atRisk({ status, periodEnd, asOf, behindPace })).toBe(expected)
  })
})

test('reasons read in English too', () => {
  const { outcome } = skills({ entries: hoursShort, moral: null })
  expect(outcome.reasons.map((r) => formatReason(r, (k, p) => translate('en', k, p, en), 'en'))).toEqual([
    'Moral evaluation not passed yet',
    'Self-study and online: 12.5 学时 still missing',
  ])
})

test.each([
  [{ status: 'eligible_for_graduation', earlyGraduation: 'needed' }, true, true],
  [{ status: 'eligible_for_graduation', earlyGraduation: 'needed' }, false, false],
  [{ status: 'eligible_for_graduation', earlyGraduation: 'pending' }, true, false],
  [{ status: 'eligible_for_graduation', earlyGraduation: 'approved' }, true, false],
  [{ status: 'eligible_for_graduation', earlyGraduation: 'not_applicable' }, true, false],
  [{ status: 'in_progress', earlyGraduation: 'not_applicable' }, true, false],
] as const)('early-graduation application offered for %o (active %s): %s', (outcome, active, offered) => {
  expect(mayApplyForEarlyGraduation(outcome, active)).toBe(offered)
})
