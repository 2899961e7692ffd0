/**
 * Issue 4, Must show 3: at 360×740 a learner uploads a certificate photo and
 * applies for 免修; a coordinator approves it on a desktop screen; the learner
 * sees the course exempted with its credits. A 20 MB file and an .exe renamed
 * .jpg are refused with clear Chinese messages. Each test opens its own phone
 * and desktop browser contexts, so it does the same in either project.
 */
import type { Browser } from '@playwright/test'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { expect, personInSeededGroup, signIn, test } from './fixtures.ts'

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
const EXE = Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00This program cannot be run in DOS mode.', 'binary')
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')

const phone = (browser: Browser, javaScriptEnabled = true) =>
  browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    javaScriptEnabled,
  })
const desktop = (browser: Browser) => browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })

/**
 * A skill course of the class's teaching plan (the seed loads 种植's plan from
 * content/); if the plan has none yet, one is added for this test and retired after it.
 */
async function planSkillCourse(db: Db, majorId: string) {
  const item = await db.planItem.findFirst({
    where: { majorId, retiredAt: null, course: { kind: 'skill', retiredAt: null } },
    orderBy: { position: 'asc' },
    include: { course: true },
  })
  if (item) return { course: { id: item.course.id, name: item.course.name, credits: Number(item.course.credits) }, cleanup: async () => {} }
  const program = await db.program.findUniqueOrThrow({ where: { code: 'skills-credential' } })
  const course = await db.course.create({
    data: { id: newId(), programId: program.id, code: `E2E-EX-${newId().slice(0, 8)}`, name: '果树栽培（测试）', credits: 4, kind: 'skill' },
  })
  const planItem = await db.planItem.create({ data: { id: newId(), majorId, courseId: course.id, position: 99 } })
  return {
    course: { id: course.id, name: course.name, credits: 4 },
    cleanup: async () => void (await db.planItem.update({ where: { id: planItem.id }, data: { retiredAt: new Date() } })),
  }
}

test('a learner applies on the phone with a certificate photo, a coordinator approves it on desktop, the learner sees the course exempted with its credits; a 20 MB file and an .exe renamed .jpg are refused', async ({
  browser,
  db,
  makeUser,
}) => {
  test.setTimeout(90_000)
  const { person, enrollment, group } = await personInSeededGroup()
  const { course, cleanup } = await planSkillCourse(db, group.majorId!)
  const learner = await makeUser({ role: 'learner', personId: person.id })
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })

  const phoneContext = await phone(browser)
  const page = await phoneContext.newPage()
  await signIn(page, learner.username, learner.password)
  await page.getByRole('link', { name: '申请免修免考' }).click()
  await expect(page.getByRole('heading', { name: '免修免考和学分', level: 1 })).toBeVisible()
  const evidence = page.getByLabel('证书照片或 PDF')
  await expect(evidence).toHaveAttribute('accept', 'image/*,application/pdf')
  // The camera is offered, not forced: the learner may also pick a saved photo or a PDF.
  expect(await evidence.getAttribute('capture')).toBeNull()

  await page.getByLabel('依据').selectOption({ label: '技能等级证书' })
  await page.getByLabel('申请什么').selectOption({ label: '免修（不用上课）' })
  await page.getByLabel('课程', { exact: true }).selectOption(course.id)
  await page.getByLabel('证书编号').fill('S000052232024110001')
  await page.getByLabel('发证单位').fill('册亨县人力资源和社会保障局')

  // A Windows program renamed .jpg is refused by what it is, not by its name.
  await evidence.setInputFiles({ name: '证书.jpg', mimeType: 'image/jpeg', buffer: EXE })
  await page.getByRole('button', { name: '提交申请' }).click()
  await expect(page.getByText('只能上传 JPG、PNG 照片或 PDF 文件')).toBeVisible()
  expect(await db.exemption.count({ where: { enrollmentId: enrollment.id } })).toBe(0)

  // A 20 MB photo is refused with the limit in plain words.
  const big = Buffer.alloc(20 * 1024 * 1024, 0)
  PNG.copy(big)
  await evidence.setInputFiles({ name: '证书.png', mimeType: 'image/png', buffer: big })
  await page.getByRole('button', { name: '提交申请' }).click()
  await expect(page.getByText('文件不能超过 10 MB')).toBeVisible()
  expect(await db.exemption.count({ where: { enrollmentId: enrollment.id } })).toBe(0)

  await evidence.setInputFiles({ name: '证书.png', mimeType: 'image/png', buffer: PNG })
  await page.getByRole('button', { name: '提交申请' }).click()
  await expect(page.getByText('已提交，请等待老师审核。')).toBeVisible()
  const mine = page.getByTestId('my-exemptions')
  await expect(mine.getByText(course.name)).toBeVisible()
  await expect(mine.getByText('待审核')).toBeVisible()
  const application = await db.exemption.findFirstOrThrow({ where: { enrollmentId: enrollment.id } })
  expect(application).toMatchObject({ status: 'pending', mode: 'exempt_study', evidenceType: 'image/png', courseId: course.id })

  // The coordinator, at a desk.
  const deskContext = await desktop(browser)
  const desk = await deskContext.newPage()
  await signIn(desk, coord.username, coord.password)
  await desk
    .getByTestId('home-queues')
    .getByRole('link', { name: /免修免考待审核/ })
    .click()
  await expect(desk.getByRole('heading', { name: '免修免考审核', level: 1 })).toBeVisible()
  const row = desk.getByTestId(`exemption-${application.id}`)
  await expect(row.getByText(course.name)).toBeVisible()
  await expect(row.getByText('证书 S000052232024110001（册亨县人力资源和社会保障局）')).toBeVisible()
  const photo = row.getByRole('img', { name: '查看证明材料' })
  await expect(photo).toBeVisible()
  expect(await photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1)
  await row.getByRole('button', { name: '通过', exact: true }).click()
  await expect(desk.getByText('已通过。')).toBeVisible()
  await expect(desk.getByTestId(`exemption-${application.id}`)).toHaveCount(0)
  await deskContext.close()

  // Back on the phone: approved, and the course counts as exempted with its credits.
  await page.goto('/me/exemptions')
  await expect(mine.getByText('已通过')).toBeVisible()
  await expect(mine.getByText(`${course.credits} 学分`)).toBeVisible()
  await page.goto('/me/courses')
  const courseRow = page.getByTestId(`courses-${enrollment.id}`).getByTestId('course').filter({ hasText: course.name })
  await expect(courseRow).toHaveAttribute('data-state', 'exempted')
  await expect(courseRow.getByTestId('course-state')).toHaveText('已免修')
  await expect(page.getByTestId(`courses-${enrollment.id}`).getByTestId('credits')).toContainText(`学分 ${course.credits} /`)
  await phoneContext.close()
  await cleanup()
})

