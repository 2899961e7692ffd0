/**
 * Finding 8: the CSRF gate checked the raw path while routing uses the
 * normalised one, so `POST /api/%2e%2e/logout` from a foreign origin passed
 * the gate as "/api/…" and was routed to /logout, ending the session. The
 * decision is now made on the path routing sees; the /api/ exemption applies
 * only to real /api/ paths.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { isCrossSiteRequestAllowed } from '#app/auth/csrf.server.ts'
import { routingPath } from '#app/utils/http.ts'
import { getDb } from '#app/utils/db.server.ts'
import { closePool } from '#app/utils/pg.server.ts'
import { createUserWithSession } from '#tests/fixtures/db.ts'
import { FORM, rawRequest, startTestServer, type TestServer } from './http-app.ts'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
}, 120_000)
afterAll(async () => {
  await server?.close()
  await closePool().catch(() => {})
})

const DISGUISED = [
  '/api/%2e%2e/logout',
  '/api/%2E%2E/logout',
  '/api/./../logout',
  '/api/v1/%2e%2e/%2e%2e/logout',
  '/api/..%2flogout/../../logout',
  '/api\\..\\logout',
]

test.each(DISGUISED)('%s is judged as the path it routes to', (path) => {
  expect(routingPath(path)).toBe('/logout')
  for (const secFetchSite of ['cross-site', 'same-site', null]) {
    expect(isCrossSiteRequestAllowed({ method: 'POST', path, secFetchSite, origin: 'https://evil.example', expectedOrigins: ['http://localhost:3000'] })).toBe(
      false,
    )
  }
})

test('real API paths stay exempt (bearer tokens, never cookies); look-alikes are not', () => {
  const check = (path: string) =>
    isCrossSiteRequestAllowed({ method: 'POST', path, secFetchSite: 'cross-site', origin: 'https://evil.example', expectedOrigins: [] })
  expect(check('/api/v1/people')).toBe(true)
  expect(check('/api/v1/auth/token?x=1')).toBe(true)
  expect(check('/apiary')).toBe(false)
  expect(check('//api/v1/people')).toBe(false)
  expect(check('/api')).toBe(false)
})

test.each(DISGUISED)('over HTTP, a foreign POST to %s is refused and the session lives on', async (path) => {
  const user = await createUserWithSession(getDb(), { role: 'learner' })
  const sessionId = user.token.split('.')[0]!
  const res = await rawRequest(server, {
    method: 'POST',
    path,
    headers: { ...FORM, 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example', Cookie: user.cookie },
    body: '',
  })
  expect(res.status).toBe(403)
  expect(res.body).toContain('请求来源不被允许')
  expect(await getDb().session.count({ where: { id: sessionId } })).toBe(1)
})

test('the same sign-out from the app itself still works', async () => {
  const user = await createUserWithSession(getDb(), { role: 'learner' })
  const sessionId = user.token.split('.')[0]!
  const res = await rawRequest(server, { method: 'POST', path: '/logout', headers: { ...FORM, Cookie: user.cookie }, body: '' })
  expect(res.status).toBe(302)
  expect(await getDb().session.count({ where: { id: sessionId } })).toBe(0)
})
