/**
 * Finding 1 (open redirect after sign-in) and the redirect half of finding 14
 * (a redirectTo with CR, LF, VT or U+3000 was a 500): `safeRedirect` accepts
 * only a same-origin path after the URL standard's own parsing, and what it
 * returns is a path that a browser resolves on this origin and that a
 * Location header can carry. The routes are exercised over HTTP.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { safeRedirect } from '#app/utils/http.ts'
import { getDb } from '#app/utils/db.server.ts'
import { closePool } from '#app/utils/pg.server.ts'
import { createTestUser } from '#tests/fixtures/db.ts'
import { FORM, form, rawRequest, startTestServer, type TestServer } from './http-app.ts'

/** What browsers do with a Location: resolve it against the page's URL. */
const where = (location: string, page = 'https://xx.example/login') => new URL(location, page)

const HOSTILE = [
  '/\t/evil.example/phish',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '\t//evil.example',
  ' //evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '/\t\\evil.example',
  '//evil.example',
  '///evil.example',
  'https://evil.example/',
  'https:evil.example',
  'http:/\\evil.example',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '/me/..//evil.example',
  '/me/../..//evil.example',
  '/me/%2e%2e//evil.example',
  '/%2e%2e//evil.example',
  '/./\\/evil.example',
  '/\u000b/evil.example',
  '/\u3000/evil.example',
  '\u3000//evil.example',
  '/a\r\nSet-Cookie: x=1',
]

test.each(HOSTILE)('safeRedirect(%j) stays on this origin and fits in a Location header', (input) => {
  const to = safeRedirect(input)
  expect(where(to).origin).toBe('https://xx.example')
  expect(to.startsWith('/')).toBe(true)
  expect(to.startsWith('//') || to.startsWith('/\\')).toBe(false)
  expect(() => new Headers({ Location: to })).not.toThrow()
  // Idempotent: what it returns is its own answer (no second parse changes it).
  expect(safeRedirect(to)).toBe(to)
})

test.each([
  ['/coordinator?q=1', '/coordinator?q=1'],
  ['/me/courses#task-3', '/me/courses#task-3'],
  ['/coordinator/people/abc/../def', '/coordinator/people/def'],
  ['/搜索?q=张三', '/%E6%90%9C%E7%B4%A2?q=%E5%BC%A0%E4%B8%89'],
])('an ordinary path %j is kept (normalised as a browser would): %j', (input, expected) => {
  expect(safeRedirect(input)).toBe(expected)
})

test('within: the result must lie under a prefix after normalising, not before', () => {
  expect(safeRedirect('/me/../coordinator', '/me/courses', { within: '/me' })).toBe('/me/courses')
  expect(safeRedirect('/me/../..//evil.example', '/me/courses', { within: '/me' })).toBe('/me/courses')
  expect(safeRedirect('/mean', '/me/courses', { within: '/me' })).toBe('/me/courses')
  expect(safeRedirect('/me?x=1', '/me/courses', { within: '/me' })).toBe('/me?x=1')
  expect(safeRedirect('/me/records', '/me/courses', { within: '/me' })).toBe('/me/records')
})

test('non-strings and empty values fall back', () => {
  expect(safeRedirect(null)).toBe('/')
  expect(safeRedirect(undefined, '/x')).toBe('/x')
  expect(safeRedirect('')).toBe('/')
  expect(safeRedirect(new File(['x'], 'x.txt'))).toBe('/')
})

describeOverHttp()

function describeOverHttp() {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  }, 120_000)
  afterAll(async () => {
    await server?.close()
    await closePool().catch(() => {})
  })

  test('signing in with ?redirectTo=%2F%09%2Fevil.example%2Fphish lands on this site', async () => {
    const user = await createTestUser(getDb(), { role: 'coordinator' })
    const res = await rawRequest(server, {
      method: 'POST',
      path: '/login?redirectTo=%2F%09%2Fevil.example%2Fphish',
      headers: FORM,
      body: form({ identifier: user.username, password: user.password, redirectTo: '/\t/evil.example/phish' }),
    })
    expect(res.status).toBe(302)
    expect(where(String(res.headers.location), `${server.base}/login`).origin).toBe(server.base)
  })

  test.each(['/\t/evil.example', '/\r\n/evil.example', '/\u000b/evil.example', '/\u3000/evil.example', '/me/../..//evil.example'])(
    'the language switch with redirectTo=%j answers a same-origin redirect, never a 500',
    async (redirectTo) => {
      const res = await rawRequest(server, { method: 'POST', path: '/locale', headers: FORM, body: form({ locale: 'en', redirectTo }) })
      expect(res.status).toBe(302)
      expect(where(String(res.headers.location), `${server.base}/x`).origin).toBe(server.base)
    },
  )
}
