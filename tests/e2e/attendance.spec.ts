import { randomBytes } from 'node:crypto'
import type { Browser } from '@playwright/test'
import { fallbackCode, qrToken, stepAt } from '#app/domain/checkin-code.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { expect, personInSeededGroup, signIn, test } from './fixtures.ts'

/** A session of CH2026-ZZ01 that started an hour ago and ends in two hours (open for check-in now). */
async function sessionNow(db: Db, opts: { startedMinutesAgo?: number; plannedMinutes?: number } = {}) {
  const group = await db.group.findUniqueOrThrow({ where: { code: 'CH2026-ZZ01' } })
  const now = Date.now()
  return db.classSession.create({
    data: {
      id: newId(),
      groupId: group.id,
      startsAt: new Date(now - (opts.startedMinutesAgo ?? 60) * 60_000),
      endsAt: new Date(now + 120 * 60_000),
      venue: `e2e 实训楼 ${newId().slice(0, 4)}`,
      plannedMinutes: opts.plannedMinutes ?? 120,
      description: 'e2e 签到',
      checkinKey: new Uint8Array(randomBytes(32)),
    },
  })
}

async function coordinatorPage(browser: Browser, baseURL: string | undefined, user: { username: string; password: string }, javaScriptEnabled = true) {
  const context = await browser.newContext({ baseURL, javaScriptEnabled, viewport: { width: 360, height: 740 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  await signIn(page, user.username, user.password)
  return { context, page }
}

test('a learner checks in by opening the QR code’s URL (signing in on the way) and later checks out', async ({ page, db, makeUser, browser, baseURL }) => {
  const { person, enrollment } = await personInSeededGroup()
  const learner = await makeUser({ role: 'learner', personId: person.id })
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })
  const session = await sessionNow(db)

  // The coordinator's check-in screen: a QR code of the absolute check-in URL and the 6-digit code.
  const screen = await coordinatorPage(browser, baseURL, coord)
  await screen.page.goto(`/coordinator/sessions/${session.id}/checkin`)
  await expect(screen.page.getByRole('heading', { name: /扫码签到/ })).toBeVisible()
  const qr = screen.page.getByTestId('checkin-qr')
  await expect(qr.locator('svg')).toBeVisible()
  await expect(screen.page.getByTestId('checkin-code')).toHaveText(/^\d{6}$/)
  await expect(screen.page.getByTestId('checkin-count')).toHaveText('已签到 0 人，其中已签退 0 人')
  const qrUrl = (await qr.getAttribute('data-url'))!
  expect(qrUrl).toMatch(new RegExp(`^https?://[^/]+/checkin/${session.id}\\?t=${session.id}\\.\\d+\\.[A-Za-z0-9_-]{16}$`))

  // The learner's phone camera opens the URL; not signed in yet, so the login comes first and leads back.
  await page.goto(qrUrl)
  await expect(page).toHaveURL(/\/login\?redirectTo=/)
  await page.getByLabel('用户名或手机号').fill(learner.username)
  await page.getByLabel('密码').fill(learner.password)
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page).toHaveURL(new RegExp(`/checkin/${session.id}\\?t=`))
  // Opening the page wrote nothing: one big button does.
  expect(await db.attendance.count({ where: { sessionId: session.id } })).toBe(0)
  await page.getByRole('button', { name: '签到', exact: true }).click()
  await expect(page.getByTestId('checkin-result')).toContainText(/签到成功 \d\d:\d\d/)
  const checkedIn = await db.attendance.findFirstOrThrow({ where: { sessionId: session.id, enrollmentId: enrollment.id } })
  expect(checkedIn.method).toBe('qr')

  // Check-out needs a minute in between; pretend the learner arrived 90 minutes ago (before the start).
  await db.attendance.update({ where: { id: checkedIn.id }, data: { checkedInAt: new Date(Date.now() - 90 * 60_000) } })
  await screen.page.reload()
  const url2 = (await screen.page.getByTestId('checkin-qr').getAttribute('data-url'))!
  await page.goto(url2)
  // The class runs two more hours: the page asks first, and the check-out is the answer.
  await expect(page.getByTestId('early-checkout-text')).toContainText('课还没结束，现在签退只记')
  await page.getByRole('button', { name: '确认现在签退' }).click()
  const result = page.getByTestId('checkin-result')
  await expect(result).toContainText('签退成功，本次计')
  const done = await db.attendance.findFirstOrThrow({ where: { id: checkedIn.id } })
  // Present since before the start: credited from the start (about 60 minutes), shown in 学时 with one decimal.
  expect(done.creditedMinutes).toBeGreaterThanOrEqual(60)
  expect(done.creditedMinutes).toBeLessThanOrEqual(61)
  await expect(result).toContainText(`签退成功，本次计 ${(Math.round((done.creditedMinutes! * 10) / 45) / 10).toFixed(1)} 学时`)
  const entries = await db.hourEntry.findMany({ where: { source: 'attendance', sourceRef: checkedIn.id } })
  expect(entries.map((e) => [e.minutes, e.category])).toEqual([[done.creditedMinutes, 'concentrated']])

  // The screen counts them.
  await screen.page.reload()
  await expect(screen.page.getByTestId('checkin-count')).toHaveText('已签到 1 人，其中已签退 1 人')
  await screen.context.close()

  // Scanning once more changes nothing and says so, without a button.
  await page.goto(url2)
  await expect(page.getByTestId('checkin-result')).toContainText('您已签退')
  await expect(page.getByRole('button', { name: '签到', exact: true })).toHaveCount(0)
  expect(await db.hourEntry.count({ where: { source: 'attendance', sourceRef: checkedIn.id } })).toBe(1)
})

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled })

    test('an early check-out asks first; the learner confirms, undoes it, and checks out later with the right 学时 @phone', async ({
      page,
      db,
      makeUser,
    }, testInfo) => {
      const { person, enrollment } = await personInSeededGroup()
      const learner = await makeUser({ role: 'learner', personId: person.id })
      // Started an hour ago, ends in two hours, 120 planned minutes (45 minutes a 学时 in this program).
      const session = await sessionNow(db, { plannedMinutes: 120 })
      const qrUrl = () => `/checkin/${session.id}?t=${qrToken(new Uint8Array(session.checkinKey), session.id, stepAt(new Date()))}`
      const credited = async () => (await db.hourEntry.aggregate({ where: { enrollmentId: enrollment.id }, _sum: { minutes: true } }))._sum.minutes ?? 0
      await signIn(page, learner.username, learner.password)

      await page.goto(qrUrl())
      await page.getByRole('button', { name: '签到', exact: true }).click()
      await expect(page.getByTestId('checkin-result')).toContainText('签到成功')
      // Pretend the learner checked in 45 minutes ago (one 学时 so far).
      const attendance = await db.attendance.findFirstOrThrow({ where: { sessionId: session.id, enrollmentId: enrollment.id } })
      await db.attendance.update({ where: { id: attendance.id }, data: { checkedInAt: new Date(Date.now() - 45 * 60_000 - 5_000) } })

      // Scanning again asks once, in plain words, and writes nothing yet.
      await page.goto(qrUrl())
      const question = page.getByTestId('early-checkout')
      await expect(question.getByRole('heading', { name: '现在就签退吗？' })).toBeVisible()
      await expect(question.getByTestId('early-checkout-text')).toHaveText('课还没结束，现在签退只记 1.0 学时。')
      await expect(question).toContainText(/等到 \d\d:\d\d 下课再签退，可记 2\.7\s学时。/)
      await expect(page.getByRole('link', { name: '先不签退，返回首页' })).toBeVisible()
      await expect(page.getByRole('button', { name: '签退', exact: true })).toHaveCount(0)
      if (javaScriptEnabled) await page.screenshot({ path: testInfo.outputPath('learner-checkout-confirm-360.png') })
      expect(await credited()).toBe(0)

      // Going back changes nothing; the learner is still checked in.
      await page.getByRole('link', { name: '先不签退，返回首页' }).click()
      await expect(page).toHaveURL(/\/me$/)
      expect((await db.attendance.findUniqueOrThrow({ where: { id: attendance.id } })).checkedOutAt).toBeNull()

      // Asked again; this time the learner confirms.
      await page.goto(qrUrl())
      await page.getByRole('button', { name: '确认现在签退' }).click()
      await expect(page.getByTestId('checkin-result')).toContainText('签退成功，本次计 1.0 学时')
      expect(await credited()).toBe(45)

      // A mistake: undone while the class runs. The hours go back through a correction; the learner is checked in again.
      await page.getByRole('button', { name: '签退错了？撤销签退' }).click()
      await expect(page.getByTestId('checkin-result')).toHaveText(/已撤销签退，退回 1\.0 学时。您还在签到中/)
      expect(await credited()).toBe(0)
      expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(2)
      const reopened = await db.attendance.findUniqueOrThrow({ where: { id: attendance.id } })
      expect(reopened.checkedOutAt).toBeNull()

      // Later: the class is over (it ended a minute ago, the learner was there for 99 minutes of it).
      const t = Date.now()
      await db.classSession.update({ where: { id: session.id }, data: { startsAt: new Date(t - 181 * 60_000), endsAt: new Date(t - 60_000) } })
      await db.attendance.update({ where: { id: attendance.id }, data: { checkedInAt: new Date(t - 100 * 60_000) } })
      await page.goto(qrUrl())
      await expect(page.getByTestId('early-checkout')).toHaveCount(0)
      await page.getByRole('button', { name: '签退', exact: true }).click()
      await expect(page.getByTestId('checkin-result')).toContainText('签退成功，本次计 2.2 学时') // 99 min / 45
      await expect(page.getByRole('button', { name: '签退错了？撤销签退' })).toHaveCount(0)
      expect(await credited()).toBe(99)
      // Once: scanning again credits nothing more.
      await page.goto(qrUrl())
      await expect(page.getByTestId('checkin-result')).toContainText('您已签退，本次计 2.2 学时')
      expect(await credited()).toBe(99)
    })
  })
}

