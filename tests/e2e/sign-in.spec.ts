import { expect, SEED_PASSWORD, signIn, signOut, test } from './fixtures.ts'

// Each seed account of api-v1.md lands on its own role home with real data.
const homes = [
  { username: 'admin', url: '/admin', heading: '系统管理', shows: '册亨县' },
  { username: 'coord.county', url: '/coordinator', heading: '培训管理', shows: '2026级种植班（者楼）' },
  { username: 'coord.zhelou', url: '/coordinator', heading: '培训管理', shows: '管辖范围：者楼街道（522327001）' },
  { username: 'bureau.county', url: '/bureau', heading: '教育局概况', shows: '高洛街道' },
  { username: 'bureau.prefecture', url: '/bureau', heading: '教育局概况', shows: '黔西南布依族苗族自治州' },
  { username: 'learner.demo', url: '/me', heading: '我的学习', shows: '2026级种植班（者楼）' },
  { username: 'teacher.demo', url: '/me', heading: '我的学习', shows: '2026年乡村教师全员轮训' },
]

for (const home of homes) {
  test(`${home.username} signs in, lands on the role home and signs out`, async ({ page }) => {
    await signIn(page, home.username, SEED_PASSWORD)
    await expect(page).toHaveURL(home.url)
    await expect(page.getByRole('heading', { name: home.heading })).toBeVisible()
    await expect(page.getByText(home.shows).filter({ visible: true }).first()).toBeVisible()
    await signOut(page)
    await page.goto(home.url)
    await expect(page).toHaveURL(new RegExp(`/login\\?redirectTo=${encodeURIComponent(home.url)}`))
  })
}

test('the sign-in page is Chinese and says so plainly when the password is wrong', async ({ page }) => {
  await page.goto('/')
  await expect(page).toHaveURL('/login')
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(page).toHaveTitle('登录 · 乡学')
  await signIn(page, 'coord.county', 'not the password')
  await expect(page.getByRole('alert')).toHaveText('用户名或密码不正确。')
})

test('a learner signs in with the phone of record and a password and returns to the page asked for', async ({ page }) => {
  await page.goto('/me/records')
  await expect(page).toHaveURL(/\/login\?redirectTo=/)
  await page.getByLabel('用户名或手机号').fill('138 0000 0002')
  await page.getByLabel('密码').fill(SEED_PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page).toHaveURL('/me/records')
  await expect(page.getByRole('heading', { name: '学时档案', level: 1 })).toBeVisible()
})

test('a learner who opens a coordinator page is refused', async ({ page }) => {
  await signIn(page, 'learner.demo', SEED_PASSWORD)
  await expect(page).toHaveURL('/me')
  const response = await page.goto('/coordinator')
  expect(response?.status()).toBe(403)
  await expect(page.getByRole('heading', { name: '无权访问' })).toBeVisible()
})

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false })

  test('sign-in, role home and sign-out work as plain forms', async ({ page, makeUser }) => {
    const user = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })
    await signIn(page, user.username, user.password)
    await expect(page).toHaveURL('/coordinator')
    await expect(page.getByRole('heading', { name: '培训管理' })).toBeVisible()
    await signOut(page)
  })

  test('a wrong password shows the Chinese error without JavaScript', async ({ page }) => {
    await signIn(page, 'bureau.county', 'wrong password here')
    await expect(page.getByRole('alert')).toHaveText('用户名或密码不正确。')
  })
})

test('the language switch sticks across pages and visits', async ({ page, makeUser }) => {
  const user = await makeUser({ role: 'bureau', scopeRegionCode: '522327' })
  await signIn(page, user.username, user.password)
  // On a phone the language switch is behind 菜单 (the top bar stays one line, issue 13).
  const menu = page.getByText('菜单', { exact: true })
  if (await menu.isVisible()) await menu.click()
  await page.getByRole('button', { name: 'English' }).click()
  await expect(page.getByRole('heading', { name: 'Bureau overview' })).toBeVisible()
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Bureau overview' })).toBeVisible()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  await expect(page).toHaveTitle('Sign in · XiangXue')
  await page.getByRole('button', { name: '中文' }).click()
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible()
})
