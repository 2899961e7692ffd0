import { expect, test } from 'vitest'
import { CARD_IP_BLOCK_SECONDS, CARD_IP_MAX_FAILURES, cardGroupLine, cardIpBlockSeconds, cardShortId, parseCardToken } from './sign-in-card.ts'

const id = 'abcdefghijklmnopqrstuvwx'
const secret = 'abcdefghijklmnopqrstuvwxyz234567'

test('a card token is <24 base32>.<32 base32>; anything else is refused before any query', () => {
  expect(parseCardToken(`${id}.${secret}`)).toEqual({ id, secret })
  for (const bad of [
    '',
    id,
    `${id}.`,
    `${id}.${secret}x`,
    `${id}.${secret.slice(1)}`,
    `${id.toUpperCase()}.${secret}`,
    `${id}.${secret.replace('a', '1')}`,
    `${id}.${secret}.x`,
    null,
    42,
  ]) {
    expect(parseCardToken(bad), String(bad)).toBeNull()
  }
  // 32 base32 characters are 160 bits.
  expect(secret.length * 5).toBe(160)
})

test('the printed number is the first 8 characters of the id, in two groups', () => {
  expect(cardShortId(id)).toBe('ABCD-EFGH')
})

test('an address waits only after many wrong cards', () => {
  expect(cardIpBlockSeconds(CARD_IP_MAX_FAILURES - 1)).toBe(0)
  expect(cardIpBlockSeconds(CARD_IP_MAX_FAILURES)).toBe(CARD_IP_BLOCK_SECONDS)
})

test('a person in several groups: the names once each, joined with 、', () => {
  expect(cardGroupLine(['甲班', '乙轮训', '甲班'])).toBe('甲班、乙轮训')
  expect(cardGroupLine([])).toBe('')
})
