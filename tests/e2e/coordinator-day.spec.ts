/**
 * Issue 15, a coordinator's and an admin's day: the home as a work queue and the people
 * search (must show 1), and the audit log as a person reads it (must show 4).
 */
import { randomBytes } from 'node:crypto'
import ExcelJS from 'exceljs'
import { beijingDate } from '#app/domain/time.ts'
import { appendHourEntry, correctHourEntry, serializeEntry } from '#app/models/ledger.server.ts'
import { phoneFields } from '#app/models/people.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { expect, personInSeededGroup, randomPhone, signIn, test } from './fixtures.ts'

/** A name nobody in the seed has: 审 + three characters from a list the faker's names do not use. */
function uniqueName(prefix: string) {
  const chars = '甲乙丙丁戊己庚辛壬癸'
  return prefix + Array.from(randomBytes(3), (b) => chars[b % chars.length]).join('')
}

async function sessionToday(db: Db) {
  const group = await db.group.findUniqueOrThrow({ where: { code: 'CH2026-ZZ01' } })
  const now = Date.now()
  // Starting in ten minutes, unless that is already tomorrow in Beijing (a run just before midnight there):
  // then it started an hour ago, still today's.
  const soon = now + 10 * 60_000
  const start = beijingDate(new Date(soon)) === beijingDate(new Date(now)) ? soon : now - 60 * 60_000
  return db.classSession.create({
    data: {
      id: newId(),
      groupId: group.id,
      startsAt: new Date(start),
      endsAt: new Date(start + 120 * 60_000),
      venue: `e2e 村委会 ${newId().slice(0, 4)}`,
      plannedMinutes: 120,
      description: 'e2e 首页',
      checkinKey: new Uint8Array(randomBytes(32)),
    },
  })
}

test('a coordinator goes from the home’s queue counts to each queue and back, opens today’s check-in screen, and finds people by phone and by the last four ID digits @desktop', async ({
  page,
  db,
  makeUser,
}) => {
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })
  const session = await sessionToday(db)
  const { person } = await personInSeededGroup()
  const phone = randomPhone()
  await db.person.update({ where: { id: person.id }, data: { name: uniqueName('岑'), ...phoneFields(phone) } })
  const found = await db.person.findUniqueOrThrow({ where: { id: person.id }, select: { name: true, idMasked: true } })
  // Someone of another township, with a phone: out of 者楼街道's scope.
  const elsewhere = await personInSeededGroup({ groupCode: 'CH2026-YZ01', regionCode: '522327002' })
  const elsewherePhone = randomPhone()
  await db.person.update({ where: { id: elsewhere.person.id }, data: phoneFields(elsewherePhone) })

  await signIn(page, coord.username, coord.password)
  await expect(page).toHaveURL('/coordinator')
  await expect(page.getByRole('heading', { name: '培训管理', level: 1 })).toBeVisible()

  // Today's session: the check-in screen in one tap.
  const item = page.getByTestId('home-sessions').getByRole('listitem').filter({ hasText: session.venue })
  await expect(item).toContainText('今天')
  await item.getByRole('link', { name: '打开签到码' }).click()
  await expect(page.getByRole('heading', { name: /扫码签到/ })).toBeVisible()
  await page.goto('/coordinator')

  // Each count opens its queue, the queue shows as many, and leads back home.
  const queues = [
    { tile: '自学记录待审核', heading: '自学记录审核', back: '培训管理' },
    { tile: '免修免考待审核', heading: '免修免考审核', back: '返回工作台' },
    { tile: '提前毕业申请', heading: '提前毕业申请', back: '返回首页', list: 'early-queue' },
    { tile: '可发证未发证', heading: '可发证未发证的学员', back: '返回首页', total: true },
    { tile: '进度落后', heading: '进度落后的学员', back: '返回首页', total: true },
  ]
  for (const q of queues) {
    const tile = page.getByTestId('home-queues').getByRole('link', { name: q.tile })
    const count = Number(await tile.locator('b').textContent())
    await tile.click()
    await expect(page.getByRole('heading', { name: q.heading, level: 1 })).toBeVisible()
    if (q.total) await expect(page.getByTestId('queue-total')).toHaveText(`共 ${count} 人`)
    if (q.list) {
      if (count > 0) await expect(page.getByTestId(q.list).getByRole('listitem')).toHaveCount(count)
      else await expect(page.getByTestId(q.list)).toHaveCount(0)
    }
    await page.getByRole('link', { name: q.back }).first().click()
    await expect(page).toHaveURL('/coordinator')
    await expect(page.getByRole('heading', { name: '培训管理', level: 1 })).toBeVisible()
  }
  await expect(page.getByTestId('home-groups')).toContainText('2026级种植班（者楼）')

  // Search by the whole phone number, written as people write it: the results come first on the page.
  const search = page.getByRole('search')
  await search.getByLabel('姓名、手机号或身份证号').fill(`${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`)
  await search.getByRole('button', { name: '搜索' }).click()
  const results = page.getByTestId('search-results')
  await expect(results.getByRole('link', { name: found.name })).toBeVisible()
  await expect(page.getByText('按手机号')).toBeVisible()
  const [resultsTop, sessionsTop] = await Promise.all([results.boundingBox(), page.getByRole('heading', { name: '今天和明天的面授' }).boundingBox()])
  expect(resultsTop!.y).toBeLessThan(sessionsTop!.y)

  // By the last four ID digits.
  const tail = found.idMasked.slice(-4)
  await search.getByLabel('姓名、手机号或身份证号').fill(tail)
  await search.getByRole('button', { name: '搜索' }).click()
  await expect(page.getByText('按后四位')).toBeVisible()
  await results.getByRole('link', { name: found.name }).click()
  await expect(page.getByRole('heading', { name: found.name })).toBeVisible()

  // Nobody outside the coordinator's township, even by an exact phone number.
  await page.goto(`/coordinator?q=${elsewherePhone}`)
  await expect(page.getByText(`“${elsewherePhone}”：找到 0 人`)).toBeVisible()
})

