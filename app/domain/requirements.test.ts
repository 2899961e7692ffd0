import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parsePolicy, type HourCategory } from './policy.ts'
import { evaluateRequirements, minutesToHours, windowFor, type HourFact, type RequirementFacts } from './requirements.ts'
import { addYears } from './time.ts'

const loadPolicy = (name: string) => parsePolicy(readFileSync(new URL(`../../content/policies/${name}`, import.meta.url), 'utf8'))
const SKILLS = loadPolicy('skills-credential.yaml')
const TEACHER = loadPolicy('teacher-training.yaml')

const H = 45 // minutes per 学时
const entry = (category: HourCategory, minutes: number, date: string): HourFact => ({ category, minutes, date })

// A one-year skills-plus-credential enrollment: 2026-03-01 … 2027-03-01.
const START = '2026-03-01'
const END = addYears(START, 1)
const learner = (entries: HourFact[], extra: Partial<RequirementFacts> = {}): RequirementFacts => ({ startDate: START, periodEnd: END, entries, ...extra })

function requirement(result: ReturnType<typeof evaluateRequirements>, code: string) {
  const found = result.requirements.find((r) => r.code === code)
  if (!found) throw new Error(`no requirement ${code} in ${result.requirements.map((r) => r.code).join(', ')}`)
  return found
}
const skills = (facts: RequirementFacts, asOf = '2027-03-01') => evaluateRequirements({ policy: SKILLS, facts, asOf })
const selfStudyAndOnline = (facts: RequirementFacts, asOf?: string) => requirement(skills(facts, asOf), 'self-study-and-online')

describe('minutesToHours: 45-minute 学时, one decimal', () => {
  test.each([
    [45, 45, 1],
    [90, 45, 2],
    [44, 45, 1], // 0.977…
    [50, 45, 1.1], // 1.111…
    [22, 45, 0.5], // 0.488…
    [2, 45, 0], // 0.044…
    [100, 45, 2.2], // 2.222…
    [360 * 45, 45, 360],
    [360 * 45 - 1, 45, 360], // 359.977… rounds up for display; `met` uses minutes
    [360 * 45 - 3, 45, 359.9], // 359.933…
    [0, 45, 0],
    [-45, 45, -1],
    [-22, 45, -0.5],
    [2, 40, 0.1], // exactly 0.05: half away from zero
    [-2, 40, -0.1],
    [60, 60, 1],
  ])('%i minutes at %i per 学时 = %d 学时', (minutes, perHour, hours) => expect(minutesToHours(minutes, perHour)).toBe(hours))

  test('no negative zero', () => expect(Object.is(minutesToHours(-1, 45), 0)).toBe(true))
})

describe('self-study-and-online: 360 学时 within the period (blocking)', () => {
  test.each([
    ['exactly 360 学时', [entry('self_study', 360 * H, '2026-06-01')], true, 360 * H],
    ['one minute short', [entry('self_study', 360 * H - 1, '2026-06-01')], false, 360 * H - 1],
    ['self-study and online add up', [entry('self_study', 200 * H, '2026-06-01'), entry('online', 160 * H, '2026-07-01')], true, 360 * H],
    [
      'concentrated, practical and school-based do not count',
      [
        entry('online', 300 * H, '2026-06-01'),
        entry('concentrated', 60 * H, '2026-06-02'),
        entry('practical', 60 * H, '2026-06-02'),
        entry('school_based', 60 * H, '2026-06-02'),
      ],
      false,
      300 * H,
    ],
  ])('%s', (_label, entries, met, earnedMinutes) => {
    const r = selfStudyAndOnline(learner(entries))
    expect(r).toMatchObject({ met, earnedMinutes, requiredMinutes: 360 * H, requiredHours: 360, blocking: true, label: '自学与线上学习不少于 360 学时' })
  })

  test('one minute short shows 360.0 学时 (rounded) but is not met', () => {
    expect(selfStudyAndOnline(learner([entry('online', 360 * H - 1, '2026-06-01')]))).toMatchObject({ earnedHours: 360, met: false })
  })

  test('earned 学时 are shown with one decimal', () => {
    expect(selfStudyAndOnline(learner([entry('online', 100, '2026-06-01')]))).toMatchObject({ earnedMinutes: 100, earnedHours: 2.2 })
  })
})

