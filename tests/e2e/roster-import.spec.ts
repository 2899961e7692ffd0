/**
 * Issue 12: a coordinator imports a township's roster through the real
 * server — the production build, where the preview runs in a worker thread
 * of its own (app/utils/thread.server.ts) — at 1280×800 and at 360×740:
 * upload, the preview row by row with the reasons, confirm, done; then the
 * same file again adds nobody. Screenshots go to docs/screenshots when
 * XX_UPDATE_SCREENSHOTS=1, otherwise into the test's output folder.
 */
import path from 'node:path'
import type { TestInfo } from '@playwright/test'
import { rosterLine, rosterPerson, rosterXlsx } from '#tests/fixtures/roster.ts'
import { expect, signIn, test } from './fixtures.ts'

function screenshotPath(testInfo: TestInfo, name: string) {
  return process.env.XX_UPDATE_SCREENSHOTS ? path.join('docs/screenshots', name) : testInfo.outputPath(name)
}

test('a coordinator uploads a roster, reads what will happen to each row, confirms, and the same file again adds nobody', async ({
  page,
  makeUser,
}, testInfo) => {
  const user = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
  // People no other run of this test has: a random block of the fixture's ID numbers and phones.
  const base = 1_000 + Math.floor(Math.random() * 5_000_000)
  const people = [0, 1, 2].map((i) => rosterPerson(base + i, { township: i === 2 ? '高洛街道' : '者楼街道', phoneBase: base }))
  const badId = { ...rosterPerson(base + 3, { township: '者楼街道', phoneBase: base }), idNumber: '522327199001011234' }
  const lines = [...people.map((p, i) => rosterLine(p, i + 1)), rosterLine(badId, 4), rosterLine(people[0]!, 5)]
  const file = {
    name: '者楼街道花名册.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: Buffer.from(await rosterXlsx(lines)),
  }

  await signIn(page, user.username, user.password)
  await page.goto('/coordinator/imports')
  await page.getByLabel('选择文件（xlsx 或 CSV）').setInputFiles(file)
  await page.getByRole('button', { name: '上传并检查' }).click()

  await expect(page.getByRole('heading', { name: '导入预览：者楼街道花名册.xlsx' })).toBeVisible()
  await expect(page.getByText('共 5 行：新建 3 人，已有 0 人，不导入 2 行')).toBeVisible()
  await expect(page.getByText('身份证号有误').first()).toBeVisible()
  await expect(page.getByText('文件内重复：与第 2 行身份证号相同').first()).toBeVisible()
  const width = page.viewportSize()!.width
  await page.screenshot({ path: screenshotPath(testInfo, `roster-import-preview-${width}.png`), fullPage: true })
  // Nothing on the page is wider than the screen (tables scroll inside themselves).
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)

  await page.getByRole('button', { name: '确认导入 3 人' }).click()
  await expect(page.getByTestId('import-done')).toContainText('导入完成：新建 3 人', { timeout: 30_000 })

  // The same file again: everyone is known now, nothing to create.
  await page.goto('/coordinator/imports')
  await page.getByLabel('选择文件（xlsx 或 CSV）').setInputFiles(file)
  await page.getByRole('button', { name: '上传并检查' }).click()
  await expect(page.getByText('共 5 行：新建 0 人，已有 3 人，不导入 2 行')).toBeVisible()
  await expect(page.getByText('没有可以新建的人员。')).toBeVisible()
})
