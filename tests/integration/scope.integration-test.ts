import { beforeAll, describe, expect, test } from 'vitest'
import { getDb } from '#app/utils/db.server.ts'
import { loader as personLoader } from '#app/routes/coordinator.people.$personId.tsx'
import { loader as coordinatorHome } from '#app/routes/coordinator._index.tsx'
import { loader as bureauHome } from '#app/routes/bureau._index.tsx'
import { loader as adminHome } from '#app/routes/admin._index.tsx'
import { callRoute, createPersonIn, createUserWithSession, createWorld, type World } from '#tests/fixtures/db.ts'

let world: World
let zhelouPerson: { id: string; name: string }
let gaoluoPerson: { id: string; name: string }
let otherCountyPerson: { id: string; name: string }

beforeAll(async () => {
  const db = getDb()
  world = await createWorld(db)
  zhelouPerson = await createPersonIn(db, world.regions.zhelou.id)
  gaoluoPerson = await createPersonIn(db, world.regions.gaoluo.id)
  otherCountyPerson = await createPersonIn(db, world.regions.otherTownship.id)
})

describe('a township coordinator', () => {
  test('sees a person of their own township, with the full ID number', async () => {
    const coord = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const res = await callRoute(personLoader, { url: `/coordinator/people/${zhelouPerson.id}`, cookie: coord.cookie, params: { personId: zhelouPerson.id } })
    expect(res.status).toBe(200)
    const data = res.value as { person: { name: string; idNumber: string } }
    expect(data.person.name).toBe(zhelouPerson.name)
    expect(data.person.idNumber).toMatch(/^\d{17}[\dX]$/)
  })

  test.each([
    ['another township of the same county', () => gaoluoPerson],
    ['another county', () => otherCountyPerson],
    ['an id that does not exist', () => ({ id: 'nosuchperson', name: '' })],
  ])('gets 404 and no data for a person in %s', async (_label, target) => {
    const coord = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const person = target()
    const res = await callRoute(personLoader, { url: `/coordinator/people/${person.id}`, cookie: coord.cookie, params: { personId: person.id } })
    expect(res.status).toBe(404)
    const body = await (res.value as Response).text()
    if (person.name) expect(body).not.toContain(person.name)
  })

  test('lists only people of their township', async () => {
    const coord = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const res = await callRoute(coordinatorHome, { url: '/coordinator?people=all', cookie: coord.cookie })
    const names = (res.value as { people: { people: { name: string }[] } }).people.people.map((p) => p.name)
    expect(names).toContain(zhelouPerson.name)
    expect(names).not.toContain(gaoluoPerson.name)
    expect(names).not.toContain(otherCountyPerson.name)
  })
})

test('a county coordinator sees every township of the county but not the next county', async () => {
  const coord = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.county.id })
  const ok = await callRoute(personLoader, { url: '/x', cookie: coord.cookie, params: { personId: gaoluoPerson.id } })
  expect(ok.status).toBe(200)
  const other = await callRoute(personLoader, { url: '/x', cookie: coord.cookie, params: { personId: otherCountyPerson.id } })
  expect(other.status).toBe(404)
})

describe('role checks', () => {
  test.each([
    ['coordinator home', coordinatorHome],
    ['bureau home', bureauHome],
    ['admin home', adminHome],
  ])('a learner cannot open the %s (403)', async (_label, loader) => {
    const person = await createPersonIn(getDb(), world.regions.zhelou.id)
    const learner = await createUserWithSession(getDb(), { role: 'learner', personId: person.id })
    const res = await callRoute(loader, { url: '/coordinator', cookie: learner.cookie })
    expect(res.status).toBe(403)
  })

  test('a learner cannot open a person page, even their own', async () => {
    const learner = await createUserWithSession(getDb(), { role: 'learner', personId: zhelouPerson.id })
    const res = await callRoute(personLoader, { url: '/x', cookie: learner.cookie, params: { personId: zhelouPerson.id } })
    expect(res.status).toBe(403)
  })

  test('without a session, a staff page redirects to sign-in', async () => {
    const res = await callRoute(coordinatorHome, { url: '/coordinator?q=1' })
    expect(res.status).toBe(302)
    expect((res.value as Response).headers.get('location')).toBe('/login?redirectTo=%2Fcoordinator%3Fq%3D1')
  })

  test('a staff role without a scope sees nobody', async () => {
    const coord = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: null })
    const res = await callRoute(coordinatorHome, { url: '/coordinator?people=all', cookie: coord.cookie })
    expect((res.value as { people: { total: number } }).people.total).toBe(0)
  })
})
