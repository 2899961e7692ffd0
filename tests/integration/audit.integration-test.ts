import { beforeAll, expect, test } from 'vitest'
import { recordAudit } from '#app/models/audit.server.ts'
import { loader as auditLoader } from '#app/routes/audit.tsx'
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
