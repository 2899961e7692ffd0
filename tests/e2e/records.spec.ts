/**
 * 学时档案 in the browser: a teacher opens it from the home page on a phone
 * (cards, no sideways scrolling), downloads the PDF under its Chinese name;
 * on a desktop the same entries are a table.
 */
import { beijingDate } from '#app/domain/time.ts'
import { appendHourEntry, correctHourEntry } from '#app/models/ledger.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { expect, personInSeededGroup, signIn, test } from './fixtures.ts'

async function teacherWithHours(db: Db) {
  const { person, enrollment } = await personInSeededGroup({ groupCode: 'CH2026-XCJS', kind: 'teacher' })
  const { entry } = await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: enrollment.id,
      category: 'concentrated',
      minutes: 360,
      date: '2026-09-15',
      source: 'attendance',
      sourceRef: `e2e-${person.id}`,
      createdById: null,
    }),
  )
  await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: enrollment.id,
      category: 'online',
      minutes: 68,
      date: '2026-10-02',
      source: 'transfer',
      reason: '外县转入',
      createdById: null,
    }),
  )
  await correctHourEntry(db, { entryId: entry.id, minutes: -45, reason: '迟到一节课', createdById: 'e2e' })
  return person
}

test('a teacher reads the 学时档案 (cards on a phone, by cycle and year, newest first) and downloads it as PDF and xlsx', async ({ page, db, makeUser }) => {
  const person = await teacherWithHours(db)
  // One entry in the last cycle (2021–2025), which ended short of 360 学时.
  const enrollment = await db.enrollment.findFirstOrThrow({ where: { personId: person.id } })
  await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: enrollment.id,
      category: 'online',
      minutes: 90,
      date: '2024-06-01',
      source: 'transfer',
      reason: '2024 年培训转入',
      createdById: null,
    }),
  )
  const user = await makeUser({ role: 'teacher', personId: person.id })
  await signIn(page, user.username, user.password)
  await page.getByRole('link', { name: '查看学时档案' }).click()
  await expect(page.getByRole('heading', { name: '学时档案', level: 1 })).toBeVisible()

  // The newest cycle and year first, open; within the year the newest entry first.
  const year2026 = page.getByTestId('year-2026')
  await expect(year2026).toHaveAttribute('open', '')
  const entries = year2026.getByTestId('record-entry')
  await expect(entries).toHaveCount(3)
  await expect(entries.nth(0)).toContainText('2026年10月2日')
  await expect(entries.nth(1)).toContainText('更正第 2 条') // numbered oldest first: the 2024 entry is 第 1 条
  await expect(entries.nth(1)).toContainText('迟到一节课')
  await expect(entries.nth(2)).toContainText('2026年9月15日')
  await expect(entries.nth(2)).toContainText('8.0 学时')
  await expect(entries.nth(2)).toContainText('签到')
  await expect(page.getByTestId('cycle-2026–2030')).toContainText('8.5 / 360.0 学时')
  await expect(page.getByTestId('cycle-2026–2030').getByTestId('cycle-status')).toHaveText(/^还差 351\.5 学时$/)
  // The ended cycle says so, not "还差 …"; its year is folded away until opened.
  await expect(page.getByTestId('cycle-2021–2025').getByTestId('cycle-status')).toHaveText('已结束，未达标')
  const year2024 = page.getByTestId('year-2024')
  await expect(year2024.getByTestId('record-entry')).toBeHidden()
  await year2024.getByText('2024年 · 1 条').click()
  await expect(year2024.getByTestId('record-entry')).toContainText('2024 年培训转入')

  const viewport = page.viewportSize()!
  if (viewport.width < 720) {
    // Cards: the column headings are hidden and nothing scrolls sideways.
    await expect(page.getByRole('columnheader', { name: '来源' })).toBeHidden()
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(scrollWidth).toBeLessThanOrEqual(viewport.width)
  }

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载 PDF' }).click()])
  expect(download.suggestedFilename()).toBe(`学时档案-${person.name}-${beijingDate(new Date())}.pdf`)
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载 Excel 表格' }).click()])
  expect(xlsx.suggestedFilename()).toBe(`学时档案-${person.name}-${beijingDate(new Date())}.xlsx`)
})

test('a coordinator sees the same record as a table on a desktop @desktop', async ({ page, db, makeUser }) => {
  const person = await teacherWithHours(db)
  const coordinator = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })
  await signIn(page, coordinator.username, coordinator.password)
  await page.goto(`/coordinator/people/${person.id}`)
  await page.getByRole('link', { name: '查看学时档案' }).click()
  await expect(page.getByRole('heading', { name: `${person.name} 的学时档案` })).toBeVisible()
  await expect(page.getByRole('columnheader', { name: '来源' })).toBeVisible()
  await expect(page.getByRole('row').filter({ hasText: '外县转入' })).toContainText('转入')
})
