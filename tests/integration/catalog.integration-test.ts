/**
 * The catalog: `content:sync` from content/catalog (idempotent, retires
 * rather than deletes, all or nothing), the API's programs and groups, and
 * the coordinator's class, round and course pages with their scope checks.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { GroupResponse, ProgramsResponse } from '#app/api/schemas-catalog.ts'
import { CatalogError } from '#app/domain/catalog.ts'
import { PolicyError } from '#app/domain/policy.ts'
import { CATALOG_DIR } from '#app/models/catalog.server.ts'
import { POLICY_DIR } from '#app/models/policies.server.ts'
import * as groupApi from '#app/routes/api.v1.groups.$code.ts'
import * as programsApi from '#app/routes/api.v1.programs.ts'
import { syncContent } from '#app/server/content-sync.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import * as courseRoute from '#app/routes/coordinator.courses.$courseId.tsx'
import * as coursesRoute from '#app/routes/coordinator.courses._index.tsx'
import * as editGroupRoute from '#app/routes/coordinator.groups.$groupId_.edit.tsx'
import * as newGroupRoute from '#app/routes/coordinator.groups.new.tsx'
import { callRoute, createPersonIn, createUserWithSession, createWorld, type World } from '#tests/fixtures/db.ts'

const db = getDb()
const TABLES = ['Program', 'Major', 'Course', 'CourseTask', 'Lesson', 'PlanItem', 'Policy'] as const

/** Every row of the catalog tables with its xmin: any UPDATE, even to the same values, changes xmin. */
async function snapshot() {
  const out: Record<string, unknown[]> = {}
  for (const t of TABLES) out[t] = await db.$queryRawUnsafe(`SELECT xmin::text AS "_xmin", * FROM "${t}" ORDER BY "id"`)
  return out
}

let tmp: string
/** A private copy of content/ (catalog and policies) a test may edit. */
async function contentCopy() {
  const dir = await mkdtemp(path.join(tmp, 'c-'))
  await cp(CATALOG_DIR, path.join(dir, 'catalog'), { recursive: true })
  await cp(POLICY_DIR, path.join(dir, 'policies'), { recursive: true })
  const edit = async (file: string, change: (text: string) => string) => {
    const p = path.join(dir, 'catalog', file)
    await writeFile(p, change(await readFile(p, 'utf8')))
  }
  return { catalogDir: path.join(dir, 'catalog'), policyDir: path.join(dir, 'policies'), edit }
}

let world: World
let classGroup: { id: string; code: string }
let round: { id: string; code: string }
let otherCountyClass: { id: string; code: string }

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'xx-catalog-'))
  world = await createWorld(db)
  const first = await syncContent(db)
  expect(first.catalog.majors).toEqual({ added: 15, updated: 0, retired: 0, unchanged: 0 })
  expect(first.catalog.programs.added).toBe(2)
  expect(first.policies.added).toHaveLength(2)

  const skills = await db.program.findUniqueOrThrow({ where: { code: 'skills-credential' } })
  const teacher = await db.program.findUniqueOrThrow({ where: { code: 'teacher-training' } })
  const planting = await db.major.findUniqueOrThrow({ where: { code: 'planting' } })
  const suffix = newId().slice(0, 6)
  classGroup = { id: newId(), code: `CAT-ZZ-${suffix}` }
  round = { id: newId(), code: `CAT-RND-${suffix}` }
  otherCountyClass = { id: newId(), code: `CAT-WM-${suffix}` }
  await db.group.createMany({
    data: [
      {
        ...classGroup,
        name: '2026级种植班（测试）',
        programId: skills.id,
        kind: 'class',
        majorId: planting.id,
        regionId: world.regions.zhelou.id,
        startDate: new Date('2026-03-01'),
      },
      {
        ...round,
        name: '2026年乡村教师全员轮训（测试）',
        programId: teacher.id,
        kind: 'round',
        regionId: world.regions.county.id,
        startDate: new Date('2026-07-06'),
        endDate: new Date('2026-12-31'),
        requiredMinutes: 40 * 45,
      },
      {
        ...otherCountyClass,
        name: '望谟种植班',
        programId: skills.id,
        kind: 'class',
        majorId: planting.id,
        regionId: world.regions.otherTownship.id,
        startDate: new Date('2026-03-01'),
      },
    ],
  })
})

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

