import { describe, expect, test } from 'vitest'
import { roundUpHours, studyPace, type StudyPace } from './study-pace.ts'

describe('studyPace', () => {
  test.each<[string, number, string | null, string, StudyPace]>([
    ['nothing missing', 0, '2027-08-31', '2026-12-01', { kind: 'met' }],
    ['more than required (negative missing)', -45, '2027-08-31', '2026-12-01', { kind: 'met' }],
    ['no end date: only what is missing', 268 * 45, null, '2026-12-01', { kind: 'open', missingHours: 268 }],
    // 2026-12-01 … 2027-08-31 is 274 days (both counted) = 39.14 weeks; 268 / 39.14 = 6.85 → 7 a week.
    [
      '268 学时 over about 39 weeks: 7 a week (rounded up)',
      268 * 45,
      '2027-08-31',
      '2026-12-01',
      { kind: 'weekly', missingHours: 268, perWeekHours: 7, daysLeft: 274, endDate: '2027-08-31' },
    ],
    [
      'exactly 6 a week over 10 weeks',
      60 * 45,
      '2027-02-08',
      '2026-12-01',
      { kind: 'weekly', missingHours: 60, perWeekHours: 6, daysLeft: 70, endDate: '2027-02-08' },
    ],
    [
      'a little over 6 a week rounds up to 7',
      60 * 45 + 1,
      '2027-02-08',
      '2026-12-01',
      { kind: 'weekly', missingHours: 61, perWeekHours: 7, daysLeft: 70, endDate: '2027-02-08' },
    ],
    [
      'under 1 学时 a week is said in tenths',
      9,
      '2027-02-08',
      '2026-12-01',
      { kind: 'weekly', missingHours: 0.2, perWeekHours: 0.1, daysLeft: 70, endDate: '2027-02-08' },
    ],
    [
      'exactly 7 days left is still weekly',
      10 * 45,
      '2026-12-07',
      '2026-12-01',
      { kind: 'weekly', missingHours: 10, perWeekHours: 10, daysLeft: 7, endDate: '2026-12-07' },
    ],
    ['6 days left: per day', 10 * 45, '2026-12-06', '2026-12-01', { kind: 'daily', missingHours: 10, perDayHours: 2, daysLeft: 6, endDate: '2026-12-06' }],
    [
      'the last day: all of it today',
      3 * 45,
      '2026-12-01',
      '2026-12-01',
      { kind: 'daily', missingHours: 3, perDayHours: 3, daysLeft: 1, endDate: '2026-12-01' },
    ],
    ['the day after the end: ended', 3 * 45, '2026-11-30', '2026-12-01', { kind: 'ended', missingHours: 3, endDate: '2026-11-30' }],
    ['a minute missing says 0.1 学时, never 0.0', 1, null, '2026-12-01', { kind: 'open', missingHours: 0.1 }],
    ['268.2 学时 missing says 269 (rounded up)', 268 * 45 + 9, null, '2026-12-01', { kind: 'open', missingHours: 269 }],
  ])('%s', (_name, missingMinutes, endDate, asOf, expected) => {
    expect(studyPace({ missingMinutes, endDate, asOf, minutesPerHour: 45 })).toEqual(expected)
  })
})

test('60-minute 学时', () => {
  expect(studyPace({ missingMinutes: 120, endDate: null, asOf: '2026-12-01', minutesPerHour: 60 })).toEqual({ kind: 'open', missingHours: 2 })
})

test.each([
  [0, 0],
  [-1, 0],
  [0.04, 0.1],
  [0.1, 0.1],
  [0.95, 1],
  [1, 1],
  [5.01, 6],
  [6, 6],
])('roundUpHours(%s) is %s', (hours, rounded) => {
  expect(roundUpHours(hours)).toBe(rounded)
})
