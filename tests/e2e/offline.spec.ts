import { newId } from '#app/utils/ids.server.ts'
import { expect, SEED_PASSWORD, signIn, signOut, test } from './fixtures.ts'

/** A 1×1 PNG (a photo for the form). */
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

/**
 * Issue 13, must show 3: the service worker (public/sw.js) keeps a lesson the
 * learner opened, so it reads offline; a self-study log made offline waits on
 * the phone and is sent once when the network is back (its idempotency key:
 * sent twice, still one log).
 */
test('@phone offline: an opened lesson reads without network, and a self-study log made offline is sent once when back online', async ({
  page,
  context,
  db,
}) => {
  await signIn(page, 'learner.demo', SEED_PASSWORD)
  await page.goto('/learn')
  const first = page.locator('a.lesson-link').first()
  const title = (await first.innerText()).trim().split('\n')[0]!.trim()
  await first.click()
  await expect(page).toHaveURL(/\/learn\/lessons\//)
  const lessonUrl = page.url()
  const heading = page.getByRole('heading', { level: 1 })
  await expect(heading).toBeVisible()
  const headingText = (await heading.innerText()).trim()
  expect(headingText).toContain(title.slice(0, 4))
  // Its text as the DOM holds it (innerText would add the line breaks of the layout).
  const paragraph = ((await page.locator('main p').first().textContent()) ?? '').replace(/\s+/g, ' ').trim()

  // The worker takes over this page, then the lesson is loaded once through it (and stored).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await page.reload()
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
  await expect(heading).toHaveText(headingText)

  await context.setOffline(true)
  await page.reload()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(headingText)
  await expect(page.locator('main p').first()).toHaveText(paragraph)
  // A page that was never opened: the offline page, with a link to the stored lesson.
  await page.goto('/me/certificates')
  await expect(page.getByText('没有网络。已打开过的课程可以离线阅读。')).toBeVisible()
  await page.getByTestId('offline-lessons').getByRole('link').first().click()
  await expect(page).toHaveURL(lessonUrl)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(headingText)

  // Self-study: the page was open when the signal went; the log waits on the phone.
  await context.setOffline(false)
  await page.goto('/me/self-study')
  await expect(page.getByRole('heading', { name: '记录自学', level: 1 })).toBeVisible()
  await context.setOffline(true)
  const content = `离线自学 ${newId().slice(0, 6)}`
  await page.getByLabel('小时').selectOption('0')
  await page.getByLabel('分钟').selectOption('5')
  await page.getByLabel('学了什么').fill(content)
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByTestId('offline-note')).toHaveText('已保存在手机上，联网后自动提交')
  await expect(page.getByTestId('queued-logs').getByText(content)).toBeVisible()
  const queued = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('xx.selfStudyQueue.'))
      .map((k) => [k, localStorage.getItem(k)!]),
  )
  expect(queued).toHaveLength(1)
  // The form starts again, empty, with a new key.
  await expect(page.getByLabel('学了什么')).toHaveValue('')

  await context.setOffline(false)
  const mine = page.getByTestId('my-logs').locator('li').filter({ hasText: content })
  await expect(mine).toHaveCount(1)
  await expect(mine.getByText('待审核')).toBeVisible()
  await expect(page.getByTestId('queued-logs')).toHaveCount(0)

  // Sent again (say the answer was lost): the same key, still one log.
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), queued[0] as [string, string])
  await page.reload()
  await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('xx.selfStudyQueue.')).length)).toBe(0)
  await page.reload()
  await expect(page.getByTestId('my-logs').locator('li').filter({ hasText: content })).toHaveCount(1)
  await expect(page.getByTestId('my-logs').locator('li').filter({ hasText: content }).getByText('待审核')).toBeVisible()
  expect(await db.selfStudyLog.count({ where: { content } })).toBe(1)

  // Signing out empties the lesson cache: the next person on this phone does not get these lessons.
  const storedLessons = () =>
    page.evaluate(async () => {
      let n = 0
      for (const name of await caches.keys()) if (name.startsWith('xx-lessons-')) n += (await (await caches.open(name)).keys()).length
      return n
    })
  expect(await storedLessons()).toBeGreaterThan(0)
  await signOut(page)
  await expect.poll(storedLessons).toBe(0)
})

/**
 * The village signal that drops while the phone still says it is online: the
 * log being sent is kept on the phone (the request failed, nothing is lost),
 * the page says so, and the next visit sends it, once. A log the server
 * answered (saved, or refused with the form's errors) leaves no copy behind.
 */
test('@phone a signal lost mid-send: the log waits on the phone and is sent once on the next visit', async ({ page, db }) => {
  await signIn(page, 'learner.demo', SEED_PASSWORD)
  const kept = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('xx.selfStudyQueue.')).length)
  await page.goto('/me/self-study')
  await expect(page.getByRole('heading', { name: '记录自学', level: 1 })).toBeVisible()

  // Refused by the server (nothing typed): the errors show, no copy stays.
  await page.getByLabel('学了什么').fill('')
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByText('请写上学了什么')).toBeVisible()
  expect(await kept()).toBe(0)

  // The request fails on its way (the phone is "online").
  const content = `断网自学 ${newId().slice(0, 6)}`
  const selfStudy = (url: URL) => url.pathname.startsWith('/me/self-study')
  await page.route(selfStudy, (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()))
  await page.getByLabel('小时').selectOption('0')
  await page.getByLabel('分钟').selectOption('10')
  await page.getByLabel('学了什么').fill(content)
  // With a photo, which a phone cannot keep: the page says the log goes without it.
  await page.getByLabel('照片（可不传）').setInputFiles({ name: 'study.png', mimeType: 'image/png', buffer: PNG_1PX })
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByTestId('send-failed')).toContainText('网络断了，没有提交上')
  await expect(page.getByTestId('send-failed')).toContainText('已经保存在手机上')
  await expect(page.getByTestId('send-failed')).toContainText('这条记录会先不带照片提交')
  expect(await kept()).toBe(1)
  expect(await db.selfStudyLog.count({ where: { content } })).toBe(0)

  // Signal back: the way back sends it, and it is there once.
  await page.unroute(selfStudy)
  await page.getByRole('link', { name: '回到记录自学' }).click()
  await expect(page.getByTestId('offline-note')).toHaveText('联网了：1 条离线记录已提交，等待审核。')
  await expect(page.getByTestId('my-logs').locator('li').filter({ hasText: content })).toHaveCount(1)
  await expect.poll(kept).toBe(0)
  expect(await db.selfStudyLog.count({ where: { content } })).toBe(1)

  // Saved online as usual: no copy is left on the phone.
  const again = `在线自学 ${newId().slice(0, 6)}`
  await page.getByLabel('小时').selectOption('0')
  await page.getByLabel('分钟').selectOption('15')
  await page.getByLabel('学了什么').fill(again)
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByText('已提交，等待管理员审核。')).toBeVisible()
  await expect(page.getByTestId('my-logs').locator('li').filter({ hasText: again })).toHaveCount(1)
  expect(await kept()).toBe(0)
})
