/**
 * The bureau's figures in SQL (app/models/person-times.server.ts) and the
 * API's GET /api/v1/stats/person-times equal the definition
 * (countPersonTimes, app/domain/person-times.ts) over the raw rows, on random
 * ledgers: many people in several townships, counties and schools, classes
 * and rounds (some tagged), entries over 16 months with corrections that
 * cancel them, withdrawals, certificates of every type issued around Beijing
 * midnight, some revoked. Every run adds its ledger to the same database and
 * the brute force reads everything back, so later runs check earlier data too.
 */
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { beforeAll, describe, expect, test } from 'vitest'
import { countEnrolled, countPersonTimes, STATS_GROUP_BYS, type StatsGroupBy } from '#app/domain/person-times.ts'
import { beijingDate, dateOnly } from '#app/domain/time.ts'
import type { Prisma } from '#app/generated/prisma/client.ts'
import { enrollmentScopeWhere, type Scope } from '#app/models/access.server.ts'
import {
  enrolledCount,
  peopleBehind,
  personTimeCountSeries,
  personTimeSeries,
  personTimeStats,
  statsAccessMode,
  type StatsFilter,
} from '#app/models/person-times.server.ts'
import * as statsRoute from '#app/routes/api.v1.stats.person-times.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { bucketsOf } from '#app/domain/stat-periods.ts'
import { createPersonIn, createUserWithSession } from '#tests/fixtures/db.ts'
import { createTrainingWorld, enroll, type TrainingWorld } from '#tests/fixtures/training.ts'

const db = getDb()
let world: TrainingWorld
let orgs: { id: string; code: string; name: string; regionPath: string }[]
let groups: { id: string; code: string; programId: string; startDate: Date; endDate: Date | null; tags: string[] }[]
let homes: { id: string }[]
let seq = 0
let tagsColumn = false

const DAY = 86_400_000
const dayOf = (i: number) => new Date(Date.UTC(2025, 10, 1) + i * DAY).toISOString().slice(0, 10) // 2025-11-01 + i
const SPAN = 486 // to 2027-02-28

