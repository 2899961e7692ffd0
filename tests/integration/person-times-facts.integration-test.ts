/**
 * EnrollmentFact (migration 20261201650000_person_time_facts) is a copy of
 * what the person-time figures group and filter by: the person's home region
 * and school, the class or round's code, region, school, tags and major, the
 * program's code and minutes per 学时. It must never be off. Random sequences
 * of the changes the product makes (people moving township or school, classes
 * moved, retagged, given a major, renamed codes, programs' minutes per 学时,
 * new and deleted enrollments) leave it equal to the same columns computed
 * from the sources, and the figures follow (a person who moves is counted in
 * the new township at once). Concurrent changes to a person or group and
 * enrollments being written at the same moment leave it exact too.
 *
 * HourRollup's rows carry the same copy (migration 20261201690000_rollup_facts)
 * and are held to the same truth: after the same random changes with hour
 * entries written among them, and when hours are written while their
 * person or round changes.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, test } from 'vitest'
import type { Scope } from '#app/models/access.server.ts'
import { personTimeStats } from '#app/models/person-times.server.ts'
import { getDb, type Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createPersonIn } from '#tests/fixtures/db.ts'
import { createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'
import { beforeMigration } from '#tests/fixtures/migrations.ts'

const db = getDb()
let world: TrainingWorld
let orgs: string[]
let majors: string[]
let groupIds: string[]
let regionIds: string[]

/** Rows of EnrollmentFact that differ from the same columns computed from the sources (both ways), and cells that differ from the rollup. */
async function drift() {
  return [...(await factDrift()), ...(await cellDrift(db))]
}

/**
 * RollupCell and RollupPresence (migration 20261202100000_rollup_cells)
 * recomputed from the rollup rows: per cell the counted enrollments, their
 * minutes and the distinct persons; per person and cell the counted
 * enrollments ('*': over all programs). Rows that differ, both ways.
 */
async function cellDrift(db: Db) {
  return db.$queryRaw<{ side: string; enrollmentId: string }[]>`
    WITH counted AS (
      SELECT r."grain", r."periodStart", r."personId", r."personRegionPath", r."personRegionCode", COALESCE(r."personOrganizationCode", '') AS org,
             l."programCode", l.mph, l.star, r."minutes"
        FROM "HourRollup" r
        CROSS JOIN LATERAL (VALUES (r."programCode", r."minutesPerHour", false), ('*', 0, true)) AS l("programCode", mph, star)
       WHERE r."minutes" > 0
    ), truth_cells AS (
      SELECT "grain", "periodStart", "personRegionPath", "personRegionCode", org, "programCode", mph,
             (count(*) FILTER (WHERE NOT star))::int AS enrollments, COALESCE(SUM("minutes") FILTER (WHERE NOT star), 0)::bigint AS minutes,
             count(DISTINCT "personId")::int AS persons
        FROM counted GROUP BY 1, 2, 3, 4, 5, 6, 7
    ), cells AS (
      SELECT "grain", "periodStart", "personRegionPath", "personRegionCode", "personOrganizationCode", "programCode", "minutesPerHour",
             "enrollments", "minutes", "persons"
        FROM "RollupCell" WHERE "enrollments" <> 0 OR "minutes" <> 0 OR "persons" <> 0
    ), truth_presence AS (
      SELECT "grain", "periodStart", "personId", "personRegionPath", "personRegionCode", org, "programCode", mph, count(*)::int AS n
        FROM counted GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ), presence AS (
      SELECT "grain", "periodStart", "personId", "personRegionPath", "personRegionCode", "personOrganizationCode", "programCode", "minutesPerHour", "n"
        FROM "RollupPresence" WHERE "n" <> 0
    )
    SELECT 'cell missing or stale: ' || "grain" || ' ' || "periodStart" || ' ' || "personRegionPath" || ' ' || "programCode" AS side, '' AS "enrollmentId"
      FROM (SELECT * FROM truth_cells EXCEPT SELECT * FROM cells) a
    UNION ALL
    SELECT 'cell extra or stale: ' || "grain" || ' ' || "periodStart" || ' ' || "personRegionPath" || ' ' || "programCode", ''
      FROM (SELECT * FROM cells EXCEPT SELECT * FROM truth_cells) b
    UNION ALL
    SELECT 'presence missing or stale: ' || "grain" || ' ' || "periodStart" || ' ' || "programCode", "personId"
      FROM (SELECT * FROM truth_presence EXCEPT SELECT * FROM presence) c
    UNION ALL
    SELECT 'presence extra or stale: ' || "grain" || ' ' || "periodStart" || ' ' || "programCode", "personId"
      FROM (SELECT * FROM presence EXCEPT SELECT * FROM truth_presence) d`
}

