import { expect, test } from 'vitest'
import { addYears, ageOn, beijingDate, formatDate, isIsoDate, startOfBeijingDay } from './time.ts'

test.each([
  ['2026-11-23T15:59:59Z', '2026-11-23'],
  ['2026-11-23T16:00:00Z', '2026-11-24'], // midnight in Beijing
  ['2026-12-31T16:30:00Z', '2027-01-01'],
])('beijingDate(%s) = %s', (iso, date) => expect(beijingDate(new Date(iso))).toBe(date))

test('a Beijing day starts at 16:00 UTC the day before', () => {
  expect(startOfBeijingDay('2026-11-24').toISOString()).toBe('2026-11-23T16:00:00.000Z')
})

test.each([
  ['2026-03-01', 1, '2027-03-01'],
  ['2026-03-01', 3, '2029-03-01'],
  ['2024-02-29', 1, '2025-02-28'],
])('addYears(%s, %i) = %s', (date, years, expected) => expect(addYears(date, years)).toBe(expected))

test.each([
  ['1990-11-24', '2026-11-24', 36],
  ['1990-11-25', '2026-11-24', 35],
])('ageOn(%s, %s) = %i', (birth, on, age) => expect(ageOn(birth, on)).toBe(age))

test('dates are shown as Chinese users expect', () => {
  expect(formatDate('2026-03-07', 'zh-CN')).toBe('2026年3月7日')
  expect(formatDate('2026-03-07', 'en')).toBe('2026-03-07')
})

test.each([
  ['2026-02-28', true],
  ['2024-02-29', true],
  ['2026-02-30', false],
  ['2026-13-01', false],
  ['2026-1-01', false],
])('isIsoDate(%s) = %s', (s, ok) => expect(isIsoDate(s)).toBe(ok))
