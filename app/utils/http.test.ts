import { expect, test } from 'vitest'
import { routingPath, safeRedirect } from './http.ts'

test.each([
  ['/coordinator?q=1', '/coordinator?q=1'],
  ['/me/courses#x', '/me/courses#x'],
  ['//evil.example', '/'],
  ['https://evil.example', '/'],
  ['/\\evil.example', '/'],
  ['/\t/evil.example/phish', '/'],
  ['/\n/evil.example', '/'],
  ['/me/../..//evil.example', '/'],
  ['/a\r\nSet-Cookie: x=1', '/aSet-Cookie:%20x=1'],
  ['/\u000b/x', '/%0B/x'],
  [null, '/'],
  ['', '/'],
])('safeRedirect(%j) = %s', (to, expected) => expect(safeRedirect(to)).toBe(expected))

test('within a prefix, judged after normalising', () => {
  expect(safeRedirect('/me/../coordinator', '/me/courses', { within: '/me' })).toBe('/me/courses')
  expect(safeRedirect('/meadow', '/me/courses', { within: '/me' })).toBe('/me/courses')
  expect(safeRedirect('/me/records?x=1', '/me/courses', { within: '/me' })).toBe('/me/records?x=1')
})

test.each([
  ['/api/%2e%2e/logout', '/logout'],
  ['/api/./v1/../../logout?x=1', '/logout'],
  ['/api\\..\\logout', '/logout'],
  ['//api/v1', '//api/v1'],
  ['/%61pi/v1/people', '/api/v1/people'],
  ['/a%2Fb/c', '/a%2Fb/c'],
  ['/bad%zz', '/bad%zz'],
  ['/login.data', '/login.data'],
])('routingPath(%j) = %s', (raw, expected) => expect(routingPath(raw)).toBe(expected))