async function factDrift() {
  return db.$queryRaw<{ side: string; enrollmentId: string }[]>`
    WITH truth AS (
      SELECT e."id" AS "enrollmentId", e."personId", pr."path" AS "personRegionPath", pr."code" AS "personRegionCode",
             p."organizationId" AS "personOrganizationId", po."code" AS "personOrganizationCode", g."id" AS "groupId",
             g."code" AS "groupCode", gr."path" AS "groupRegionPath", g."organizationId" AS "groupOrganizationId",
             g."tags" AS "groupTags", mj."code" AS "majorCode", prog."code" AS "programCode", prog."minutesPerHour"
        FROM "Enrollment" e
        JOIN "Person" p ON p."id" = e."personId" JOIN "Region" pr ON pr."id" = p."regionId"
        LEFT JOIN "Organization" po ON po."id" = p."organizationId"
        JOIN "Group" g ON g."id" = e."groupId" JOIN "Region" gr ON gr."id" = g."regionId"
        LEFT JOIN "Major" mj ON mj."id" = g."majorId"
        JOIN "Program" prog ON prog."id" = e."programId"
    ), copy AS (
      SELECT "enrollmentId", "personId", "personRegionPath", "personRegionCode", "personOrganizationId", "personOrganizationCode",
             "groupId", "groupCode", "groupRegionPath", "groupOrganizationId", "groupTags", "majorCode", "programCode", "minutesPerHour"
        FROM "EnrollmentFact"
    )
    SELECT 'missing or stale' AS side, "enrollmentId" FROM (SELECT * FROM truth EXCEPT SELECT * FROM copy) a
    UNION ALL
    SELECT 'extra or stale' AS side, "enrollmentId" FROM (SELECT * FROM copy EXCEPT SELECT * FROM truth) b
    UNION ALL
    SELECT 'rollup row stale: ' || r."grain" || ' ' || r."periodStart" AS side, r."enrollmentId"
      FROM "HourRollup" r LEFT JOIN truth t ON t."enrollmentId" = r."enrollmentId"
     WHERE (r."personId", r."personRegionPath", r."personRegionCode", r."personOrganizationId", r."personOrganizationCode", r."groupCode",
            r."groupRegionPath", r."groupOrganizationId", r."groupTags", r."majorCode", r."programCode", r."minutesPerHour")
           IS DISTINCT FROM
           (t."personId", t."personRegionPath", t."personRegionCode", t."personOrganizationId", t."personOrganizationCode", t."groupCode",
            t."groupRegionPath", t."groupOrganizationId", t."groupTags", t."majorCode", t."programCode", t."minutesPerHour")`
}

beforeAll(async () => {
  world = await createTrainingWorld(db)
  const r = world.regions
  regionIds = [r.zhelou.id, r.gaoluo.id, r.county.id, r.otherTownship.id, r.otherCounty.id]
  orgs = []
  for (const region of [r.zhelou, r.gaoluo, r.otherTownship]) {
    const id = newId()
    await db.organization.create({ data: { id, code: `F-${newId().slice(0, 6)}`, name: '学校', kind: 'school', regionId: region.id } })
    orgs.push(id)
  }
  majors = []
  for (let i = 0; i < 2; i++) {
    const id = newId()
    await db.major.create({ data: { id, code: `M-${newId().slice(0, 6)}`, name: `专业${i}` } })
    majors.push(id)
  }
  groupIds = [world.groups.class.id, world.groups.round.id, world.groups.otherCountyClass.id]
})

