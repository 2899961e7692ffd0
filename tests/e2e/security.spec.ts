import { expect, signIn, test } from './fixtures.ts'

test('the session cookie is HttpOnly, Secure, SameSite=Lax and __Host- prefixed', async ({ page, context, makeUser }) => {
  const user = await makeUser({ role: 'learner' })
  await signIn(page, user.username, user.password)
  const cookie = (await context.cookies()).find((c) => c.name.endsWith('xx_session'))
  expect(cookie).toMatchObject({ name: '__Host-xx_session', httpOnly: true, secure: true, sameSite: 'Lax', path: '/' })
  expect(await page.evaluate(() => document.cookie)).not.toContain('xx_session')
})

test.describe('a POST from elsewhere is refused with no write', () => {
  const cases: { label: string; headers: Record<string, string> }[] = [
    { label: 'Sec-Fetch-Site: cross-site', headers: { 'Sec-Fetch-Site': 'cross-site' } },
    { label: 'a foreign Origin', headers: { Origin: 'https://evil.example' } },
    { label: 'neither header', headers: {} },
  ]
  for (const c of cases) {
    test(`sign-in with ${c.label}`, async ({ request, db, makeUser }) => {
      const user = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
      const response = await request.post('/login', {
        form: { identifier: user.username, password: user.password },
        headers: c.headers,
        maxRedirects: 0,
      })
      expect(response.status()).toBe(403)
      expect(await response.text()).toContain('请求来源不被允许')
      expect(await db.session.count({ where: { userId: user.id } })).toBe(0)
    })

    test(`registering a person with ${c.label}, even with a valid session`, async ({ page, context, db, makeUser }) => {
      const user = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
      await signIn(page, user.username, user.password)
      await expect(page).toHaveURL('/coordinator')
      const region = await db.region.findUniqueOrThrow({ where: { code: '522327001' } })
      const before = await db.person.count()
      const response = await context.request.post('/coordinator/people/new', {
        form: { name: '跨站请求', idNumber: '11010519491231002X', regionId: region.id, kind: 'adult_learner' },
        headers: c.headers,
        maxRedirects: 0,
      })
      expect(response.status()).toBe(403)
      expect(await db.person.count()).toBe(before)
    })
  }
})

test('after 5 wrong passwords the account must wait, told in Chinese how long', async ({ page, makeUser }) => {
  const user = await makeUser({ role: 'teacher' })
  // A client address of its own, so this test's failures do not block the others.
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': `203.0.113.${Math.floor(Math.random() * 200) + 1}` })
  for (let i = 0; i < 4; i++) {
    await signIn(page, user.username, `wrong password ${i}`)
    await expect(page.getByRole('alert')).toHaveText('用户名或密码不正确。')
  }
  await signIn(page, user.username, 'wrong password 5')
  await expect(page.getByRole('alert')).toHaveText(/^尝试次数过多，请 \d+ 秒后再试（正确的密码也需等待）。$/)
})
