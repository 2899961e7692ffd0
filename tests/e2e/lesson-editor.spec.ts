import sharp from 'sharp'
import { expect, personInSeededGroup, SEED_PASSWORD, signIn, test } from './fixtures.ts'

/**
 * Issue 13, Must show 5: a county coordinator writes a lesson in the Tiptap
 * editor (a heading, a picture uploaded from the computer, a bullet list),
 * sees it in the phone-frame preview and saves it; a learner of a class
 * whose plan has that course reads it on a phone, rendered by the server.
 * The lesson goes at the end of the last course of 种植's plan, where no
 * other spec looks.
 */
test('@desktop a coordinator writes a lesson in the editor; a learner reads it on a phone', async ({ page, browser, db, makeUser }) => {
  const group = await db.group.findUniqueOrThrow({ where: { code: 'CH2026-ZZ01' } })
  const item = await db.planItem.findFirstOrThrow({ where: { majorId: group.majorId!, retiredAt: null }, orderBy: { position: 'desc' } })
  const title = `看天打药 ${Date.now().toString(36)}`
  const png = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#4a8f3c' } })
    .png()
    .toBuffer()

  await signIn(page, 'coord.county', SEED_PASSWORD)
  await page.goto(`/coordinator/courses/${item.courseId}`)
  await page.getByRole('link', { name: '新建线上课' }).click()
  await expect(page.getByRole('heading', { name: '新建线上课' })).toBeVisible()
  await page.getByLabel('课名').fill(title)
  await page.getByLabel('学习时长（分钟）').fill('10')

  const editor = page.getByRole('textbox', { name: '课文' })
  await editor.click()
  await page.getByRole('button', { name: '小标题', exact: true }).click()
  await page.keyboard.type('先看天气')
  await page.keyboard.press('Enter')
  await page.keyboard.type('下雨前不要打药。')
  await page.keyboard.press('Enter')

  // The picture: uploaded, resized on the server, described for read-aloud.
  page.once('dialog', (dialog) => void dialog.accept('一块向阳的玉米地'))
  await page.getByLabel('图片').setInputFiles({ name: 'field.png', mimeType: 'image/png', buffer: png })
  const preview = page.getByTestId('phone-preview')
  await expect(preview.getByRole('img', { name: '一块向阳的玉米地' })).toBeVisible()

  await editor.press('End')
  await page.getByRole('button', { name: '• 列表' }).click()
  await page.keyboard.type('看云')
  await page.keyboard.press('Enter')
  await page.keyboard.type('听预报')

  // The phone-frame preview: 360 px wide, drawn by the server's renderer.
  await expect(preview.getByRole('heading', { name: '先看天气', level: 2 })).toBeVisible()
  await expect(preview.getByRole('listitem')).toHaveText(['看云', '听预报'])
  expect((await preview.boundingBox())?.width).toBeGreaterThanOrEqual(360)

  await page.getByRole('button', { name: '保存' }).click()
  await expect(page.getByRole('status').getByText('已保存。')).toBeVisible()
  const lessonId = /\/lessons\/([^/]+)\/edit/.exec(page.url())![1]!
  const stored = await db.lesson.findUniqueOrThrow({ where: { id: lessonId } })
  expect(stored).toMatchObject({ title, nominalMinutes: 10, courseId: item.courseId, fromContent: false })
  expect(await db.auditEvent.count({ where: { action: 'lesson.create', entityId: lessonId } })).toBe(1)

  // A learner of the class reads it on a phone: server HTML, no editor.
  const { person } = await personInSeededGroup()
  const learner = await makeUser({ role: 'learner', personId: person.id })
  const phone = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  })
  const learnerPage = await phone.newPage()
  const scripts: string[] = []
  learnerPage.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(r.url())
  })
  await signIn(learnerPage, learner.username, learner.password)
  await learnerPage.goto(`/learn/lessons/${lessonId}`)
  await expect(learnerPage.getByRole('heading', { name: title, level: 1 })).toBeVisible()
  const body = learnerPage.getByTestId('lesson-body')
  await expect(body.getByRole('heading', { name: '先看天气', level: 2 })).toBeVisible()
  await expect(body.getByText('下雨前不要打药。')).toBeVisible()
  const img = body.getByRole('img', { name: '一块向阳的玉米地' })
  await img.scrollIntoViewIfNeeded()
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0)
  // The phone takes the 640-px copy.
  expect(await img.evaluate((el: HTMLImageElement) => el.currentSrc)).toMatch(/-640\.webp$/)
  await expect(body.getByRole('listitem')).toHaveText(['看云', '听预报'])
  expect(scripts.filter((u) => /lesson-editor/.test(u))).toEqual([])
  await phone.close()
})

test('@desktop without JavaScript the editor page says it needs JavaScript and shows the lesson read-only', async ({ browser, db }) => {
  const lesson = await db.lesson.findFirstOrThrow({ where: { course: { code: 'SC-ZZ-101' }, fromContent: true }, orderBy: { position: 'asc' } })
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, javaScriptEnabled: false, viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  await signIn(page, 'coord.county', SEED_PASSWORD)
  await page.goto(`/coordinator/courses/${lesson.courseId}/lessons/${lesson.id}/edit`)
  // A <noscript> message (Playwright's text locators skip <noscript>, so read it directly; with JavaScript off the browser shows it).
  expect(await page.evaluate(() => [...document.querySelectorAll('noscript')].map((n) => n.textContent).join('\n'))).toContain('课文编辑器需要 JavaScript。')
  await expect(page.getByRole('heading', { name: '我们这里的土', level: 2 })).toBeVisible()
  await expect(page.getByRole('textbox', { name: '课文' })).toHaveCount(0)
  await expect(page.getByLabel('课名')).toHaveValue(lesson.title)
  await context.close()
})
