import { describe, expect, test } from 'vitest'
import { formatHours, paceView, progressDisplay, requirementViews } from './progress-display.ts'

describe('progressDisplay', () => {
  test.each([
    // [earned, required, minutes per 学时, met, percent, earned 学时, required 学时, missing]
    ['nothing yet', 0, 16200, 45, false, 0, 0, 360, { kind: 'hours', hours: 360, minutes: 16200 }],
    ['a third', 5400, 16200, 45, false, 33, 120, 360, { kind: 'hours', hours: 240, minutes: 10800 }],
    ['12.5 学时 short', 16200 - 562, 16200, 45, false, 96, 347.5, 360, { kind: 'hours', hours: 12.5, minutes: 562 }],
    ['1 minute short: 学时 look equal, gap said in minutes', 16199, 16200, 45, false, 99, 360, 360, { kind: 'minutes', minutes: 1 }],
    ['2 minutes short rounds to 0.0 学时', 16198, 16200, 45, false, 99, 360, 360, { kind: 'minutes', minutes: 2 }],
    ['3 minutes short shows 0.1 学时', 16197, 16200, 45, false, 99, 359.9, 360, { kind: 'hours', hours: 0.1, minutes: 3 }],
    ['exactly met', 16200, 16200, 45, true, 100, 360, 360, { kind: 'none' }],
    ['over: clamped at 100', 20000, 16200, 45, true, 100, 444.4, 360, { kind: 'none' }],
    ['negative (after corrections): clamped at 0', -90, 16200, 45, false, 0, 0, 360, { kind: 'hours', hours: 360, minutes: 16200 }],
    ['nothing required (advisory with no concentrated hours)', 0, 0, 45, true, 100, 0, 0, { kind: 'none' }],
    ['60-minute 学时', 90, 120, 60, false, 75, 1.5, 2, { kind: 'hours', hours: 0.5, minutes: 30 }],
    ['a little earned shows at least 1 %', 90, 16200, 45, false, 1, 2, 360, { kind: 'hours', hours: 358, minutes: 16110 }],
  ] as const)('%s', (_name, earnedMinutes, requiredMinutes, minutesPerHour, met, percent, earnedHours, requiredHours, missing) => {
    expect(progressDisplay({ earnedMinutes, requiredMinutes, minutesPerHour })).toEqual({ met, percent, earnedHours, requiredHours, missing })
  })
})

test.each([
  [0, '0.0'],
  [123.4, '123.4'],
  [360, '360.0'],
])('formatHours(%s) is %s', (hours, text) => {
  expect(formatHours(hours)).toBe(text)
})

test('requirement views: hour, not-below and count requirements', () => {
  const views = requirementViews(
    [
      { code: 'a', label: '自学与线上学习不少于 360 学时', blocking: true, kind: 'min_hours', requiredMinutes: 16200, earnedMinutes: 16199 },
      { code: 'b', label: '自学不少于集中授课', blocking: false, kind: 'not_below', requiredMinutes: 360, earnedMinutes: 90 },
      { code: 'c', label: '听课评课', blocking: false, kind: 'min_count', requiredCount: 40, earnedCount: 41 },
      { code: 'd', label: '听课评课', blocking: false, kind: 'min_count', requiredCount: 40, earnedCount: 10 },
    ],
    45,
  )
  expect(views).toEqual([
    {
      code: 'a',
      label: '自学与线上学习不少于 360 学时',
      blocking: true,
      kind: 'hours',
      compare: false,
      display: { met: false, percent: 99, earnedHours: 360, requiredHours: 360, missing: { kind: 'minutes', minutes: 1 } },
    },
    {
      code: 'b',
      label: '自学不少于集中授课',
      blocking: false,
      kind: 'hours',
      compare: true,
      display: { met: false, percent: 25, earnedHours: 2, requiredHours: 8, missing: { kind: 'hours', hours: 6, minutes: 270 } },
    },
    { code: 'c', label: '听课评课', blocking: false, kind: 'count', met: true, percent: 100, earned: 41, required: 40 },
    { code: 'd', label: '听课评课', blocking: false, kind: 'count', met: false, percent: 25, earned: 10, required: 40 },
  ])
})

test('pace view in 学时', () => {
  expect(paceView({ behind: true, expectedMinutes: 5400 }, 45)).toEqual({ behind: true, expectedHours: 120 })
  expect(paceView({ behind: false, expectedMinutes: 0 }, 45)).toEqual({ behind: false, expectedHours: 0 })
})
