/**
 * Teacher rounds (issue 18, DESIGN.md §11 "Rounds") against real rows:
 * enrollment rules per program (a teacher in several rounds at once, a
 * learner in one class at a time — refused by the model and by the database
 * itself), rounds that close when they end (frozen outcome, audited, the
 * 5-year cycle still counting, idempotent, seen as completed before the job
 * ran), round programmes (modules and planned 学时 from the coordinator's
 * form and from a template, Chinese errors), round tags, and teacher lessons
 * listed by round.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { ENROLL_GROUP_SELECT, enrollPerson, EnrollmentError, listEnrollmentsOfPerson } from '#app/models/enrollments.server.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import { groupOutcomeBoard } from '#app/models/outcome-board.server.ts'
import { loadProgress } from '#app/models/progress.server.ts'
import { closeEndedRounds, roundForTeacher } from '#app/models/rounds.server.ts'
import { updateGroup, type GroupInput } from '#app/models/groups.server.ts'
import { listRoundTemplates } from '#app/models/catalog.server.ts'
import { templateDefaults, type GroupFormOptions } from '#app/models/group-form.server.ts'
import { findLessonForPerson, listLessonsForPerson, recordHeartbeat } from '#app/models/online.server.ts'
import { action as newGroupAction } from '#app/routes/coordinator.groups.new.tsx'
import { action as editGroupAction } from '#app/routes/coordinator.groups.$groupId_.edit.tsx'
import { translator } from '#app/i18n/index.ts'
import { getDb, isUniqueViolation, type Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { callRoute, createPersonIn, createTestUser, createUserWithSession } from '#tests/fixtures/db.ts'
import { createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const H = 45
const t = translator('zh-CN')
let world: TrainingWorld
let coordinatorId: string
/** Three rounds of the county: R1 and R2 overlap, R3 starts after R1 has ended. */
const rounds = {} as Record<'r1' | 'r2' | 'r3', { id: string; programId: string; startDate: Date; endDate: Date }>
const day = (d: string) => new Date(`${d}T00:00:00Z`)
/** Noon in Beijing on a day: the fixed clock of the test. */
const clock = (d: string) => vi.setSystemTime(new Date(`${d}T04:00:00Z`))

async function makeRound(db: Db, name: string, start: string, end: string) {
  const g = {
    id: newId(),
    code: `T-R-${newId().slice(0, 8)}`,
    name,
    programId: world.programs.teacher.id,
    kind: 'round' as const,
    regionId: world.regions.county.id,
    startDate: day(start),
    endDate: day(end),
    requiredMinutes: 40 * H,
  }
  await db.group.create({ data: g })
  return g
}

const groupOf = (id: string) => getDb().group.findUniqueOrThrow({ where: { id }, select: ENROLL_GROUP_SELECT })

async function enrollIn(personId: string, groupId: string, startDate: string) {
  return enrollPerson(getDb(), { personId, group: await groupOf(groupId), startDate, actorId: coordinatorId })
}

async function hours(enrollmentId: string, entries: [category: 'concentrated' | 'online' | 'school_based', minutes: number, date: string][]) {
  await getDb().$transaction(async (tx) => {
    for (const [category, minutes, date] of entries) {
      await appendHourEntry(tx, { enrollmentId, category, minutes, date, source: 'transfer', reason: '测试补录', createdById: null })
    }
  })
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] })
  clock('2026-03-01')
  const db = getDb()
  world = await createTrainingWorld(db)
  coordinatorId = (await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })).id
  rounds.r1 = await makeRound(db, '2026年春季乡村教师轮训', '2026-03-01', '2026-06-30')
  rounds.r2 = await makeRound(db, '2026年新课标培训', '2026-05-01', '2026-09-30')
  rounds.r3 = await makeRound(db, '2026年秋季骨干教师培训', '2026-07-15', '2026-11-30')
})

afterAll(() => {
  vi.useRealTimers()
})

