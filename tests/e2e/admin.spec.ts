import { expect, SEED_PASSWORD, signIn, test } from './fixtures.ts'

// Account administration is a desktop task: the phone project leaves out @desktop tests.
test('an admin creates a township coordinator, who must choose a password at first sign-in @desktop', async ({ page, browser, db }) => {
  const username = `coord.e2e${Date.now().toString(36)}`
  await signIn(page, 'admin', SEED_PASSWORD)
  await page.getByRole('link', { name: '新建用户' }).click()
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('显示名称').fill('高洛街道管理员')
  await page.getByLabel('角色').selectOption('coordinator')
  await page.getByLabel('管辖范围').selectOption({ label: '\u3000\u3000\u3000高洛街道（522327002）' })
  await page.getByRole('button', { name: '创建用户' }).click()
  const notice = page.getByRole('status')
  await expect(notice).toContainText(`已创建用户 ${username}`)
  const initial = (await notice.textContent())!.match(/初始密码：([a-z0-9-]+)/)![1]!
  // The form is cleared for the next account.
  await expect(page.getByLabel('用户名')).toHaveValue('')

  const other = await browser.newPage()
  await signIn(other, username, initial)
  await expect(other).toHaveURL('/password')
  await other.getByLabel('当前密码').fill(initial)
  await other.getByLabel('新密码', { exact: true }).fill('password123')
  await other.getByLabel('再次输入新密码').fill('password123')
  await other.getByRole('button', { name: '保存新密码' }).click()
  await expect(other.getByText('这个密码太常见，容易被猜到，请换一个。')).toBeVisible()
  await other.getByLabel('当前密码').fill(initial)
  await other.getByLabel('新密码', { exact: true }).fill('高洛街道的新密码')
  await other.getByLabel('再次输入新密码').fill('高洛街道的新密码')
  await other.getByRole('button', { name: '保存新密码' }).click()
  await expect(other).toHaveURL('/coordinator')
  await expect(other.getByText('管辖范围：高洛街道（522327002）')).toBeVisible()
  await other.close()

  await db.user.delete({ where: { username } })
})

test('an admin finds a user by name, sees no way to disable their own account, and opens the editable region tree @desktop', async ({ page }) => {
  await signIn(page, 'admin', SEED_PASSWORD)
  // A role account named after its role reads once in the header.
  await expect(page.locator('span.whoami').first()).toHaveText('系统管理员')
  await page.getByLabel('按姓名或账号查找用户').fill('coord.zhelou')
  await page.getByRole('button', { name: '查找' }).click()
  await expect(page).toHaveURL(/\/admin\?q=coord\.zhelou/)
  await expect(page.getByRole('link', { name: 'coord.zhelou' })).toBeVisible()
  await expect(page.getByRole('link', { name: 'coord.county' })).toHaveCount(0)

  await page.goto('/admin?q=admin')
  await page.getByRole('link', { name: 'admin', exact: true }).click()
  await expect(page.getByText('不能停用自己的账号。')).toBeVisible()
  await expect(page.getByRole('button', { name: '停用' })).toHaveCount(0)

  await page.goto('/admin')
  await page.getByRole('link', { name: '编辑行政区划' }).click()
  await expect(page).toHaveURL('/admin/regions')
  await expect(page.getByRole('heading', { name: '行政区划', level: 1 })).toBeVisible()
  await expect(page.getByLabel('者楼街道 的新名称')).toHaveValue('者楼街道')
  // A wrong code is refused in Chinese, and nothing is added.
  await page.getByLabel('上级区划').selectOption({ label: '\u3000\u3000册亨县（522327）' })
  await page.getByLabel('区划代码').fill('5223271')
  await page.getByLabel('名称', { exact: true }).fill('测试镇')
  await page.getByRole('button', { name: '添加', exact: true }).click()
  await expect(page.getByText('乡镇/街道代码应为 9 位数字，并以上级代码 522327 开头。')).toBeVisible()
})

test('@phone the admin reads the queues on a phone: Redis checked, each queue and schedule a card in words, nothing off the side', async ({ page }) => {
  await signIn(page, 'admin', SEED_PASSWORD)
  await page.goto('/admin/queues')
  await expect(page.getByRole('heading', { name: '后台队列', level: 1 })).toBeVisible()
  await expect(page.getByTestId('redis-health')).toContainText('maxmemory-policy')
  // Each row a card (display: block), each number under its column's name (the data-label the card shows before it).
  const reminders = page.getByTestId('queue-reminders')
  expect(await reminders.evaluate((tr) => getComputedStyle(tr).display)).toBe('block')
  await expect(reminders.locator('td[data-label="等待"]')).toHaveText(/^\d+$/)
  await expect(reminders.locator('td[data-label="失败"]')).toHaveText(/^\d+$/)
  const sweep = page.locator('tr').filter({ hasText: 'daily-sweep' })
  await expect(sweep.locator('td[data-label="做什么"]')).toHaveText('每天 8:30 检查所有在读学员，发进度和截止提醒')
  await expect(sweep.locator('td[data-label="下次运行"]')).toHaveText(/^\d{4}年\d{1,2}月\d{1,2}日 08:30$/)
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
})
