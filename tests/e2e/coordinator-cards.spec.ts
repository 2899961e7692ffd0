/**
 * The coordinator's tables on a phone (issue 15, Must show 2): at 360×740 the outcome board,
 * the progress roster and a session's attendance roster are one card per person with no
 * sideways scrolling of the page, and a roster row is ticked by a tap anywhere on it; at
 * 1280×800 the same pages are tables. A round's board says 合格 / 未合格, never 毕业 / 结业.
 * Screenshots go to docs/screenshots when XX_UPDATE_SCREENSHOTS=1, otherwise into the test's
 * output folder.
 */
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Page, TestInfo } from '@playwright/test'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { expect, personInSeededGroup, SEED_PASSWORD, signIn, test } from './fixtures.ts'

function screenshotPath(testInfo: TestInfo, name: string) {
  return process.env.XX_UPDATE_SCREENSHOTS ? path.join('docs/screenshots', name) : testInfo.outputPath(name)
}

/** A session of CH2026-ZZ01 of this test only (nobody else's spec reads it), open now. */
async function ownSession(db: Db) {
  const group = await db.group.findUniqueOrThrow({ where: { code: 'CH2026-ZZ01' } })
  const now = Date.now()
  return db.classSession.create({
    data: {
      id: newId(),
      groupId: group.id,
      startsAt: new Date(now - 60 * 60_000),
      endsAt: new Date(now + 120 * 60_000),
      venue: `e2e 村委会 ${newId().slice(0, 4)}`,
      plannedMinutes: 120,
      description: 'e2e 名单卡片',
      checkinKey: new Uint8Array(randomBytes(32)),
    },
  })
}

async function noSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }))
  expect(scrollWidth, `the page is ${scrollWidth} px wide on a ${innerWidth}-px screen`).toBeLessThanOrEqual(innerWidth)
}

/** How the browser lays out a page's first table: 'block' rows are cards, 'table-row' rows a table. */
async function layoutOf(page: Page, rowSelector: string) {
  return page
    .locator(rowSelector)
    .first()
    .evaluate((tr) => ({
      row: getComputedStyle(tr).display,
      head: getComputedStyle(tr.closest('table')!.querySelector('thead')!).display,
    }))
}