describe('enrollment rules per program', () => {
  test('a teacher enrolls in two overlapping rounds and a third after the first ends; one enrollment per round', async () => {
    clock('2026-05-10')
    const teacher = await createPersonIn(getDb(), world.regions.zhelou.id, 'teacher')
    const first = await enrollIn(teacher.id, rounds.r1.id, '2026-03-01')
    const second = await enrollIn(teacher.id, rounds.r2.id, '2026-05-10')
    expect([first.status, second.status]).toEqual(['active', 'active'])

    clock('2026-07-20')
    const third = await enrollIn(teacher.id, rounds.r3.id, '2026-07-20')
    expect(third.status).toBe('active')
    const mine = await getDb().enrollment.findMany({ where: { personId: teacher.id }, select: { groupId: true, exclusive: true } })
    expect(mine.map((e) => e.groupId).sort()).toEqual([rounds.r1.id, rounds.r2.id, rounds.r3.id].sort())
    expect(mine.every((e) => !e.exclusive)).toBe(true)

    // The same round twice is still refused, and says which enrollment exists.
    const again = await enrollIn(teacher.id, rounds.r2.id, '2026-07-20').catch((e: unknown) => e)
    expect(again).toBeInstanceOf(EnrollmentError)
    expect((again as EnrollmentError).refusal).toEqual({ code: 'already_enrolled', enrollmentId: second.id })
  })

  test('a skills-plus-credential learner’s second active enrollment is still refused, by the model and in SQL', async () => {
    clock('2026-03-05')
    const db = getDb()
    const classB = { ...world.groups.class, id: newId(), code: `T-CLSB-${newId().slice(0, 6)}`, name: '测试养殖班' }
    await db.group.create({ data: classB })
    const learner = await createPersonIn(db, world.regions.zhelou.id, 'adult_learner')
    const first = await enrollIn(learner.id, world.groups.class.id, '2026-03-01')
    expect(first.status).toBe('active')
    const refused = await enrollIn(learner.id, classB.id, '2026-03-05').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(EnrollmentError)
    expect((refused as EnrollmentError).refusal).toEqual({ code: 'active_in_program', groupName: '测试种植班' })
    expect((refused as EnrollmentError).describe(t)).toContain('测试种植班')

    // Straight into the table, even claiming the row is not exclusive: the trigger sets it from the program, the index refuses.
    const insert = (personId: string, groupId: string, programId: string) =>
      db.$executeRaw`
        INSERT INTO "Enrollment" ("id", "personId", "groupId", "programId", "startDate", "status", "exclusive")
        VALUES (${newId()}, ${personId}, ${groupId}, ${programId}, '2026-03-05', 'active', false)`
    const sql = await insert(learner.id, classB.id, world.programs.skills.id).catch((e: unknown) => e)
    expect(isUniqueViolation(sql) || String((sql as Error).message).includes('Enrollment_one_active_if_exclusive')).toBe(true)
    expect(await db.enrollment.count({ where: { personId: learner.id } })).toBe(1)

    // A teacher's second active round goes in the same way (claiming exclusive does not make it so).
    const teacher = await createPersonIn(db, world.regions.zhelou.id, 'teacher')
    await db.$executeRaw`
      INSERT INTO "Enrollment" ("id", "personId", "groupId", "programId", "startDate", "status", "exclusive")
      VALUES (${newId()}, ${teacher.id}, ${rounds.r1.id}, ${world.programs.teacher.id}, '2026-03-05', 'active', true)`
    expect(await insert(teacher.id, rounds.r2.id, world.programs.teacher.id)).toBe(1)
    expect(await db.enrollment.findMany({ where: { personId: teacher.id }, select: { exclusive: true } })).toEqual([{ exclusive: false }, { exclusive: false }])

    // Making teacher training one-class-at-a-time while someone holds two active rounds is refused by the database.
    const tighten = await db.program
      .update({ where: { id: world.programs.teacher.id }, data: { enrollmentRule: 'one_active_per_program' } })
      .catch((e: unknown) => e)
    expect(isUniqueViolation(tighten) || String((tighten as Error).message).includes('Enrollment_one_active_if_exclusive')).toBe(true)
    expect((await db.program.findUniqueOrThrow({ where: { id: world.programs.teacher.id } })).enrollmentRule).toBe('one_per_group')
  })
})

