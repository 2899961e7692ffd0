import { expect, personInSeededGroup, signIn, signOut, test } from './fixtures.ts'

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

test('a learner logs self-study on the phone, a coordinator approves it, and the learner’s progress ring grows', async ({ page, db, makeUser }) => {
  const { person, enrollment } = await personInSeededGroup()
  const learner = await makeUser({ role: 'learner', personId: person.id })
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })

  await signIn(page, learner.username, learner.password)
  await expect(page).toHaveURL(/\/me$/)
  const ring = page.getByTestId(`progress-${enrollment.id}`).getByTestId('requirement-self-study-and-online')
  // Plain words on the home (issue 13): what is missing and how much a week is enough, no 必须/建议.
  await expect(ring.getByTestId('earned')).toContainText('已学 0 / 360 学时')
  await expect(ring.getByTestId('missing')).toContainText(/^还差 360 学时，每周学 \d+ 学时就能按时完成$/)
  await expect(page.getByTestId(`progress-${enrollment.id}`)).not.toContainText('必须')

  await page.getByRole('link', { name: '记录自学' }).click()
  await expect(page.getByRole('heading', { name: '记录自学', level: 1 })).toBeVisible()
  await page.getByLabel('小时').selectOption('1')
  await page.getByLabel('分钟').selectOption('30')
  await page.getByLabel('学了什么').fill('看玉米种植视频')
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByText('已提交，等待管理员审核。')).toBeVisible()
  const myLogs = page.getByTestId('my-logs')
  await expect(myLogs.getByText('看玉米种植视频')).toBeVisible()
  await expect(myLogs.getByText('待审核')).toBeVisible()
  const log = await db.selfStudyLog.findFirstOrThrow({ where: { personId: person.id } })
  expect(log.minutes).toBe(90)
  await signOut(page)

  await signIn(page, coord.username, coord.password)
  await page
    .getByTestId('home-queues')
    .getByRole('link', { name: /自学记录待审核/ })
    .click()
  await expect(page.getByRole('heading', { name: '自学记录审核' })).toBeVisible()
  const row = page.getByTestId(`log-${log.id}`)
  await expect(row.getByText('看玉米种植视频')).toBeVisible()
  await expect(row.getByText('90 分钟')).toBeVisible()
  await row.getByRole('button', { name: '通过', exact: true }).click()
  await expect(page.getByText('已通过，学时已记入。')).toBeVisible()
  await expect(page.getByTestId(`log-${log.id}`)).toHaveCount(0)
  await signOut(page)

  await signIn(page, learner.username, learner.password)
  await expect(ring.getByTestId('earned')).toContainText('已学 2 / 360 学时')
  await expect(ring.getByTestId('missing')).toContainText('还差 358 学时')
  await expect(ring.getByText('1%')).toBeVisible()
  await page.getByRole('link', { name: '记录自学' }).click()
  await expect(page.getByTestId('my-logs').getByText('已通过')).toBeVisible()
})

test('the self-study form works with JavaScript off and refuses a future date in Chinese', async ({ browser, db, makeUser }) => {
  const { person } = await personInSeededGroup()
  const learner = await makeUser({ role: 'learner', personId: person.id })
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  await signIn(page, learner.username, learner.password)
  await page.goto('/me/self-study')
  const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10)
  await page.getByLabel('哪一天学的').fill(tomorrow)
  await page.getByLabel('学了什么').fill('背乘法口诀')
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByText('日期不能晚于今天')).toBeVisible()
  expect(await db.selfStudyLog.count({ where: { personId: person.id } })).toBe(0)

  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  await page.getByLabel('哪一天学的').fill(today)
  // A Windows program renamed to .jpg is refused by its content.
  await page.getByLabel('照片（可不传）').setInputFiles({
    name: 'photo.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00this program cannot be run in DOS mode', 'binary'),
  })
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByText('照片只能是 JPG 或 PNG 格式')).toBeVisible()
  expect(await db.selfStudyLog.count({ where: { personId: person.id } })).toBe(0)

  await page.getByLabel('照片（可不传）').setInputFiles({ name: '作业.png', mimeType: 'image/png', buffer: Buffer.from(PNG_1PX, 'base64') })
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByText('已提交，等待管理员审核。')).toBeVisible()
  await expect(page.getByTestId('my-logs').getByText('背乘法口诀')).toBeVisible()
  expect(await db.selfStudyLog.count({ where: { personId: person.id } })).toBe(1)
  const photoLink = page.getByTestId('my-logs').getByRole('link', { name: '看照片' })
  const photo = await page.request.get((await photoLink.getAttribute('href'))!)
  expect(photo.status()).toBe(200)
  expect(photo.headers()['content-type']).toBe('image/png')
  expect((await photo.body()).equals(Buffer.from(PNG_1PX, 'base64'))).toBe(true)
  await context.close()
})
