/**
 * Printed sign-in cards in the browser (issue 17, Must show 4 and 5): at
 * 360×740, with JavaScript on and off, a card's URL shows the learner's
 * masked name with one 登录 button, and pressing it lands on /me; an unknown
 * card is a plain 404 page. At 1280×800 a coordinator prints a class's cards
 * from the class page and the downloaded PDF holds one QR code per learner
 * (rendered with pdftoppm, read with jsQR) pointing at each learner's card.
 * Screenshots (the card page, a page of cards) go to docs/screenshots when
 * XX_UPDATE_SCREENSHOTS=1, otherwise into the test's output folder.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sha256 } from '@oslojs/crypto/sha2'
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding'
import type { Page, TestInfo } from '@playwright/test'
import jsQR from 'jsqr'
import { maskName } from '#app/domain/names.ts'
import { cardBox, CARDS_PER_PAGE } from '#app/models/sign-in-card-pdf.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { A4 } from '#app/utils/pdf.server.ts'
import { renderGray } from '#tests/fixtures/pdf.ts'
import { expect, personInSeededGroup, signIn, test } from './fixtures.ts'

function screenshotPath(testInfo: TestInfo, name: string) {
  return process.env.XX_UPDATE_SCREENSHOTS ? path.join('docs/screenshots', name) : testInfo.outputPath(name)
}

/**
 * A card in force for an account, made the way the model makes one (160
 * random bits, only SHA-256 stored); the URL on the e2e server. The printing
 * path itself is the desktop test below.
 */
async function cardFor(db: Db, userId: string) {
  const id = newId()
  const secret = encodeBase32LowerCaseNoPadding(randomBytes(20))
  await db.signInCard.create({ data: { id, userId, secretHash: Buffer.from(sha256(new TextEncoder().encode(secret))) } })
  return `/c/${id}.${secret}`
}

