/**
 * Finding 5 (no request-body limit on form routes, unauthenticated ones
 * included) and DESIGN.md §11 "Body limits": one limit in front of Remix with
 * per-route ceilings; above the ceiling a 413 with a Chinese message, before
 * the body is read. A 40 MB post to /locale or /login used to be parsed whole.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { getDb } from '#app/utils/db.server.ts'
import { closePool } from '#app/utils/pg.server.ts'
import { createUserWithSession } from '#tests/fixtures/db.ts'
import { FORM, form, rawRequest, startTestServer, type TestServer } from './http-app.ts'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
}, 120_000)
afterAll(async () => {
  await server?.close()
  await closePool().catch(() => {})
})

const FORTY_MB = 40 * 1024 * 1024

test.each(['/locale', '/login'])('a 40 MB declared body to %s is refused with 413 before it is sent', async (path) => {
  // Only 1 KB of the announced 40 MB is ever sent: an answer proves the server did not wait to read the body.
  const res = await rawRequest(server, { method: 'POST', path, headers: FORM, declaredLength: FORTY_MB, body: 'a'.repeat(1024), timeoutMs: 10_000 })
  expect(res.status).toBe(413)
  expect(res.body).toContain('请求内容过大')
  expect(res.headers['content-type']).toMatch(/charset=utf-8/)
})

test('a chunked body (no Content-Length) is counted as it streams and refused at the ceiling', async () => {
  // 40 MB offered in 64 KB chunks; the answer must come long before they are all sent.
  const res = await rawRequest(server, { method: 'POST', path: '/locale', headers: FORM, chunks: { size: 64 * 1024, count: 640 }, timeoutMs: 10_000 })
  expect(res.status).toBe(413)
  expect(res.body).toContain('请求内容过大')
})

test('the same limit holds for single-fetch data requests and for paths no route claims', async () => {
  for (const path of ['/login.data', '/locale?index', '/no/such/page', '/api/v1/auth/token']) {
    const res = await rawRequest(server, { method: 'POST', path, headers: FORM, declaredLength: 2 * 1024 * 1024, body: 'a', timeoutMs: 10_000 })
    expect(res.status, path).toBe(413)
  }
})

test('a body within the ceiling still reaches the route: the language switch works', async () => {
  const res = await rawRequest(server, { method: 'POST', path: '/locale', headers: FORM, body: form({ locale: 'en', redirectTo: '/login' }) })
  expect(res.status).toBe(302)
  expect(res.headers.location).toBe('/login')
  expect(String(res.headers['set-cookie'])).toContain('en')
})

test('uploads get their own, larger ceiling: 1 MB to the self-study form is not refused by size', async () => {
  // Not signed in: the route answers with its redirect to /login, which it can only do once past the limit.
  const res = await rawRequest(server, {
    method: 'POST',
    path: '/me/self-study',
    headers: { ...FORM, 'Content-Type': 'multipart/form-data; boundary=x' },
    body: `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${'a'.repeat(1024 * 1024)}\r\n--x--\r\n`,
  })
  expect(res.status).not.toBe(413)
})

test.each([
  ['declared with Content-Length', false],
  ['chunked', true],
])('a 20 MB photo (%s) is refused in the form’s own words, 413, and the browser still sending gets the answer', async (_label, chunked) => {
  const learner = await createUserWithSession(getDb(), { role: 'learner' })
  const head = `--x\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`
  const headers = { ...FORM, 'Content-Type': 'multipart/form-data; boundary=x', Cookie: learner.cookie }
  const res = chunked
    ? await rawRequest(server, { method: 'POST', path: '/me/self-study', headers, chunks: { size: 64 * 1024, count: 320, first: head }, timeoutMs: 20_000 })
    : await rawRequest(server, {
        method: 'POST',
        path: '/me/self-study',
        headers,
        body: Buffer.concat([Buffer.from(head), Buffer.alloc(20 * 1024 * 1024, 0xff)]),
        timeoutMs: 20_000,
      })
  expect(res.status).toBe(413)
  expect(res.headers['content-type']).toMatch(/^text\/html/)
  expect(res.body).toContain('10 MB')
})

test('U+0000 in a page form or query is refused once, in front of every route: 400 in Chinese, not a 500', async () => {
  for (const body of [form({ username: 'a\u0000b', password: 'x' }), 'username=a%00b&password=x', 'username=a\u0000b&password=x']) {
    const res = await rawRequest(server, { method: 'POST', path: '/login', headers: FORM, body })
    expect(res.status, body).toBe(400)
    expect(res.body).toContain('空字符（U+0000）')
  }
  // chunked too, and in a query (a search box)
  const chunked = await rawRequest(server, { method: 'POST', path: '/login', headers: FORM, chunks: { size: 16, count: 1, first: 'username=%00&x=' } })
  expect(chunked.status).toBe(400)
  for (const path of ['/coordinator/people?q=%00', '/audit?actor=a%00b']) {
    const res = await rawRequest(server, { method: 'GET', path })
    expect(res.status, path).toBe(400)
  }
  // a typed "%00" arrives as %2500 and is just text: the sign-in answers as for any wrong password
  const typed = await rawRequest(server, { method: 'POST', path: '/login', headers: FORM, body: form({ username: 'a%00b', password: 'x' }) })
  expect(typed.status).toBeLessThan(500)
  expect(typed.body.startsWith('<!DOCTYPE html>'), 'the sign-in page answered, not the refusal').toBe(true)
  // the API keeps its contract's own answer (422 naming the field)
  const api = await rawRequest(server, {
    method: 'POST',
    path: '/api/v1/auth/token',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'a\u0000b', password: 'x' }),
  })
  expect(api.status).toBe(422)
})
