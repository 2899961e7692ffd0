/**
 * Targets as data and the dashboard pages (issue 12): content/targets.yaml is
 * loaded only where a target is absent, a county bureau user edits targets
 * (audited) and a prefecture user may not, progress is the same figure as the
 * dashboard's; the dashboard and the drill-down answer within scope only.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { parseTargets } from '#app/domain/targets.ts'
import { readTargetSeeds, syncTargets } from '#app/models/targets.server.ts'
import { loader as bureauLoader } from '#app/routes/bureau._index.tsx'
import { loader as peopleLoader } from '#app/routes/dashboard.people.tsx'
import { action as targetsAction, loader as targetsLoader } from '#app/routes/bureau.targets.tsx'
import { loader as coordinatorLoader } from '#app/routes/coordinator.dashboard.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const db = getDb()
let world: TrainingWorld

const credit = (e: { id: string; personId: string; groupId: string }, minutes: number, date: string) =>
  db.hourEntry.create({
    data: {
      enrollmentId: e.id,
      personId: e.personId,
      groupId: e.groupId,
      category: 'online',
      minutes,
      occurredOn: new Date(`${date}T00:00:00Z`),
      source: 'adjustment',
      reason: '补录',
    },
  })

beforeAll(async () => {
  world = await createTrainingWorld(db, { roundStart: '2026-01-01', roundEnd: '2026-12-31' })
})

describe('targets', () => {
  test('content/targets.yaml parses, yearly targets expand, and a bad entry names its field', () => {
    const seeds = parseTargets(
      'targets:\n  - { region: "522327", program: teacher-training, metric: person_times, period: 2021-2023, yearly: true, value: 4500 }\n  - { region: "522327", program: skills-credential, metric: enrolled, period: 2021-2025, value: 6000 }\n',
    )
    expect(seeds.map((s) => [s.periodStartYear, s.periodEndYear, s.value])).toEqual([
      [2021, 2021, 4500],
      [2022, 2022, 4500],
      [2023, 2023, 4500],
      [2021, 2025, 6000],
    ])
    expect(() => parseTargets('targets:\n  - { region: "1", program: x, metric: speed, period: 2021, value: 1 }\n')).toThrow(/targets\.0\.metric/)
  })

  test('seeded only where absent: an edited target keeps its value when content is synced again', async () => {
    const seeds = await readTargetSeeds()
    expect(seeds.length).toBeGreaterThanOrEqual(13)
    const first = await syncTargets(db, seeds)
    expect(first.added).toBe(seeds.filter((s) => s.regionCode === '522327').length)
    const target = await db.target.findFirstOrThrow({
      where: { metric: 'person_times', programCode: 'teacher-training', periodStartYear: 2026, periodEndYear: 2026, roundTag: '' },
    })
    expect(target.value).toBe(4500)
    await db.target.update({ where: { id: target.id }, data: { value: 4800 } })
    expect((await syncTargets(db, seeds)).added).toBe(0)
    expect((await db.target.findUniqueOrThrow({ where: { id: target.id } })).value).toBe(4800)
  })

  test('a county bureau user edits a target (audited); a prefecture user reads but may not; bad values are refused in Chinese', async () => {
    const county = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const prefecture = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.prefecture.id })
    const target = await db.target.findFirstOrThrow({ where: { metric: 'enrolled', periodEndYear: 2025 } })

    const page = await callRoute(targetsLoader, { url: '/bureau/targets', cookie: county.cookie })
    const listed = (page.value as { targets: { id: string; editable: boolean }[] }).targets
    expect(listed.find((x) => x.id === target.id)?.editable).toBe(true)
    const forPrefecture = (await callRoute(targetsLoader, { url: '/bureau/targets', cookie: prefecture.cookie })).value as {
      targets: { id: string; editable: boolean }[]
    }
    expect(forPrefecture.targets.find((x) => x.id === target.id)?.editable).toBe(false)

    const post = (cookie: string, value: string, label = '累计招生') =>
      callRoute(targetsAction, { url: '/bureau/targets', method: 'POST', cookie, body: new URLSearchParams({ targetId: target.id, value, label }) })
    const bad = await post(county.cookie, '-5')
    expect(bad.status).toBe(422)
    expect(JSON.stringify(bad.value)).toContain('目标值应为 1 到 10,000,000 之间的整数')
    expect((await post(prefecture.cookie, '7000')).status).toBe(403)
    expect((await db.target.findUniqueOrThrow({ where: { id: target.id } })).value).toBe(target.value)

    const ok = await post(county.cookie, '6,500')
    expect(ok.status).toBe(302)
    expect((await db.target.findUniqueOrThrow({ where: { id: target.id } })).value).toBe(6500)
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'target.update', entityId: target.id } })
    expect(audit.actorId).toBe(county.id)
    expect(audit.before).toMatchObject({ value: target.value })
    expect(audit.after).toMatchObject({ value: 6500, label: '累计招生' })
    expect(audit.scopePath).toBe(world.regions.county.path)
  })
})

describe('the dashboard and the people behind its numbers', () => {
  test('a county bureau sees its county by township; the drill-down lists exactly the people counted, and nobody of the neighbouring county', async () => {
    const a = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const b = await createEnrolledPerson(db, { regionId: world.regions.gaoluo.id, group: world.groups.round, kind: 'teacher' })
    const other = await createEnrolledPerson(db, { regionId: world.regions.otherTownship.id, group: world.groups.otherCountyClass })
    await credit(a.enrollment, 90, '2026-07-03')
    await credit(b.enrollment, 45, '2026-08-20')
    await credit(b.enrollment, 45, '2026-02-20')
    await credit(other.enrollment, 200, '2026-07-03')

    const bureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const res = await callRoute(bureauLoader, { url: '/bureau?period=2026Q3', cookie: bureau.cookie })
    expect(res.status).toBe(200)
    const d = (
      res.value as {
        dashboard: {
          query: { groupBy: string }
          totals: object
          rows: { key: string; personTimes: number }[]
          trend: { key: string; totals: { personTimes: number } }[]
        }
      }
    ).dashboard
    expect(d.query.groupBy).toBe('township')
    expect(d.totals).toMatchObject({ personTimes: 2, persons: 2, personHours: 3 })
    expect(d.rows.map((r) => [r.key, r.personTimes])).toEqual([
      [world.regions.zhelou.code, 1],
      [world.regions.gaoluo.code, 1],
    ])
    expect(d.trend.find((x) => x.key === '2026-02')?.totals.personTimes).toBe(1)

    const people = await callRoute(peopleLoader, {
      url: `/dashboard/people?period=2026Q3&groupBy=township&metric=person_times&key=${world.regions.gaoluo.code}`,
      cookie: bureau.cookie,
    })
    const list = people.value as { people: { personId: string; idMasked: string }[]; total: number }
    expect(list.total).toBe(1)
    expect(list.people.map((p) => p.personId)).toEqual([b.person.id])
    expect(list.people[0]!.idMasked).toContain('*')
    const all = (await callRoute(peopleLoader, { url: '/dashboard/people?period=2026Q3', cookie: bureau.cookie })).value as { people: { personId: string }[] }
    expect(all.people.map((p) => p.personId)).not.toContain(other.person.id)

    // a township coordinator sees their township only; a learner no dashboard at all
    const township = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const mine = (await callRoute(coordinatorLoader, { url: '/coordinator/dashboard?period=2026Q3&groupBy=township', cookie: township.cookie })).value as {
      dashboard: { rows: { key: string }[] }
    }
    expect(mine.dashboard.rows.map((r) => r.key)).toEqual([world.regions.zhelou.code])
    const learner = await createUserWithSession(db, { role: 'learner', personId: a.person.id })
    expect((await callRoute(peopleLoader, { url: '/dashboard/people?period=2026', cookie: learner.cookie })).status).toBe(403)
  })

  test('filters that mean nothing fall back to the defaults instead of failing', async () => {
    const bureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const res = await callRoute(bureauLoader, { url: '/bureau?period=2026Q9&region=999&program=nope&groupBy=village', cookie: bureau.cookie })
    expect(res.status).toBe(200)
    const q = (res.value as { dashboard: { query: { period: string; regionCode: string; programCode: string; groupBy: string } } }).dashboard.query
    expect(q).toMatchObject({ regionCode: '', programCode: '', groupBy: 'township' })
    expect(q.period).toMatch(/^\d{4}$/)
  })
})
