/**
 * The learner's pages say what they are (issue 13): every page title names
 * the page ("我的证书 · 乡学"), and the favicon exists (no 404 on every page).
 */
import { expect, personInSeededGroup, signIn, test } from './fixtures.ts'

test('every learner page is titled by what it is, and no page asks for a missing favicon @phone', async ({ page, makeUser, request }) => {
  const { person } = await personInSeededGroup()
  const learner = await makeUser({ role: 'learner', personId: person.id })
  const missing: string[] = []
  page.on('response', (r) => {
    if (r.status() === 404) missing.push(r.url())
  })
  await signIn(page, learner.username, learner.password)
  for (const [path, title] of [
    ['/me', '我的学习'],
    ['/me/certificates', '我的证书'],
    ['/me/records', '学时档案'],
    ['/me/self-study', '记录自学'],
    ['/me/notifications', '我的消息'],
    ['/me/courses', '我的课程'],
    ['/me/exemptions', '免修免考和学分'],
    ['/checkin', '输入签到码'],
    ['/password', '修改密码'],
  ] as const) {
    await page.goto(path)
    await expect(page, path).toHaveTitle(`${title} · 乡学`)
  }
  await expect(page.locator('link[rel="icon"][type="image/svg+xml"]')).toHaveAttribute('href', '/favicon.svg')
  for (const icon of ['/favicon.ico', '/favicon.svg']) {
    const res = await request.get(icon)
    expect(res.status(), icon).toBe(200)
  }
  expect((await request.get('/favicon.svg')).headers()['content-type']).toContain('image/svg+xml')
  expect(missing).toEqual([])
})
