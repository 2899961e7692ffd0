/**
 * Sign-in by SMS code at 360×740 (issue 17, Must show 4), with JavaScript on
 * and off: the phone of record → 获取验证码 → the code, read from the e2e
 * server's SMS stand-in → a learner's session. Also the three ways of the
 * sign-in page, photographed for docs/screenshots when
 * XX_UPDATE_SCREENSHOTS=1 (otherwise into the test's output folder).
 */
import path from 'node:path'
import type { Page, TestInfo } from '@playwright/test'
import { expect, randomPhone, smsCodeFor, smsCount, test } from './fixtures.ts'

test.use({ viewport: { width: 360, height: 740 } })

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  // One set of pictures is enough: the phone project's.
  if (testInfo.project.name !== 'phone') return
  const file = process.env.XX_UPDATE_SCREENSHOTS ? path.join('docs/screenshots', name) : testInfo.outputPath(name)
  await page.screenshot({ path: file, fullPage: true })
}

/** Touch targets of the sign-in page are at least 48 px high and its text at least 16 px. */
async function expectTouchFriendly(page: Page) {
  for (const target of await page.locator('main a.way, main button, main input:not([type=hidden])').all()) {
    const box = await target.boundingBox()
    expect(box?.height ?? 0, await target.evaluate((e) => e.outerHTML.slice(0, 80))).toBeGreaterThanOrEqual(48)
  }
  const smallest = await page.locator('main').evaluate((main) => {
    let min = Infinity
    for (const el of main.querySelectorAll('*')) {
      const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim())
      if (text) min = Math.min(min, parseFloat(getComputedStyle(el).fontSize))
    }
    return min
  })
  expect(smallest).toBeGreaterThanOrEqual(16)
}

async function signInBySms(page: Page, phone: string) {
  await page.goto('/me/records')
  await expect(page).toHaveURL(/\/login\?redirectTo=/)
  await page.getByRole('link', { name: '短信验证码' }).click()
  await expect(page).toHaveURL(/way=sms/)
  const before = await smsCount(phone)
  await page.getByLabel('手机号').fill(`${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`)
  await page.getByRole('button', { name: '获取验证码' }).click()
  await expect(page.getByText('请看手机短信，输入 6 位验证码。')).toBeVisible()
  await expect(page.getByText(`短信发往 ${phone.slice(0, 3)}****${phone.slice(-4)}`)).toBeVisible()
  const code = await smsCodeFor(phone, { after: before })
  expect(code).toMatch(/^\d{6}$/)
  await page.getByLabel('验证码').fill(code)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  // Back to the page asked for, signed in as the learner.
  await expect(page).toHaveURL('/me/records')
  await expect(page.getByRole('heading', { name: '学时档案', level: 1 })).toBeVisible()
}

test('a learner signs in by SMS code, the code read from the stand-in', async ({ page, makeUser }) => {
  const learner = await makeUser({ role: 'learner', phone: randomPhone() })
  await signInBySms(page, learner.phone!)
})

test('a wrong code is refused in Chinese and the right one still signs in', async ({ page, makeUser }) => {
  const learner = await makeUser({ role: 'learner', phone: randomPhone() })
  const phone = learner.phone!
  await page.goto('/login?way=sms')
  await page.getByLabel('手机号').fill(phone)
  await page.getByRole('button', { name: '获取验证码' }).click()
  const code = await smsCodeFor(phone)
  await page.getByLabel('验证码').fill(code === '000000' ? '111111' : '000000')
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page.getByRole('alert')).toHaveText('验证码不对或已过期，请重新获取。')
  await page.getByLabel('验证码').fill(code)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page).toHaveURL('/me')
})

test('an unregistered number gets the same answer and no SMS', async ({ page }) => {
  const phone = randomPhone()
  await page.goto('/login?way=sms')
  await page.getByLabel('手机号').fill(phone)
  await page.getByRole('button', { name: '获取验证码' }).click()
  await expect(page.getByText('请看手机短信，输入 6 位验证码。')).toBeVisible()
  await page.waitForTimeout(500)
  expect(await smsCount(phone)).toBe(0)
})

test('the sign-in page offers the three ways, big and legible, at 360×740', async ({ page, makeUser }, testInfo) => {
  await page.goto('/login')
  const ways = page.getByRole('navigation', { name: '登录方式' })
  await expect(ways.getByRole('link')).toHaveText(['扫卡登录', '短信验证码', '密码'])
  await expect(ways.getByRole('link', { name: '密码' })).toHaveAttribute('aria-current', 'page')
  await expect(page.getByLabel('用户名或手机号')).toBeVisible()
  await expectTouchFriendly(page)
  await shoot(page, testInfo, 'sign-in-password-360.png')

  await ways.getByRole('link', { name: '扫卡登录' }).click()
  await expect(page.getByText('对准学习卡上的二维码。')).toBeVisible()
  await expectTouchFriendly(page)
  await shoot(page, testInfo, 'sign-in-card-360.png')

  await page.getByRole('navigation', { name: '登录方式' }).getByRole('link', { name: '短信验证码' }).click()
  await expect(page.getByRole('button', { name: '获取验证码' })).toBeVisible()
  await expectTouchFriendly(page)
  await shoot(page, testInfo, 'sign-in-sms-360.png')

  const learner = await makeUser({ role: 'learner', phone: randomPhone() })
  await page.getByLabel('手机号').fill(learner.phone!)
  await page.getByRole('button', { name: '获取验证码' }).click()
  await expect(page.getByLabel('验证码')).toBeVisible()
  await expectTouchFriendly(page)
  await shoot(page, testInfo, 'sign-in-sms-code-360.png')
})

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false })

  test('sign-in by SMS code works as plain forms', async ({ page, makeUser }) => {
    const learner = await makeUser({ role: 'learner', phone: randomPhone() })
    await signInBySms(page, learner.phone!)
  })

  test('forgot password by SMS code, then sign in with the new password', async ({ page, makeUser }) => {
    const learner = await makeUser({ role: 'learner', phone: randomPhone() })
    const phone = learner.phone!
    await page.goto('/login')
    await page.getByRole('link', { name: '忘记密码？' }).click()
    await expect(page.getByRole('heading', { name: '忘记密码' })).toBeVisible()
    await page.getByLabel('手机号').fill(phone)
    await page.getByRole('button', { name: '获取验证码' }).click()
    await page.getByLabel('验证码').fill(await smsCodeFor(phone))
    await page.getByLabel('新密码', { exact: true }).fill('my own new password')
    await page.getByLabel('再次输入新密码').fill('my own new password')
    await page.getByRole('button', { name: '保存新密码并登录' }).click()
    await expect(page).toHaveURL('/me')
    await page.getByRole('button', { name: '退出登录' }).click()
    await page.goto('/login')
    await page.getByLabel('用户名或手机号').fill(phone)
    await page.getByLabel('密码').fill('my own new password')
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await expect(page).toHaveURL('/me')
  })
})