describe('window edges (inclusive) and asOf', () => {
  test.each([
    ['the first day counts', START, '2027-03-01', 60],
    ['the last day counts', END, '2027-03-01', 60],
    ['the day before the start does not', '2026-02-28', '2027-03-01', 0],
    ['the day after the end does not', '2027-03-02', '2027-03-02', 0],
    ['an entry on asOf counts', '2026-06-01', '2026-06-01', 60],
    ['an entry after asOf does not', '2026-06-02', '2026-06-01', 0],
  ])('%s', (_label, date, asOf, earnedMinutes) => {
    const r = selfStudyAndOnline(learner([entry('self_study', 60, date)]), asOf)
    expect(r.earnedMinutes).toBe(earnedMinutes)
    expect(r.window).toEqual({ start: START, end: END })
  })

  test('an enrollment without a period end is open-ended', () => {
    const r = selfStudyAndOnline({ startDate: START, entries: [entry('self_study', 60, '2030-01-01')] }, '2030-01-01')
    expect(r).toMatchObject({ earnedMinutes: 60, window: { start: START, end: null } })
  })
})

describe('corrections (negative minutes)', () => {
  test.each([
    ['subtract from the total', [entry('self_study', 600, '2026-05-01'), entry('self_study', -240, '2026-05-02')], '2027-03-01', 360],
    [
      'a correction in another category of the same requirement',
      [entry('self_study', 600, '2026-05-01'), entry('online', -100, '2026-05-02')],
      '2027-03-01',
      500,
    ],
    ['a correction dated after asOf is not applied yet', [entry('self_study', 600, '2026-05-01'), entry('self_study', -240, '2026-05-03')], '2026-05-02', 600],
    ['the total is shown as 0, never below', [entry('self_study', 100, '2026-05-01'), entry('self_study', -300, '2026-05-02')], '2027-03-01', 0],
    [
      'the sum is exact: a later entry makes up the over-correction first',
      [entry('self_study', 100, '2026-05-01'), entry('self_study', -300, '2026-05-02'), entry('self_study', 250, '2026-05-03')],
      '2027-03-01',
      50,
    ],
  ])('%s', (_label, entries, asOf, earnedMinutes) => {
    expect(selfStudyAndOnline(learner(entries), asOf).earnedMinutes).toBe(earnedMinutes)
  })
})

describe('self-study-not-below-concentrated (advisory)', () => {
  test.each([
    ['nothing yet', [], true],
    ['equal', [entry('self_study', 8 * H, '2026-04-01'), entry('concentrated', 8 * H, '2026-04-01')], true],
    ['more self-study', [entry('self_study', 9 * H, '2026-04-01'), entry('concentrated', 8 * H, '2026-04-01')], true],
    ['one minute less', [entry('self_study', 8 * H - 1, '2026-04-01'), entry('concentrated', 8 * H, '2026-04-01')], false],
    ['online is not self-study', [entry('online', 20 * H, '2026-04-01'), entry('concentrated', 8 * H, '2026-04-01')], false],
  ])('%s', (_label, entries, met) => {
    const r = requirement(skills(learner(entries)), 'self-study-not-below-concentrated')
    expect(r.met).toBe(met)
    expect(r.blocking).toBe(false)
  })

  test('reports concentrated 学时 as the amount to reach', () => {
    const r = requirement(
      skills(learner([entry('self_study', 4 * H, '2026-04-01'), entry('concentrated', 8 * H, '2026-04-01')])),
      'self-study-not-below-concentrated',
    )
    expect(r).toMatchObject({ kind: 'not_below', requiredMinutes: 8 * H, requiredHours: 8, earnedMinutes: 4 * H, earnedHours: 4 })
  })

  test('an unmet advisory requirement does not make the learner fail a blocking one', () => {
    const result = skills(learner([entry('online', 360 * H, '2026-04-01'), entry('concentrated', 8 * H, '2026-04-01')]))
    expect(result.requirements.map((r) => [r.code, r.met, r.blocking])).toEqual([
      ['self-study-and-online', true, true],
      ['self-study-not-below-concentrated', false, false],
    ])
  })
})