describe('rounds that close', () => {
  let complete: { personId: string; r1: string; r2: string }
  let incomplete: { personId: string; r1: string }

  beforeAll(async () => {
    clock('2026-05-10')
    const db = getDb()
    const a = await createPersonIn(db, world.regions.zhelou.id, 'teacher')
    const b = await createPersonIn(db, world.regions.gaoluo.id, 'teacher')
    const aR1 = await enrollIn(a.id, rounds.r1.id, '2026-03-01')
    const aR2 = await enrollIn(a.id, rounds.r2.id, '2026-05-10')
    const bR1 = await enrollIn(b.id, rounds.r1.id, '2026-03-01')
    // A: 40 学时 in R1 (24 concentrated, 3 online, 13 school-based), 8 in R2. B: 10 in R1.
    await hours(aR1.id, [
      ['concentrated', 24 * H, '2026-03-20'],
      ['online', 3 * H, '2026-04-02'],
      ['school_based', 13 * H, '2026-06-10'],
    ])
    await hours(aR2.id, [['concentrated', 8 * H, '2026-05-20']])
    await hours(bR1.id, [['concentrated', 10 * H, '2026-03-20']])
    complete = { personId: a.id, r1: aR1.id, r2: aR2.id }
    incomplete = { personId: b.id, r1: bR1.id }
  })

  test('on its last day a round is still running; the day after, it reads as completed before the job ran', async () => {
    clock('2026-06-30')
    const onLastDay = await loadProgress(getDb(), [complete.r1, incomplete.r1], '2026-06-30')
    expect(onLastDay.get(incomplete.r1)).toMatchObject({ enrollment: { status: 'active' }, outcome: { status: 'in_progress' } })
    expect(await closeEndedRounds(getDb(), '2026-06-30')).toMatchObject({ closed: 0 })

    clock('2026-07-01')
    const read = await loadProgress(getDb(), [complete.r1, incomplete.r1], '2026-07-01')
    expect(read.get(complete.r1)).toMatchObject({ enrollment: { status: 'completed' }, outcome: { status: 'round_complete' } })
    expect(read.get(incomplete.r1)).toMatchObject({ enrollment: { status: 'completed' }, outcome: { status: 'round_incomplete' } })
    // Nothing was written by reading progress.
    expect((await getDb().enrollment.findUniqueOrThrow({ where: { id: incomplete.r1 } })).status).toBe('active')
  })

  test('the day after a round ends its enrollments are completed with the right frozen outcome; the 5-year cycle still counts their hours', async () => {
    clock('2026-07-01')
    const db = getDb()
    const auditBefore = await db.auditEvent.count({ where: { action: 'enrollment.round_closed' } })
    const result = await closeEndedRounds(db, '2026-07-01')
    const rows = await db.enrollment.findMany({
      where: { id: { in: [complete.r1, incomplete.r1, complete.r2] } },
      select: { id: true, status: true, finalOutcome: true, frozenAt: true },
    })
    const byId = new Map(rows.map((r) => [r.id, r]))
    expect(byId.get(complete.r1)).toMatchObject({ status: 'completed', finalOutcome: 'round_complete' })
    expect(byId.get(incomplete.r1)).toMatchObject({ status: 'completed', finalOutcome: 'round_incomplete' })
    expect(byId.get(complete.r1)!.frozenAt).toEqual(new Date('2026-07-01T04:00:00Z'))
    // R2 has not ended: untouched.
    expect(byId.get(complete.r2)).toMatchObject({ status: 'active', finalOutcome: null, frozenAt: null })
    expect(result.closed).toBeGreaterThanOrEqual(2)

    const audits = await db.auditEvent.findMany({
      where: { action: 'enrollment.round_closed', entityId: { in: [complete.r1, incomplete.r1] } },
      orderBy: { id: 'asc' },
    })
    expect(audits).toHaveLength(2)
    for (const a of audits)
      expect(a).toMatchObject({ actorId: null, entityType: 'Enrollment', scopePath: world.regions.county.path, before: { status: 'active' } })
    expect(audits.find((a) => a.entityId === incomplete.r1)!.after).toMatchObject({
      status: 'completed',
      finalOutcome: 'round_incomplete',
      roundEnd: '2026-06-30',
      requirements: [{ code: 'round-hours', requiredMinutes: 40 * H, earnedMinutes: 10 * H, met: false }],
    })
    expect(await db.auditEvent.count({ where: { action: 'enrollment.round_closed' } })).toBe(auditBefore + result.closed)

    // The teacher's 5-year cycle (read through another enrollment) still counts R1's 40 学时 with R2's 8.
    const r2 = (await loadProgress(db, [complete.r2], '2026-07-01')).get(complete.r2)!
    const cycle = r2.evaluation.requirements.find((r) => r.code === 'cycle-hours')!
    expect(cycle).toMatchObject({ earnedMinutes: 48 * H, requiredMinutes: 360 * H, window: { start: '2026-01-01', end: '2030-12-31' } })
    expect(r2.enrollment.status).toBe('active')

    // The frozen outcome holds against a later correction of the ledger.
    await hours(incomplete.r1, [['school_based', 30 * H, '2026-06-15']])
    const later = (await loadProgress(db, [incomplete.r1], '2026-07-02')).get(incomplete.r1)!
    expect(later.evaluation.requirements.find((r) => r.code === 'round-hours')!.met).toBe(true)
    expect(later.outcome.status).toBe('round_incomplete')
  })

  test('running closeEndedRounds twice changes nothing', async () => {
    clock('2026-07-02')
    const db = getDb()
    const snapshot = () =>
      db.enrollment.findMany({
        where: { group: { kind: 'round' } },
        orderBy: { id: 'asc' },
        select: { id: true, status: true, finalOutcome: true, frozenAt: true },
      })
    const before = await snapshot()
    const audits = await db.auditEvent.count()
    expect(await closeEndedRounds(db, '2026-07-02')).toEqual({ closed: 0, complete: 0, incomplete: 0 })
    expect(await closeEndedRounds(db, '2026-07-02')).toEqual({ closed: 0, complete: 0, incomplete: 0 })
    expect(await snapshot()).toEqual(before)
    expect(await db.auditEvent.count()).toBe(audits)
  })

  test('the teacher’s pages and the coordinator’s board close an ended round when they read it (before the nightly job)', async () => {
    clock('2026-10-01') // R2 ended on 2026-09-30; nothing has closed it yet
    const db = getDb()
    expect((await db.enrollment.findUniqueOrThrow({ where: { id: complete.r2 } })).status).toBe('active')
    const mine = await listEnrollmentsOfPerson(db, complete.personId)
    expect(mine.find((e) => e.id === complete.r2)).toMatchObject({ status: 'completed' })
    expect(await db.enrollment.findUniqueOrThrow({ where: { id: complete.r2 } })).toMatchObject({ status: 'completed', finalOutcome: 'round_incomplete' })

    // A teacher of R3 (still running) and one of R2 (ended yesterday) on the board of R2.
    const other = await createPersonIn(db, world.regions.zhelou.id, 'teacher')
    const late = await db.enrollment.create({
      data: {
        id: newId(),
        personId: other.id,
        groupId: rounds.r2.id,
        programId: world.programs.teacher.id,
        startDate: day('2026-05-01'),
        periodEnd: day('2026-09-30'),
      },
    })
    const board = await groupOutcomeBoard(db, { groupId: rounds.r2.id, scopes: [{ kind: 'all' }], asOf: '2026-10-01', filter: 'all' })
    expect(board!.rows.find((r) => r.enrollmentId === late.id)).toMatchObject({ status: 'round_incomplete' })
    expect((await db.enrollment.findUniqueOrThrow({ where: { id: late.id } })).status).toBe('completed')
  })
})

