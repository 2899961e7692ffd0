import { describe, expect, it } from 'vitest'
import { afterWrongCode, normaliseCode, requestWait, waitInWords } from './sms-code.ts'

const T0 = new Date('2026-12-01T10:00:00Z')
const ago = (seconds: number) => new Date(T0.getTime() - seconds * 1000)

describe('when a new code may be sent', () => {
  it.each<[string, { phone?: number[]; ip?: number[]; lockedFor?: number }, number]>([
    ['first request', {}, 0],
    ['one 30 s ago: wait 30 s', { phone: [30] }, 30],
    ['one 60 s ago: go', { phone: [60] }, 0],
    ['four this hour, last 10 min ago: go', { phone: [3000, 2000, 1200, 600] }, 0],
    ['five this hour: wait until the oldest is an hour old', { phone: [3000, 2000, 1200, 600, 300] }, 600],
    ['five, the oldest 61 min ago: go', { phone: [3660, 2000, 1200, 600, 300] }, 0],
    ['twenty from this address this hour', { ip: Array.from({ length: 20 }, (_, i) => 3500 - i * 10) }, 100],
    ['phone locked after wrong codes: wait the lock out', { lockedFor: 400 }, 400],
    ['the longest wait wins', { phone: [10], lockedFor: 400 }, 400],
  ])('%s', (_n, { phone = [], ip = [], lockedFor }, expected) => {
    expect(
      requestWait({
        now: T0,
        phoneRequests: phone.map(ago),
        ipRequests: ip.map(ago),
        phoneLockedUntil: lockedFor ? new Date(T0.getTime() + lockedFor * 1000) : null,
      }),
    ).toBe(expected)
  })
})

describe('wrong codes', () => {
  it('the fifth wrong code in a row locks the phone for 15 minutes and starts the count again', () => {
    let state = { failures: 0, lockedUntil: null as Date | null }
    for (let i = 1; i <= 4; i++) {
      state = afterWrongCode({ now: T0, failures: state.failures, lastFailureAt: i === 1 ? null : T0 })
      expect(state).toEqual({ failures: i, lockedUntil: null })
    }
    expect(afterWrongCode({ now: T0, failures: 4, lastFailureAt: T0 })).toEqual({ failures: 0, lockedUntil: new Date(T0.getTime() + 15 * 60_000) })
  })
  it('wrong codes an hour apart are forgotten', () => {
    expect(afterWrongCode({ now: T0, failures: 4, lastFailureAt: ago(3601) })).toEqual({ failures: 1, lockedUntil: null })
  })
})

describe('codes and words', () => {
  it.each([
    ['123456', '123456'],
    [' 123 456 ', '123456'],
    ['１２３４５６', '123456'],
    ['12345', null],
    ['1234567', null],
    ['12345a', null],
    ['', null],
  ])('%j → %j', (input, expected) => expect(normaliseCode(input)).toBe(expected))
  it.each([
    [1, '1 秒'],
    [45, '45 秒'],
    [60, '1 分钟'],
    [61, '2 分钟'],
    [900, '15 分钟'],
  ])('%i s → %s', (s, words) => expect(waitInWords(s)).toBe(words))
})
