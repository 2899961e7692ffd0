/**
 * The demo county (DESIGN.md §6, api-v1.md "Demo and test seed"): 册亨县 522327
 * under 黔西南州 5223, its townships, a 中职 school, classes of four majors,
 * three teacher-training rounds, ~300 adult learners and ~200 teachers with
 * valid generated ID numbers, and the seed accounts. A neighbouring county
 * (望谟县) exists so that scope boundaries can be seen.
 *
 * `npm run db:seed` seeds an empty database; npm start calls seedIfEmpty.
 */
import { addYears } from '#app/domain/time.ts'
import type { OrganizationKind, PriorEducation, RegionLevel, Role } from '#app/generated/prisma/enums.ts'
import { hashPassword } from '#app/auth/password.server.ts'
import { backfillAccounts } from '#app/models/accounts.server.ts'
import { personRow, phoneFields } from '#app/models/people.server.ts'
import { closeEndedRounds } from '#app/models/rounds.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { seededFactories } from '#tests/fixtures/factories.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { syncContent } from '#app/server/content-sync.ts'
import { seedActivity } from './seed-activity.ts'
import { seedOutcomes } from './seed-outcomes.ts'

export const seedPassword = () => getEnv().XX_SEED_PASSWORD

export const SEED_ACCOUNTS = [
  { username: 'admin', label: '系统管理员（全部）' },
  { username: 'coord.county', label: '培训管理员（册亨县 522327）' },
  { username: 'coord.zhelou', label: '培训管理员（者楼街道 522327001）' },
  { username: 'bureau.county', label: '教育局（册亨县）' },
  { username: 'bureau.prefecture', label: '州教育局（黔西南州 5223，可验印毕业证书）' },
  { username: 'learner.demo', label: '学员（2026级种植班）' },
  { username: 'teacher.demo', label: '参训教师（者楼街道）' },
] as const

type RegionSeed = { code: string; name: string; level: RegionLevel; parent?: string }
const REGIONS: RegionSeed[] = [
  { code: '52', name: '贵州省', level: 'province' },
  { code: '5223', name: '黔西南布依族苗族自治州', level: 'prefecture', parent: '52' },
  { code: '522327', name: '册亨县', level: 'county', parent: '5223' },
  { code: '522327001', name: '者楼街道', level: 'township', parent: '522327' },
  { code: '522327002', name: '高洛街道', level: 'township', parent: '522327' },
  { code: '522327003', name: '纳福街道', level: 'township', parent: '522327' },
  { code: '522327101', name: '冗渡镇', level: 'township', parent: '522327' },
  { code: '522327102', name: '坡妹镇', level: 'township', parent: '522327' },
  { code: '522327103', name: '巧马镇', level: 'township', parent: '522327' },
  { code: '522326', name: '望谟县', level: 'county', parent: '5223' },
  { code: '522326001', name: '王母街道', level: 'township', parent: '522326' },
]

const ORGANIZATIONS: { code: string; name: string; kind: OrganizationKind; region: string }[] = [
  { code: 'CH-EDU', name: '册亨县教育局', kind: 'bureau', region: '522327' },
  { code: 'CH-ZZ', name: '册亨县中等职业学校', kind: 'vocational_school', region: '522327' },
  { code: 'CH-JSFZ', name: '册亨县教师发展中心', kind: 'teacher_center', region: '522327' },
  { code: 'CH-ZL-XX1', name: '者楼街道第一小学', kind: 'school', region: '522327001' },
  { code: 'CH-GL-ZX', name: '高洛街道中学', kind: 'school', region: '522327002' },
  { code: 'CH-NF-XX', name: '纳福街道小学', kind: 'school', region: '522327003' },
  { code: 'CH-RD-ZX', name: '冗渡镇中学', kind: 'school', region: '522327101' },
  { code: 'CH-PM-XX', name: '坡妹镇中心小学', kind: 'school', region: '522327102' },
  { code: 'WM-ZZ', name: '望谟县中等职业学校', kind: 'vocational_school', region: '522326' },
]

const CLASSES = [
  { code: 'CH2026-ZZ01', name: '2026级种植班（者楼）', major: 'planting', region: '522327001', start: '2026-03-01', learners: 80 },
  { code: 'CH2026-YZ01', name: '2026级养殖班（高洛）', major: 'breeding', region: '522327002', start: '2026-03-01', learners: 75 },
  { code: 'CH2025-DS01', name: '2025级电子商务班（纳福）', major: 'e-commerce', region: '522327003', start: '2025-09-01', learners: 75 },
  { code: 'CH2024-CY01', name: '2024级餐饮班（冗渡）', major: 'catering', region: '522327101', start: '2024-09-01', learners: 70 },
]