const op = fc.oneof(
  fc.record({ kind: fc.constant('enroll' as const), home: fc.nat(4), group: fc.nat(2), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('movePerson' as const), person: fc.nat(), home: fc.nat(4) }),
  fc.record({ kind: fc.constant('personSchool' as const), person: fc.nat(), school: fc.integer({ min: -1, max: 2 }) }),
  fc.record({ kind: fc.constant('moveGroup' as const), group: fc.nat(2), region: fc.nat(4) }),
  fc.record({ kind: fc.constant('groupSchool' as const), group: fc.nat(2), school: fc.integer({ min: -1, max: 2 }) }),
  fc.record({ kind: fc.constant('groupTags' as const), group: fc.nat(2), tags: fc.subarray(['rural', 'backbone', 'principal']) }),
  fc.record({ kind: fc.constant('groupMajor' as const), group: fc.nat(2), major: fc.integer({ min: -1, max: 1 }) }),
  fc.record({ kind: fc.constant('renameGroup' as const), group: fc.nat(2) }),
  fc.record({ kind: fc.constant('renameSchool' as const), school: fc.nat(2) }),
  fc.record({ kind: fc.constant('renameMajor' as const), major: fc.nat(1) }),
  fc.record({ kind: fc.constant('programScale' as const), teacher: fc.boolean(), minutesPerHour: fc.constantFrom(40, 45, 50, 60) }),
  fc.record({ kind: fc.constant('unenroll' as const), enrollment: fc.nat() }),
  fc.record({
    kind: fc.constant('hours' as const),
    enrollment: fc.nat(),
    minutes: fc.integer({ min: -60, max: 240 }).filter((m) => m !== 0),
    month: fc.integer({ min: 1, max: 12 }),
  }),
)

/** One ledger entry (the rollup trigger writes its rows with the enrollment's facts). */
async function addHours(
  enrollment: { id: string; personId: string; groupId: string },
  minutes: number,
  occurredOn: string,
  client: Pick<typeof db, 'hourEntry'> = db,
) {
  await client.hourEntry.create({
    data: {
      enrollmentId: enrollment.id,
      personId: enrollment.personId,
      groupId: enrollment.groupId,
      category: 'online',
      minutes,
      occurredOn: new Date(`${occurredOn}T00:00:00Z`),
      source: 'adjustment',
      reason: '补录',
    },
  })
}