describe('round programmes and tags', () => {
  const form = (fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams()
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x)
    return body
  }
  const base = () => ({
    intent: 'create',
    kind: 'round',
    name: '2026年冬季乡村教师培训',
    regionId: world.regions.county.id,
    startDate: '2026-12-01',
    endDate: '2027-03-31',
    requiredHours: '40',
  })

  test('the coordinator’s form links modules, plans 学时 per kind adding up to the requirement (a Chinese error otherwise) and tags the round', async () => {
    clock('2026-12-01')
    const db = getDb()
    const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const post = (fields: Record<string, string | string[]>) =>
      callRoute(newGroupAction, { url: '/coordinator/groups/new', method: 'POST', cookie: coordinator.cookie, body: form(fields) })
    const errors = (r: Awaited<ReturnType<typeof post>>) => (r.value as { data: { result: { error: Record<string, string[]> } } }).data.result.error ?? {}
    const module = world.courses.teacherCourse // one 45-minute lesson: 1 学时

    // 32 + 1 + 6 = 39 ≠ 40.
    const short = await post({
      ...base(),
      code: `W-${newId().slice(0, 6)}`,
      plannedConcentratedHours: '32',
      plannedOnlineHours: '1',
      plannedSchoolBasedHours: '6',
      courseIds: module.id,
    })
    expect(short.status).toBe(422)
    expect(errors(short).plan).toEqual(['集中面授、线上学习、校本研修的计划学时合计 39 学时，与本项目要求的 40 学时不一致，请调整。'])

    // 2 online 学时 planned, but the module's lessons make 1.
    const online = await post({
      ...base(),
      code: `W-${newId().slice(0, 6)}`,
      plannedConcentratedHours: '32',
      plannedOnlineHours: '2',
      plannedSchoolBasedHours: '6',
      courseIds: module.id,
    })
    expect(online.status).toBe(422)
    expect(errors(online).plannedOnlineHours?.[0]).toContain('所选线上课程约 1 学时，少于计划的线上学习 2 学时')

    // An unknown module and an unknown tag are refused in Chinese, not a 500.
    const unknown = await post({ ...base(), code: `W-${newId().slice(0, 6)}`, courseIds: 'nope', tags: ['rural', 'vip'] })
    expect(unknown.status).toBe(422)
    expect(JSON.stringify(errors(unknown))).toContain('项目标签无效')

    const code = `W-${newId().slice(0, 6)}`
    const created = await post({
      ...base(),
      code,
      plannedConcentratedHours: '32',
      plannedOnlineHours: '1',
      plannedSchoolBasedHours: '7',
      courseIds: module.id,
      tags: ['principal', 'rural'],
    })
    expect(created.status).toBe(302)
    const round = await db.group.findUniqueOrThrow({ where: { code: code.toUpperCase() }, include: { roundCourses: true } })
    expect(round).toMatchObject({
      tags: ['rural', 'principal'],
      plannedConcentratedMinutes: 32 * H,
      plannedOnlineMinutes: 1 * H,
      plannedSchoolBasedMinutes: 7 * H,
      requiredMinutes: 40 * H,
    })
    expect(round.roundCourses.map((c) => c.courseId)).toEqual([module.id])
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'group.create', entityId: round.id } })
    expect(audit.after).toMatchObject({ tags: ['rural', 'principal'], courseIds: [module.id], plannedOnlineMinutes: 45 })

    // The edit form: another tag, no module, no programme.
    const edit = await callRoute(editGroupAction, {
      url: `/coordinator/groups/${round.id}/edit`,
      method: 'POST',
      cookie: coordinator.cookie,
      params: { groupId: round.id },
      body: form({
        intent: 'update',
        name: round.name,
        regionId: round.regionId,
        startDate: '2026-12-01',
        endDate: '2027-03-31',
        requiredHours: '40',
        tags: 'backbone',
      }),
    })
    expect(edit.status).toBe(302)
    expect(await db.group.findUniqueOrThrow({ where: { id: round.id }, include: { roundCourses: true } })).toMatchObject({
      tags: ['backbone'],
      plannedOnlineMinutes: null,
      roundCourses: [],
    })
  })

  test('a template with a programme fills in its planned 学时 per kind and its online modules', async () => {
    const templates = await listRoundTemplates()
    const options = { templates, modules: [{ id: 'course-xx', code: 'TT-XX-201' }] } as unknown as GroupFormOptions
    expect(templateDefaults(options, 'XCXX')).toEqual({
      plannedConcentratedHours: '24',
      plannedOnlineHours: '3',
      plannedSchoolBasedHours: '13',
      courseIds: ['course-xx'],
    })
    expect(templateDefaults(options, 'XCJS')).toEqual({})
  })
})

