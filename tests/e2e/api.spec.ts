/**
 * The public API v1 through the real server (Express, the CSRF gate, Remix
 * routes) against the seeded demo county: a token for a demo account, hours
 * posted cross-site with a bearer token, progress, and the browser's session
 * cookie refused.
 */
import { expect, signIn, SEED_PASSWORD, test } from './fixtures.ts'

test.use({ extraHTTPHeaders: { 'X-Forwarded-For': `198.51.100.${Math.floor(Math.random() * 200) + 1}` } })

test('a script gets a token, records hours and reads progress; the web cookie alone gets nothing @desktop', async ({ page, request, db }) => {
  // A seeded learner of 2026级种植班（者楼） without an account, so no other test watches their hours.
  const enrollment = await db.enrollment.findFirstOrThrow({
    where: { group: { code: 'CH2026-ZZ01' }, person: { user: null } },
    orderBy: { id: 'desc' },
  })

  const issued = await request.post('/api/v1/auth/token', { data: { username: 'coord.county', password: SEED_PASSWORD } })
  expect(issued.status()).toBe(200)
  const { token } = await issued.json()
  const auth = { authorization: `Bearer ${token}` }

  const before = await request.get(`/api/v1/enrollments/${enrollment.id}/progress?asOf=2026-11-24`, { headers: auth })
  expect(before.status()).toBe(200)
  const earned = (body: { requirements: { code: string; earnedMinutes: number }[] }) =>
    body.requirements.find((r) => r.code === 'self-study-and-online')!.earnedMinutes
  const earnedBefore = earned(await before.json())

  // Another site's script posting with a bearer token is not a CSRF risk: the gate lets /api/ through, the token decides.
  const posted = await request.post(`/api/v1/enrollments/${enrollment.id}/hours`, {
    headers: { ...auth, origin: 'https://integrator.example' },
    data: { category: 'online', minutes: 100, date: '2026-04-01', reason: '省平台学时同步' },
  })
  expect(posted.status()).toBe(201)
  expect(await posted.json()).toMatchObject({ entryId: expect.any(String), minutes: 100, hours: 2.2 })

  const after = await request.get(`/api/v1/enrollments/${enrollment.id}/progress?asOf=2026-11-24`, { headers: auth })
  expect(earned(await after.json())).toBe(earnedBefore + 100)

  const malformed = await request.post(`/api/v1/enrollments/${enrollment.id}/hours`, {
    headers: { ...auth, 'content-type': 'application/json' },
    data: '{"minutes": ',
  })
  expect(malformed.status()).toBe(422)
  expect((await malformed.json()).error.code).toBe('validation_failed')

  const unknown = await request.get('/api/v1/no-such-endpoint', { headers: auth })
  expect(unknown.status()).toBe(404)
  expect((await unknown.json()).error.code).toBe('not_found')

  const openapi = await request.get('/api/v1/openapi.json')
  expect(openapi.status()).toBe(200)
  expect((await openapi.json()).paths).toHaveProperty(['/api/v1/enrollments/{id}/progress'])

  // Signed in in the browser: its cookie rides along with page.request, but the API does not accept it.
  await signIn(page, 'coord.county', SEED_PASSWORD)
  await expect(page).toHaveURL(/\/coordinator/)
  const withCookie = await page.request.get(`/api/v1/enrollments/${enrollment.id}/progress`)
  expect(withCookie.status()).toBe(401)
  expect((await withCookie.json()).error.code).toBe('unauthenticated')
})
