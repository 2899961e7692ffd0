/**
 * The bureau's dashboard in the browser (issue 12) on the demo seed: at
 * 1280×800 the county bureau sees the figures, filters by quarter and
 * township with the GET form, drills down to the people behind a number and
 * downloads the quarterly report; at 360×740 the page is readable (no
 * sideways scrolling of the page, charts within the screen); with JavaScript
 * off the charts are there. Screenshots go to docs/screenshots when
 * XX_UPDATE_SCREENSHOTS=1, otherwise into the test's output folder.
 */
import path from 'node:path'
import ExcelJS from 'exceljs'
import type { TestInfo } from '@playwright/test'
import { expect, SEED_PASSWORD, signIn, test } from './fixtures.ts'

function screenshotPath(testInfo: TestInfo, name: string) {
  return process.env.XX_UPDATE_SCREENSHOTS ? path.join('docs/screenshots', name) : testInfo.outputPath(name)
}

test('@desktop the county bureau filters by quarter and township, drills down to people and downloads the quarterly report', async ({ page }, testInfo) => {
  await signIn(page, 'bureau.county', SEED_PASSWORD)
  await page.goto('/bureau')
  await expect(page.getByRole('heading', { level: 1, name: '教育局概况' })).toBeVisible()
  await expect(page.locator('[data-figure="personTimes"] b')).toBeVisible()
  await expect(page.locator('svg.chart').first()).toBeVisible()
  await page.screenshot({ path: screenshotPath(testInfo, 'bureau-dashboard-1280.png'), fullPage: true })

  // filter: the third quarter, 者楼街道 — the GET form puts both in the address
  await page.getByLabel('统计期间').fill('2026Q3')
  await page.getByLabel('地区').selectOption({ label: '　者楼街道' })
  await page.getByRole('button', { name: '查看' }).click()
  await expect(page).toHaveURL(/period=2026Q3/)
  await expect(page).toHaveURL(/region=522327001/)
  await expect(page.getByRole('heading', { level: 2, name: '2026 年第 3 季度' })).toBeVisible()
  const personTimes = Number((await page.locator('[data-figure="personTimes"] b').innerText()).replace(/,/g, ''))
  expect(personTimes).toBeGreaterThan(0)

  // drill down: the people behind the 人次 are as many as the number says
  await page.locator('[data-figure="personTimes"]').click()
  await expect(page).toHaveURL(/\/dashboard\/people\?/)
  await expect(page.getByTestId('people-count')).toContainText(`共 ${personTimes.toLocaleString('zh-CN')} 人次`)
  const rows = page.locator('table tbody tr')
  expect(await rows.count()).toBe(Math.min(personTimes, 100))
  await expect(rows.first().locator('td').nth(1)).toContainText('*')
  await expect(rows.first().locator('td').nth(2)).toContainText('者楼街道')

  // the quarterly report: printable page and xlsx
  await page.goto('/bureau/reports/quarterly?quarter=2026Q3')
  await expect(page.getByRole('heading', { level: 1, name: '2026 年第 3 季度工作开展情况报告' })).toBeVisible()
  await expect(page.getByRole('heading', { name: '三、集中培训（面授）开展情况' })).toBeVisible()
  await page.screenshot({ path: screenshotPath(testInfo, 'bureau-quarterly-report-1280.png'), fullPage: true })
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载 Excel' }).click()])
  expect(download.suggestedFilename()).toMatch(/2026Q3\.xlsx$/)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(await download.path())
  expect(wb.worksheets.map((w) => w.name)).toEqual(['培训情况', '目标任务', '面授', '证书'])
})

test('@phone on a phone at 360×740 the dashboard is readable: nothing wider than the screen', async ({ page }, testInfo) => {
  await signIn(page, 'bureau.county', SEED_PASSWORD)
  await page.goto('/bureau?period=2026Q3')
  await expect(page.locator('[data-figure="personTimes"] b')).toBeVisible()
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  for (const chart of await page.locator('svg.chart').all()) {
    const box = await chart.boundingBox()
    expect(box!.width).toBeLessThanOrEqual(360)
    expect(box!.width).toBeGreaterThan(250)
  }
  // the figures' text is at least 14 px
  const size = await page.locator('[data-figure="personTimes"] span').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
  expect(size).toBeGreaterThanOrEqual(14)
  await page.screenshot({ path: screenshotPath(testInfo, 'bureau-dashboard-360.png'), fullPage: true })
})

test.describe('JavaScript off', () => {
  test.use({ javaScriptEnabled: false })
  test('the charts are in the page and the filters still work', async ({ page }) => {
    await signIn(page, 'bureau.county', SEED_PASSWORD)
    await page.goto('/bureau?period=2026&groupBy=township')
    const charts = page.locator('svg.chart')
    await expect(charts).toHaveCount(2)
    expect(await charts.first().locator('rect').count()).toBe(12)
    await expect(charts.nth(1).locator('text', { hasText: '者楼街道' })).toHaveCount(1)
    await page.getByLabel('统计期间').fill('2026Q2')
    await page.getByRole('button', { name: '查看' }).click()
    await expect(page).toHaveURL(/period=2026Q2/)
    await expect(page.getByRole('heading', { level: 2, name: '2026 年第 2 季度' })).toBeVisible()
  })
})