async function signInWithCard(page: Page, url: string, name: string) {
  const res = await page.goto(url)
  expect(res?.status()).toBe(200)
  await expect(page.getByRole('heading', { name: '扫卡登录' })).toBeVisible()
  await expect(page.getByTestId('card-holder')).toHaveText(maskName(name))
  await expect(page.getByText(name)).toHaveCount(0)
  await expect(page.getByText('2026级种植班（者楼）')).toBeVisible()
  // One button only, large enough for any thumb.
  const button = page.getByRole('button', { name: '登录' })
  await expect(button).toHaveCount(1)
  expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(64)
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`a card's URL, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled })

    test('shows the masked name and one 登录 button; pressing it lands on /me as that learner', async ({ page, db, makeUser }, testInfo) => {
      const { person } = await personInSeededGroup()
      const learner = await makeUser({ role: 'learner', personId: person.id })
      const url = await cardFor(db, learner.id)
      await signInWithCard(page, url, person.name)
      if (javaScriptEnabled && testInfo.project.name === 'phone')
        await page.screenshot({ path: screenshotPath(testInfo, 'sign-in-card-page-360.png'), fullPage: true })
      // Opening the page signed nobody in.
      expect(await db.session.count({ where: { userId: learner.id } })).toBe(0)
      await page.getByRole('button', { name: '登录' }).click()
      await expect(page).toHaveURL('/me')
      await expect(page.getByRole('heading', { name: '我的学习' })).toBeVisible()
      await expect(page.getByText('2026级种植班（者楼）').first()).toBeVisible()
      const sessions = await db.session.findMany({ where: { userId: learner.id } })
      expect(sessions.map((s) => s.method)).toEqual(['card'])
    })

    test('an unknown or revoked card is a plain 404 page saying to ask for a new card', async ({ page, db, makeUser }) => {
      const { person } = await personInSeededGroup()
      const learner = await makeUser({ role: 'learner', personId: person.id })
      const url = await cardFor(db, learner.id)
      await db.signInCard.updateMany({ where: { userId: learner.id }, data: { revokedAt: new Date(), revokeReason: 'e2e' } })
      for (const target of [url, `/c/${'a'.repeat(24)}.${'b'.repeat(32)}`, '/c/not-a-card']) {
        const res = await page.goto(target)
        expect(res?.status()).toBe(404)
        await expect(page.getByRole('heading', { name: '这张学习卡不能用' })).toBeVisible()
        await expect(page.getByText('请找培训管理员（老师）补一张新卡')).toBeVisible()
        await expect(page.getByRole('button', { name: '登录' })).toHaveCount(0)
      }
    })
  })
}

/** Every QR code on the PDF's card slots, page by page, in order (null for an empty slot). */
function qrCodesOf(file: string, pages: number, workDir: string): (string | null)[] {
  const out: (string | null)[] = []
  for (let page = 1; page <= pages; page++) {
    for (let i = 0; i < CARDS_PER_PAGE; i++) {
      const box = cardBox(i)
      const gray = renderGray(file, { page, dpi: 150, workDir, region: { left: box.x, top: A4.height - box.top, width: box.width, height: box.height } })
      const rgba = new Uint8ClampedArray(gray.width * gray.height * 4)
      gray.pixels.forEach((v, k) => rgba.set([v, v, v, 255], k * 4))
      out.push(jsQR(rgba, gray.width, gray.height)?.data ?? null)
    }
  }
  return out
}

test('a coordinator prints a class’s cards from the class page; the PDF holds one QR per learner, each opening that learner’s card @desktop', async ({
  page,
  db,
  makeUser,
  baseURL,
}, testInfo) => {
  // A class of its own: a full page of learners with accounts (8), one person without.
  const seeded = await db.group.findUniqueOrThrow({ where: { code: 'CH2026-ZZ01' } })
  const code = `E2E-K-${newId().slice(0, 8)}`
  const group = await db.group.create({
    data: {
      id: newId(),
      code,
      name: `2026级种植二班（者楼）`,
      kind: 'class',
      programId: seeded.programId,
      majorId: seeded.majorId,
      regionId: seeded.regionId,
      startDate: seeded.startDate,
    },
  })
  const learners = []
  for (let i = 0; i < 8; i++) {
    const { person } = await personInSeededGroup({ groupCode: code })
    learners.push({ person, user: await makeUser({ role: 'learner', personId: person.id }) })
  }
  const { person: noAccount } = await personInSeededGroup({ groupCode: code })
  // One learner already holds a card: printing revokes it.
  const oldCard = await cardFor(db, learners[0]!.user.id)

  const coordinator = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })
  await signIn(page, coordinator.username, coordinator.password)
  await page.goto(`/coordinator/groups/${group.id}`)
  await page.getByRole('link', { name: '打印学习卡' }).click()
  await expect(page).toHaveURL(`/coordinator/groups/${group.id}/cards`)
  await expect(page.getByTestId('cards-count')).toHaveText('将为 8 人打印学习卡。')
  await expect(page.getByText('其中 1 人已有学习卡')).toBeVisible()
  await expect(page.getByRole('row', { name: new RegExp(`${noAccount.name}.*还没有账号`) })).toBeVisible()
  // Nothing is printed until the button is pressed.
  expect(await db.signInCard.count({ where: { userId: { in: learners.map((l) => l.user.id) } } })).toBe(1)

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '打印学习卡（下载 PDF）' }).click()])
  expect(download.suggestedFilename()).toBe(`学习卡-${group.name}.pdf`)
  const work = mkdtempSync(path.join(tmpdir(), 'xx-e2e-cards-'))
  try {
    const file = path.join(work, 'cards.pdf')
    await download.saveAs(file)
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-')
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Pages:\s+1\n/)
    const codes = qrCodesOf(file, 1, work)
    expect(codes.every((c) => c !== null)).toBe(true)
    const urls = codes as string[]
    const holders = new Set<string>()
    for (const url of urls) {
      const m = new RegExp(`^${baseURL}/c/([a-z2-7]{24})\\.([a-z2-7]{32})$`).exec(url)
      expect(m, url).not.toBeNull()
      const card = await db.signInCard.findUniqueOrThrow({ where: { id: m![1]! } })
      expect(card.revokedAt).toBeNull()
      expect(Buffer.from(card.secretHash).equals(Buffer.from(sha256(new TextEncoder().encode(m![2]!))))).toBe(true)
      holders.add(card.userId)
    }
    expect([...holders].sort()).toEqual(learners.map((l) => l.user.id).sort())

    // A page of cards, as printed (for docs/screenshots).
    const png = screenshotPath(testInfo, 'sign-in-cards-pdf-page.png')
    execFileSync('pdftoppm', ['-png', '-r', '110', '-f', '1', '-l', '1', '-singlefile', file, png.replace(/\.png$/, '')])

    // The card printed earlier no longer opens; a printed one signs its learner in.
    const context = await page
      .context()
      .browser()!
      .newContext({ baseURL, viewport: { width: 360, height: 740 }, locale: 'zh-CN' })
    const phone = await context.newPage()
    expect((await phone.goto(oldCard))?.status()).toBe(404)
    await phone.goto(urls[0]!)
    await phone.getByRole('button', { name: '登录' }).click()
    await expect(phone).toHaveURL('/me')
    await context.close()
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
})