test('an expired QR code says so in plain words', async ({ page, db, makeUser }) => {
  const { person } = await personInSeededGroup()
  const learner = await makeUser({ role: 'learner', personId: person.id })
  const session = await sessionNow(db)
  await signIn(page, learner.username, learner.password)
  const { qrToken } = await import('#app/domain/checkin-code.ts')
  const old = qrToken(new Uint8Array(session.checkinKey), session.id, stepAt(new Date()) - 2)
  await page.goto(`/checkin/${session.id}?t=${old}`)
  await expect(page.getByTestId('checkin-result')).toHaveText('二维码已过期，请重新扫码')
  await expect(page.getByRole('button', { name: '签到', exact: true })).toHaveCount(0)
  expect(await db.attendance.count({ where: { sessionId: session.id } })).toBe(0)
})

test('a learner whose phone cannot scan types the 6-digit code from the home page', async ({ page, db, makeUser }) => {
  const { person, enrollment } = await personInSeededGroup()
  const learner = await makeUser({ role: 'learner', personId: person.id })
  const session = await sessionNow(db)

  await signIn(page, learner.username, learner.password)
  await expect(page).toHaveURL(/\/me$/)
  await page.getByRole('link', { name: '签到 / 签退' }).click()
  await expect(page.getByRole('heading', { name: '输入签到码' })).toBeVisible()
  const input = page.getByLabel('6 位数字')
  await expect(input).toHaveAttribute('inputmode', 'numeric')
  await expect(input).toHaveAttribute('autocomplete', 'one-time-code')

  await input.fill('000000' === fallbackCode(new Uint8Array(session.checkinKey), session.id, stepAt(new Date())) ? '111111' : '000000')
  await page.getByRole('button', { name: '签到 / 签退' }).click()
  await expect(page.getByTestId('checkin-result')).toHaveText('数字不对，请再看一遍屏幕上的 6 位数字。')

  // The number shown beside the QR code on the coordinator's screen (computed here from the session's key).
  await page.getByLabel('6 位数字').fill(fallbackCode(new Uint8Array(session.checkinKey), session.id, stepAt(new Date())))
  await page.getByRole('button', { name: '签到 / 签退' }).click()
  await expect(page.getByTestId('checkin-result')).toContainText(/签到成功 \d\d:\d\d/)
  const attendance = await db.attendance.findFirstOrThrow({ where: { sessionId: session.id, enrollmentId: enrollment.id } })
  expect(attendance.method).toBe('code')
})

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false })

  test('a coordinator ticks a roster and the learners show as credited', async ({ page, db, makeUser }) => {
    const a = await personInSeededGroup()
    const b = await personInSeededGroup()
    const untouched = await personInSeededGroup()
    const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })
    const session = await sessionNow(db, { plannedMinutes: 120 })

    await signIn(page, coord.username, coord.password)
    await page.getByRole('link', { name: a.group.name }).first().click()
    await expect(page.getByRole('heading', { name: a.group.name, level: 1 })).toBeVisible()
    await expect(page.getByRole('heading', { name: /集中授课安排检查/ })).toBeVisible()

    await page.goto(`/coordinator/sessions/${session.id}`)
    await expect(page.getByRole('heading', { name: /^集中授课 \d{4}年/ })).toBeVisible()
    for (const l of [a, b, untouched]) await expect(page.getByTestId(`roster-${l.person.id}`).getByTestId('status')).toHaveText('未签到')
    await page.getByTestId(`roster-${a.person.id}`).getByRole('checkbox').check()
    await page.getByTestId(`roster-${b.person.id}`).getByRole('checkbox').check()
    await page.getByRole('button', { name: '勾选的学员记为全程出勤' }).click()

    await expect(page.getByText('已记出勤 2 人；此前已计入 0 人。')).toBeVisible()
    for (const l of [a, b]) {
      const row = page.getByTestId(`roster-${l.person.id}`)
      await expect(row.getByTestId('status')).toHaveText('已签退 · 名单勾选')
      await expect(row.getByTestId('credited')).toHaveText('2.7 学时') // 120 min / 45
      await expect(row.getByRole('checkbox')).toHaveCount(0)
      expect(await db.hourEntry.count({ where: { enrollmentId: l.enrollment.id, source: 'attendance' } })).toBe(1)
    }
    await expect(page.getByTestId(`roster-${untouched.person.id}`).getByTestId('status')).toHaveText('未签到')
    expect(await db.hourEntry.count({ where: { enrollmentId: untouched.enrollment.id } })).toBe(0)

    // A correction with a reason, still without JavaScript.
    await page
      .getByRole('form', { name: `更正 ${a.person.name}` })
      .getByLabel('扣减分钟数')
      .fill('30')
    await page
      .getByRole('form', { name: `更正 ${a.person.name}` })
      .getByLabel('原因')
      .fill('提前离开')
    await page
      .getByRole('form', { name: `更正 ${a.person.name}` })
      .getByRole('button', { name: '更正' })
      .click()
    await expect(page.getByText(`已更正 ${a.person.name} 的学时：扣减 30 分钟。`)).toBeVisible()
    await expect(page.getByTestId(`roster-${a.person.id}`).getByTestId('credited')).toContainText('2.0 学时') // 90 min / 45
    await expect(page.getByTestId(`roster-${a.person.id}`).getByTestId('credited')).toContainText('已更正 30 分钟：提前离开')
  })
})

test('the check-in screen rotates its QR code and number every 30 s by itself @desktop', async ({ page, db, makeUser }, testInfo) => {
  test.setTimeout(75_000)
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })
  const session = await sessionNow(db)
  await signIn(page, coord.username, coord.password)
  await page.goto(`/coordinator/sessions/${session.id}/checkin`)
  const code = page.getByTestId('checkin-code')
  const first = await code.textContent()
  const firstUrl = await page.getByTestId('checkin-qr').getAttribute('data-url')
  await page.screenshot({ path: testInfo.outputPath('checkin-screen.png') })
  // Without JavaScript the page would reload itself: the fallback is in the HTML.
  expect(await page.content()).toMatch(/<noscript><meta http-equiv="refresh" content="\d+"\/?><\/noscript>/)
  await expect(code).not.toHaveText(first!, { timeout: 40_000 })
  const step = stepAt(new Date())
  const expected = [step, step - 1].map((s) => fallbackCode(new Uint8Array(session.checkinKey), session.id, s))
  expect(expected).toContain(await code.textContent())
  expect(await page.getByTestId('checkin-qr').getAttribute('data-url')).not.toBe(firstUrl)
  expect(page.url()).toContain('/checkin') // no reload: the script fetched the new code
})
