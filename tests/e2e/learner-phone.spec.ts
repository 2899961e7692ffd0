/**
 * Issue 13, Must show 1: the learner's phone at 360×740 (a mobile user agent, touch). learner.demo
 * signs in; the first screen shows the next session and what is missing; they open one of their
 * own lessons (no other major's), start 朗读 (the speech API stubbed: speak() gets zh-CN text), log
 * self-study, and see the coordinator's decision as a notification. The same with JavaScript off,
 * where the lesson is credited through 学完了.
 */
import { devices, type Browser, type Page } from '@playwright/test'
import { reminderText } from '#app/domain/notices.ts'
import { createNotices } from '#app/models/notifications.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { expect, SEED_PASSWORD, signIn, signOut, test } from './fixtures.ts'

const phone = (browser: Browser, javaScriptEnabled: boolean) =>
  browser.newContext({
    ...devices['Pixel 5'],
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    javaScriptEnabled,
  })

/** Records what the page asks the phone to say; `voices` as the phone would list them. */
function stubSpeech(voices: { lang: string; name: string }[]) {
  const w = window as unknown as { __spoken: { text: string; lang: string; voice: string | null }[] }
  w.__spoken = []
  class Utterance {
    text: string
    lang = ''
    voice: { lang: string } | null = null
    rate = 1
    onend: (() => void) | null = null
    onerror: (() => void) | null = null
    constructor(text: string) {
      this.text = text
    }
  }
  const synth = {
    speaking: false,
    pending: false,
    paused: false,
    speak(u: Utterance) {
      w.__spoken.push({ text: u.text, lang: u.lang, voice: u.voice?.lang ?? null })
      setTimeout(() => u.onend?.(), 50)
    },
    cancel() {},
    pause() {},
    resume() {},
    getVoices: () => voices.map((v) => ({ ...v, voiceURI: v.name, default: true, localService: true })),
    addEventListener() {},
    removeEventListener() {},
  }
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true })
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true })
}

async function learnerDemo(db: import('#app/utils/db.server.ts').Db) {
  const user = await db.user.findUniqueOrThrow({ where: { username: 'learner.demo' }, select: { id: true, personId: true } })
  const enrollment = await db.enrollment.findFirstOrThrow({ where: { personId: user.personId!, status: 'active' }, include: { group: true } })
  // Lessons of other majors' plans that are not in 种植's (the shared culture courses are in every plan).
  const own = await db.planItem.findMany({ where: { majorId: enrollment.group.majorId! }, select: { courseId: true } })
  const others = await db.lesson.findMany({
    where: {
      retiredAt: null,
      courseId: { notIn: own.map((p) => p.courseId) },
      course: { planItems: { some: { major: { code: { in: ['catering', 'e-commerce'] } } } } },
    },
    select: { title: true },
  })
  const ownTitles = new Set(
    (await db.lesson.findMany({ where: { retiredAt: null, courseId: { in: own.map((p) => p.courseId) } }, select: { title: true } })).map((l) => l.title),
  )
  // Internship lessons of every major share a title (顶岗实习怎么做): only titles 种植 does not have.
  return { user, enrollment, otherTitles: others.map((l) => l.title).filter((title) => !ownTitles.has(title)) }
}

/** The first screen (740 px) shows it without scrolling. */
async function onFirstScreen(page: Page, locator: ReturnType<Page['getByTestId']>) {
  const box = await locator.boundingBox()
  expect(box, 'visible').not.toBeNull()
  expect(box!.y + box!.height).toBeLessThanOrEqual(740)
}