describe('npm run content:sync', () => {
  test('loads the catalog: majors with plans, courses with tasks and lessons (the demo lesson codes kept)', async () => {
    const course = await db.course.findUniqueOrThrow({
      where: { code: 'SC-ZZ-101' },
      include: { tasks: { orderBy: { position: 'asc' } }, lessons: { orderBy: { position: 'asc' } }, program: true },
    })
    expect(course).toMatchObject({ name: '种植技术基础', kind: 'skill', fromContent: true, retiredAt: null, program: { code: 'skills-credential' } })
    expect(Number(course.credits)).toBe(4)
    expect(course.tasks.map((t) => [t.code, t.kind])).toEqual([
      ['SC-ZZ-101-T1', 'assignment'],
      ['SC-ZZ-101-T2', 'practical'],
    ])
    expect(course.lessons.map((l) => l.code)).toEqual(['SC-ZZ-101-01', 'SC-ZZ-101-02', 'SC-ZZ-101-03'])
    const plan = await db.planItem.findMany({ where: { major: { code: 'planting' } }, orderBy: { position: 'asc' }, include: { course: true } })
    expect(plan.map((p) => p.course.name)).toEqual([
      '读写算',
      '普通话',
      '公民道德与思想政治',
      '政策法规',
      '种植技术基础',
      '油茶栽培技术',
      '蔬菜种植与田间管理',
      '顶岗实习（种植）',
    ])
    expect(await db.major.count({ where: { retiredAt: null } })).toBe(15)
  })

  test('a second run changes nothing: same rows, same values, not even a rewrite', async () => {
    const before = await snapshot()
    const again = await syncContent(db)
    for (const c of Object.values(again.catalog)) expect(c).toMatchObject({ added: 0, updated: 0, retired: 0 })
    expect(again.catalog.courses.unchanged).toBeGreaterThan(40)
    expect(again.policies.added).toEqual([])
    expect(await snapshot()).toEqual(before)
  })

  test('a course removed from content is retired, not deleted; its results and credits stay; brought back it is active again', async () => {
    const course = await db.course.findUniqueOrThrow({ where: { code: 'SC-ZZ-102' }, include: { lessons: true, tasks: true } })
    const person = await createPersonIn(db, world.regions.zhelou.id)
    const enrollment = await db.enrollment.create({
      data: {
        id: newId(),
        personId: person.id,
        groupId: classGroup.id,
        programId: course.programId,
        startDate: new Date('2026-03-01'),
        periodEnd: new Date('2029-03-01'),
        studyYears: 3,
      },
    })
    await db.taskCompletion.create({ data: { id: newId(), enrollmentId: enrollment.id, taskId: course.tasks[0]!.id, source: 'coordinator' } })
    await db.courseResult.create({ data: { id: newId(), enrollmentId: enrollment.id, courseId: course.id, score: 82, passed: true } })
    await db.onlineCredit.create({
      data: { id: newId(), personId: person.id, lessonId: course.lessons[0]!.id, enrollmentId: enrollment.id, day: new Date('2026-04-02'), seconds: 1200 },
    })

    const content = await contentCopy()
    await content.edit('majors.yaml', (t) => t.replace('[SC-ZZ-101, SC-ZZ-102, SC-ZZ-103, SC-ZZ-901]', '[SC-ZZ-101, SC-ZZ-103, SC-ZZ-901]'))
    await content.edit('courses/planting.yaml', (t) => t.replace(/ {2}- code: SC-ZZ-102\n[\s\S]*?(?= {2}- code: SC-ZZ-103\n)/, ''))
    await rm(path.join(content.catalogDir, 'lessons/SC-ZZ-102'), { recursive: true })
    const removed = await syncContent(db, content)
    expect(removed.catalog.courses).toMatchObject({ added: 0, updated: 0, retired: 1 })
    expect(removed.catalog.lessons.retired).toBe(1)
    expect(removed.catalog.tasks.retired).toBe(1)
    expect(removed.catalog.planItems.retired).toBe(1)

    const retired = await db.course.findUniqueOrThrow({ where: { id: course.id }, include: { lessons: true, tasks: true, planItems: true } })
    expect(retired.retiredAt).not.toBeNull()
    expect(retired.lessons.every((l) => l.retiredAt !== null)).toBe(true)
    expect(retired.tasks.every((t) => t.retiredAt !== null)).toBe(true)
    expect(retired.planItems.every((p) => p.retiredAt !== null)).toBe(true)
    expect(await db.courseResult.count({ where: { courseId: course.id } })).toBe(1)
    expect(await db.taskCompletion.count({ where: { taskId: course.tasks[0]!.id } })).toBe(1)
    expect(await db.onlineCredit.count({ where: { lessonId: course.lessons[0]!.id } })).toBe(1)
    // Retired again: nothing more to do.
    const twice = await syncContent(db, content)
    expect(twice.catalog.courses).toMatchObject({ added: 0, updated: 0, retired: 0 })

    const back = await syncContent(db)
    expect(back.catalog.courses).toMatchObject({ added: 0, updated: 1, retired: 0 })
    const restored = await db.course.findUniqueOrThrow({ where: { id: course.id }, include: { lessons: true, tasks: true, planItems: true } })
    expect([
      restored.retiredAt,
      ...restored.lessons.map((l) => l.retiredAt),
      ...restored.tasks.map((t) => t.retiredAt),
      ...restored.planItems.map((p) => p.retiredAt),
    ]).toEqual([null, null, null, null])
  })

  test('a broken file changes nothing, and it says which file and field', async () => {
    const content = await contentCopy()
    await content.edit('courses/e-commerce.yaml', (t) => t.replace('name: 网店运营', 'name: 网店运营与推广'))
    await content.edit('courses/catering.yaml', (t) => t.replace('credits: 4', 'credits: -4'))
    const before = await snapshot()
    const error = await syncContent(db, content).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CatalogError)
    expect((error as Error).message).toContain('courses/catering.yaml: courses[0].credits: must be at least 0')
    expect(await snapshot()).toEqual(before)
  })

  test('a failure half-way through the writes rolls the whole run back', async () => {
    const content = await contentCopy()
    await content.edit('courses/e-commerce.yaml', (t) => t.replace('name: 网店运营', 'name: 网店运营与推广'))
    // The stored policy version with other rules is refused inside the transaction, after the catalog was written.
    const policy = path.join(content.policyDir, 'skills-credential.yaml')
    await writeFile(policy, (await readFile(policy, 'utf8')).replace('minHours: 360', 'minHours: 300'))
    const before = await snapshot()
    await expect(syncContent(db, content)).rejects.toBeInstanceOf(PolicyError)
    expect(await snapshot()).toEqual(before)
    expect((await db.course.findUniqueOrThrow({ where: { code: 'SC-DS-102' } })).name).toBe('网店运营')
  })

  test('a course a coordinator created in the UI is never retired by the sync; an edited content course is set back', async () => {
    const skills = await db.program.findUniqueOrThrow({ where: { code: 'skills-credential' } })
    await db.course.create({ data: { id: newId(), programId: skills.id, code: 'CH-LOCAL-01', name: '册亨糯米蕉种植', credits: 2, kind: 'skill' } })
    await db.course.update({ where: { code: 'SC-CY-102' }, data: { name: '改过的名字' } })
    const result = await syncContent(db)
    expect(result.catalog.courses).toMatchObject({ added: 0, updated: 1, retired: 0 })
    expect((await db.course.findUniqueOrThrow({ where: { code: 'CH-LOCAL-01' } })).retiredAt).toBeNull()
    expect((await db.course.findUniqueOrThrow({ where: { code: 'SC-CY-102' } })).name).toBe('布依族特色菜制作')
  })
})