describe('EnrollmentFact stays equal to its sources', () => {
  test('random changes to people, classes, rounds, programs, schools and majors', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        for (const o of ops) {
          const people = await db.person.findMany({ select: { id: true }, orderBy: { id: 'asc' } })
          const person = people.length ? people[((o as { person?: number }).person ?? 0) % people.length] : undefined
          const groupId = groupIds[(o as { group?: number }).group ?? 0]!
          switch (o.kind) {
            case 'enroll': {
              const group = await db.group.findUniqueOrThrow({ where: { id: groupId } })
              const created = []
              for (let i = 0; i < o.n; i++) created.push(await createPersonIn(db, regionIds[o.home]!))
              // one statement for all of them, as the roster import writes them
              await db.enrollment.createMany({
                data: created.map((p) => ({
                  id: newId(),
                  personId: p.id,
                  groupId,
                  programId: group.programId,
                  startDate: group.startDate,
                  status: 'withdrawn' as const,
                })),
              })
              break
            }
            case 'movePerson':
              if (person) await db.person.update({ where: { id: person.id }, data: { regionId: regionIds[o.home]! } })
              break
            case 'personSchool':
              if (person) await db.person.update({ where: { id: person.id }, data: { organizationId: o.school < 0 ? null : orgs[o.school]! } })
              break
            case 'moveGroup':
              await db.group.update({ where: { id: groupId }, data: { regionId: regionIds[o.region]! } })
              break
            case 'groupSchool':
              await db.group.update({ where: { id: groupId }, data: { organizationId: o.school < 0 ? null : orgs[o.school]! } })
              break
            case 'groupTags':
              await db.group.update({ where: { id: groupId }, data: { tags: o.tags } })
              break
            case 'groupMajor':
              await db.group.update({ where: { id: groupId }, data: { majorId: o.major < 0 ? null : majors[o.major]! } })
              break
            case 'renameGroup':
              await db.group.update({ where: { id: groupId }, data: { code: `G-${newId().slice(0, 8)}` } })
              break
            case 'renameSchool':
              await db.organization.update({ where: { id: orgs[o.school]! }, data: { code: `F-${newId().slice(0, 8)}` } })
              break
            case 'renameMajor':
              await db.major.update({ where: { id: majors[o.major]! }, data: { code: `M-${newId().slice(0, 8)}` } })
              break
            case 'programScale':
              await db.program.update({
                where: { id: o.teacher ? world.programs.teacher.id : world.programs.skills.id },
                data: { minutesPerHour: o.minutesPerHour },
              })
              break
            case 'unenroll': {
              const free = await db.enrollment.findMany({
                where: { hourEntries: { none: {} }, certificates: { none: {} } },
                select: { id: true },
                orderBy: { id: 'asc' },
              })
              if (free.length) await db.enrollment.delete({ where: { id: free[o.enrollment % free.length]!.id } })
              break
            }
            case 'hours': {
              const all = await db.enrollment.findMany({ select: { id: true, personId: true, groupId: true }, orderBy: { id: 'asc' } })
              if (all.length) await addHours(all[o.enrollment % all.length]!, o.minutes, `2026-${String(o.month).padStart(2, '0')}-15`)
              break
            }
          }
        }
        expect(await drift()).toEqual([])
      }),
      { numRuns: 25, seed: Number(process.env.XX_PROPERTY_SEED ?? 20261201) },
    )
  })

  test('a person who moves township is counted in the new one at once', async () => {
    const r = world.regions
    const person = await createPersonIn(db, r.zhelou.id)
    const group = world.groups.round
    const enrollment = await db.enrollment.create({
      data: { id: newId(), personId: person.id, groupId: group.id, programId: group.programId, startDate: group.startDate, status: 'active' },
    })
    await db.hourEntry.create({
      data: {
        enrollmentId: enrollment.id,
        personId: person.id,
        groupId: group.id,
        category: 'online',
        minutes: 90,
        occurredOn: new Date('2026-03-02T00:00:00Z'),
        source: 'adjustment',
        reason: '补录',
      },
    })
    // a region scope that only reaches the person's home (the round itself lies in the county, outside both townships)
    const scopeOf = (x: { id: string; code: string; path: string }): Scope[] => [{ kind: 'region', regionId: x.id, code: x.code, name: '', path: x.path }]
    const year = { from: '2026-01-01', to: '2026-12-31' }
    const count = async (x: { id: string; code: string; path: string }) =>
      (await personTimeStats(db, year, { scopes: scopeOf(x), groupBy: 'township' })).rows.find((row) => row.key === x.code)?.personTimes ?? 0
    const before = { zhelou: await count(r.zhelou), gaoluo: await count(r.gaoluo) }
    await db.person.update({ where: { id: person.id }, data: { regionId: r.gaoluo.id } })
    expect(await count(r.zhelou)).toBe(before.zhelou - 1)
    expect(await count(r.gaoluo)).toBe(before.gaoluo + 1)
  })

  test('concurrent changes and new enrollments: whichever commits first, the copy ends up exact', { timeout: 30_000 }, async () => {
    const r = world.regions
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    const group = world.groups.round

    // 1. an enrollment written while the person moves (the insert first, the move waits for it)
    const a = await createPersonIn(db, r.zhelou.id)
    await Promise.all([
      db.$transaction(async (tx) => {
        await tx.enrollment.create({
          data: { id: newId(), personId: a.id, groupId: group.id, programId: group.programId, startDate: group.startDate, status: 'withdrawn' },
        })
        await pause(400)
      }),
      pause(100).then(() => db.person.update({ where: { id: a.id }, data: { regionId: r.gaoluo.id } })),
    ])
    expect(await drift()).toEqual([])

    // 2. the move first (uncommitted), the enrollment written meanwhile
    const b = await createPersonIn(db, r.zhelou.id)
    await Promise.all([
      db.$transaction(async (tx) => {
        await tx.person.update({ where: { id: b.id }, data: { regionId: r.gaoluo.id } })
        await pause(400)
      }),
      pause(100).then(() =>
        db.enrollment.create({
          data: { id: newId(), personId: b.id, groupId: group.id, programId: group.programId, startDate: group.startDate, status: 'withdrawn' },
        }),
      ),
    ])
    expect(await drift()).toEqual([])

    // 3. the round moves and its tags change while one of its learners moves: both touch the same copies
    const c = await createPersonIn(db, r.zhelou.id)
    await db.enrollment.create({
      data: { id: newId(), personId: c.id, groupId: group.id, programId: group.programId, startDate: group.startDate, status: 'withdrawn' },
    })
    await Promise.all([
      db.$transaction(async (tx) => {
        await tx.group.update({ where: { id: group.id }, data: { regionId: r.otherCounty.id, tags: ['rural'] } })
        await pause(400)
      }),
      pause(100).then(() => db.person.update({ where: { id: c.id }, data: { regionId: r.otherTownship.id } })),
    ])
    expect(await drift()).toEqual([])

    // 4. hours written (a new month's rollup row) while the person moves, both ways round, and while the round moves
    const d = await createPersonIn(db, r.zhelou.id)
    const enrollment = await db.enrollment.create({
      data: { id: newId(), personId: d.id, groupId: group.id, programId: group.programId, startDate: group.startDate, status: 'active' },
    })
    await addHours(enrollment, 45, '2026-01-10')
    await Promise.all([
      db.$transaction(async (tx) => {
        await addHours(enrollment, 45, '2026-02-10', tx)
        await pause(400)
      }),
      pause(100).then(() => db.person.update({ where: { id: d.id }, data: { regionId: r.gaoluo.id } })),
    ])
    expect(await drift()).toEqual([])
    await Promise.all([
      db.$transaction(async (tx) => {
        await tx.person.update({ where: { id: d.id }, data: { regionId: r.otherTownship.id } })
        await pause(400)
      }),
      pause(100).then(() => addHours(enrollment, 45, '2026-03-10')),
    ])
    expect(await drift()).toEqual([])
    await Promise.all([
      db.$transaction(async (tx) => {
        await tx.group.update({ where: { id: group.id }, data: { tags: ['backbone'] } })
        await pause(400)
      }),
      pause(100).then(() => addHours(enrollment, -30, '2026-04-10')),
    ])
    expect(await drift()).toEqual([])
    expect(await db.hourRollup.count({ where: { enrollmentId: enrollment.id, grain: 'month' } })).toBe(4)

    // 5. one person's two enrollments counted for the first time at the same moment (the cell must count one person,
    //    not two), then one correction taking an enrollment out while the other gets more hours (still one)
    const e = await createPersonIn(db, r.zhelou.id)
    const [first, second] = await Promise.all(
      [world.groups.class, world.groups.otherCountyClass].map((g) =>
        db.enrollment.create({
          data: { id: newId(), personId: e.id, groupId: g.id, programId: g.programId, startDate: g.startDate, status: 'withdrawn' },
        }),
      ),
    )
    await Promise.all([
      db.$transaction(async (tx) => {
        await addHours(first!, 60, '2026-05-10', tx)
        await pause(400)
      }),
      pause(100).then(() => addHours(second!, 60, '2026-05-11')),
    ])
    expect(await drift()).toEqual([])
    await Promise.all([
      db.$transaction(async (tx) => {
        await addHours(first!, -60, '2026-05-12', tx)
        await pause(400)
      }),
      pause(100).then(() => addHours(second!, 30, '2026-05-12')),
    ])
    expect(await drift()).toEqual([])
  })
})

