import { expect, test } from 'vitest'
import { checkPassword } from './password-policy.ts'

const common = new Set(['password', '12345678', 'woaini1314'])
const isCommon = (p: string) => common.has(p)

test.each([
  ['1234567', 'too_short'],
  ['学习使我快乐', 'too_short'], // 6 characters, counted as characters not bytes
  ['学习使我快乐每一天', null],
  ['x'.repeat(129), 'too_long'],
  ['x'.repeat(128), null],
  ['PASSWORD', 'common'],
  ['WoAiNi1314', 'common'],
  ['correct horse battery', null],
])('checkPassword(%j) = %s', (password, problem) => {
  expect(checkPassword(password, isCommon)).toBe(problem)
})