type Handler = (args: { request: Request; params: Record<string, string>; context: { ip: string } }) => Promise<Response>
async function api(handler: unknown, url: string, token: string, params: Record<string, string> = {}) {
  const response = await (handler as Handler)({
    request: new Request(`http://localhost${url}`, { headers: { authorization: `Bearer ${token}` } }),
    params,
    context: { ip: '10.9.0.1' },
  })
  return { status: response.status, body: (await response.json()) as any }
}

describe('API v1: programs and groups', () => {
  test('GET /api/v1/programs lists both programs with the groups in the caller’s scope', async () => {
    const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const { status, body } = await api(programsApi.loader, '/api/v1/programs', coord.token)
    expect(status).toBe(200)
    expect(ProgramsResponse.parse(body)).toEqual(body)
    const skills = body.find((p: any) => p.code === 'skills-credential')
    expect(skills).toMatchObject({ name: '职业技能学历双提升', minutesPerHour: 45 })
    expect(skills.groups).toEqual([
      { code: classGroup.code, name: '2026级种植班（测试）', kind: 'class', majorCode: 'planting', regionCode: '522327001', startDate: '2026-03-01' },
    ])
    const teacher = body.find((p: any) => p.code === 'teacher-training')
    expect(teacher.groups).toEqual([
      { code: round.code, name: '2026年乡村教师全员轮训（测试）', kind: 'round', regionCode: '522327', startDate: '2026-07-06', endDate: '2026-12-31' },
    ])
  })

  test('GET /api/v1/groups/{code}: a class with its plan’s courses and tasks; a round with none', async () => {
    const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const { status, body } = await api(groupApi.loader, `/api/v1/groups/${classGroup.code}`, coord.token, { code: classGroup.code })
    expect(status).toBe(200)
    expect(GroupResponse.parse(body)).toEqual(body)
    expect(body).toMatchObject({ code: classGroup.code, programCode: 'skills-credential', kind: 'class', majorCode: 'planting', regionCode: '522327001' })
    expect(body.courses.map((c: any) => c.code)).toEqual([
      'SC-WH-102',
      'SC-WH-101',
      'SC-WH-103',
      'SC-WH-104',
      'SC-ZZ-101',
      'SC-ZZ-102',
      'SC-ZZ-103',
      'SC-ZZ-901',
    ])
    expect(body.courses[4]).toEqual({
      code: 'SC-ZZ-101',
      name: '种植技术基础',
      credits: 4,
      kind: 'skill',
      tasks: [
        { code: 'SC-ZZ-101-T1', name: '作业：自家地块土壤调查记录', kind: 'assignment' },
        { code: 'SC-ZZ-101-T2', name: '实操：玉米播种与间苗', kind: 'practical' },
      ],
    })
    expect(body.courses[7]).toMatchObject({ name: '顶岗实习（种植）', kind: 'internship' })

    const county = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const r = await api(groupApi.loader, `/api/v1/groups/${round.code}`, county.token, { code: round.code })
    expect(r.body).toMatchObject({ code: round.code, kind: 'round', programCode: 'teacher-training', requiredHours: 40, courses: [] })
  })

  test('a group outside the caller’s scope is 404, like one that does not exist; a learner sees only their own', async () => {
    const zhelou = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    for (const code of [otherCountyClass.code, round.code, 'NO-SUCH-GROUP']) {
      const r = await api(groupApi.loader, `/api/v1/groups/${code}`, zhelou.token, { code })
      expect(r.status, code).toBe(404)
      expect(r.body.error.code).toBe('not_found')
    }
    const person = await createPersonIn(db, world.regions.zhelou.id)
    const skills = await db.program.findUniqueOrThrow({ where: { code: 'skills-credential' } })
    await db.enrollment.create({
      data: {
        id: newId(),
        personId: person.id,
        groupId: classGroup.id,
        programId: skills.id,
        startDate: new Date('2026-03-01'),
        periodEnd: new Date('2029-03-01'),
        studyYears: 3,
      },
    })
    const learner = await createUserWithSession(db, { role: 'learner', personId: person.id })
    expect((await api(groupApi.loader, `/api/v1/groups/${classGroup.code}`, learner.token, { code: classGroup.code })).status).toBe(200)
    expect((await api(groupApi.loader, `/api/v1/groups/${otherCountyClass.code}`, learner.token, { code: otherCountyClass.code })).status).toBe(404)
    const programs = await api(programsApi.loader, '/api/v1/programs', learner.token)
    expect(programs.body.flatMap((p: any) => p.groups.map((g: any) => g.code))).toEqual([classGroup.code])
  })
})