beforeAll(async () => {
  world = await createTrainingWorld(db)
  const r = world.regions
  orgs = []
  for (const [code, name, region] of [
    [`S1-${newId().slice(0, 5)}`, '者楼一小', r.zhelou],
    [`S2-${newId().slice(0, 5)}`, '高洛中学', r.gaoluo],
    [`S3-${newId().slice(0, 5)}`, '王母小学', r.otherTownship],
  ] as const) {
    const id = newId()
    await db.organization.create({ data: { id, code, name, kind: 'school', regionId: region.id } })
    orgs.push({ id, code, name, regionPath: region.path })
  }
  tagsColumn =
    ((await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'Group' AND column_name = 'tags'`)[0]
      ?.n ?? 0) > 0
  const extraRounds = [
    { name: '乡村教师轮训', regionId: r.county.id, organizationId: orgs[0]!.id, tags: ['rural'] },
    { name: '王母骨干教师', regionId: r.otherCounty.id, organizationId: orgs[2]!.id, tags: ['rural', 'backbone'] },
  ]
  groups = [
    { ...world.groups.class, endDate: null, tags: [] },
    { ...world.groups.round, tags: [] },
    { ...world.groups.otherCountyClass, endDate: null, tags: [] },
  ]
  for (const x of extraRounds) {
    const g = {
      id: newId(),
      code: `T-RX-${newId().slice(0, 6)}`,
      name: x.name,
      programId: world.programs.teacher.id,
      kind: 'round' as const,
      regionId: x.regionId,
      organizationId: x.organizationId,
      startDate: new Date('2025-11-01T00:00:00Z'),
      endDate: new Date('2027-02-28T00:00:00Z'),
    }
    await db.group.create({ data: g })
    if (tagsColumn) await db.$executeRaw`UPDATE "Group" SET "tags" = ${x.tags}::text[] WHERE "id" = ${g.id}`
    groups.push({ ...g, tags: x.tags })
  }
  homes = [r.zhelou, r.gaoluo, r.county, r.otherTownship, r.otherCounty]
})

// ─── random ledgers ─────────────────────────────────────────────────────────

const personArb = fc.record({ home: fc.nat(4), school: fc.integer({ min: -1, max: 2 }), teacher: fc.boolean() })
const enrollmentArb = fc.record({
  person: fc.nat(),
  group: fc.nat(4),
  withdrawn: fc.boolean(),
  entries: fc.array(fc.record({ day: fc.nat(SPAN), minutes: fc.integer({ min: 1, max: 240 }), correct: fc.nat(3) }), { maxLength: 6 }),
  certificates: fc.array(
    fc.record({
      type: fc.constantFrom('graduation' as const, 'completion' as const, 'study_record' as const, 'training' as const),
      status: fc.constantFrom('pending_verification' as const, 'valid' as const, 'valid' as const, 'revoked' as const),
      day: fc.nat(SPAN),
      // minutes after Beijing midnight: the first and last of the day, to catch a UTC date slipping in
      minute: fc.constantFrom(0, 1, 479, 480, 1439),
    }),
    { maxLength: 2 },
  ),
})
const ledgerArb = fc.record({
  people: fc.array(personArb, { minLength: 1, maxLength: 12 }),
  enrollments: fc.array(enrollmentArb, { minLength: 1, maxLength: 20 }),
})

type Ledger = typeof ledgerArb extends fc.Arbitrary<infer T> ? T : never

async function writeLedger(ledger: Ledger) {
  const people = []
  for (const p of ledger.people) {
    const person = await createPersonIn(db, homes[p.home]!.id, p.teacher ? 'teacher' : 'adult_learner')
    if (p.school >= 0) await db.person.update({ where: { id: person.id }, data: { organizationId: orgs[p.school]!.id } })
    people.push(person)
  }
  const taken = new Set<string>()
  const entries: Prisma.HourEntryCreateManyInput[] = []
  for (const e of ledger.enrollments) {
    const person = people[e.person % people.length]!
    const group = groups[e.group]!
    if (taken.has(`${person.id}/${group.id}`)) continue
    taken.add(`${person.id}/${group.id}`)
    // skills-plus-credential allows one active enrollment per person: a second one is written withdrawn
    const enrollment = await enroll(db, { personId: person.id, group: { ...group, startDate: new Date(`${dayOf(e.entries[0]?.day ?? 0)}T00:00:00Z`) } }).catch(
      (error) => {
        if (group.programId !== world.programs.skills.id) throw error
        return null
      },
    )
    const row =
      enrollment ??
      (await db.enrollment.create({
        data: {
          id: newId(),
          personId: person.id,
          groupId: group.id,
          programId: group.programId,
          startDate: group.startDate,
          status: 'withdrawn',
        },
      }))
    if (e.withdrawn && row.status === 'active') {
      await db.enrollment.update({ where: { id: row.id }, data: { status: 'withdrawn' } })
      await db.withdrawal.create({ data: { id: newId(), enrollmentId: row.id, withdrawnOn: row.startDate, reason: '外出务工' } })
    }
    for (const x of e.entries) {
      const base = { enrollmentId: row.id, personId: person.id, groupId: group.id, category: 'online' as const, source: 'adjustment' as const, reason: '补录' }
      entries.push({ ...base, minutes: x.minutes, occurredOn: new Date(`${dayOf(x.day)}T00:00:00Z`) })
      // corrections: 1 cancels it the same day, 2 cancels it later (maybe outside a range), 3 takes part of it back
      if (x.correct === 1) entries.push({ ...base, minutes: -x.minutes, occurredOn: new Date(`${dayOf(x.day)}T00:00:00Z`) })
      if (x.correct === 2) entries.push({ ...base, minutes: -x.minutes, occurredOn: new Date(`${dayOf(Math.min(SPAN, x.day + 40))}T00:00:00Z`) })
      if (x.correct === 3 && x.minutes > 1) entries.push({ ...base, minutes: -Math.floor(x.minutes / 2), occurredOn: new Date(`${dayOf(x.day)}T00:00:00Z`) })
    }
    const types = new Set<string>()
    for (const c of e.certificates) {
      if (types.has(c.type)) continue
      types.add(c.type)
      seq++
      const issuedAt = new Date(Date.parse(`${dayOf(c.day)}T00:00:00+08:00`) + c.minute * 60_000)
      await db.certificate.create({
        data: {
          id: newId(),
          enrollmentId: row.id,
          type: c.type,
          serial: `PT-${seq}-${newId().slice(0, 6)}`,
          countyCode: '522327',
          year: 2026,
          sequence: seq,
          verificationCode: randomBytes(12).toString('base64url'),
          status: c.status,
          snapshot: {},
          issuedAt,
          ...(c.status === 'revoked' ? { revokedAt: issuedAt, revokeReason: '信息有误' } : {}),
        },
      })
    }
  }
  // in chunks of random size: the rollup trigger runs once per statement
  for (let i = 0; i < entries.length;) {
    const n = 1 + ((i * 7) % 9)
    await db.hourEntry.createMany({ data: entries.slice(i, i + n) })
    i += n
  }
}

// ─── the brute force ────────────────────────────────────────────────────────

function keyOf(
  groupBy: StatsGroupBy,
  e: {
    person: { region: { code: string; path: string }; organization: { code: string } | null }
    group: { code: string; major: { code: string } | null }
    program: { code: string }
  },
) {
  const segments = e.person.region.path.split('/')
  switch (groupBy) {
    case 'county':
      return segments[3] || e.person.region.code
    case 'township':
      return segments[4] || e.person.region.code
    case 'school':
      return e.person.organization?.code ?? ''
    case 'program':
      return e.program.code
    case 'major':
      return e.group.major?.code ?? ''
    case 'group':
      return e.group.code
    case 'none':
      return 'all'
  }
}

async function bruteForce(range: { from: string; to: string }, f: StatsFilter) {
  const mode = statsAccessMode(f.groupBy)
  const where: Prisma.EnrollmentWhereInput[] = [enrollmentScopeWhere(f.scopes, mode)]
  if (f.programCode) where.push({ program: { code: f.programCode } })
  if (f.regionPath)
    where.push(mode === 'act' ? { group: { region: { path: { startsWith: f.regionPath } } } } : { person: { region: { path: { startsWith: f.regionPath } } } })
  const rows = await db.enrollment.findMany({
    where: { AND: where },
    select: {
      id: true,
      personId: true,
      groupId: true,
      startDate: true,
      person: { select: { region: { select: { code: true, path: true } }, organization: { select: { code: true } } } },
      group: { select: { code: true, major: { select: { code: true } } } },
      program: { select: { code: true, minutesPerHour: true } },
    },
  })
  const chosen = f.roundTag ? rows.filter((e) => groups.find((g) => g.id === e.groupId)?.tags.includes(f.roundTag!) && tagsColumn) : rows
  const names = new Map<string, string>()
  for (const r of await db.region.findMany({ select: { code: true, name: true } })) names.set(r.code, r.name)
  for (const o of await db.organization.findMany({ select: { code: true, name: true } })) names.set(o.code, o.name)
  for (const p of await db.program.findMany({ select: { code: true, name: true } })) names.set(p.code, p.name)
  for (const m of await db.major.findMany({ select: { code: true, name: true } })) names.set(m.code, m.name)
  for (const g of await db.group.findMany({ select: { code: true, name: true } })) names.set(g.code, g.name)
  const unknown = f.unknownLabel ?? '—'
  const enrollments = chosen.map((e) => {
    const key = keyOf(f.groupBy, e)
    return {
      enrollmentId: e.id,
      personId: e.personId,
      minutesPerHour: e.program.minutesPerHour,
      key,
      label: key === '' || key === 'all' ? unknown : names.get(key)!,
    }
  })
  const entries = (await db.hourEntry.findMany({ select: { enrollmentId: true, minutes: true, occurredOn: true } })).map((h) => ({
    enrollmentId: h.enrollmentId,
    minutes: h.minutes,
    date: dateOnly(h.occurredOn),
  }))
  const certificates = (await db.certificate.findMany({ select: { enrollmentId: true, type: true, issuedAt: true, status: true } })).map((c) => ({
    enrollmentId: c.enrollmentId,
    type: c.type,
    issuedOn: beijingDate(c.issuedAt),
    revoked: c.status === 'revoked',
  }))
  return {
    figures: countPersonTimes({ enrollments, entries, certificates, ...range }),
    enrolled: countEnrolled({ enrollments: chosen.map((e) => ({ personId: e.personId, startDate: dateOnly(e.startDate) })), ...range }),
    enrollments,
    entries,
    certificates,
  }
}

// ─── the queries ────────────────────────────────────────────────────────────

const rangeArb = fc.tuple(fc.nat(SPAN), fc.nat(SPAN), fc.constantFrom('days', 'month', 'quarter', 'year')).map(([a, b, kind]) => {
  if (kind === 'days') return { from: dayOf(Math.min(a, b)), to: dayOf(Math.max(a, b)) }
  const d = dayOf(a)
  if (kind === 'year') return { from: `${d.slice(0, 4)}-01-01`, to: `${d.slice(0, 4)}-12-31` }
  const b0 = bucketsOf({ from: d, to: d }, kind === 'month' ? 'month' : 'quarter')[0]!
  const full = bucketsOf({ from: `${d.slice(0, 4)}-01-01`, to: `${d.slice(0, 4)}-12-31` }, kind === 'month' ? 'month' : 'quarter').find(
    (x) => x.key === b0.key,
  )!
  return { from: full.from, to: full.to }
})

function scopeArb(): fc.Arbitrary<{ name: string; scopes: Scope[] }> {
  const r = world.regions
  const region = (x: { id: string; code: string; path: string }, name: string): Scope => ({ kind: 'region', regionId: x.id, code: x.code, name, path: x.path })
  return fc.constantFrom(
    { name: 'all', scopes: [{ kind: 'all' }] },
    { name: 'county', scopes: [region(r.county, '册亨县')] },
    { name: 'prefecture', scopes: [region(r.prefecture, '黔西南州')] },
    { name: 'township', scopes: [region(r.zhelou, '者楼街道')] },
    { name: 'two townships', scopes: [region(r.zhelou, '者楼街道'), region(r.otherTownship, '王母街道')] },
    { name: 'school', scopes: [{ kind: 'organization', organizationId: orgs[0]!.id, name: orgs[0]!.name, regionPath: orgs[0]!.regionPath }] },
    { name: 'none', scopes: [{ kind: 'none' }] },
  )
}

const filterArb = () =>
  fc.record({
    scope: scopeArb(),
    groupBy: fc.constantFrom(...STATS_GROUP_BYS),
    programCode: fc.constantFrom(null, 'skills-credential', 'teacher-training'),
    region: fc.constantFrom(null, 'zhelou', 'county', 'otherTownship'),
    roundTag: fc.constantFrom(null, null, 'rural', 'backbone'),
  })

const toFilter = (x: {
  scope: { scopes: Scope[] }
  groupBy: StatsGroupBy
  programCode: string | null
  region: string | null
  roundTag: string | null
}): StatsFilter => ({
  scopes: x.scope.scopes,
  groupBy: x.groupBy,
  programCode: x.programCode,
  regionPath: x.region ? world.regions[x.region as 'zhelou'].path : null,
  roundTag: x.roundTag,
  unknownLabel: '未填写',
})

describe('person-time figures equal the definition over the raw rows', () => {
  test('random ledgers: the model, its trend and its drill-down agree with countPersonTimes', { timeout: 50_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(ledgerArb, fc.array(fc.tuple(rangeArb, filterArb()), { minLength: 3, maxLength: 3 }), async (ledger, queries) => {
        await writeLedger(ledger)
        for (const [range, x] of queries) {
          const f = toFilter(x)
          const expected = await bruteForce(range, f)
          const actual = await personTimeStats(db, range, f)
          expect(actual, JSON.stringify({ range, x: { ...x, scope: x.scope.name } })).toEqual(expected.figures)
          // enrolled is counted by the person (the reading rule), whatever the grouping
          const byPerson = f.groupBy === 'none' ? expected : await bruteForce(range, { ...f, groupBy: 'none' })
          expect(await enrolledCount(db, range, f)).toBe(byPerson.enrolled)

          // the people behind the totals and behind the first row are exactly the enrollments counted
          const behind = await peopleBehind(db, range, f, { key: null, metric: 'person_times' })
          expect(behind.total).toBe(expected.figures.totals.personTimes)
          expect(behind.distinctPersons).toBe(expected.figures.totals.persons)
          const first = expected.figures.rows[0]
          if (first) {
            const row = await peopleBehind(db, range, f, { key: first.key, metric: 'completions' })
            expect(row.total).toBe(first.completions)
          }
        }
      }),
      { numRuns: 8, seed: Number(process.env.XX_PROPERTY_SEED ?? 20261201), endOnFailure: true },
    )
  })

  test('a trend: every period counted on its own equals countPersonTimes over that period', { timeout: 30_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('month' as const, 'quarter' as const, 'year' as const), filterArb(), async (grain, x) => {
        const f = toFilter(x)
        const range = { from: '2025-11-15', to: '2027-02-10' }
        const series = await personTimeSeries(db, range, grain, f)
        const counts = await personTimeCountSeries(db, range, grain, f)
        expect(series.buckets.map((b) => b.key)).toEqual(bucketsOf(range, grain).map((b) => b.key))
        expect(counts.buckets.map((b) => b.key)).toEqual(series.buckets.map((b) => b.key))
        for (const [i, b] of series.buckets.entries()) {
          const expected = await bruteForce({ from: b.from, to: b.to }, f)
          expect({ rows: b.rows, totals: b.totals }).toEqual(expected.figures)
          // the chart's lighter series: the same 人次, 人学时 and completions, without persons
          const { persons: _persons, ...rest } = expected.figures.totals
          const { key: _k, from: _f, to: _t, ...light } = counts.buckets[i]!
          expect(light).toEqual(rest)
        }
      }),
      { numRuns: 4, seed: 7 },
    )
  })

  test('the API answers the same figures, within the caller’s scope', { timeout: 30_000 }, async () => {
    const r = world.regions
    const users = {
      county: await createUserWithSession(db, { role: 'bureau', scopeRegionId: r.county.id }),
      township: await createUserWithSession(db, { role: 'coordinator', scopeRegionId: r.zhelou.id }),
      admin: await createUserWithSession(db, { role: 'admin' }),
    }
    const scopes: Record<keyof typeof users, Scope[]> = {
      county: [{ kind: 'region', regionId: r.county.id, code: r.county.code, name: '册亨县', path: r.county.path }],
      township: [{ kind: 'region', regionId: r.zhelou.id, code: r.zhelou.code, name: '者楼街道', path: r.zhelou.path }],
      admin: [{ kind: 'all' }],
    }
    await fc.assert(
      fc.asyncProperty(
        rangeArb,
        fc.constantFrom(...(Object.keys(users) as (keyof typeof users)[])),
        fc.constantFrom<StatsGroupBy>('county', 'township', 'school', 'group', 'none'),
        fc.constantFrom(undefined, 'teacher-training', 'skills-credential'),
        async (range, who, groupBy, programCode) => {
          const query = new URLSearchParams({ ...range, groupBy, ...(programCode ? { programCode } : {}) })
          const request = new Request(`http://localhost/api/v1/stats/person-times?${query}`, { headers: { authorization: `Bearer ${users[who].token}` } })
          const response = (await statsRoute.loader({ request, params: {}, context: { ip: '10.9.0.1' } } as never)) as Response
          expect(response.status).toBe(200)
          const body = (await response.json()) as { rows: unknown[]; totals: unknown }
          const expected = await bruteForce(range, {
            scopes: scopes[who],
            groupBy,
            programCode: programCode ?? null,
            unknownLabel: groupBy === 'none' ? '合计' : '未填写',
          })
          expect({ rows: body.rows, totals: body.totals }).toEqual(expected.figures)
        },
      ),
      { numRuns: 12, seed: 11 },
    )
  })
})