describe('the cells migration', () => {
  test('on a database with hours already written, the backfill gives the cells the triggers would have', { timeout: 60_000 }, async () => {
    await beforeMigration('20261202100000_rollup_cells', async ({ db: old, migrateRest }) => {
      // people in two townships, one in a class and a round (two programs), hours over two years with a correction
      const w = await createTrainingWorld(old)
      const people = [
        await createPersonIn(old, w.regions.zhelou.id),
        await createPersonIn(old, w.regions.gaoluo.id),
        await createPersonIn(old, w.regions.otherCounty.id),
      ]
      const enrollments: { id: string; personId: string; groupId: string }[] = []
      for (const [person, group] of [
        [people[0]!, w.groups.class],
        [people[0]!, w.groups.round],
        [people[1]!, w.groups.class],
        [people[2]!, w.groups.class],
      ] as const) {
        enrollments.push(
          await old.enrollment.create({
            data: { id: newId(), personId: person.id, groupId: group.id, programId: group.programId, startDate: group.startDate, status: 'withdrawn' },
          }),
        )
      }
      const entry = (e: (typeof enrollments)[number], minutes: number, day: string) => ({
        enrollmentId: e.id,
        personId: e.personId,
        groupId: e.groupId,
        category: 'online' as const,
        minutes,
        occurredOn: new Date(`${day}T00:00:00Z`),
        source: 'adjustment' as const,
        reason: '补录',
      })
      await old.hourEntry.createMany({
        data: [
          entry(enrollments[0]!, 90, '2025-11-03'),
          entry(enrollments[0]!, 45, '2026-02-10'),
          entry(enrollments[1]!, 60, '2026-02-11'),
          entry(enrollments[2]!, 30, '2026-03-01'),
          entry(enrollments[2]!, -30, '2026-03-20'),
          entry(enrollments[3]!, 120, '2026-07-07'),
        ],
      })
      expect(await migrateRest()).toContain('20261202100000_rollup_cells')
      expect(await cellDrift(old)).toEqual([])
      // 2026 in the cells: 3 人次 (the March one cancelled), 2 persons (one of them in two programs)
      const cells = await old.rollupCell.findMany({ where: { grain: 'year', periodStart: new Date('2026-01-01T00:00:00Z') } })
      expect(cells.filter((c) => c.programCode !== '*').reduce((n, c) => n + c.enrollments, 0)).toBe(3)
      expect(cells.filter((c) => c.programCode === '*').reduce((n, c) => n + c.persons, 0)).toBe(2)
    })
  })
})
