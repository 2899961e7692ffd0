import { beforeAll, expect, test } from 'vitest'
import { makeIdNumber } from '#app/domain/id-number.ts'
import { decryptField, lookupHmac } from '#app/utils/crypto.server.ts'
import { createPerson, PersonError } from '#app/models/people.server.ts'
import { action as newPersonAction } from '#app/routes/coordinator.people.new.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createUserWithSession, createWorld, type World } from '#tests/fixtures/db.ts'

let world: World
beforeAll(async () => {
  world = await createWorld(getDb())
})

const validId = makeIdNumber({ regionCode: '522327', birthDate: '1988-06-15', sequence: 42 })

test('a person is stored with the ID number encrypted, an HMAC for look-up and a masked copy', async () => {
  const db = getDb()
  const person = await createPerson(db, {
    input: { name: '王小花', idNumber: validId, regionId: world.regions.zhelou.id, kind: 'adult_learner', phone: '13912345678' },
    actorId: null,
  })
  const row = await db.person.findUniqueOrThrow({ where: { id: person.id } })
  expect(JSON.stringify(row)).not.toContain(validId)
  expect(JSON.stringify(row)).not.toContain('13912345678')
  expect(decryptField(row.idCipher)).toBe(validId)
  expect(row.idHmac).toBe(lookupHmac('id', validId))
  expect(row.idMasked).toBe(`${validId.slice(0, 4)}**********${validId.slice(-4)}`)
  expect(row.phoneMasked).toBe('139****5678')
  expect(row.gender).toBe('female')
  const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: person.id, action: 'person.create' } })
  expect(JSON.stringify(audit.after)).not.toContain(validId)
})

test('the same ID number twice is refused as a duplicate, even typed with a lower-case x or spaces', async () => {
  const db = getDb()
  const withX = '11010519491231002X'
  await createPerson(db, { input: { name: '李四', idNumber: withX, regionId: world.regions.zhelou.id, kind: 'teacher' }, actorId: null })
  const again = createPerson(db, {
    input: { name: '李四四', idNumber: ' 11010519491231002x ', regionId: world.regions.gaoluo.id, kind: 'teacher' },
    actorId: null,
  })
  await expect(again).rejects.toBeInstanceOf(PersonError)
  await expect(again).rejects.toMatchObject({ code: 'duplicate_id_number' })
  expect(await db.person.count({ where: { name: { startsWith: '李四' } } })).toBe(1)
})

test.each([
  ['a wrong check digit', validId.slice(0, 17) + (validId[17] === '1' ? '2' : '1'), /校验位不正确（最后一位应为 [\dX]）/],
  ['an impossible birth date', makeIdNumber({ regionCode: '522327', birthDate: '1990-02-30', sequence: 5 }), /出生日期 1990-02-30 不存在或不合理/],
  ['17 digits', validId.slice(0, 17), /应为 18 位，您填写了 17 位/],
])('the registration form refuses %s with a Chinese message naming the problem', async (_label, idNumber, message) => {
  const db = getDb()
  const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
  const before = await db.person.count()
  const res = await callRoute(newPersonAction as never, {
    url: '/coordinator/people/new',
    method: 'POST',
    cookie: coord.cookie,
    body: new URLSearchParams({ name: '张三丰', idNumber, regionId: world.regions.zhelou.id, kind: 'adult_learner' }),
  })
  expect(res.status).toBe(422)
  const reply = (res.value as { data: { result: { error: Record<string, string[]> } } }).data.result
  expect(reply.error.idNumber?.[0]).toMatch(message)
  expect(await db.person.count()).toBe(before)
})

test('the registration form refuses a duplicate in Chinese and a region outside the scope', async () => {
  const db = getDb()
  const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
  const idNumber = makeIdNumber({ regionCode: '522327', birthDate: '1975-01-20', sequence: 77 })
  const post = (regionId: string) =>
    callRoute(newPersonAction as never, {
      url: '/coordinator/people/new',
      method: 'POST',
      cookie: coord.cookie,
      body: new URLSearchParams({ name: '张三丰', idNumber, regionId, kind: 'adult_learner' }),
    })
  const outside = await post(world.regions.gaoluo.id)
  expect(outside.status).toBe(422)
  const first = await post(world.regions.zhelou.id)
  expect(first.status).toBe(302)
  const second = await post(world.regions.zhelou.id)
  expect(second.status).toBe(409)
  const reply = (second.value as { data: { result: { error: Record<string, string[]> } } }).data.result
  expect(reply.error.idNumber?.[0]).toBe('该身份证号已登记，不能重复添加。请先搜索已有人员。')
})
