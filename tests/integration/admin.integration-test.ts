/**
 * Admin (issue 15): user search and keyset paging; an admin cannot disable
 * their own account nor take the admin role from the last enabled admin
 * (refused in the model, in Chinese, also through the page); regions are
 * editable (a township under a county, a village under a township, codes
 * checked, unique, renames), each change audited.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { zhCN } from '#app/i18n/zh-CN.ts'
import { listUsers } from '#app/models/admin.server.ts'
import { createRegion, renameRegion, RegionError } from '#app/models/regions.server.ts'
import { AccountGuardError, setUserDisabled, setUserGrant } from '#app/models/users.server.ts'
import { action as userAction } from '#app/routes/admin.users.$userId.tsx'
import { action as regionsAction, loader as regionsLoader } from '#app/routes/admin.regions.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createTestUser, createUserWithSession, createWorld, type World } from '#tests/fixtures/db.ts'

let world: World
let admin: Awaited<ReturnType<typeof createUserWithSession>>

beforeAll(async () => {
  world = await createWorld(getDb())
  admin = await createUserWithSession(getDb(), { role: 'admin', username: 'a.root' })
})

describe('users list', () => {
  test('finds users by username or display name, and pages by username without repeats', async () => {
    const db = getDb()
    for (let i = 0; i < 5; i++) await createTestUser(db, { role: 'teacher', username: `page.t${i}` })
    await db.user.update({ where: { username: 'page.t3' }, data: { displayName: '者楼小学王老师' } })
    const byName = await listUsers(db, { q: '王老师' })
    expect(byName.users.map((u) => u.username)).toEqual(['page.t3'])
    const byUsername = await listUsers(db, { q: 'PAGE.T' })
    expect(byUsername.total).toBe(5)

    const first = await listUsers(db, { q: 'page.', pageSize: 2 })
    expect(first.users.map((u) => u.username)).toEqual(['page.t0', 'page.t1'])
    expect(first.next).toBe('page.t1')
    const second = await listUsers(db, { q: 'page.', pageSize: 2, after: first.next })
    expect(second.users.map((u) => u.username)).toEqual(['page.t2', 'page.t3'])
    expect(second.offset).toBe(2)
    const third = await listUsers(db, { q: 'page.', pageSize: 2, after: second.next })
    expect(third.users.map((u) => u.username)).toEqual(['page.t4'])
    expect(third.next).toBeNull()
  })
})

describe('account guards', () => {
  test('an admin cannot disable their own account (model and page, in Chinese)', async () => {
    const db = getDb()
    const other = await createTestUser(db, { role: 'admin', username: 'a.second' })
    await expect(setUserDisabled(db, { actorId: admin.id, userId: admin.id, disabled: true })).rejects.toBeInstanceOf(AccountGuardError)
    const res = await callRoute(userAction, {
      url: `/admin/users/${admin.id}`,
      method: 'POST',
      cookie: admin.cookie,
      params: { userId: admin.id },
      body: new URLSearchParams({ intent: 'disable' }),
    })
    expect(res.status).toBe(409)
    expect((res.value as { data: { error: string } }).data.error).toBe(zhCN['admin.error.selfDisable'])
    expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).disabled).toBe(false)
    await db.user.delete({ where: { id: other.id } })
  })

  test('the last enabled admin keeps the admin role and stays enabled; with a second admin, the change goes through', async () => {
    const db = getDb()
    // Only a.root and this one are admins; a.root is disabled for the test, so `last` is the last enabled admin.
    const last = await createTestUser(db, { role: 'admin', username: 'a.last' })
    await db.user.update({ where: { id: admin.id }, data: { disabled: true } })
    try {
      const demote = setUserGrant(db, { actorId: admin.id, userId: last.id, grant: { role: 'teacher' } })
      await expect(demote).rejects.toMatchObject({ problem: 'lastAdmin' })
      await expect(setUserDisabled(db, { actorId: admin.id, userId: last.id, disabled: true })).rejects.toMatchObject({ problem: 'lastAdmin' })
      const grants = await db.roleAssignment.findMany({ where: { userId: last.id } })
      expect(grants.map((g) => g.role)).toEqual(['admin'])
      expect(await db.auditEvent.count({ where: { entityId: last.id } })).toBe(0)
    } finally {
      await db.user.update({ where: { id: admin.id }, data: { disabled: false } })
    }
    // Two enabled admins: one of them may be demoted.
    await setUserGrant(db, { actorId: admin.id, userId: last.id, grant: { role: 'teacher' } })
    expect((await db.roleAssignment.findMany({ where: { userId: last.id } })).map((g) => g.role)).toEqual(['teacher'])
    // a.root is now the only admin: another admin cannot demote it.
    await expect(
      setUserGrant(db, { actorId: last.id, userId: admin.id, grant: { role: 'bureau', scopeRegionId: world.regions.county.id } }),
    ).rejects.toMatchObject({
      problem: 'lastAdmin',
    })
    expect(new AccountGuardError('lastAdmin').describe((k) => zhCN[k as keyof typeof zhCN])).toContain('最后一个启用的系统管理员')
  })
})

describe('regions', () => {
  test('adds a township under a county and a village under it, with checked, unique codes; renames; all audited', async () => {
    const db = getDb()
    const township = await createRegion(db, { actorId: admin.id, parentId: world.regions.county.id, code: '522327104', name: '岩架镇' })
    expect(township).toMatchObject({ level: 'township', path: `${world.regions.county.path}522327104/` })
    const village = await createRegion(db, { actorId: admin.id, parentId: township.id, code: '522327104201', name: '者述村' })
    expect(village.level).toBe('village')

    const refuse = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(RegionError)
    // Wrong length, wrong prefix, duplicate, a village under a county, anything under a village, an empty name.
    await refuse(createRegion(db, { actorId: admin.id, parentId: world.regions.county.id, code: '52232710', name: '短' }))
    await refuse(createRegion(db, { actorId: admin.id, parentId: world.regions.county.id, code: '522326105', name: '别县' }))
    await expect(createRegion(db, { actorId: admin.id, parentId: world.regions.county.id, code: '522327104', name: '重复' })).rejects.toMatchObject({
      problem: 'codeTaken',
    })
    await refuse(createRegion(db, { actorId: admin.id, parentId: world.regions.county.id, code: '522327104202', name: '村' }))
    await refuse(createRegion(db, { actorId: admin.id, parentId: village.id, code: '522327104201001', name: '组' }))
    await refuse(createRegion(db, { actorId: admin.id, parentId: township.id, code: '522327104203', name: '  ' }))
    expect(await db.region.count({ where: { path: { startsWith: township.path } } })).toBe(2)

    await renameRegion(db, { actorId: admin.id, regionId: village.id, name: '者述社区' })
    expect((await db.region.findUniqueOrThrow({ where: { id: village.id } })).name).toBe('者述社区')

    const events = await db.auditEvent.findMany({ where: { entityType: 'Region' }, orderBy: { id: 'asc' } })
    expect(events.map((e) => [e.action, e.entityId])).toEqual([
      ['region.create', township.id],
      ['region.create', village.id],
      ['region.rename', village.id],
    ])
    expect(events[2]).toMatchObject({ actorId: admin.id, before: { name: '者述村' }, after: { name: '者述社区' } })
  })

  test('the /admin/regions page lists the tree and explains a wrong code in Chinese', async () => {
    const page = await callRoute(regionsLoader, { url: '/admin/regions', cookie: admin.cookie })
    expect(page.status).toBe(200)
    expect((page.value as { regions: { name: string }[] }).regions.map((r) => r.name)).toContain('者楼街道')
    const bad = await callRoute(regionsAction, {
      url: '/admin/regions',
      method: 'POST',
      cookie: admin.cookie,
      body: new URLSearchParams({ intent: 'create', parentId: world.regions.zhelou.id, code: '522327001', name: '某村' }),
    })
    expect(bad.status).toBe(422)
    expect((bad.value as { data: { message: string; field: string } }).data).toMatchObject({
      field: 'code',
      message: '村/学校代码应为 12 位数字，并以上级代码 522327001 开头。',
    })
    const coordinator = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const refused = await callRoute(regionsLoader, { url: '/admin/regions', cookie: coordinator.cookie })
    expect(refused.status).toBe(403)
  })
})