test('@phone learner.demo on the phone: next session and what is missing, an own lesson read aloud, self-study logged, the decision seen', async ({
  browser,
  db,
  makeUser,
}) => {
  test.setTimeout(90_000)
  const { user, otherTitles } = await learnerDemo(db)
  expect(otherTitles.length).toBeGreaterThan(0)
  const context = await phone(browser, true)
  await context.addInitScript(stubSpeech, [
    { lang: 'en-US', name: 'English' },
    { lang: 'zh-CN', name: '普通话' },
  ])
  const page = await context.newPage()
  await signIn(page, 'learner.demo', SEED_PASSWORD)
  await expect(page).toHaveURL('/me')

  // The first screen: the ring with what is missing and the pace, the next session, 继续学习 and 记录自学.
  const ring = page.getByTestId('requirement-self-study-and-online')
  await expect(ring.getByTestId('missing')).toHaveText(/^还差 \d+ 学时，每周学 \d+ 学时就能按时完成$/)
  await expect(ring.getByTestId('earned')).toContainText(/已学 [\d.]+ \/ 360 学时/)
  const next = page.getByTestId('next-session')
  // The seed's next class, or a session another spec scheduled for this class sooner: a date, a weekday, the hours and the place.
  await expect(next).toContainText(/\d+月\d+日（星期.）\d{1,2}:\d{2}–\d{1,2}:\d{2}/)
  await expect(next).toContainText(/地点：\S/)
  for (const part of [ring, next, page.getByTestId('continue-learning'), page.getByRole('link', { name: '记录自学' })]) await onFirstScreen(page, part)
  await expect(page.locator('body')).not.toContainText('原则上')
  await expect(page.locator('body')).not.toContainText('思想品德评价尚未通过')
  // The top bar is one line of 48 px targets.
  const bar = await page.locator('.topbar-inner').boundingBox()
  expect(bar!.height).toBeLessThan(60)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

  // 朗读我的进度 reads the summary in Chinese.
  await page.getByRole('button', { name: '朗读我的进度' }).tap()
  await expect.poll(() => page.evaluate(() => (window as unknown as { __spoken: unknown[] }).__spoken.length)).toBeGreaterThan(0)
  const summary = await page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string; voice: string }[] }).__spoken)
  expect(summary.every((u) => u.lang === 'zh-CN' && u.voice === 'zh-CN')).toBe(true)
  expect(summary.map((u) => u.text).join('')).toContain('下次上课')

  // Only the learner's own lessons, each with its state.
  // (继续学习 when a lesson was opened before, e.g. by another spec; the list link either way.)
  await page
    .getByRole('navigation', { name: '去学习' })
    .getByRole('link', { name: /^线上学习$/ })
    .tap()
  await expect(page.getByRole('heading', { name: '线上学习', level: 1 })).toBeVisible()
  const list = page.locator('main')
  for (const title of otherTitles) await expect(list).not.toContainText(title)
  await expect(page.getByTestId('lesson-state').first()).toHaveText(/已学完|学习中|未开始/)
  const first = page.getByTestId('lesson-item').first()
  const title = (await first.getByRole('link').innerText()).trim()
  await first.getByRole('link').tap()
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible()
  await expect(page.locator('body')).not.toContainText('JavaScript')

  // 朗读: speak() is called with the lesson's text in zh-CN; 停止朗读 while it speaks.
  await page.evaluate(() => ((window as unknown as { __spoken: unknown[] }).__spoken = []))
  await page.getByRole('button', { name: '朗读', exact: true }).tap()
  await expect.poll(() => page.evaluate(() => (window as unknown as { __spoken: unknown[] }).__spoken.length)).toBeGreaterThan(0)
  const spoken = await page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string }[] }).__spoken)
  expect(spoken.every((u) => u.lang === 'zh-CN')).toBe(true)
  const body = await page.locator('#lesson-body').innerText()
  expect(body).toContain(spoken[0]!.text.slice(0, 6))

  // Back home: 继续学习 is that lesson now.
  await page.goto('/me')
  await expect(page.getByTestId('continue-learning')).toHaveText(`继续学习：${title}`)

  // Log self-study; it waits for review on the home.
  const what = `背玉米播种要点 ${newId().slice(0, 6)}`
  await page.getByRole('link', { name: '记录自学' }).tap()
  await page.getByLabel('小时').selectOption('1')
  await page.getByLabel('分钟').selectOption('0')
  await page.getByLabel('学了什么').fill(what)
  await page.getByRole('button', { name: '提交' }).tap()
  await expect(page.getByText('已提交，等待管理员审核。')).toBeVisible()
  await page.goto('/me')
  const pending = page.getByTestId('pending-item').filter({ hasText: what })
  await expect(pending).toContainText('等待审核')

  // A coordinator approves it; the learner sees the notification and the result.
  const log = await db.selfStudyLog.findFirstOrThrow({ where: { personId: user.personId!, content: what } })
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })
  await signOut(page)
  await signIn(page, coord.username, coord.password)
  await page.goto('/coordinator/self-study')
  await page.getByTestId(`log-${log.id}`).getByRole('button', { name: '通过', exact: true }).tap()
  await expect(page.getByText('已通过，学时已记入。')).toBeVisible()
  await signOut(page)
  await signIn(page, 'learner.demo', SEED_PASSWORD)
  await expect(page.getByTestId('unread-badge')).toBeVisible()
  await expect(page.getByTestId('latest-notification')).toContainText('自学')
  await expect(page.getByTestId('latest-notification')).toContainText('通过')
  await expect(page.getByTestId('pending-item').filter({ hasText: what })).toContainText('已通过')
  await context.close()
})

