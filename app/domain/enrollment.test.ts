import { describe, expect, test } from 'vitest'
import {
  enrollmentConflict,
  incompleteTasks,
  isValidScore,
  planEnrollment,
  studyYearsFor,
  withdrawalDateProblem,
  type EnrollmentInput,
  type HeldEnrollment,
} from './enrollment.ts'

describe('studyYearsFor', () => {
  test.each([
    ['senior', 1],
    ['vocational', 1],
    ['junior', 3],
    ['primary', 3],
    ['none', 3],
    [null, 3],
  ] as const)('%s → %i years', (education, years) => {
    expect(studyYearsFor(education)).toBe(years)
  })
})

const cls: EnrollmentInput = {
  programCode: 'skills-credential',
  groupKind: 'class',
  groupStart: '2026-03-01',
  groupEnd: null,
  startDate: '2026-03-01',
  person: { birthDate: '1990-05-10', kind: 'adult_learner', priorEducation: 'junior' },
}
const round: EnrollmentInput = {
  programCode: 'teacher-training',
  groupKind: 'round',
  groupStart: '2026-09-01',
  groupEnd: '2026-12-31',
  startDate: '2026-09-15',
  person: { birthDate: '1985-01-01', kind: 'teacher', priorEducation: null },
}

describe('planEnrollment', () => {
  test.each([
    ['junior-high learner: 3 years', cls, { startDate: '2026-03-01', periodEnd: '2029-03-01', studyYears: 3 }],
    [
      'senior-high learner: 1 year',
      { ...cls, person: { ...cls.person, priorEducation: 'senior' } },
      { startDate: '2026-03-01', periodEnd: '2027-03-01', studyYears: 1 },
    ],
    [
      'vocational learner starting later',
      { ...cls, startDate: '2026-05-20', person: { ...cls.person, priorEducation: 'vocational' } },
      { startDate: '2026-05-20', periodEnd: '2027-05-20', studyYears: 1 },
    ],
    [
      '29 February start ends 28 February',
      { ...cls, groupStart: '2028-01-01', startDate: '2028-02-29' },
      { startDate: '2028-02-29', periodEnd: '2031-02-28', studyYears: 3 },
    ],
    ['teacher round: the round window, no study years', round, { startDate: '2026-09-15', periodEnd: '2026-12-31', studyYears: null }],
    [
      'exactly 15 on the start date',
      { ...cls, person: { ...cls.person, birthDate: '2011-03-01' } },
      { startDate: '2026-03-01', periodEnd: '2029-03-01', studyYears: 3 },
    ],
    [
      '59 the day before turning 60',
      { ...cls, person: { ...cls.person, birthDate: '1966-03-02' } },
      { startDate: '2026-03-01', periodEnd: '2029-03-01', studyYears: 3 },
    ],
    [
      'age does not matter for teachers',
      { ...round, person: { ...round.person, birthDate: '1960-01-01' } },
      { startDate: '2026-09-15', periodEnd: '2026-12-31', studyYears: null },
    ],
  ] as const)('%s', (_name, input, plan) => {
    expect(planEnrollment(input as EnrollmentInput)).toEqual({ ok: true, plan })
  })

  test.each([
    ['before the class starts', { ...cls, startDate: '2026-02-28' }, { code: 'before_group_start', groupStart: '2026-03-01' }],
    ['after the round ends', { ...round, startDate: '2027-01-01' }, { code: 'after_group_end', groupEnd: '2026-12-31' }],
    ['before the round starts', { ...round, startDate: '2026-08-31' }, { code: 'before_group_start', groupStart: '2026-09-01' }],
    ['14, a day short of 15', { ...cls, person: { ...cls.person, birthDate: '2011-03-02' } }, { code: 'too_young', age: 14, min: 15 }],
    ['60 on the start date', { ...cls, person: { ...cls.person, birthDate: '1966-03-01' } }, { code: 'too_old', age: 60, max: 59 }],
    ['an adult learner in a teacher round', { ...round, person: { ...round.person, kind: 'adult_learner' } }, { code: 'not_a_teacher' }],
  ] as const)('refused: %s', (_name, input, refusal) => {
    expect(planEnrollment(input as EnrollmentInput)).toEqual({ ok: false, refusal })
  })
})

describe('withdrawalDateProblem', () => {
  const period = { startDate: '2026-03-01', periodEnd: '2029-03-01' }
  test.each([
    ['the first day', '2026-03-01', null],
    ['today', '2026-11-24', null],
    ['before the start', '2026-02-28', 'before_start'],
    ['after the period', '2029-03-02', 'after_period'],
    ['tomorrow', '2026-11-25', 'in_future'],
  ] as const)('%s', (_name, date, problem) => {
    expect(withdrawalDateProblem(date, period, '2026-11-24')).toBe(problem)
  })
})

test('incompleteTasks: retired tasks do not count, order is kept', () => {
  const tasks = [
    { id: 'a', retired: false },
    { id: 'b', retired: true },
    { id: 'c', retired: false },
    { id: 'd', retired: false },
  ]
  expect(incompleteTasks(tasks, new Set(['c'])).map((t) => t.id)).toEqual(['a', 'd'])
  expect(incompleteTasks(tasks, new Set(['a', 'c', 'd']))).toEqual([])
})

test.each([
  [0, true],
  [100, true],
  [59.5, true],
  [-1, false],
  [100.5, false],
  [72.25, false],
  [Number.NaN, false],
])('score %d valid: %s', (score, valid) => {
  expect(isValidScore(score)).toBe(valid)
})

describe("enrollmentConflict: the program's rule", () => {
  const held = (groupId: string, status: HeldEnrollment['status']): HeldEnrollment => ({
    enrollmentId: `e-${groupId}`,
    groupId,
    groupName: `班 ${groupId}`,
    status,
  })

  test('one_active_per_program: an active enrollment elsewhere refuses, a finished one does not', () => {
    expect(enrollmentConflict('one_active_per_program', 'B', [held('A', 'active')])).toEqual({ code: 'active_in_program', groupName: '班 A' })
    for (const status of ['withdrawn', 'graduated', 'completed'] as const)
      expect(enrollmentConflict('one_active_per_program', 'B', [held('A', status)])).toBeNull()
  })

  test('one_per_group: any number of active rounds at once, but one enrollment per round', () => {
    expect(enrollmentConflict('one_per_group', 'C', [held('A', 'active'), held('B', 'active')])).toBeNull()
    expect(enrollmentConflict('one_per_group', 'A', [held('A', 'completed')])).toEqual({ code: 'already_enrolled', enrollmentId: 'e-A' })
  })

  test('the same group is reported before an active one elsewhere', () => {
    expect(enrollmentConflict('one_active_per_program', 'A', [held('B', 'active'), held('A', 'withdrawn')])).toEqual({
      code: 'already_enrolled',
      enrollmentId: 'e-A',
    })
  })
})