// Tags from app/domain/rounds.ts (a bureau target may count rural rounds only); modules are
// teacher-training courses of content/catalog (the round's online study).
const ROUNDS = [
  {
    code: 'CH2026-XCJS',
    name: '2026年乡村教师全员轮训',
    start: '2026-07-06',
    end: '2026-12-31',
    required: 40,
    tags: ['rural'],
    modules: ['TT-XX-201', 'TT-XKB-101'],
  },
  {
    code: 'CH2026-BZR',
    name: '2026年班主任能力提升培训',
    start: '2026-04-01',
    end: '2026-10-31',
    required: 40,
    tags: ['head_teacher'],
    modules: ['TT-BZR-101'],
  },
  {
    code: 'CH2025-XXJS',
    name: '2025年信息技术应用能力提升培训',
    start: '2025-03-01',
    end: '2025-12-31',
    required: 50,
    tags: ['rural', 'backbone'],
    modules: ['TT-XX-201'],
  },
]

const TEACHER_SCHOOLS = ['CH-ZL-XX1', 'CH-GL-ZX', 'CH-NF-XX', 'CH-RD-ZX', 'CH-PM-XX']

const date = (d: string) => new Date(`${d}T00:00:00Z`)
const studyYearsFor = (e: PriorEducation | null) => (e === 'senior' || e === 'vocational' ? 1 : 3)

/** Seed of the demo's faker: the same people (names, ID numbers, phones) and the same activity on every run. */
export const SEED_FAKER_SEED = 522327

