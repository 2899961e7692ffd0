/**
 * The coordinator's people search (issue 15, must show 3): a name, a whole phone number, a
 * whole ID number or the last four digits find people of the coordinator's scope only, and
 * no row is decrypted to compare (the HMACs and the stored masked tails do the matching).
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { makeIdNumber } from '#app/domain/id-number.ts'
import { personRow } from '#app/models/people.server.ts'
import { loader as coordinatorHome } from '#app/routes/coordinator._index.tsx'
import { decryptCount } from '#app/utils/crypto.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createPersonIn, createUserWithSession, createWorld, type World } from '#tests/fixtures/db.ts'

type Found = { people: { total: number; match: string | null; people: { id: string; name: string; idMasked: string; phoneMasked: string | null }[] } | null }

let world: World
let cookie: string
const people: Record<'mine' | 'twinElsewhere' | 'otherCounty', { id: string; name: string; idNumber: string; phone: string }> = {} as never

/** Three ID numbers with the same last four characters (sequence 417, birth dates tried until the check digits agree). */
function idsSharingTail(regionCodes: string[]) {
  const first = makeIdNumber({ regionCode: regionCodes[0]!, birthDate: '1985-03-14', sequence: 417 })
  const tail = first.slice(-4)
  const result = [first]
  for (const code of regionCodes.slice(1)) {
    for (let day = 1; day <= 28; day++) {
      const id = makeIdNumber({ regionCode: code, birthDate: `1990-06-${String(day).padStart(2, '0')}`, sequence: 417 })
      if (id.slice(-4) === tail) {
        result.push(id)
        break
      }
    }
  }
  if (result.length !== regionCodes.length) throw new Error('no ID numbers sharing a tail')
  return { ids: result, tail }
}

let tail: string

beforeAll(async () => {
  const db = getDb()
  world = await createWorld(db)
  const shared = idsSharingTail(['522327', '522327', '522326'])
  tail = shared.ids[0]!.slice(-4)
  const specs = [
    ['mine', '岑搜索', shared.ids[0]!, '13800004417', world.regions.zhelou.id],
    ['twinElsewhere', '韦高洛', shared.ids[1]!, '13800014417', world.regions.gaoluo.id],
    ['otherCounty', '罗望谟', shared.ids[2]!, '13800024417', world.regions.otherTownship.id],
  ] as const
  for (const [key, name, idNumber, phone, regionId] of specs) {
    const row = await db.person.create({ data: personRow({ name, idNumber, phone, regionId, kind: 'adult_learner' }) })
    people[key] = { id: row.id, name, idNumber, phone }
  }
  // Others of the coordinator's own township: a search that decrypted to compare would open them too.
  for (let i = 0; i < 12; i++) await createPersonIn(db, world.regions.zhelou.id)
  cookie = (await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })).cookie
})

async function search(q: string) {
  const before = decryptCount()
  const res = await callRoute(coordinatorHome, { url: `/coordinator?${new URLSearchParams({ q })}`, cookie })
  expect(res.status).toBe(200)
  const found = (res.value as Found).people!
  return { found, decrypted: decryptCount() - before, names: found.people.map((p) => p.name) }
}

describe('a township coordinator searching', () => {
  test('by the last four ID digits finds their person, decrypting no more rows than it returns, and nobody outside the township', async () => {
    const { found, decrypted, names } = await search(tail)
    expect(found.match).toBe('tail')
    expect(names).toContain(people.mine.name)
    expect(names).not.toContain(people.twinElsewhere.name)
    expect(names).not.toContain(people.otherCounty.name)
    expect(found.people.every((p) => p.idMasked.endsWith(tail) || p.phoneMasked?.endsWith(tail))).toBe(true)
    expect(decrypted).toBeLessThanOrEqual(found.people.length)
  })

  test('by the whole ID number (HMAC) finds exactly that person; another township’s number finds nothing', async () => {
    const mine = await search(people.mine.idNumber)
    expect(mine.found.match).toBe('id_number')
    expect(mine.names).toEqual([people.mine.name])
    expect(mine.decrypted).toBeLessThanOrEqual(1)

    for (const other of [people.twinElsewhere, people.otherCounty]) {
      const res = await search(other.idNumber)
      expect(res.found.total).toBe(0)
      expect(res.decrypted).toBe(0)
    }
  })

  test('by the whole phone number, also written with spaces or +86, finds the person; another township’s phone finds nothing', async () => {
    for (const q of [people.mine.phone, `+86 138 0000 4417`]) {
      const res = await search(q)
      expect(res.found.match).toBe('phone')
      expect(res.names).toEqual([people.mine.name])
      expect(res.decrypted).toBeLessThanOrEqual(1)
    }
    expect((await search(people.twinElsewhere.phone)).found.total).toBe(0)
  })

  test('by a name finds the person; other digit strings say what to type and find nobody', async () => {
    expect((await search('岑搜')).names).toEqual([people.mine.name])
    expect((await search('韦高洛')).found.total).toBe(0)
    const partial = await search('198503')
    expect(partial.found.match).toBe('digits')
    expect(partial.found.total).toBe(0)
  })
})
