import { describe, expect, it } from 'vitest'
import { countEnrolled, countPersonTimes, hoursScale, scaledToHours, targetProgress, type PersonTimeEnrollment } from './person-times.ts'

const enr = (enrollmentId: string, personId: string, key = 'all', minutesPerHour = 45): PersonTimeEnrollment => ({
  enrollmentId,
  personId,
  key,
  label: key,
  minutesPerHour,
})
const range = { from: '2026-01-01', to: '2026-12-31' }

describe('人次, persons, 人学时 and completions (api-v1.md)', () => {
  it('one teacher in three rounds is three 人次 and one person', () => {
    const r = countPersonTimes({
      ...range,
      enrollments: [enr('a', 'p1', 'r1'), enr('b', 'p1', 'r2'), enr('c', 'p1', 'r3')],
      entries: ['a', 'b', 'c'].map((enrollmentId) => ({ enrollmentId, minutes: 90, date: '2026-05-01' })),
      certificates: [],
    })
    expect(r.totals).toEqual({ personTimes: 3, persons: 1, personHours: 6, completions: 0 })
    expect(r.rows.map((x) => x.persons)).toEqual([1, 1, 1])
  })

  it.each([
    ['no hours: not a 人次', [], 0],
    ['hours only before the range', [{ minutes: 45, date: '2025-12-31' }], 0],
    ['hours on the first day of the range', [{ minutes: 45, date: '2026-01-01' }], 1],
    ['hours on the last day', [{ minutes: 45, date: '2026-12-31' }], 1],
    [
      'credited and fully corrected: net 0',
      [
        { minutes: 45, date: '2026-03-01' },
        { minutes: -45, date: '2026-03-02' },
      ],
      0,
    ],
    [
      'correction outside the range does not cancel',
      [
        { minutes: 45, date: '2026-03-01' },
        { minutes: -45, date: '2027-01-02' },
      ],
      1,
    ],
    ['net negative in range', [{ minutes: -45, date: '2026-03-01' }], 0],
  ] as const)('%s', (_n, entries, expected) => {
    const r = countPersonTimes({ ...range, enrollments: [enr('a', 'p1')], entries: entries.map((e) => ({ enrollmentId: 'a', ...e })), certificates: [] })
    expect(r.totals.personTimes).toBe(expected)
  })

  it('persons in the totals are distinct, not the sum of the rows', () => {
    const r = countPersonTimes({
      ...range,
      enrollments: [enr('a', 'p1', 'township-1'), enr('b', 'p1', 'township-2'), enr('c', 'p2', 'township-2')],
      entries: ['a', 'b', 'c'].map((enrollmentId) => ({ enrollmentId, minutes: 45, date: '2026-05-01' })),
      certificates: [],
    })
    expect(r.rows.map((x) => [x.key, x.persons])).toEqual([
      ['township-1', 1],
      ['township-2', 2],
    ])
    expect(r.totals.persons).toBe(2)
    expect(r.totals.personTimes).toBe(3)
  })

  it('completions: graduation (pending or not), completion and training certificates issued in range and not revoked', () => {
    const r = countPersonTimes({
      ...range,
      enrollments: [enr('a', 'p1'), enr('b', 'p2'), enr('c', 'p3'), enr('d', 'p4'), enr('e', 'p5')],
      entries: [],
      certificates: [
        { enrollmentId: 'a', type: 'graduation', issuedOn: '2026-06-01', revoked: false },
        { enrollmentId: 'b', type: 'completion', issuedOn: '2026-06-01', revoked: false },
        { enrollmentId: 'c', type: 'training', issuedOn: '2026-12-31', revoked: false },
        { enrollmentId: 'd', type: 'study_record', issuedOn: '2026-06-01', revoked: false },
        { enrollmentId: 'e', type: 'training', issuedOn: '2026-06-01', revoked: true },
        { enrollmentId: 'e', type: 'graduation', issuedOn: '2027-01-01', revoked: false },
      ],
    })
    expect(r.totals.completions).toBe(3)
  })

  it('人学时 uses each program’s minutes per 学时, one decimal', () => {
    const r = countPersonTimes({
      ...range,
      enrollments: [enr('a', 'p1', 'all', 45), enr('b', 'p2', 'all', 60)],
      entries: [
        { enrollmentId: 'a', minutes: 100, date: '2026-02-01' },
        { enrollmentId: 'b', minutes: 90, date: '2026-02-01' },
      ],
      certificates: [],
    })
    expect(r.totals.personHours).toBe(3.7) // 2.22… + 1.5
  })
})

describe('人学时 exactly (integer sums, one rounding)', () => {
  it('the scale is the least common multiple of the minutes per 学时', () => {
    expect(hoursScale([45])).toBe(45)
    expect(hoursScale([45, 60])).toBe(180)
    expect(hoursScale([40, 45, 60])).toBe(360)
  })

  it.each([
    // 2 minutes at 40 per 学时 is 0.05 exactly: half up → 0.1
    [
      [
        [1, 40],
        [1, 40],
      ],
      0.1,
    ],
    [[[3, 60]], 0.1],
    [[[1, 60]], 0],
    [
      [
        [100, 45],
        [90, 60],
      ],
      3.7,
    ],
    // ten people with 1 minute at 40 per 学时: 0.25 exactly → 0.3; a float sum of 1/40s is 0.24999… → 0.2
    [Array.from({ length: 10 }, () => [1, 40] as [number, number]), 0.3],
  ] as const)('%j → %s 学时', (parts, expected) => {
    const enrollments = parts.map(([, mph], i) => enr(`e${i}`, `p${i}`, 'all', mph))
    const entries = parts.map(([minutes], i) => ({ enrollmentId: `e${i}`, minutes, date: '2026-02-01' }))
    expect(countPersonTimes({ ...range, enrollments, entries, certificates: [] }).totals.personHours).toBe(expected)
  })

  it('scaledToHours rounds half up at one decimal', () => {
    expect(scaledToHours(2, 40)).toBe(0.1)
    expect(scaledToHours(1, 40)).toBe(0)
    expect(scaledToHours(45 * 360, 45)).toBe(360)
  })
})

describe('enrolled', () => {
  it('counts distinct people whose enrollment starts within the period, withdrawn or not', () => {
    const enrollments = [
      { personId: 'p1', startDate: '2021-03-01' },
      { personId: 'p1', startDate: '2023-09-01' },
      { personId: 'p2', startDate: '2023-12-31' },
      { personId: 'p3', startDate: '2024-01-01' },
      { personId: 'p4', startDate: '2020-12-31' },
    ]
    expect(countEnrolled({ enrollments, from: '2021-01-01', to: '2023-12-31' })).toBe(2)
  })
})

describe('targets', () => {
  it.each([
    ['half the year, half the target: on track', 2250, '2026-07-01', { gap: 2250, onTrack: true }],
    ['half the year, a third: behind, with the pace needed', 1500, '2026-07-01', { gap: 3000, onTrack: false, perMonthNeeded: 500 }],
    ['met early', 4600, '2026-10-01', { gap: 0, percent: 100 }],
    ['period over, not met', 4000, '2026-12-31', { gap: 500, perMonthNeeded: null }],
  ] as const)('%s', (_n, actual, asOf, expected) => {
    expect(targetProgress({ value: 4500, periodStart: '2026-01-01', periodEnd: '2026-12-31' }, actual, asOf)).toMatchObject(expected)
  })
})