test('the audit log filtered to one person’s hour corrections of one week shows them in Chinese with before → after, and exports them @desktop', async ({
  page,
  db,
  makeUser,
}) => {
  const admin = await makeUser({ role: 'admin' })
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327001' })
  const { person, enrollment } = await personInSeededGroup()
  const name = uniqueName('审')
  await db.person.update({ where: { id: person.id }, data: { name } })
  const other = await personInSeededGroup()

  const credit = async (enrollmentId: string) =>
    (
      await db.$transaction((tx) =>
        appendHourEntry(tx, {
          enrollmentId,
          category: 'concentrated',
          minutes: 120,
          date: beijingDate(new Date()),
          source: 'adjustment',
          reason: 'e2e 面授补录',
          createdById: coord.id,
        }),
      )
    ).entry
  const entry = await credit(enrollment.id)
  // An older correction, made three weeks ago (entry and audit event written as the ledger writes them, dated then): outside the week.
  const past = new Date(Date.now() - 21 * 86_400_000)
  const old = await db.hourEntry.create({
    data: {
      enrollmentId: enrollment.id,
      personId: person.id,
      groupId: enrollment.groupId,
      category: 'concentrated',
      minutes: -15,
      occurredOn: entry.occurredOn,
      source: 'adjustment',
      correctsId: entry.id,
      createdById: coord.id,
      reason: '三周前的更正',
      createdAt: past,
    },
  })
  const zhelou = await db.region.findUniqueOrThrow({ where: { code: '522327001' } })
  await db.auditEvent.create({
    data: {
      actorId: coord.id,
      action: 'hours.correct',
      entityType: 'HourEntry',
      entityId: old.id.toString(),
      after: serializeEntry(old),
      scopePath: zhelou.path,
      at: past,
    },
  })
  await correctHourEntry(db, { entryId: entry.id, minutes: -30, reason: '提前离开', createdById: coord.id })
  await correctHourEntry(db, { entryId: entry.id, minutes: -15, reason: '迟到', createdById: coord.id })
  // Someone else's correction the same week.
  const otherEntry = await credit(other.enrollment.id)
  await correctHourEntry(db, { entryId: otherEntry.id, minutes: -45, reason: '别人的更正', createdById: coord.id })

  const today = beijingDate(new Date())
  const weekAgo = beijingDate(new Date(Date.now() - 6 * 86_400_000))
  await signIn(page, admin.username, admin.password)
  await page.goto('/audit')
  const filters = page.getByRole('form', { name: '筛选' })
  await filters.getByLabel('涉及人员').fill(name)
  await filters.getByLabel('操作', { exact: true }).selectOption({ label: '更正学时' })
  await filters.getByLabel('从').fill(weekAgo)
  await filters.getByLabel('到').fill(today)
  await filters.getByRole('button', { name: '筛选' }).click()
  await expect(page).toHaveURL(/action=hours\.correct/)

  const rows = page.getByTestId('audit-events').locator('tbody tr')
  await expect(rows).toHaveCount(2)
  // Newest first: 75 → 60 (迟到), then 105 → 75 (提前离开); the three-week-old 120 → 105 is outside the week.
  await expect(rows.nth(0)).toContainText('更正学时')
  await expect(rows.nth(0)).toContainText(`${name}（2026级种植班（者楼））`)
  await expect(rows.nth(0)).toContainText('学时（分钟）：75 分钟 → 60 分钟')
  await expect(rows.nth(0)).toContainText('原因：迟到')
  await expect(rows.nth(1)).toContainText('学时（分钟）：105 分钟 → 75 分钟')
  await expect(rows.nth(1)).toContainText('原因：提前离开')
  for (const i of [0, 1]) {
    await expect(rows.nth(i)).toContainText('培训管理员') // who: the name and the role
    await expect(rows.nth(i)).not.toContainText('hours.correct')
  }
  await expect(page.getByTestId('audit-events')).not.toContainText('别人的更正')
  await expect(page.getByTestId('audit-events')).not.toContainText('三周前的更正')
  // The record links to the enrollment, the person to their page.
  await expect(rows.nth(0).getByRole('link', { name: '学时记录' })).toHaveAttribute('href', `/coordinator/enrollments/${enrollment.id}`)
  await expect(rows.nth(0).getByRole('link', { name: new RegExp(name) })).toHaveAttribute('href', `/coordinator/people/${person.id}`)

  // The export writes the same two rows, and is audited itself.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出 Excel' }).click()])
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(await download.path())
  const sheet = wb.worksheets[0]!
  expect(sheet.rowCount).toBe(3)
  expect(String(sheet.getRow(2).getCell(6).value)).toContain('75 分钟 → 60 分钟')
  expect(await db.auditEvent.count({ where: { action: 'audit.export', actorId: admin.id } })).toBe(1)
})

