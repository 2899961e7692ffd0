import ExcelJS from 'exceljs'
import { beforeAll, expect, test } from 'vitest'
import { recordAudit } from '#app/models/audit.server.ts'
import { loader as auditLoader } from '#app/routes/audit.tsx'
import * as auditXlsx from '#app/routes/audit[.]xlsx.ts'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createUserWithSession, createWorld, type World } from '#tests/fixtures/db.ts'

let world: World
beforeAll(async () => {
  const db = getDb()
  world = await createWorld(db)
  await recordAudit(db, { actorId: null, action: 'test.in_zhelou', entityType: 'Test', scopePath: world.regions.zhelou.path })
  await recordAudit(db, { actorId: null, action: 'test.in_other_county', entityType: 'Test', scopePath: world.regions.otherTownship.path })
  await recordAudit(db, { actorId: null, action: 'test.admin_only', entityType: 'Test', scopePath: null })
})

async function actionsSeenBy(opts: { role: 'bureau' | 'admin' | 'coordinator'; scopeRegionId?: string | null }) {
  const user = await createUserWithSession(getDb(), opts)
  const res = await callRoute(auditLoader, { url: '/audit', cookie: user.cookie })
  if (res.status !== 200) return res.status
  return (res.value as { events: { action: string }[] }).events.map((e) => e.action).filter((a) => a.startsWith('test.'))
}

test('a county bureau reads the audit events of its county only', async () => {
  expect(await actionsSeenBy({ role: 'bureau', scopeRegionId: world.regions.county.id })).toEqual(['test.in_zhelou'])
})

test('the admin reads every event, including those without a jurisdiction', async () => {
  expect((await actionsSeenBy({ role: 'admin' })) as string[]).toEqual(['test.admin_only', 'test.in_other_county', 'test.in_zhelou'])
})

test('a bureau grant without a scope reads nothing, and a coordinator may not open the log', async () => {
  expect(await actionsSeenBy({ role: 'bureau', scopeRegionId: null })).toEqual([])
  expect(await actionsSeenBy({ role: 'coordinator', scopeRegionId: world.regions.county.id })).toBe(403)
})

test('the export writes the filtered events, no cell starting a formula, and is audited itself', async () => {
  const db = getDb()
  await recordAudit(db, {
    actorId: null,
    action: 'person.phone_change',
    entityType: 'Person',
    entityId: 'nosuchperson',
    before: { phone: '138****0001' },
    after: { phone: '=HYPERLINK("http://evil.example","点我")' },
    scopePath: world.regions.zhelou.path,
  })
  const admin = await createUserWithSession(db, { role: 'admin' })
  const res = await callRoute(auditXlsx.loader, { url: '/audit.xlsx?action=person.phone_change', cookie: admin.cookie })
  expect(res.status).toBe(200)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(await (res.value as Response).arrayBuffer())
  const sheet = wb.worksheets[0]!
  expect(sheet.rowCount).toBe(2)
  expect(sheet.getRow(2).getCell(3).value).toBe('修改手机号')
  const changes = String(sheet.getRow(2).getCell(6).value)
  expect(changes).toBe('手机号：138****0001 → =HYPERLINK("http://evil.example","点我")')
  // The whole cell begins with the field name, so it is no formula; a value alone in a cell would be quoted.
  expect(changes.startsWith('=')).toBe(false)
  const exported = await db.auditEvent.findFirstOrThrow({ where: { action: 'audit.export', actorId: admin.id } })
  expect(exported.after).toMatchObject({ format: 'xlsx', filters: { action: 'person.phone_change' }, rows: 1 })
})

test('the page reads the filters: an action, a record type, a date range; each event in words', async () => {
  const admin = await createUserWithSession(getDb(), { role: 'admin' })
  const page = async (q: string) =>
    (await callRoute(auditLoader, { url: `/audit?${q}`, cookie: admin.cookie })).value as {
      events: { action: string; actionLabel: string; changes: { label: string; before: string | null; after: string | null }[] }[]
    }
  const changed = await page('action=person.phone_change&entity=Person')
  expect(changed.events.map((e) => e.actionLabel)).toEqual(['修改手机号'])
  expect(changed.events[0]!.changes).toEqual([{ field: 'phone', label: '手机号', before: '138****0001', after: '=HYPERLINK("http://evil.example","点我")' }])
  expect((await page('action=person.phone_change&entity=Group')).events).toEqual([])
  expect((await page('action=person.phone_change&from=2020-01-01&to=2020-01-31')).events).toEqual([])
})
