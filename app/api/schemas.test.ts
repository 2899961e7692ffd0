import { describe, expect, test } from 'vitest'
import { apiMessage } from './messages.ts'
import { HoursRequest, ProgressQuery } from './schemas.ts'

const valid = { category: 'online', minutes: 45, date: '2026-04-01', reason: '补录' }

describe('HoursRequest', () => {
  test.each([
    ['a positive entry', {}, null],
    ['a negative correction', { minutes: -45 }, null],
    ['a whole day', { minutes: 1440 }, null],
    ['zero minutes', { minutes: 0 }, 'minutes'],
    ['more than a day', { minutes: 1441 }, 'minutes'],
    ['less than minus a day', { minutes: -1441 }, 'minutes'],
    ['fractional minutes', { minutes: 1.5 }, 'minutes'],
    ['minutes as a string', { minutes: '45' }, 'minutes'],
    ['an unknown category', { category: 'sleep' }, 'category'],
    ['29 February of a common year', { date: '2026-02-29' }, 'date'],
    ['29 February of a leap year', { date: '2028-02-29' }, null],
    ['a date with a time', { date: '2026-04-01T08:00:00' }, 'date'],
    ['a blank reason', { reason: '   ' }, 'reason'],
    ['no reason', { reason: undefined }, 'reason'],
    ['a reason too long', { reason: '字'.repeat(501) }, 'reason'],
  ])('%s', (_name, change, badField) => {
    const result = HoursRequest.safeParse({ ...valid, ...change })
    if (badField === null) expect(result.success).toBe(true)
    else expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([badField])
  })

  test('the reason is stored trimmed', () => {
    expect(HoursRequest.parse({ ...valid, reason: '  补录  ' }).reason).toBe('补录')
  })
})

test('asOf is optional but must be a real date', () => {
  expect(ProgressQuery.parse({})).toEqual({})
  expect(ProgressQuery.safeParse({ asOf: '2026-11-31' }).success).toBe(false)
})

test('messages fill their placeholders and leave unknown ones visible', () => {
  expect(apiMessage('rateLimited', { seconds: 30 })).toBe('尝试次数过多，请 30 秒后再试')
  expect(apiMessage('rateLimited')).toContain('{seconds}')
})