test('@phone a phone without a Chinese voice says so plainly instead of reading', async ({ browser }) => {
  const context = await phone(browser, true)
  await context.addInitScript(stubSpeech, [{ lang: 'en-US', name: 'English' }])
  const page = await context.newPage()
  await signIn(page, 'learner.demo', SEED_PASSWORD)
  await page.getByRole('button', { name: '朗读我的进度' }).tap()
  await expect(page.getByRole('status').filter({ hasText: '这部手机没有中文朗读的声音' })).toBeVisible()
  expect(await page.evaluate(() => (window as unknown as { __spoken: unknown[] }).__spoken.length)).toBe(0)
  await context.close()
})

test('@phone learner.demo with JavaScript off: the home, a lesson credited through 学完了, self-study, the notification', async ({ browser, db }) => {
  test.setTimeout(60_000)
  const { user, otherTitles } = await learnerDemo(db)
  const notice = `第三次集中授课改到实训楼 3 楼 ${newId().slice(0, 4)}`
  await createNotices(
    db,
    [
      {
        userId: user.id,
        rule: 'period_ending_7',
        dedupKey: `e2e-home:${newId()}`,
        enrollmentId: null,
        text: { ...reminderText('period_ending_7', { hours: '12.5', deadline: '3月1日' }), title: notice },
        link: '/me',
        sms: false,
        email: false,
      },
    ],
    new Date(),
  )
  const context = await phone(browser, false)
  const page = await context.newPage()
  await signIn(page, 'learner.demo', SEED_PASSWORD)
  await expect(page).toHaveURL('/me')
  await expect(page.getByTestId('requirement-self-study-and-online').getByTestId('missing')).toContainText(/还差 \d+ 学时/)
  await expect(page.getByTestId('next-session')).toContainText(/地点：\S/)
  await expect(page.getByTestId('latest-notification')).toContainText(notice)
  // No dead button without JavaScript.
  await expect(page.getByRole('button', { name: /朗读/ })).toHaveCount(0)

  // The menu opens without JavaScript (a <details>).
  await page.getByText('菜单', { exact: true }).tap()
  await expect(page.getByRole('link', { name: '修改密码' })).toBeVisible()

  await page.goto('/learn')
  for (const title of otherTitles) await expect(page.locator('main')).not.toContainText(title)
  const item = page.getByTestId('lesson-item').nth(1)
  const title = (await item.getByRole('link').innerText()).trim()
  await item.getByRole('link').tap()
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible()
  await expect(page.locator('body')).not.toContainText('JavaScript')
  await expect(page.getByTestId('lesson-finish')).toContainText('看完这节课，点“学完了”，就会记上学时。')

  // The learner reads for 6 minutes (the page was served 6 minutes ago), then taps 学完了.
  const lesson = { id: new URL(page.url()).pathname.split('/').at(-1)! }
  const before = (await db.onlineCredit.aggregate({ where: { personId: user.personId!, lessonId: lesson.id }, _sum: { seconds: true } }))._sum.seconds ?? 0
  await db.lessonProgress.update({
    where: { personId_lessonId: { personId: user.personId!, lessonId: lesson.id } },
    data: { lastOpenedAt: new Date(Date.now() - 6 * 60_000) },
  })
  await page.getByRole('button', { name: '学完了' }).tap()
  await expect(page.getByRole('status').filter({ hasText: '已记下 6 分钟。' })).toBeVisible()
  await expect(page.getByTestId('lesson-done')).toHaveText('你已学完这节课')
  const after = (await db.onlineCredit.aggregate({ where: { personId: user.personId!, lessonId: lesson.id }, _sum: { seconds: true } }))._sum.seconds ?? 0
  expect(after - before).toBeGreaterThanOrEqual(360)
  expect(after - before).toBeLessThan(380)
  await page.goto('/learn')
  await expect(page.getByTestId('lesson-item').nth(1).getByTestId('lesson-state')).toHaveText('已学完')

  // Self-study with a plain form.
  const what = `无脚本自学 ${newId().slice(0, 6)}`
  await page.goto('/me')
  await page.getByRole('link', { name: '记录自学' }).tap()
  await page.getByLabel('小时').selectOption('0')
  await page.getByLabel('分钟').selectOption('30')
  await page.getByLabel('学了什么').fill(what)
  await page.getByRole('button', { name: '提交' }).tap()
  await expect(page.getByText('已提交，等待管理员审核。')).toBeVisible()
  await page.goto('/me')
  await expect(page.getByTestId('pending-item').filter({ hasText: what })).toContainText('等待审核')
  await context.close()
})
