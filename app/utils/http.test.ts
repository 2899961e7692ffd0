import { expect, test } from 'vitest'
import { safeRedirect } from './http.ts'

test.each([
  ['/coordinator?q=1', '/coordinator?q=1'],
  ['//evil.example', '/'],
  ['https://evil.example', '/'],
  ['/\\evil.example', '/'],
  [null, '/'],
])('safeRedirect(%j) = %s', (to, expected) => expect(safeRedirect(to)).toBe(expected))
