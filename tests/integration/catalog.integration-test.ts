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
import { createPersonIn, createUserWithSession, createWorld, type World } from '#tests/fixtures/db.ts'

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
      { ...classGroup, name: '2026级种植班（测试）', programId: skills.id, kind: 'class', majorId: planting.id, regionId: world.regions.zhelou.id, startDate: new Date('2026-03-01') },
      {
        ...round, name: '2026年乡村教师全员轮训（测试）', programId: teacher.id, kind: 'round', regionId: world.regions.county.id,
        startDate: new Date('2026-07-06'), endDate: new Date('2026-12-31'), requiredMinutes: 40 * 45,
      },
      { ...otherCountyClass, name: '望谟种植班', programId: skills.id, kind: 'class', majorId: planting.id, regionId: world.regions.otherTownship.id, startDate: new Date('2026-03-01') },
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
    expect(course.tasks.map((t) => [t.code, t.kind])).toEqual([['SC-ZZ-101-T1', 'assignment'], ['SC-ZZ-101-T2', 'practical']])
    expect(course.lessons.map((l) => l.code)).toEqual(['SC-ZZ-101-01', 'SC-ZZ-101-02', 'SC-ZZ-101-03'])
    const plan = await db.planItem.findMany({ where: { major: { code: 'planting' } }, orderBy: { position: 'asc' }, include: { course: true } })
    expect(plan.map((p) => p.course.name)).toEqual(['读写算', '普通话', '公民道德与思想政治', '政策法规', '种植技术基础', '油茶栽培技术', '蔬菜种植与田间管理', '顶岗实习（种植）'])
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
      data: { id: newId(), personId: person.id, groupId: classGroup.id, programId: course.programId, startDate: new Date('2026-03-01'), periodEnd: new Date('2029-03-01'), studyYears: 3 },
    })
    await db.taskCompletion.create({ data: { id: newId(), enrollmentId: enrollment.id, taskId: course.tasks[0]!.id, source: 'coordinator' } })
    await db.courseResult.create({ data: { id: newId(), enrollmentId: enrollment.id, courseId: course.id, score: 82, passed: true } })
    await db.onlineCredit.create({ data: { id: newId(), personId: person.id, lessonId: course.lessons[0]!.id, enrollmentId: enrollment.id, day: new Date('2026-04-02'), seconds: 1200 } })

    const content = await contentCopy()
    await content.edit('majors.yaml', (t) => t.replace('[SC-ZZ-101, SC-ZZ-102, SC-ZZ-103, SC-ZZ-901]', '[SC-ZZ-101, SC-ZZ-103, SC-ZZ-901]'))
    await content.edit('courses/planting.yaml', (t) => t.replace(/ {2}- code: SC-ZZ-102\n[\s\S]*?(?= {2}- code: SC-ZZ-103\n)/, ''))
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
    expect([restored.retiredAt, ...restored.lessons.map((l) => l.retiredAt), ...restored.tasks.map((t) => t.retiredAt), ...restored.planItems.map((p) => p.retiredAt)]).toEqual(
      [null, null, null, null],
    )
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
    expect(body.courses.map((c: any) => c.code)).toEqual(['SC-WH-102', 'SC-WH-101', 'SC-WH-103', 'SC-WH-104', 'SC-ZZ-101', 'SC-ZZ-102', 'SC-ZZ-103', 'SC-ZZ-901'])
    expect(body.courses[4]).toEqual({
      code: 'SC-ZZ-101', name: '种植技术基础', credits: 4, kind: 'skill',
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
      data: { id: newId(), personId: person.id, groupId: classGroup.id, programId: skills.id, startDate: new Date('2026-03-01'), periodEnd: new Date('2029-03-01'), studyYears: 3 },
    })
    const learner = await createUserWithSession(db, { role: 'learner', personId: person.id })
    expect((await api(groupApi.loader, `/api/v1/groups/${classGroup.code}`, learner.token, { code: classGroup.code })).status).toBe(200)
    expect((await api(groupApi.loader, `/api/v1/groups/${otherCountyClass.code}`, learner.token, { code: otherCountyClass.code })).status).toBe(404)
    const programs = await api(programsApi.loader, '/api/v1/programs', learner.token)
    expect(programs.body.flatMap((p: any) => p.groups.map((g: any) => g.code))).toEqual([classGroup.code])
  })
})
