/**
 * Finding 13: no Content-Security-Policy on any HTML page, and no
 * `Cache-Control: no-store` on pages with personal data. Every HTML page now
 * carries a CSP with a fresh nonce that is on every script Remix writes (and
 * no script without it); pages answered to a signed-in browser are no-store,
 * public pages may be cached.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { getDb } from '#app/utils/db.server.ts'
import { closePool } from '#app/utils/pg.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createUserWithSession } from '#tests/fixtures/db.ts'
import { createSignedInLearner, createTrainingWorld } from '#tests/fixtures/training.ts'
import { rawRequest, startTestServer, type TestServer } from './http-app.ts'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
}, 120_000)
afterAll(async () => {
  await server?.close()
  await closePool().catch(() => {})
})

function directives(header: string | string[] | undefined): Map<string, string[]> {
  expect(typeof header, 'one Content-Security-Policy header').toBe('string')
  const map = new Map<string, string[]>()
  for (const part of String(header).split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) map.set(name, values)
  }
  return map
}

function nonceOf(csp: Map<string, string[]>): string {
  const token = csp.get('script-src')?.find((v) => v.startsWith("'nonce-"))
  expect(token, 'script-src has a nonce').toBeTruthy()
  return token!.slice("'nonce-".length, -1)
}

test('an HTML page has the policy: self only, nonced scripts, no objects, no base, no framing, forms to self', async () => {
  const res = await rawRequest(server, { path: '/login' })
  expect(res.status).toBe(200)
  expect(res.headers['content-type']).toMatch(/^text\/html/)
  const csp = directives(res.headers['content-security-policy'])
  expect(csp.get('default-src')).toEqual(["'self'"])
  expect(csp.get('script-src')).toContain("'self'")
  expect(csp.get('script-src')).not.toContain("'unsafe-inline'")
  expect(csp.get('script-src')).not.toContain("'unsafe-eval'")
  expect(csp.get('object-src')).toEqual(["'none'"])
  expect(csp.get('base-uri')).toEqual(["'none'"])
  expect(csp.get('frame-ancestors')).toEqual(["'none'"])
  expect(csp.get('form-action')).toEqual(["'self'"])
  expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:'])
  expect(csp.get('connect-src')?.[0]).toBe("'self'")
  const nonce = nonceOf(csp)
  expect(nonce).toMatch(/^[A-Za-z0-9+/]{22,}={0,2}$/)

  // Every script element carries that nonce; there is at least Remix's own inline and module script.
  const scripts = [...res.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
  expect(scripts.length).toBeGreaterThanOrEqual(2)
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
  // No inline event handlers or javascript: URLs either (they cannot carry a nonce).
  expect(res.body).not.toMatch(/\son[a-z]+="/i)
  expect(res.body).not.toMatch(/javascript:/i)
})

test('the nonce is new on every request', async () => {
  const a = nonceOf(directives((await rawRequest(server, { path: '/login' })).headers['content-security-policy']))
  const b = nonceOf(directives((await rawRequest(server, { path: '/login' })).headers['content-security-policy']))
  expect(a).not.toBe(b)
})

test('error pages are HTML pages too: the 404 has the policy and nonced scripts', async () => {
  const res = await rawRequest(server, { path: '/no/such/page' })
  expect(res.status).toBe(404)
  const nonce = nonceOf(directives(res.headers['content-security-policy']))
  for (const m of res.body.matchAll(/<script\b[^>]*>/g)) expect(m[0]).toContain(`nonce="${nonce}"`)
})

test('pages answered to a signed-in user are no-store (the learner home, the audit log); the public sign-in page is not', async () => {
  const learner = await createUserWithSession(getDb(), { role: 'learner' })
  const home = await rawRequest(server, { path: '/me', headers: { Cookie: learner.cookie } })
  expect(home.status).toBe(200)
  expect(home.headers['cache-control']).toBe('no-store')

  const admin = await createUserWithSession(getDb(), { role: 'admin' })
  const audit = await rawRequest(server, { path: '/audit', headers: { Cookie: admin.cookie } })
  expect(audit.status).toBe(200)
  expect(audit.headers['cache-control']).toBe('no-store')
  expect(audit.headers['content-security-policy']).toBeTruthy()

  // The loader data of a client-side navigation shows the same personal data.
  const data = await rawRequest(server, { path: '/audit.data', headers: { Cookie: admin.cookie } })
  expect(data.status).toBe(200)
  expect(data.headers['cache-control']).toBe('no-store')

  const login = await rawRequest(server, { path: '/login' })
  expect(login.headers['cache-control'] ?? '').not.toContain('no-store')
})

test('PWA (issue 13): a lesson page is private, no-cache for its learner (their service worker keeps it for offline reading), its loader data and a missing lesson stay no-store; /sw.js is revalidated and may control the site', async () => {
  const db = getDb()
  const world = await createTrainingWorld(db)
  const { user } = await createSignedInLearner(db, world)
  const group = await db.group.findUniqueOrThrow({ where: { id: world.groups.class.id }, select: { programId: true } })
  const suffix = newId().slice(0, 8)
  const course = await db.course.create({ data: { id: newId(), programId: group.programId, code: `SEC-C-${suffix}`, name: '离线课', kind: 'skill' } })
  const content = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: '离线也能读。' }] }] }
  const lesson = await db.lesson.create({
    data: { id: newId(), courseId: course.id, code: `SEC-L-${suffix}`, title: '离线第一课', content, nominalMinutes: 10 },
  })
  // In the class's plan: a learner reads only the lessons of their own plan.
  await db.planItem.create({ data: { id: newId(), majorId: world.groups.class.majorId!, courseId: course.id, position: 1 } })

  const page = await rawRequest(server, { path: `/learn/lessons/${lesson.id}`, headers: { Cookie: user.cookie } })
  expect(page.status).toBe(200)
  expect(page.body).toContain('离线第一课')
  expect(page.headers['cache-control']).toBe('private, no-cache')
  const data = await rawRequest(server, { path: `/learn/lessons/${lesson.id}.data`, headers: { Cookie: user.cookie } })
  expect(data.headers['cache-control']).toBe('no-store')
  const missing = await rawRequest(server, { path: '/learn/lessons/no-such-lesson', headers: { Cookie: user.cookie } })
  expect(missing.status).toBe(404)
  expect(missing.headers['cache-control']).toBe('no-store')
  const home = await rawRequest(server, { path: '/me', headers: { Cookie: user.cookie } })
  expect(home.headers['cache-control']).toBe('no-store')

  const sw = await rawRequest(server, { path: '/sw.js' })
  expect(sw.status).toBe(200)
  expect(sw.headers['service-worker-allowed']).toBe('/')
  expect(sw.headers['cache-control']).toBe('no-cache')
  expect(sw.body).toContain("const VERSION = '")
})
