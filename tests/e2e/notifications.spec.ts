/**
 * Issue 11, Must show 4: at 360×740 a learner sees a new reminder in the
 * notification centre, opens it, and turns SMS off; the header's unread badge
 * counts down. The same with JavaScript off (plain form posts).
 */
import type { Browser } from '@playwright/test'
import { reminderText, decisionText } from '#app/domain/notices.ts'
import { createNotices } from '#app/models/notifications.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { expect, personInSeededGroup, signIn, test } from './fixtures.ts'

const phone = (browser: Browser, javaScriptEnabled: boolean) =>
  browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    javaScriptEnabled,
  })

for (const javaScriptEnabled of [true, false]) {
  test(`a learner opens a new reminder, the badge counts down, and SMS is turned off (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({
    browser,
    db,
    makeUser,
  }) => {
    test.setTimeout(60_000)
    const { person, enrollment } = await personInSeededGroup()
    const learner = await makeUser({ role: 'learner', personId: person.id })
    const key = newId()
    // A decision notice a minute ago, then the new reminder (the latest).
    const decision = {
      userId: learner.id,
      rule: 'decision' as const,
      dedupKey: `decision:self_study:${key}`,
      enrollmentId: enrollment.id,
      text: decisionText('self_study', true, null, null),
      link: '/me/self-study',
      sms: true,
      email: false,
    }
    const dueSoon = {
      userId: learner.id,
      rule: 'period_ending_7' as const,
      dedupKey: `period_ending_7:${person.id}:${key}`,
      enrollmentId: enrollment.id,
      text: reminderText('period_ending_7', { hours: '12.5', deadline: '3月1日' }),
      link: '/me',
      sms: true,
      email: false,
    }
    await createNotices(db, [decision], new Date(Date.now() - 60_000))
    await createNotices(db, [dueSoon], new Date())
    const context = await phone(browser, javaScriptEnabled)
    const page = await context.newPage()
    await signIn(page, learner.username, learner.password)
    await page.goto('/me')
    // The learner home shows the latest message; the header says 2 unread.
    await expect(page.getByTestId('latest-notification')).toContainText('还差12.5学时，3月1日截止')
    await expect(page.getByTestId('unread-badge')).toHaveText('2')

    await page.getByTestId('notifications-link').click()
    await expect(page).toHaveURL(/\/me\/notifications$/)
    await expect(page.getByRole('heading', { name: '我的消息' })).toBeVisible()
    const reminder = page.getByTestId('notification').filter({ hasText: '还差12.5学时' })
    await expect(reminder).toHaveAttribute('data-read', 'no')
    await reminder.getByRole('button', { name: '打开' }).click()
    await expect(page).toHaveURL(/\/me$/) // where the reminder points
    await expect(page.getByTestId('unread-badge')).toHaveText('1')

    await page.goto('/me/notifications')
    await expect(page.getByTestId('notification').filter({ hasText: '还差12.5学时' })).toHaveAttribute('data-read', 'yes')
    const sms = page.getByLabel('接收短信')
    await expect(sms).toBeChecked()
    await sms.uncheck()
    await page.getByRole('button', { name: '保存' }).click()
    await expect(page.getByRole('status')).toHaveText('已保存。')
    await page.reload()
    await expect(page.getByLabel('接收短信')).not.toBeChecked()
    await expect(page.getByLabel('接收邮件')).toBeChecked()
    expect(await db.notificationPreference.findUnique({ where: { userId: learner.id }, select: { sms: true, email: true } })).toEqual({
      sms: false,
      email: true,
    })

    // The other one: marked read, the badge is gone.
    await page.getByTestId('notification').filter({ hasText: '自学记录' }).getByRole('button', { name: '标为已读' }).click()
    await expect(page.getByTestId('unread-badge')).toHaveCount(0)
    await context.close()
  })
}