test('@phone board, progress and roster are cards on a 360-px phone, no sideways scrolling; a tap on a roster card ticks it', async ({
  page,
  db,
}, testInfo) => {
  const cy = await db.group.findUniqueOrThrow({ where: { code: 'CH2024-CY01' } })
  await signIn(page, 'coord.county', SEED_PASSWORD)

  // The outcome board of a class: cards with name, status, what is missing and the action.
  await page.goto(`/coordinator/groups/${cy.id}/board`)
  await expect(page.getByRole('heading', { level: 1, name: `${cy.name}：毕业与结业情况` })).toBeVisible()
  expect(await layoutOf(page, '[data-testid=board-row]')).toEqual({ row: 'block', head: 'none' })
  await noSidewaysScroll(page)
  const first = page.getByTestId('board-row').first()
  // The reasons run the card's width (they were four characters wide).
  const reasons = await first.getByTestId('board-reasons').boundingBox()
  expect(reasons!.width).toBeGreaterThan(280)
  const action = first.getByRole('link', { name: /的学籍与证书$/ })
  expect((await action.boundingBox())!.height).toBeGreaterThanOrEqual(48)
  expect((await first.getByRole('link').first().boundingBox())!.height).toBeGreaterThanOrEqual(48)
  // 30 cards a page, the rest behind 下一页: the page stays a phone's length.
  expect(await page.getByTestId('board-row').count()).toBeLessThanOrEqual(30)
  // The head of the page and the first cards (the whole page is 30 cards long).
  await page.screenshot({ path: screenshotPath(testInfo, 'coordinator-board-360.png'), fullPage: true, clip: { x: 0, y: 0, width: 360, height: 2000 } })
  const height = await page.evaluate(() => document.documentElement.scrollHeight)
  expect(height).toBeLessThan(9000)
  await page.getByRole('link', { name: '下一页' }).click()
  await expect(page).toHaveURL(/page=2/)
  await expect(page.getByTestId('board-shown')).toContainText('第 31–')
  await noSidewaysScroll(page)

  // A round's board speaks of 合格 / 未合格, never 毕业 / 结业.
  const round = await db.group.findUniqueOrThrow({ where: { code: 'CH2025-XXJS' } })
  await page.goto(`/coordinator/groups/${round.id}/board`)
  await expect(page.getByRole('heading', { level: 1, name: `${round.name}：合格情况` })).toBeVisible()
  await expect(page.getByTestId('board-counts')).toContainText(/^合格 \d+ 人/)
  await expect(page.locator('[data-testid=board-row][data-status=round_complete]').first().getByTestId('board-status')).toHaveText('合格')
  await page.getByTestId('board-row').first().scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath(testInfo, 'coordinator-round-board-360.png') })
  const words = await page.locator('main').innerText()
  expect(words).not.toMatch(/毕业|结业/)
  await noSidewaysScroll(page)

  // The progress roster.
  await page.goto(`/coordinator/groups/${cy.id}/progress`)
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(cy.name) })).toBeVisible()
  expect(await layoutOf(page, '[data-testid=roster-row]')).toEqual({ row: 'block', head: 'none' })
  await noSidewaysScroll(page)
  await page.getByTestId('roster-row').first().scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath(testInfo, 'coordinator-progress-360.png') })

  // A session's roster: a tap on the card (not on the little box) ticks it, then the big button credits.
  const a = await personInSeededGroup()
  const b = await personInSeededGroup()
  const session = await ownSession(db)
  await page.goto(`/coordinator/sessions/${session.id}`)
  expect(await layoutOf(page, `[data-testid=roster-${a.person.id}]`)).toEqual({ row: 'block', head: 'none' })
  await noSidewaysScroll(page)
  const cardA = page.getByTestId(`roster-${a.person.id}`)
  const boxA = cardA.getByRole('checkbox', { name: a.person.name })
  expect((await boxA.boundingBox())!.width).toBeGreaterThanOrEqual(24)
  expect((await cardA.boundingBox())!.height).toBeGreaterThanOrEqual(48)
  // Far from the box: the card's right-hand bottom corner, then its name.
  const card = (await cardA.boundingBox())!
  await cardA.tap({ position: { x: card.width - 12, y: card.height - 8 } })
  await expect(boxA).toBeChecked()
  await cardA.tap({ position: { x: card.width - 12, y: card.height - 8 } })
  await expect(boxA).not.toBeChecked()
  await cardA.getByText(a.person.name).tap()
  await expect(boxA).toBeChecked()
  const cardB = page.getByTestId(`roster-${b.person.id}`)
  const boxB = (await cardB.boundingBox())!
  await cardB.tap({ position: { x: boxB.width / 2, y: boxB.height - 8 } })
  await expect(cardB.getByRole('checkbox')).toBeChecked()
  await page.screenshot({ path: screenshotPath(testInfo, 'coordinator-roster-360.png') })
  await page.getByRole('button', { name: '勾选的学员记为全程出勤' }).tap()
  await expect(page.getByText('已记出勤 2 人；此前已计入 0 人。')).toBeVisible()
  for (const l of [a, b]) {
    await expect(page.getByTestId(`roster-${l.person.id}`).getByTestId('status')).toHaveText('已签退 · 名单勾选')
    expect(await db.hourEntry.count({ where: { enrollmentId: l.enrollment.id, source: 'attendance' } })).toBe(1)
  }
  await noSidewaysScroll(page)

  // The review queues are cards too: a self-study log of a's (this test's person), approved from its card.
  const log = await db.selfStudyLog.create({
    data: {
      id: newId(),
      enrollmentId: a.enrollment.id,
      personId: a.person.id,
      studiedOn: new Date(Date.now() - 86_400_000),
      minutes: 90,
      content: '看了玉米播种的视频，记了笔记',
      idempotencyKey: newId(),
    },
  })
  await page.goto('/coordinator/self-study')
  expect(await layoutOf(page, `[data-testid=log-${log.id}]`)).toEqual({ row: 'block', head: 'none' })
  await noSidewaysScroll(page)
  const approve = page.getByTestId(`log-${log.id}`).getByRole('button', { name: '通过', exact: true })
  const approveBox = (await approve.boundingBox())!
  expect(approveBox.height).toBeGreaterThanOrEqual(48)
  expect(approveBox.width).toBeGreaterThan(280)
  await approve.tap()
  await expect(page.getByRole('status')).toContainText('已通过，学时已记入。')
  await page.goto('/coordinator/exemptions')
  await noSidewaysScroll(page)
})

test('@desktop at 1280×800 the board, progress and roster stay tables', async ({ page, db }) => {
  const cy = await db.group.findUniqueOrThrow({ where: { code: 'CH2024-CY01' } })
  await signIn(page, 'coord.county', SEED_PASSWORD)
  await page.goto(`/coordinator/groups/${cy.id}/board`)
  expect(await layoutOf(page, '[data-testid=board-row]')).toEqual({ row: 'table-row', head: 'table-header-group' })
  await expect(page.getByRole('columnheader', { name: '原因' })).toBeVisible()
  await page.goto(`/coordinator/groups/${cy.id}/progress`)
  expect(await layoutOf(page, '[data-testid=roster-row]')).toEqual({ row: 'table-row', head: 'table-header-group' })

  const a = await personInSeededGroup()
  const session = await ownSession(db)
  await page.goto(`/coordinator/sessions/${session.id}`)
  expect(await layoutOf(page, `[data-testid=roster-${a.person.id}]`)).toEqual({ row: 'table-row', head: 'table-header-group' })
  // A click anywhere on the row ticks it here too (the row is the label).
  const row = page.getByTestId(`roster-${a.person.id}`)
  const box = (await row.boundingBox())!
  await row.click({ position: { x: box.width - 10, y: box.height / 2 } })
  await expect(page.getByTestId(`roster-${a.person.id}`).getByRole('checkbox')).toBeChecked()
})
