import { expect, test } from 'vitest'
import { accountDelaySeconds, ipBlockSeconds, secondsUntil } from './sign-in-throttle.ts'

test.each([
  [1, 0],
  [4, 0],
  [5, 1],
  [6, 2],
  [7, 4],
  [8, 8],
  [12, 128],
  [13, 256],
  [14, 300],
  [40, 300],
])('after %i failures an account waits %i s', (failures, seconds) => {
  expect(accountDelaySeconds(failures)).toBe(seconds)
})

test.each([
  [9, 0],
  [10, 600],
  [25, 600],
])('after %i failures an IP waits %i s', (failures, seconds) => {
  expect(ipBlockSeconds(failures)).toBe(seconds)
})

test('remaining wait is rounded up to whole seconds and never negative', () => {
  const now = new Date('2026-11-24T00:00:00Z')
  expect(secondsUntil(new Date(now.getTime() + 1500), now)).toBe(2)
  expect(secondsUntil(new Date(now.getTime() - 1500), now)).toBe(0)
  expect(secondsUntil(null, now)).toBe(0)
})