describe('teacher lessons by round', () => {
  test('a teacher in two rounds sees each round’s modules; a lesson is credited to the round whose module it is; an ended round offers none', async () => {
    clock('2026-08-10')
    const db = getDb()
    const lessonContent = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: '单元教学设计。' }] }] }
    const mk = async (name: string) => {
      const course = await db.course.create({
        data: { id: newId(), programId: world.programs.teacher.id, code: `T-M-${newId().slice(0, 8)}`, name, kind: 'culture' },
      })
      const lesson = await db.lesson.create({
        data: { id: newId(), courseId: course.id, code: `T-ML-${newId().slice(0, 8)}`, title: `${name}第一课`, content: lessonContent, nominalMinutes: 45 },
      })
      return { course, lesson }
    }
    const a = await mk('新课标解读')
    const b = await mk('骨干教师课例研究')
    const old = await mk('春季轮训线上课')
    await db.roundCourse.createMany({
      data: [
        { groupId: rounds.r2.id, courseId: a.course.id, position: 0 },
        { groupId: rounds.r3.id, courseId: b.course.id, position: 0 },
        { groupId: rounds.r1.id, courseId: old.course.id, position: 0 },
      ],
    })
    const teacher = await createPersonIn(db, world.regions.zhelou.id, 'teacher')
    await enrollIn(teacher.id, rounds.r2.id, '2026-05-01')
    const r3 = await enrollIn(teacher.id, rounds.r3.id, '2026-07-20')
    // R1 ended on 2026-06-30 but nothing closed this enrollment yet.
    await db.enrollment.create({
      data: {
        id: newId(),
        personId: teacher.id,
        groupId: rounds.r1.id,
        programId: world.programs.teacher.id,
        startDate: day('2026-03-01'),
        periodEnd: day('2026-06-30'),
      },
    })

    const sections = await listLessonsForPerson(db, teacher.id, '2026-08-10')
    expect(sections.map((s) => [s.round?.name, s.courses.map((c) => c.name)])).toEqual([
      ['2026年新课标培训', ['新课标解读']],
      ['2026年秋季骨干教师培训', ['骨干教师课例研究']],
    ])
    // Not the whole program: the fixture's other teacher-training course is in no round of theirs.
    expect(await findLessonForPerson(db, teacher.id, world.lessons.teacherLesson.id, '2026-08-10')).toBeNull()
    expect(await findLessonForPerson(db, teacher.id, old.lesson.id, '2026-08-10')).toBeNull()
    expect(await findLessonForPerson(db, teacher.id, b.lesson.id, '2026-08-10')).not.toBeNull()

    // A beat on R3's module is credited to the R3 enrollment, though R2's is older.
    const now = new Date('2026-08-10T02:00:00Z')
    await recordHeartbeat(db, { personId: teacher.id, lessonId: b.lesson.id, tabToken: 'tab-1', seq: 1, sentAt: now, now })
    await recordHeartbeat(db, {
      personId: teacher.id,
      lessonId: b.lesson.id,
      tabToken: 'tab-1',
      seq: 2,
      sentAt: new Date(now.getTime() + 30_000),
      now: new Date(now.getTime() + 30_000),
    })
    expect(await db.onlineCredit.findMany({ where: { personId: teacher.id }, select: { enrollmentId: true, seconds: true } })).toEqual([
      { enrollmentId: r3.id, seconds: 30 },
    ])

    // The teacher's round page: sessions, modules with progress, the round's 学时.
    await db.classSession.create({
      data: {
        id: newId(),
        groupId: rounds.r3.id,
        startsAt: new Date('2026-09-01T01:00:00Z'),
        endsAt: new Date('2026-09-01T09:30:00Z'),
        venue: '册亨县教师发展中心 301',
        plannedMinutes: 8 * H,
        checkinKey: new Uint8Array(32),
      },
    })
    const page = await roundForTeacher(db, { personId: teacher.id, groupId: rounds.r3.id, today: '2026-08-10', t, locale: 'zh-CN' })
    expect(page).toMatchObject({ status: 'active', round: { name: '2026年秋季骨干教师培训', modules: [{ name: '骨干教师课例研究', nominalMinutes: 45 }] } })
    expect(page!.sessions).toMatchObject([{ venue: '册亨县教师发展中心 301', plannedHours: 8, attended: false }])
    expect(page!.requirements.find((r) => r.code === 'round-hours')).toBeTruthy()
    // Another person's round: null (a 404).
    expect(await roundForTeacher(db, { personId: teacher.id, groupId: world.groups.round.id, today: '2026-08-10', t, locale: 'zh-CN' })).toBeNull()
  })
})