// A teacher in the round 2026-05-01 … 2026-05-31.
const ROUND = { start: '2026-05-01', end: '2026-05-31' }
const teacher = (entries: HourFact[], extra: Partial<RequirementFacts> = {}): RequirementFacts => ({
  startDate: ROUND.start,
  periodEnd: ROUND.end,
  roundWindow: ROUND,
  entries,
  ...extra,
})
const teacherResult = (facts: RequirementFacts, asOf = '2026-06-30') => evaluateRequirements({ policy: TEACHER, facts, asOf })

describe('round-hours: 40 学时 unless the round says otherwise', () => {
  test.each([
    ['default 40, met exactly', [entry('concentrated', 40 * H, '2026-05-10')], undefined, 40, true],
    ['default 40, one minute short', [entry('concentrated', 40 * H - 1, '2026-05-10')], undefined, 40, false],
    [
      'concentrated + online + school-based',
      [entry('concentrated', 24 * H, '2026-05-10'), entry('online', 8 * H, '2026-05-11'), entry('school_based', 8 * H, '2026-05-12')],
      undefined,
      40,
      true,
    ],
    [
      'self-study and practical do not count',
      [entry('concentrated', 30 * H, '2026-05-10'), entry('self_study', 10 * H, '2026-05-11'), entry('practical', 10 * H, '2026-05-11')],
      undefined,
      40,
      false,
    ],
    ['a 50-学时 round: 40 is not enough', [entry('concentrated', 40 * H, '2026-05-10')], 50 * H, 50, false],
    ['a 50-学时 round: 50 is', [entry('concentrated', 50 * H, '2026-05-10')], 50 * H, 50, true],
  ])('%s', (_label, entries, override, requiredHours, met) => {
    const r = requirement(teacherResult(teacher(entries, { requiredMinutesOverride: override })), 'round-hours')
    expect(r).toMatchObject({ requiredHours, met, blocking: true, window: ROUND, label: `本轮培训不少于 ${requiredHours} 学时` })
  })

  test('the override changes only the round, not the 5-year cycle', () => {
    const result = teacherResult(teacher([], { requiredMinutesOverride: 50 * H }))
    expect(requirement(result, 'cycle-hours').requiredHours).toBe(360)
  })

  test('only entries inside the round window count', () => {
    const entries = [
      entry('online', 8 * H, '2026-04-30'),
      entry('online', 8 * H, '2026-05-01'),
      entry('online', 8 * H, '2026-05-31'),
      entry('online', 8 * H, '2026-06-01'),
    ]
    expect(requirement(teacherResult(teacher(entries)), 'round-hours').earnedHours).toBe(16)
  })

  test('without a round window, the enrollment period is the window', () => {
    const r = requirement(teacherResult({ startDate: ROUND.start, periodEnd: ROUND.end, entries: [] }), 'round-hours')
    expect(r.window).toEqual(ROUND)
  })

  test('another round’s entries count toward the cycle but not this round', () => {
    const result = teacherResult(teacher([entry('concentrated', 40 * H, '2026-05-10')], { otherEntries: [entry('concentrated', 40 * H, '2026-05-12')] }))
    expect(requirement(result, 'round-hours').earnedHours).toBe(40)
    expect(requirement(result, 'cycle-hours').earnedHours).toBe(80)
  })
})

