import { appendHourEntry } from '#app/models/ledger.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { expect, personInSeededGroup, signIn, test } from './fixtures.ts'

/** A new round of its own (so other specs' teachers are not batched) with `n` teachers who have their 40 学时. */
async function roundWithTeachers(db: Db, n: number) {
  const seeded = await db.group.findUniqueOrThrow({ where: { code: 'CH2026-XCJS' } })
  const code = `E2E-B-${newId().slice(0, 8)}`
  await db.group.create({
    data: {
      id: newId(),
      code,
      name: `批量测试轮训${code.slice(-4)}`,
      kind: 'round',
      programId: seeded.programId,
      regionId: seeded.regionId,
      startDate: seeded.startDate,
      endDate: seeded.endDate,
    },
  })
  for (let i = 0; i < n; i++) {
    const { enrollment } = await personInSeededGroup({ groupCode: code, kind: 'teacher' })
    await db.$transaction((tx) =>
      appendHourEntry(tx, {
        enrollmentId: enrollment.id,
        category: 'concentrated',
        minutes: 40 * 45,
        date: '2026-10-10',
        source: 'transfer',
        reason: 'e2e 补录',
        createdById: null,
      }),
    )
  }
  return db.group.findUniqueOrThrow({ where: { code } })
}

test('a coordinator issues training certificates in bulk, watches the progress and downloads one ZIP @desktop', async ({ page, db, makeUser }) => {
  const group = await roundWithTeachers(db, 3)
  const coordinator = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
  await signIn(page, coordinator.username, coordinator.password)
  await page.goto(`/coordinator/groups/${group.id}`)
  await page.getByRole('link', { name: '批量颁发' }).click()
  await expect(page.getByTestId('eligible-training')).toHaveText('培训合格证书：3 人符合条件')
  await page.getByLabel('证书类型').selectOption('training')
  await page.getByRole('button', { name: '开始批量颁发' }).click()
  // Before anything is issued: the names and the type it will issue, and a button that confirms (issue 15).
  const preview = page.getByTestId('batch-preview')
  await expect(preview.getByRole('heading')).toHaveText('将颁发培训合格证书 3 份')
  await expect(preview.getByRole('listitem')).toHaveCount(3)
  await expect(preview.getByRole('listitem').first()).toContainText('培训合格证书')
  expect(await db.certificateBatch.count({ where: { groupId: group.id } })).toBe(0)
  await preview.getByRole('button', { name: '确认颁发 3 份培训合格证书' }).click()
  await expect(page).toHaveURL(/\/coordinator\/certificate-batches\/[^/]+$/)
  // The worker started by npm start issues them; the page polls until done.
  await expect(page.getByTestId('batch-status')).toHaveText('已完成', { timeout: 30_000 })
  await expect(page.getByTestId('batch-progress')).toHaveText('已颁发 3 / 3')
  await expect(page.locator('progress')).toHaveAttribute('value', '3')
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载全部证书（ZIP）' }).click()])
  expect(download.suggestedFilename()).toBe(`certificates-${group.code}-training.zip`)
  expect(await db.certificate.count({ where: { enrollment: { groupId: group.id }, type: 'training' } })).toBe(3)
})