describe('a round whose end date moves later', () => {
  test('runs again: its closed enrollments are active until the new end, audited; the nightly job closes them when it passes', async () => {
    clock('2026-08-01')
    const db = getDb()
    const round = await makeRound(db, '2026年暑期班主任培训', '2026-07-01', '2026-07-31')
    const teacher = await createPersonIn(db, world.regions.zhelou.id, 'teacher')
    const e = await enrollIn(teacher.id, round.id, '2026-07-01')
    await hours(e.id, [['concentrated', 12 * H, '2026-07-10']])
    await closeEndedRounds(db, '2026-08-01')
    expect(await db.enrollment.findUniqueOrThrow({ where: { id: e.id } })).toMatchObject({ status: 'completed', finalOutcome: 'round_incomplete' })

    const input = (endDate: string): GroupInput => ({
      name: round.name,
      majorId: null,
      regionId: round.regionId,
      organizationId: null,
      startDate: round.startDate,
      endDate: day(endDate),
      requiredMinutes: round.requiredMinutes,
      plannedConcentratedMinutes: null,
      plannedOnlineMinutes: null,
      plannedSchoolBasedMinutes: null,
      tags: [],
      courseIds: [],
    })
    // Moved, but still in the past: it stays closed.
    await updateGroup(db, round.id, input('2026-07-30'), { id: coordinatorId })
    expect(await db.enrollment.findUniqueOrThrow({ where: { id: e.id } })).toMatchObject({ status: 'completed' })

    await updateGroup(db, round.id, input('2026-08-31'), { id: coordinatorId })
    expect(await db.enrollment.findUniqueOrThrow({ where: { id: e.id } })).toMatchObject({
      status: 'active',
      finalOutcome: null,
      frozenAt: null,
      periodEnd: day('2026-08-31'),
    })
    expect(await db.auditEvent.findFirst({ where: { action: 'enrollment.round_reopened', entityId: e.id } })).toMatchObject({
      actorId: coordinatorId,
      before: { status: 'completed', finalOutcome: 'round_incomplete' },
      after: { status: 'active', roundEnd: '2026-08-31' },
    })
    const p = (await loadProgress(db, [e.id], '2026-08-15')).get(e.id)!
    expect(p).toMatchObject({ enrollment: { status: 'active' }, outcome: { status: 'in_progress' } })

    clock('2026-09-01')
    await closeEndedRounds(db, '2026-09-01')
    expect(await db.enrollment.findUniqueOrThrow({ where: { id: e.id } })).toMatchObject({ status: 'completed', finalOutcome: 'round_incomplete' })
  })
})