describe('cycle-hours: 360 学时 per 5-year cycle anchored 2021 (advisory)', () => {
  test.each([
    ['2021-01-01', { start: '2021-01-01', end: '2025-12-31' }],
    ['2025-12-31', { start: '2021-01-01', end: '2025-12-31' }],
    ['2026-01-01', { start: '2026-01-01', end: '2030-12-31' }],
    ['2030-12-31', { start: '2026-01-01', end: '2030-12-31' }],
    ['2031-01-01', { start: '2031-01-01', end: '2035-12-31' }],
    ['2020-12-31', { start: '2016-01-01', end: '2020-12-31' }],
  ])('as of %s the cycle is %o', (asOf, window) => {
    expect(windowFor({ kind: 'cycle', years: 5, anchorYear: 2021 }, teacher([]), asOf)).toEqual(window)
  })

  test.each([
    ['2025-12-31 counts in 2021–2025', '2025-12-31', 8],
    ['2025-12-31 is not in 2026–2030', '2026-01-01', 0],
  ])('%s', (_label, asOf, earnedHours) => {
    const r = requirement(teacherResult(teacher([entry('online', 8 * H, '2025-12-31')]), asOf), 'cycle-hours')
    expect(r.earnedHours).toBe(earnedHours)
  })

  test('a teacher whose hours span two cycles: only the current cycle counts', () => {
    const history = [
      entry('concentrated', 300 * H, '2024-07-01'),
      entry('online', 60 * H, '2025-12-31'),
      entry('concentrated', 40 * H, '2026-01-01'),
      entry('school_based', 20 * H, '2026-05-10'),
    ]
    const old = requirement(teacherResult(teacher([], { otherEntries: history }), '2025-12-31'), 'cycle-hours')
    expect(old).toMatchObject({ earnedHours: 360, met: true, window: { start: '2021-01-01', end: '2025-12-31' } })
    const current = requirement(teacherResult(teacher([], { otherEntries: history }), '2026-06-30'), 'cycle-hours')
    expect(current).toMatchObject({ earnedHours: 60, met: false, blocking: false, window: { start: '2026-01-01', end: '2030-12-31' } })
  })

  test('every category counts toward the cycle, summed across rounds', () => {
    const entries = (['concentrated', 'online', 'self_study', 'practical', 'school_based'] as const).map((c) => entry(c, 72 * H, '2026-05-10'))
    expect(requirement(teacherResult(teacher(entries.slice(0, 2), { otherEntries: entries.slice(2) })), 'cycle-hours')).toMatchObject({
      earnedHours: 360,
      met: true,
    })
  })
})

describe('role-filtered requirements', () => {
  test.each([
    ['no roles', undefined, ['round-hours', 'cycle-hours']],
    ['a plain teacher', ['teacher'], ['round-hours', 'cycle-hours']],
    ['an inspector', ['inspector'], ['round-hours', 'cycle-hours', 'inspector-annual-hours']],
    ['a principal', ['principal'], ['round-hours', 'cycle-hours', 'principal-observations']],
    ['both', ['principal', 'inspector'], ['round-hours', 'cycle-hours', 'inspector-annual-hours', 'principal-observations']],
  ])('%s', (_label, roles, codes) => {
    expect(teacherResult(teacher([], { roles })).requirements.map((r) => r.code)).toEqual(codes)
  })
})

describe('calendar-year window: inspectors ≥ 40 学时 a year', () => {
  const history = [
    entry('online', 40 * H, '2025-12-31'),
    entry('online', 20 * H, '2026-01-01'),
    entry('self_study', 20 * H, '2026-12-31'),
    entry('online', 20 * H, '2027-01-01'),
  ]
  test.each([
    ['mid-2026: only 1 January so far', '2026-06-30', 20, false],
    ['31 December 2026: the first and last day count', '2026-12-31', 40, true],
    ['1 January 2027: a new year starts from the new year’s entries', '2027-01-01', 20, false],
    ['31 December 2025', '2025-12-31', 40, true],
  ])('%s', (_label, asOf, earnedHours, met) => {
    const r = requirement(teacherResult(teacher([], { roles: ['inspector'], otherEntries: history }), asOf), 'inspector-annual-hours')
    const year = asOf.slice(0, 4)
    expect(r).toMatchObject({ earnedHours, met, window: { start: `${year}-01-01`, end: `${year}-12-31` } })
  })
})

describe('semester window: principals ≥ 40 observations a semester', () => {
  test.each([
    ['2026-02-01', { start: '2026-02-01', end: '2026-07-31' }],
    ['2026-03-10', { start: '2026-02-01', end: '2026-07-31' }],
    ['2026-07-31', { start: '2026-02-01', end: '2026-07-31' }],
    ['2026-08-01', { start: '2026-08-01', end: '2027-01-31' }],
    ['2026-12-31', { start: '2026-08-01', end: '2027-01-31' }],
    ['2027-01-31', { start: '2026-08-01', end: '2027-01-31' }],
    ['2026-01-15', { start: '2025-08-01', end: '2026-01-31' }],
  ])('as of %s the semester is %o', (asOf, window) => {
    expect(windowFor({ kind: 'semester' }, teacher([]), asOf)).toEqual(window)
  })

  const weekly = (from: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({ date: new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10) }))

  test.each([
    ['40 in the spring semester', weekly('2026-03-01', 40), '2026-07-31', 40, true],
    ['39', weekly('2026-03-01', 39), '2026-07-31', 39, false],
    ['autumn observations do not count in spring', [...weekly('2026-03-01', 39), { date: '2026-01-31' }, { date: '2026-08-01' }], '2026-07-31', 39, false],
    ['spring edges count', [...weekly('2026-03-01', 38), { date: '2026-02-01' }, { date: '2026-07-31' }], '2026-07-31', 40, true],
    ['not after asOf', weekly('2026-03-01', 40), '2026-03-20', 20, false],
  ])('%s', (_label, observations, asOf, earnedCount, met) => {
    const r = requirement(teacherResult(teacher([], { roles: ['principal'], observations }), asOf), 'principal-observations')
    expect(r).toMatchObject({ kind: 'min_count', requiredCount: 40, earnedCount, met, blocking: false, label: '校长每学期听课评课不少于 40 课时' })
    expect(r.requiredHours).toBeUndefined()
  })
})

