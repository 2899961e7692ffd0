/**
 * The demo seed is deterministic (issue 9, Must show 4): two fresh databases,
 * seeded at the same time in the same process with the same keys, hold the
 * same people — matched by ID number — with the same enrollments, the same
 * stored status and the same outcome as of the demo date (status, reasons,
 * course states), exactly as loadProgress gives them to the pages and the API.
 * Row ids differ between the two; nothing may depend on them.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, inject, test } from 'vitest'
import { loadProgress } from '#app/models/progress.server.ts'
import { decryptField } from '#app/utils/crypto.server.ts'
import { createDb, getDb, type Db } from '#app/utils/db.server.ts'
import { seedDemo } from '#prisma/seed.ts'
import { createDatabase, dropDatabase, withDatabase } from '#tests/services.ts'

const TODAY = '2026-11-24'
const adminUrl = inject('pgAdminUrl')
const secondName = `xx_t_${randomBytes(6).toString('hex')}`
let second: Db | undefined

type PersonPrint = { name: string; gender: string; birthDate: string; phone: string | null; region: string; organization: string | null; enrollments: string[] }

/** Everything the seed decided about each person, keyed by ID number; no row ids. */
async function fingerprint(db: Db): Promise<Map<string, PersonPrint>> {
  const people = await db.person.findMany({
    select: {
      name: true,
      idCipher: true,
      gender: true,
      birthDate: true,
      phoneCipher: true,
      region: { select: { code: true } },
      organization: { select: { code: true } },
      enrollments: { select: { id: true, status: true, group: { select: { code: true } } } },
    },
  })
  const progress = await loadProgress(
    db,
    people.flatMap((p) => p.enrollments.map((e) => e.id)),
    TODAY,
  )
  const prints = new Map<string, PersonPrint>()
  for (const p of people) {
    const enrollments = p.enrollments.map((e) => {
      const { outcome, courses } = progress.get(e.id)!
      return JSON.stringify({
        group: e.group.code,
        status: e.status,
        outcome: outcome.status,
        early: outcome.earlyGraduation ?? null,
        reasons: outcome.reasons,
        courses: courses.map((c) => `${c.code}:${c.state}`),
      })
    })
    prints.set(decryptField(p.idCipher), {
      name: p.name,
      gender: p.gender,
      birthDate: p.birthDate.toISOString().slice(0, 10),
      phone: p.phoneCipher ? decryptField(p.phoneCipher) : null,
      region: p.region.code,
      organization: p.organization?.code ?? null,
      enrollments: enrollments.sort(),
    })
  }
  return prints
}

let first: Map<string, PersonPrint>
let again: Map<string, PersonPrint>

beforeAll(async () => {
  await createDatabase(adminUrl, secondName, inject('templateDb'))
  second = createDb(withDatabase(adminUrl, secondName))
  // Both at once in one process: a seed that leaned on shared state (faker's sequence, the ID numbers handed out so far) would differ.
  await Promise.all([seedDemo(getDb()), seedDemo(second)])
  ;[first, again] = await Promise.all([fingerprint(getDb()), fingerprint(second)])
}, 240_000)

afterAll(async () => {
  await second?.$disconnect()
  await dropDatabase(adminUrl, secondName)
})

test('both databases hold the same people, by ID number, with the same names and details', () => {
  expect(first.size).toBeGreaterThan(400)
  expect([...again.keys()].sort()).toEqual([...first.keys()].sort())
  const differing = [...first].filter(([id, p]) => {
    const q = again.get(id)!
    return (
      p.name !== q.name ||
      p.gender !== q.gender ||
      p.birthDate !== q.birthDate ||
      p.phone !== q.phone ||
      p.region !== q.region ||
      p.organization !== q.organization
    )
  })
  expect(differing.map(([id]) => id)).toEqual([])
})

test('every person has the same enrollments with the same status and outcome in both', () => {
  const differing = [...first]
    .filter(([id, p]) => JSON.stringify(p.enrollments) !== JSON.stringify(again.get(id)?.enrollments))
    .map(([id, p]) => ({ id, first: p.enrollments, second: again.get(id)?.enrollments }))
  expect(differing.slice(0, 3)).toEqual([])
  expect(differing.length).toBe(0)
  // The comparison has something to compare: the outcomes are spread (seed-outcomes checks which ones).
  const outcomes = new Set([...first.values()].flatMap((p) => p.enrollments.map((e) => (JSON.parse(e) as { outcome: string }).outcome)))
  expect(outcomes.size).toBeGreaterThanOrEqual(5)
})

/** A username ensureAccountFor made up (app/models/accounts.server.ts): random by design, so compared only as "generated". */
const GENERATED = /^(xs|js)[0-9a-hjkmnp-tv-z]{8}$/

test('the same people have the same accounts in both: the named demo accounts, and a generated learner or teacher account for everyone else enrolled', async () => {
  const accounts = async (db: Db) => {
    const users = await db.user.findMany({
      where: { personId: { not: null } },
      select: { username: true, passwordHash: true, roles: { select: { role: true } }, person: { select: { idCipher: true } } },
    })
    return new Map(
      users.map((u) => [
        decryptField(u.person!.idCipher),
        { username: GENERATED.test(u.username) ? 'generated' : u.username, roles: u.roles.map((r) => r.role).sort(), hasPassword: u.passwordHash !== null },
      ]),
    )
  }
  const mine = await accounts(getDb())
  const named = [...mine.values()].filter((a) => a.username !== 'generated')
  expect(named.map((a) => a.username).sort()).toEqual(['learner.demo', 'teacher.demo'])
  expect(mine.size).toBeGreaterThan(named.length)
  expect(await accounts(second!)).toEqual(mine)
})