describe('periods without hours', () => {
  test('a year with completions but no 人次 anywhere in scope shows its completions (the cells have nothing there)', async () => {
    // 2031: no random ledger reaches it; a graduation certificate issued then for hours earned before
    const person = await createPersonIn(db, world.regions.zhelou.id)
    const enrollment = await enroll(db, { personId: person.id, group: world.groups.class })
    seq++
    await db.certificate.create({
      data: {
        id: newId(),
        enrollmentId: enrollment.id,
        type: 'graduation',
        serial: `PT-${seq}-${newId().slice(0, 6)}`,
        countyCode: '522327',
        year: 2031,
        sequence: seq,
        verificationCode: randomBytes(12).toString('base64url'),
        status: 'valid',
        snapshot: {},
        issuedAt: new Date('2031-06-30T02:00:00Z'),
      },
    })
    const county: Scope[] = [
      { kind: 'region', regionId: world.regions.county.id, code: world.regions.county.code, name: '册亨县', path: world.regions.county.path },
    ]
    for (const groupBy of ['township', 'program', 'none'] as const) {
      const stats = await personTimeStats(db, { from: '2031-01-01', to: '2031-12-31' }, { scopes: county, groupBy })
      expect(stats.totals, groupBy).toEqual({ personTimes: 0, persons: 0, personHours: 0, completions: 1 })
      expect(
        stats.rows.map((r) => [r.personTimes, r.completions]),
        groupBy,
      ).toEqual([[0, 1]])
    }
    const q2 = await personTimeCountSeries(db, { from: '2031-01-01', to: '2031-12-31' }, 'quarter', { scopes: county })
    expect(q2.buckets.map((b) => b.completions)).toEqual([0, 1, 0, 0])
  })
})