type Route = Parameters<typeof callRoute>[0]
const post = (fn: unknown, url: string, cookie: string, fields: Record<string, string>, params: Record<string, string> = {}) =>
  callRoute(fn as Route, { url, cookie, method: 'POST', body: new URLSearchParams(fields), params })
/** The field errors of a Conform reply inside data(...). */
const fieldErrors = (r: { value: unknown }) => (r.value as { data: { result: { error?: Record<string, string[]> } } }).data.result.error ?? {}

describe('coordinator: classes and rounds', () => {
  test('a county coordinator creates a class in a township of the county; it is audited in that jurisdiction', async () => {
    const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const breeding = await db.major.findUniqueOrThrow({ where: { code: 'breeding' } })
    const r = await post(newGroupRoute.action, '/coordinator/groups/new', coord.cookie, {
      intent: 'create',
      kind: 'class',
      code: 'ch2027-yz02',
      name: '2027级养殖班（高洛）',
      majorId: breeding.id,
      regionId: world.regions.gaoluo.id,
      startDate: '2027-03-01',
    })
    expect(r.status).toBe(302)
    const group = await db.group.findUniqueOrThrow({ where: { code: 'CH2027-YZ02' }, include: { program: true } })
    expect(group).toMatchObject({
      kind: 'class',
      majorId: breeding.id,
      regionId: world.regions.gaoluo.id,
      endDate: null,
      requiredMinutes: null,
      program: { code: 'skills-credential' },
    })
    expect((r.value as Response).headers.get('location')).toBe(`/coordinator/groups/${group.id}`)
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'group.create', entityId: group.id } })
    expect(audit).toMatchObject({ actorId: coord.id, scopePath: `${world.regions.gaoluo.path}` })

    const again = await post(newGroupRoute.action, '/coordinator/groups/new', coord.cookie, {
      intent: 'create',
      kind: 'class',
      code: 'CH2027-YZ02',
      name: '重复的班',
      majorId: breeding.id,
      regionId: world.regions.gaoluo.id,
      startDate: '2027-03-01',
    })
    expect(again.status).toBe(409)
    expect(fieldErrors(again).code).toEqual(['编号 CH2027-YZ02 已被使用，请换一个'])
  })

  test('clear Chinese errors: a class without a major, a region outside the scope, an end before the start; nothing is written', async () => {
    const zhelou = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const before = await db.group.count()
    const noMajor = await post(newGroupRoute.action, '/coordinator/groups/new', zhelou.cookie, {
      intent: 'create',
      kind: 'class',
      code: 'X-1',
      name: '没有专业的班',
      regionId: world.regions.zhelou.id,
      startDate: '2027-03-01',
    })
    expect(noMajor.status).toBe(422)
    expect(fieldErrors(noMajor).majorId).toEqual(['班级必须选择专业'])
    const planting = await db.major.findUniqueOrThrow({ where: { code: 'planting' } })
    const elsewhere = await post(newGroupRoute.action, '/coordinator/groups/new', zhelou.cookie, {
      intent: 'create',
      kind: 'class',
      code: 'X-2',
      name: '高洛的班',
      majorId: planting.id,
      regionId: world.regions.gaoluo.id,
      startDate: '2027-03-01',
    })
    expect(elsewhere.status).toBe(422)
    expect(fieldErrors(elsewhere).regionId).toEqual(['请选择您管辖范围内的地区'])
    const backwards = await post(newGroupRoute.action, '/coordinator/groups/new', zhelou.cookie, {
      intent: 'create',
      kind: 'round',
      code: 'X-3',
      name: '倒着的培训',
      regionId: world.regions.zhelou.id,
      startDate: '2027-03-01',
      endDate: '2027-02-01',
      requiredHours: '40',
    })
    expect(fieldErrors(backwards).endDate).toEqual(['结束日期不能早于开始日期'])
    expect(await db.group.count()).toBe(before)
  })

  test('a round from a template gets the template’s 学时 and length', async () => {
    const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const page = await callRoute(newGroupRoute.loader as Route, { url: '/coordinator/groups/new?kind=round&template=XXJS', cookie: coord.cookie })
    expect((page.value as any).defaultValue).toMatchObject({ template: 'XXJS', requiredHours: '50' })
    const r = await post(newGroupRoute.action, '/coordinator/groups/new', coord.cookie, {
      intent: 'create',
      kind: 'round',
      code: 'CH2027-XXJS',
      name: '2027年信息技术应用能力提升培训',
      regionId: world.regions.county.id,
      startDate: '2027-03-01',
      template: 'XXJS',
    })
    expect(r.status).toBe(302)
    const round = await db.group.findUniqueOrThrow({ where: { code: 'CH2027-XXJS' }, include: { program: true } })
    expect(round).toMatchObject({ kind: 'round', requiredMinutes: 50 * 45, majorId: null, program: { code: 'teacher-training' } })
    expect(round.endDate?.toISOString().slice(0, 10)).toBe('2027-12-25') // 300 days from 1 March, first day included
  })

  test('editing: in scope it saves and audits before and after; a coordinator of another county gets 404 and changes nothing', async () => {
    const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const planting = await db.major.findUniqueOrThrow({ where: { code: 'planting' } })
    const fields = { intent: 'update', name: '2026级种植班（者楼一班）', majorId: planting.id, regionId: world.regions.zhelou.id, startDate: '2026-03-02' }
    const url = `/coordinator/groups/${classGroup.id}/edit`
    const other = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.otherCounty.id })
    expect((await callRoute(editGroupRoute.loader as Route, { url, cookie: other.cookie, params: { groupId: classGroup.id } })).status).toBe(404)
    expect((await post(editGroupRoute.action, url, other.cookie, fields, { groupId: classGroup.id })).status).toBe(404)
    expect((await db.group.findUniqueOrThrow({ where: { id: classGroup.id } })).name).toBe('2026级种植班（测试）')

    const r = await post(editGroupRoute.action, url, coord.cookie, fields, { groupId: classGroup.id })
    expect(r.status).toBe(302)
    const saved = await db.group.findUniqueOrThrow({ where: { id: classGroup.id } })
    expect(saved).toMatchObject({ name: '2026级种植班（者楼一班）', code: classGroup.code, kind: 'class' })
    expect(saved.startDate.toISOString().slice(0, 10)).toBe('2026-03-02')
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'group.update', entityId: classGroup.id } })
    expect(audit.before).toMatchObject({ name: '2026级种植班（测试）', startDate: '2026-03-01' })
    expect(audit.after).toMatchObject({ name: '2026级种植班（者楼一班）', startDate: '2026-03-02' })

    // Learners are enrolled (an earlier test): the major cannot change under them.
    const breeding = await db.major.findUniqueOrThrow({ where: { code: 'breeding' } })
    const locked = await post(editGroupRoute.action, url, coord.cookie, { ...fields, majorId: breeding.id }, { groupId: classGroup.id })
    expect(locked.status).toBe(409)
    expect(fieldErrors(locked).majorId).toEqual(['已有学员在读，不能更换专业'])
    expect((await db.group.findUniqueOrThrow({ where: { id: classGroup.id } })).majorId).toBe(planting.id)
  })
})