describe('pace: straight-line share of the period', () => {
  // A 10-day period so the arithmetic is plain: as of day 5, half the period has passed.
  const facts = (minutes: number): RequirementFacts => ({ startDate: '2026-03-01', periodEnd: '2026-03-10', entries: [entry('online', minutes, '2026-03-02')] })
  const pace = (minutes: number, asOf: string, paceMargin?: number) => evaluateRequirements({ policy: SKILLS, facts: facts(minutes), asOf, paceMargin }).pace

  test.each([
    ['half-way, on the line', 8100, '2026-03-05', undefined, 8100, false],
    ['half-way, within the 10% margin', 7290, '2026-03-05', undefined, 8100, false],
    ['half-way, one minute beyond the margin', 7289, '2026-03-05', undefined, 8100, true],
    ['half-way, no margin', 8099, '2026-03-05', 0, 8100, true],
    ['the first day: a tenth', 0, '2026-03-01', undefined, 1620, true],
    ['before the start nothing is expected', 0, '2026-02-01', undefined, 0, false],
    ['the last day: everything', 360 * H, '2026-03-10', undefined, 360 * H, false],
    ['after the end: still everything', 300 * H, '2026-04-10', undefined, 360 * H, true],
  ])('%s', (_label, minutes, asOf, margin, expectedMinutes, behind) => {
    expect(pace(minutes, asOf, margin)).toMatchObject({ requirementCode: 'self-study-and-online', expectedMinutes, behind })
  })

  test('reports the share of the period and the earned minutes', () => {
    expect(pace(1000, '2026-03-05')).toEqual({
      requirementCode: 'self-study-and-online',
      expectedMinutes: 8100,
      earnedMinutes: 1000,
      behind: true,
      shareOfPeriod: 0.5,
    })
  })

  test('a teacher’s pace follows the round, with its override', () => {
    const round = { start: '2026-05-01', end: '2026-05-10' }
    const facts = teacher([entry('concentrated', 20 * H, '2026-05-02')], { roundWindow: round, requiredMinutesOverride: 62 * H })
    const result = evaluateRequirements({ policy: TEACHER, facts, asOf: '2026-05-05' })
    expect(result.pace).toMatchObject({ requirementCode: 'round-hours', expectedMinutes: 31 * H, earnedMinutes: 20 * H, behind: true, shareOfPeriod: 0.5 })
  })

  test('an open-ended period is never behind', () => {
    expect(evaluateRequirements({ policy: SKILLS, facts: { startDate: START, entries: [] }, asOf: '2026-12-01' }).pace).toMatchObject({
      expectedMinutes: 0,
      behind: false,
    })
  })
})

describe('bad facts', () => {
  test.each([
    ['asOf', { facts: learner([]), asOf: '2026/06/01' }, /asOf must be a YYYY-MM-DD date/],
    ['startDate', { facts: learner([], { startDate: '2026-02-30' }), asOf: '2026-06-01' }, /startDate must be a YYYY-MM-DD date/],
    ['override of 0', { facts: learner([], { requiredMinutesOverride: 0 }), asOf: '2026-06-01' }, /requiredMinutesOverride must be a positive whole number/],
  ])('%s', (_label, { facts, asOf }, message) => {
    expect(() => evaluateRequirements({ policy: SKILLS, facts, asOf })).toThrow(message)
  })
})