describe('the API refuses bad questions in Chinese', () => {
  test('validation, roles and an unknown program', async () => {
    const learner = await createUserWithSession(db, { role: 'learner' })
    const bureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const get = async (token: string, q: string) => {
      const request = new Request(`http://localhost/api/v1/stats/person-times?${q}`, { headers: { authorization: `Bearer ${token}` } })
      const response = (await statsRoute.loader({ request, params: {}, context: { ip: '10.9.0.2' } } as never)) as Response
      return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string; fields?: Record<string, string> } } }
    }
    expect((await get(learner.token, 'from=2026-01-01&to=2026-12-31')).status).toBe(403)
    const missing = await get(bureau.token, 'to=2026-12-31')
    expect(missing.status).toBe(422)
    expect(missing.body.error?.fields?.from).toMatch(/日期|必须填写/)
    const reversed = await get(bureau.token, 'from=2026-12-31&to=2026-01-01')
    expect(reversed.body.error?.fields?.to).toBe('结束日期不能早于开始日期')
    expect((await get(bureau.token, 'from=2026-01-01&to=2026-12-31&groupBy=village')).body.error?.fields?.groupBy).toMatch(/分组方式/)
    expect((await get(bureau.token, 'from=2026-01-01&to=2026-12-31&programCode=nope')).body.error?.fields?.programCode).toBe('没有这个项目代码')
    expect((await get(bureau.token, 'from=2026-02-30&to=2026-12-31')).status).toBe(422)
  })
})