test('with JavaScript off the learner gets the basis rule in Chinese and can apply with a PDF scan', async ({ browser, db, makeUser }) => {
  const { person, enrollment, group } = await personInSeededGroup()
  const { course, cleanup } = await planSkillCourse(db, group.majorId!)
  const learner = await makeUser({ role: 'learner', personId: person.id })
  const context = await phone(browser, false)
  const page = await context.newPage()
  await signIn(page, learner.username, learner.password)
  await page.goto('/me/exemptions')
  await page.getByLabel('依据').selectOption({ label: '比赛获奖' })
  await page.getByLabel('申请什么').selectOption({ label: '免修（不用上课）' })
  await page.getByLabel('课程', { exact: true }).selectOption(course.id)
  await page.getByRole('button', { name: '提交申请' }).click()
  await expect(page.getByText('这个依据不能申请这一项：证书只能免修或免考，获奖和创新只能认定学分，两年以上工作只能免实习')).toBeVisible()
  expect(await db.exemption.count({ where: { enrollmentId: enrollment.id } })).toBe(0)

  await page.getByLabel('依据').selectOption({ label: '职业资格证书' })
  await page.getByLabel('申请什么').selectOption({ label: '免考（不用考试）' })
  await page.getByLabel('证书编号').fill('Z-2023-0042')
  await page.getByLabel('发证单位').fill('贵州省人力资源和社会保障厅')
  await page.getByLabel('证书照片或 PDF').setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: PDF })
  await page.getByRole('button', { name: '提交申请' }).click()
  await expect(page.getByText('已提交，请等待老师审核。')).toBeVisible()
  await expect(page.getByTestId('my-exemptions').getByText('免考（不用考试）', { exact: false })).toBeVisible()
  expect(await db.exemption.findFirstOrThrow({ where: { enrollmentId: enrollment.id } })).toMatchObject({
    mode: 'exempt_exam',
    evidenceType: 'application/pdf',
  })
  await context.close()
  await cleanup()
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the form presets no basis and no mode, so a first honest application goes through @phone', async ({ page, db, makeUser }) => {
    const { person, enrollment } = await personInSeededGroup()
    const learner = await makeUser({ role: 'learner', personId: person.id })
    await signIn(page, learner.username, learner.password)
    await page.goto('/me/exemptions')
    // Nothing chosen for the learner: no preset pair that could disagree.
    await expect(page.getByLabel('依据')).toHaveValue('')
    await expect(page.getByLabel('申请什么')).toHaveValue('')
    await expect(page.getByLabel('课程', { exact: true })).toHaveValue('')
    // A county skills-competition prize: 认定学分, no course, no certificate number needed.
    await page.getByLabel('依据').selectOption({ label: '比赛获奖' })
    await page.getByLabel('申请什么').selectOption({ label: '认定学分' })
    await page.getByLabel('说明').fill('2026 年县职业技能大赛种植组三等奖')
    await page.getByRole('button', { name: '提交申请' }).click()
    await expect(page.getByText('已提交，请等待老师审核。')).toBeVisible()
    await expect(page.getByRole('alert')).toHaveCount(0)
    expect(await db.exemption.findFirstOrThrow({ where: { enrollmentId: enrollment.id } })).toMatchObject({ basis: 'competition_award', mode: 'credit' })
  })
})