export async function seedDemo(db: Db, { log = (_: string) => {} } = {}) {
  // A faker instance of the seed's own (not the tests' shared one), so nothing else in the process can shift its sequence.
  const { faker, fakePerson } = seededFactories(SEED_FAKER_SEED)
  const today = '2026-11-24'

  // Regions, top-down so each child knows its parent's path.
  const regions = new Map<string, { id: string; path: string }>()
  for (const r of REGIONS) {
    const parent = r.parent ? regions.get(r.parent)! : undefined
    const row = { id: newId(), code: r.code, name: r.name, level: r.level, parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${r.code}/` }
    await db.region.create({ data: row })
    regions.set(r.code, row)
  }
  const regionId = (code: string) => regions.get(code)!.id

  const orgs = new Map<string, string>()
  for (const o of ORGANIZATIONS) {
    const id = newId()
    await db.organization.create({ data: { id, code: o.code, name: o.name, kind: o.kind, regionId: regionId(o.region) } })
    orgs.set(o.code, id)
  }

  // Programs, majors and their teaching plans, courses and lessons come from content/catalog (the same sync npm start runs).
  await syncContent(db)
  const skills = await db.program.findUniqueOrThrow({ where: { code: 'skills-credential' } })
  const teacher = await db.program.findUniqueOrThrow({ where: { code: 'teacher-training' } })
  const majors = new Map((await db.major.findMany({ select: { id: true, code: true } })).map((m) => [m.code, m.id]))

  // Classes and their learners.
  const people: ReturnType<typeof personRow>[] = []
  const enrollments: {
    id: string
    personId: string
    groupId: string
    programId: string
    startDate: Date
    periodEnd: Date
    studyYears: number | null
  }[] = []
  let demoLearnerId: string | undefined
  for (const c of CLASSES) {
    const groupId = newId()
    await db.group.create({
      data: {
        id: groupId,
        code: c.code,
        name: c.name,
        programId: skills.id,
        kind: 'class',
        majorId: majors.get(c.major)!,
        regionId: regionId(c.region),
        organizationId: orgs.get('CH-ZZ')!,
        startDate: date(c.start),
      },
    })
    for (let i = 0; i < c.learners; i++) {
      const p = fakePerson('adult_learner', today)
      // Most learners live in the class's township; some come from neighbouring ones.
      const home = faker.datatype.boolean(0.85)
        ? c.region
        : faker.helpers.arrayElement(['522327001', '522327002', '522327003', '522327101', '522327102', '522327103'])
      const row = personRow({ ...p, regionId: regionId(home), organizationId: null }, today)
      people.push(row)
      const years = studyYearsFor(row.priorEducation)
      enrollments.push({
        id: newId(),
        personId: row.id,
        groupId,
        programId: skills.id,
        startDate: date(c.start),
        periodEnd: date(addYears(c.start, years)),
        studyYears: years,
      })
      if (c.code === 'CH2026-ZZ01' && home === '522327001' && !demoLearnerId) demoLearnerId = row.id
    }
  }

  // Teachers and their rounds (some in two or three rounds: several 人次, one person).
  const roundIds: string[] = []
  for (const r of ROUNDS) {
    const id = newId()
    await db.group.create({
      data: {
        id,
        code: r.code,
        name: r.name,
        programId: teacher.id,
        kind: 'round',
        regionId: regionId('522327'),
        organizationId: orgs.get('CH-JSFZ')!,
        startDate: date(r.start),
        endDate: date(r.end),
        requiredMinutes: r.required * 45,
        tags: r.tags,
      },
    })
    const modules = await db.course.findMany({ where: { code: { in: r.modules } }, select: { id: true, code: true } })
    await db.roundCourse.createMany({ data: modules.map((m) => ({ groupId: id, courseId: m.id, position: r.modules.indexOf(m.code) })) })
    roundIds.push(id)
  }
  let demoTeacherId: string | undefined
  for (let i = 0; i < 200; i++) {
    const school = TEACHER_SCHOOLS[i % TEACHER_SCHOOLS.length]!
    const schoolRegion = ORGANIZATIONS.find((o) => o.code === school)!.region
    const row = personRow({ ...fakePerson('teacher', today), regionId: regionId(schoolRegion), organizationId: orgs.get(school)! }, today)
    people.push(row)
    const rounds = faker.helpers.arrayElements(
      roundIds,
      faker.helpers.weightedArrayElement([
        { weight: 5, value: 1 },
        { weight: 3, value: 2 },
        { weight: 1, value: 3 },
      ]),
    )
    if (i === 0) rounds.splice(0, rounds.length, roundIds[0]!, roundIds[2]!)
    for (const groupId of rounds) {
      const round = ROUNDS[roundIds.indexOf(groupId)]!
      enrollments.push({
        id: newId(),
        personId: row.id,
        groupId,
        programId: teacher.id,
        startDate: date(round.start),
        periodEnd: date(round.end),
        studyYears: null,
      })
    }
    if (i === 0) demoTeacherId = row.id
  }
  // Everyone starts active; the rounds that have ended by `today` are closed below, after their hours exist.
  await db.person.createMany({ data: people })
  await db.enrollment.createMany({ data: enrollments })

  // Accounts.
  const passwordHash = await hashPassword(seedPassword())
  const account = async (
    username: string,
    displayName: string,
    grants: { role: Role; region?: string; canVerifyGraduation?: boolean }[],
    extra: { personId?: string } = {},
  ) => {
    const userId = newId()
    await db.user.create({
      data: {
        id: userId,
        username,
        displayName,
        passwordHash,
        personId: extra.personId ?? null,
        roles: {
          create: grants.map((g) => ({
            id: newId(),
            role: g.role,
            scopeRegionId: g.region ? regionId(g.region) : null,
            canVerifyGraduation: g.canVerifyGraduation ?? false,
          })),
        },
      },
    })
  }
  await account('admin', '系统管理员', [{ role: 'admin' }])
  await account('coord.county', '县培训管理员', [{ role: 'coordinator', region: '522327' }])
  await account('coord.zhelou', '者楼街道培训管理员', [{ role: 'coordinator', region: '522327001' }])
  await account('bureau.county', '册亨县教育局', [{ role: 'bureau', region: '522327' }])
  await account('bureau.prefecture', '黔西南州教育局', [{ role: 'bureau', region: '5223', canVerifyGraduation: true }])
  const learner = people.find((p) => p.id === demoLearnerId)!
  // The demo learner signs in by phone too (README); the number is from the demo range like everyone's.
  await db.person.update({ where: { id: learner.id }, data: phoneFields('13800000002') })
  await account('learner.demo', learner.name, [{ role: 'learner' }], { personId: learner.id })
  const teacherPerson = people.find((p) => p.id === demoTeacherId)!
  await account('teacher.demo', teacherPerson.name, [{ role: 'teacher' }], { personId: teacherPerson.id })
  // Everyone else enrolled gets the account enrollment would have made (no password: SMS code or card).
  await backfillAccounts(db)

  const coordinator = await db.user.findUniqueOrThrow({ where: { username: 'coord.county' }, select: { id: true } })
  const activity = await seedActivity(db, { today, coordinatorId: coordinator.id, faker })
  const outcomes = await seedOutcomes(db, { today, coordinatorId: coordinator.id })
  // Rounds that ended before the demo's today close as the nightly job closes them (frozen outcome, audited).
  const closed = await closeEndedRounds(db, today, {}, new Date(`${today}T01:00:00+08:00`))
  log(
    `seeded ${REGIONS.length} regions, ${people.length} people, ${enrollments.length} enrollments, ` +
      `${activity.sessions} sessions, ${activity.attendances} attendances, ${activity.entries} hour entries, ` +
      `${outcomes.results} exam results, ${outcomes.exemptions} exemptions, ${outcomes.withdrawals} withdrawals, ` +
      `${closed.closed} round enrollments closed`,
  )
}

/** Seeds the demo county when the database has no regions yet. Returns whether it seeded. */
export async function seedIfEmpty(db: Db, opts: { log?: (l: string) => void } = {}) {
  if ((await db.region.count()) > 0) return false
  await seedDemo(db, opts)
  return true
}

if (process.argv[1]?.endsWith('prisma/seed.ts')) {
  const { getDb } = await import('#app/utils/db.server.ts')
  const db = getDb()
  const seeded = await seedIfEmpty(db, { log: console.log })
  console.log(seeded ? '演示数据已创建。' : '数据库已有数据，未重复创建。')
  await db.$disconnect()
}