test('a coordinator issues one certificate from the board row in one step, with the same eligibility check @desktop', async ({ page, db, makeUser }) => {
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
  const { person, enrollment, group } = await personInSeededGroup({ groupCode: 'CH2026-XCJS', kind: 'teacher' })
  const name = uniqueName('证')
  await db.person.update({ where: { id: person.id }, data: { name } })
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
  // A teacher of the same round short of hours: no button on their row.
  const short = await personInSeededGroup({ groupCode: 'CH2026-XCJS', kind: 'teacher' })
  const shortName = uniqueName('欠')
  await db.person.update({ where: { id: short.person.id }, data: { name: shortName } })

  await signIn(page, coord.username, coord.password)
  // The board pages 30 at a time: the 合格 filter lists those who may be certified (the teacher short of hours is not among them).
  const row = page.getByTestId('board-row').filter({ hasText: name })
  let boardPage = 1
  for (; boardPage <= 10; boardPage++) {
    await page.goto(`/coordinator/groups/${group.id}/board?show=eligible&page=${boardPage}`)
    await expect(page.getByTestId('board-row').first()).toBeVisible()
    await expect(page.getByTestId('board-row').filter({ hasText: shortName })).toHaveCount(0)
    if ((await row.count()) > 0) break
  }
  await expect(row.getByRole('button', { name: '颁发培训合格证书' })).toBeVisible()
  await row.getByRole('button', { name: '颁发培训合格证书' }).click()
  await expect(page.getByRole('status')).toContainText(`${name}：已颁发，编号 `)
  await expect(row.getByRole('button', { name: '颁发培训合格证书' })).toHaveCount(0)
  expect(await db.certificate.count({ where: { enrollmentId: enrollment.id, type: 'training' } })).toBe(1)

  // The same request for the teacher short of hours is refused by the same check.
  const refused = await page.request.post(`/coordinator/groups/${group.id}/board`, {
    form: { intent: 'issue', enrollmentId: short.enrollment.id, type: 'training' },
    headers: { Origin: new URL(page.url()).origin },
  })
  expect(refused.status()).toBe(409)
  expect(await db.certificate.count({ where: { enrollmentId: short.enrollment.id } })).toBe(0)
})