describe('coordinator: courses and tasks', () => {
  test('a local course is created with a task; a content course says the file wins', async () => {
    const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const skills = await db.program.findUniqueOrThrow({ where: { code: 'skills-credential' } })
    const r = await post(coursesRoute.action, '/coordinator/courses', coord.cookie, {
      intent: 'create',
      code: 'ch-zz-201',
      name: '册亨糯米蕉栽培',
      programId: skills.id,
      credits: '2.5',
      kind: 'skill',
    })
    expect(r.status).toBe(302)
    const course = await db.course.findUniqueOrThrow({ where: { code: 'CH-ZZ-201' } })
    expect(course).toMatchObject({ name: '册亨糯米蕉栽培', kind: 'skill', fromContent: false })
    expect(Number(course.credits)).toBe(2.5)
    expect(await db.auditEvent.count({ where: { action: 'course.create', entityId: course.id, scopePath: world.regions.county.path } })).toBe(1)

    const bad = await post(coursesRoute.action, '/coordinator/courses', coord.cookie, {
      intent: 'create',
      code: 'SC-ZZ-101',
      name: '重复',
      programId: skills.id,
      credits: '2.55',
      kind: 'skill',
    })
    expect(bad.status).toBe(422)
    expect(fieldErrors(bad).credits).toEqual(['学分应在 0 到 100 之间，最多一位小数'])
    const taken = await post(coursesRoute.action, '/coordinator/courses', coord.cookie, {
      intent: 'create',
      code: 'SC-ZZ-101',
      name: '重复',
      programId: skills.id,
      credits: '2',
      kind: 'skill',
    })
    expect(taken.status).toBe(409)
    expect(fieldErrors(taken).code).toEqual(['课程编号 SC-ZZ-101 已被使用'])

    const url = `/coordinator/courses/${course.id}`
    const added = await post(
      courseRoute.action,
      url,
      coord.cookie,
      { intent: 'addTask', code: 'CH-ZZ-201-T1', name: '实操：糯米蕉分株', kind: 'practical' },
      { courseId: course.id },
    )
    expect(added.status).toBe(200)
    const task = await db.courseTask.findFirstOrThrow({ where: { courseId: course.id } })
    expect(task).toMatchObject({ code: 'CH-ZZ-201-T1', kind: 'practical', retiredAt: null })
    await post(
      courseRoute.action,
      url,
      coord.cookie,
      { intent: 'task', taskId: task.id, name: '实操：糯米蕉分株移栽', kind: 'practical', retired: 'on' },
      { courseId: course.id },
    )
    expect(await db.courseTask.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ name: '实操：糯米蕉分株移栽' })
    expect((await db.courseTask.findUniqueOrThrow({ where: { id: task.id } })).retiredAt).not.toBeNull()
    const local = await callRoute(courseRoute.loader as Route, { url, cookie: coord.cookie, params: { courseId: course.id } })
    expect((local.value as any).contentFile).toBeNull()

    const content = await db.course.findUniqueOrThrow({ where: { code: 'SC-DS-102' } })
    const page = await callRoute(courseRoute.loader as Route, {
      url: `/coordinator/courses/${content.id}`,
      cookie: coord.cookie,
      params: { courseId: content.id },
    })
    expect((page.value as any).contentFile).toBe('courses/e-commerce.yaml')
    expect((page.value as any).tasks.map((x: any) => x.code)).toEqual(['SC-DS-102-T1', 'SC-DS-102-T2'])
  })

  test('a township coordinator reads the catalog but may not change it (403, nothing written)', async () => {
    const zhelou = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const skills = await db.program.findUniqueOrThrow({ where: { code: 'skills-credential' } })
    const list = await callRoute(coursesRoute.loader as Route, { url: '/coordinator/courses', cookie: zhelou.cookie })
    expect(list.status).toBe(200)
    expect((list.value as any).canEdit).toBe(false)
    const before = await db.course.count()
    const r = await post(coursesRoute.action, '/coordinator/courses', zhelou.cookie, {
      intent: 'create',
      code: 'zl-local-1',
      name: '者楼自编课程',
      programId: skills.id,
      credits: '1',
      kind: 'skill',
    })
    expect(r.status).toBe(403)
    expect(await db.course.count()).toBe(before)
    const course = await db.course.findFirstOrThrow({ where: { code: 'SC-ZZ-101' } })
    const edit = await post(
      courseRoute.action,
      `/coordinator/courses/${course.id}`,
      zhelou.cookie,
      { intent: 'course', name: '改名', credits: '9', kind: 'skill' },
      { courseId: course.id },
    )
    expect(edit.status).toBe(403)
    expect((await db.course.findUniqueOrThrow({ where: { id: course.id } })).name).toBe(course.name)
  })

  test('bureau users and learners may not open the course pages', async () => {
    const bureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    expect((await callRoute(coursesRoute.loader as Route, { url: '/coordinator/courses', cookie: bureau.cookie })).status).toBe(403)
  })
})
