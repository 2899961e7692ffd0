import { expect, test } from 'vitest'
import { checkSelfStudyLog, durationMinutes } from './self-study.ts'

const base = { date: '2026-11-20', minutes: 60, today: '2026-11-24', periodStart: '2026-03-01', periodEnd: '2029-03-01', loggedThatDay: 0 }

test.each([
  ['an ordinary day', {}, null],
  ['today', { date: '2026-11-24' }, null],
  ['tomorrow is the future', { date: '2026-11-25' }, { code: 'future' }],
  ['the first day of the period', { date: '2026-03-01' }, null],
  ['the day before the period', { date: '2026-02-28' }, { code: 'before_period', start: '2026-03-01' }],
  ['after the period ended', { date: '2026-11-20', periodEnd: '2026-11-19' }, { code: 'after_period', end: '2026-11-19' }],
  ['the last day of the period', { date: '2026-11-19', periodEnd: '2026-11-19' }, null],
  ['an open-ended period', { periodEnd: null }, null],
  ['exactly 24 hours in the day', { minutes: 720, loggedThatDay: 720 }, null],
  ['one minute over 24 hours', { minutes: 721 - 0, loggedThatDay: 720 }, { code: 'day_full', alreadyMinutes: 720, leftMinutes: 720 }],
  ['a full day leaves nothing', { minutes: 1, loggedThatDay: 1440 }, { code: 'day_full', alreadyMinutes: 1440, leftMinutes: 0 }],
] as const)('%s', (_name, change, problem) => {
  expect(checkSelfStudyLog({ ...base, ...change })).toEqual(problem)
})

test.each([
  [1, 30, 90],
  [undefined, 45, 45],
  [2, undefined, 120],
  [undefined, undefined, 0],
])('durationMinutes(%s h, %s min) = %s', (h, m, total) => {
  expect(durationMinutes(h, m)).toBe(total)
})
