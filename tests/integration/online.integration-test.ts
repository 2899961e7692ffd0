import { afterAll, beforeAll, expect, test } from 'vitest'
import { foldOnlineCredits, OnlineError, recordHeartbeat } from '#app/models/online.server.ts'
import { loadEnrollmentProgress } from '#app/models/progress.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { closePool } from '#app/utils/pg.server.ts'
import { createEnrolledPerson, createTrainingWorld, offerWorldLessons, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld
beforeAll(async () => {
  world = await createTrainingWorld(getDb())
  await offerWorldLessons(getDb(), world)
})
afterAll(closePool)

// 2026-11-24 09:00 Beijing.
const T0 = new Date('2026-11-24T01:00:00.000Z')
const at = (s: number) => new Date(T0.getTime() + s * 1000)

async function learner() {
  return createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
}

function beater(personId: string, lessonId = world.lessons.lesson.id) {
  return (tabToken: string, seq: number, s: number, opts: { sentAt?: Date } = {}) =>
    recordHeartbeat(getDb(), { personId, lessonId, tabToken, seq, sentAt: opts.sentAt ?? at(s), now: at(s) })
}

async function creditSeconds(personId: string, lessonId = world.lessons.lesson.id, day = '2026-11-24') {
  const row = await getDb().onlineCredit.findUnique({ where: { personId_lessonId_day: { personId, lessonId, day: new Date(`${day}T00:00:00Z`) } } })
  return row?.seconds ?? 0
}

test('a sequence with a second tab, a replay, a 10-minute gap and a future beat credits exactly the real time', async () => {
  const db = getDb()
  const { person, enrollment } = await learner()
  const beat = beater(person.id)
  const answers: [string, number][] = []
  const run = async (...args: Parameters<typeof beat>) => {
    const r = await beat(...args)
    answers.push([r.reason, r.credited])
    return r
  }
  await run('tab-a', 1, 0) //                       started
  await run('tab-a', 2, 30) //                      +30
  await run('tab-a', 3, 60) //                      +30
  await run('tab-b', 1, 75) //                      tab b takes over
  await run('tab-a', 4, 90) //                      tab a: other tab
  await run('tab-b', 2, 105) //                     +30
  await run('tab-b', 2, 106) //                     replay
  await run('tab-b', 3, 135) //                     +30
  await run('tab-b', 4, 735) //                     10 minutes later: gap, restart
  await run('tab-b', 5, 765, { sentAt: at(765 + 3600) }) // future
  await run('tab-b', 6, 790) //                     +55 (since the beat at 735; the future one changed nothing)
  expect(answers).toEqual([
    ['started', 0],
    ['credited', 30],
    ['credited', 30],
    ['started', 0],
    ['other_tab_took_over', 0],
    ['credited', 30],
    ['replay', 0],
    ['credited', 30],
    ['gap_restart', 0],
    ['future', 0],
    ['credited', 55],
  ])
  expect(await creditSeconds(person.id)).toBe(175)

  // Live in progress before folding (whole minutes: 2), then exactly one ledger entry of 2 minutes.
  const progress = async () =>
    (await loadEnrollmentProgress(db, enrollment.id, '2026-11-25'))!.evaluation.requirements.find((r) => r.code === 'self-study-and-online')!.earnedMinutes
  expect(await progress()).toBe(2)
  expect(await foldOnlineCredits(db, { beforeDay: '2026-11-24' })).toEqual({ folded: 0, entries: 0 }) // today is not closed yet
  const first = await foldOnlineCredits(db, { beforeDay: '2026-11-25', personId: person.id })
  expect(first).toEqual({ folded: 1, entries: 1 })
  const again = await foldOnlineCredits(db, { beforeDay: '2026-11-25', personId: person.id })
  expect(again).toEqual({ folded: 0, entries: 0 })
  const entries = await db.hourEntry.findMany({ where: { enrollmentId: enrollment.id } })
  expect(entries).toHaveLength(1)
  expect(entries[0]).toMatchObject({ category: 'online', source: 'online_tracking', minutes: 2 })
  expect(entries[0]!.occurredOn.toISOString().slice(0, 10)).toBe('2026-11-24')
  expect(await progress()).toBe(2) // folded, not counted twice
  expect(await db.auditEvent.count({ where: { entityType: 'HourEntry', entityId: entries[0]!.id.toString() } })).toBe(1)
})

test('a folded day takes no more seconds, and a late beat is answered with 0', async () => {
  const db = getDb()
  const { person } = await learner()
  const beat = beater(person.id)
  await beat('t', 1, 0)
  expect((await beat('t', 2, 30)).credited).toBe(30)
  await foldOnlineCredits(db, { beforeDay: '2026-11-25', personId: person.id })
  expect((await beat('t', 3, 60)).credited).toBe(0)
  expect(await creditSeconds(person.id)).toBe(30)
})

test('the lesson cap (30 min + 20 % = 36 min a day) stops crediting', async () => {
  const { person } = await learner()
  const lessonId = world.lessons.lesson.id
  const beat = beater(person.id)
  await beat('t', 1, 0)
  let seq = 2
  let last
  for (let s = 30; s <= 36 * 60 + 120; s += 30) last = await beat('t', seq++, s)
  expect(last).toMatchObject({ credited: 0, reason: 'lesson_cap', lessonSecondsToday: 36 * 60, lessonCapSeconds: 36 * 60 })
  expect(await creditSeconds(person.id, lessonId)).toBe(36 * 60)

  // Another lesson still credits the same day.
  const beat2 = beater(person.id, world.lessons.lesson2.id)
  await beat2('u', 1, 5000)
  expect((await beat2('u', 2, 5030)).credited).toBe(30)
})

test('the daily cap (8 学时 = 360 min across all lessons) stops crediting, also part-way through a beat', async () => {
  const db = getDb()
  const { person, enrollment } = await learner()
  // Earlier today: 359.5 minutes on other lessons (written as the heartbeat path would have).
  const otherLesson = { id: newId(), courseId: world.courses.course.id, code: `T-LX-${newId().slice(0, 6)}`, title: '长课', content: {}, nominalMinutes: 600 }
  await db.lesson.create({ data: otherLesson })
  await db.onlineCredit.create({
    data: {
      id: newId(),
      personId: person.id,
      lessonId: otherLesson.id,
      enrollmentId: enrollment.id,
      day: new Date('2026-11-24T00:00:00Z'),
      seconds: 360 * 60 - 30,
    },
  })
  const beat = beater(person.id, world.lessons.lesson2.id)
  await beat('t', 1, 0)
  expect(await beat('t', 2, 20)).toMatchObject({ credited: 20, reason: 'credited' })
  expect(await beat('t', 3, 50)).toMatchObject({ credited: 10, reason: 'daily_cap', personSecondsToday: 360 * 60 })
  expect(await beat('t', 4, 80)).toMatchObject({ credited: 0, reason: 'daily_cap' })
  expect(await creditSeconds(person.id, world.lessons.lesson2.id)).toBe(30)
  // The next Beijing day starts afresh (its first beat restarts the interval).
  const nextDay = await recordHeartbeat(db, {
    personId: person.id,
    lessonId: world.lessons.lesson2.id,
    tabToken: 't',
    seq: 5,
    sentAt: new Date('2026-11-24T16:00:20Z'),
    now: new Date('2026-11-24T16:00:20Z'),
  })
  expect(nextDay).toMatchObject({ reason: 'gap_restart', day: '2026-11-25', dayChanged: true })
})

test('two tabs beating at the same moment never both credit', async () => {
  const { person } = await learner()
  const beat = beater(person.id)
  await beat('a', 1, 0)
  await beat('a', 2, 30)
  await beat('b', 1, 31) // b takes over
  for (let i = 0; i < 10; i++) {
    const s = 60 + i * 30
    // a (replaced) and b beat at once; a fresh tab c also opens at once on odd rounds.
    const results = await Promise.all([beat('a', 3 + i, s), beat('b', 2 + i, s), ...(i % 2 ? [beat(`c${i}`, 1, s)] : [])])
    expect(results.filter((r) => r.credited > 0).length).toBeLessThanOrEqual(1)
  }
  const total = await creditSeconds(person.id)
  // Never more than real time: 30 s (a) + at most 30 s per 30-second round.
  expect(total).toBeLessThanOrEqual(30 + 10 * 30)
})

test('concurrent first beats of one person from two devices: one presence, no error', async () => {
  const { person } = await learner()
  const beat = beater(person.id)
  const results = await Promise.all([beat('x', 1, 0), beat('y', 1, 0), beat('z', 1, 0)])
  expect(results.every((r) => r.reason === 'started' && r.credited === 0)).toBe(true)
  expect(await getDb().onlinePresence.count({ where: { personId: person.id } })).toBe(1)
})

test('folding twice at once writes one entry; under a minute writes none but is marked folded', async () => {
  const db = getDb()
  const { person, enrollment } = await learner()
  const beat = beater(person.id)
  await beat('t', 1, 0)
  for (let i = 1; i <= 5; i++) await beat('t', 1 + i, i * 30) // 150 s
  const beat2 = beater(person.id, world.lessons.lesson2.id)
  await beat2('u', 1, 1000)
  await beat2('u', 2, 1040) // 40 s: under a minute
  const [a, b] = await Promise.all([
    foldOnlineCredits(db, { beforeDay: '2026-11-25', personId: person.id }),
    foldOnlineCredits(db, { beforeDay: '2026-11-25', personId: person.id }),
  ])
  expect(a.entries + b.entries).toBe(1)
  expect(a.folded + b.folded).toBe(2)
  const entries = await db.hourEntry.findMany({ where: { enrollmentId: enrollment.id } })
  expect(entries.map((e) => e.minutes)).toEqual([2])
  expect(await db.onlineCredit.count({ where: { personId: person.id, foldedAt: null } })).toBe(0)
})

test('a lesson outside the person’s programs, or without an active enrollment, is refused and credits nothing', async () => {
  const db = getDb()
  const { person, enrollment } = await learner()
  // The teacher-training lesson: the learner is not in that program.
  await expect(
    recordHeartbeat(db, { personId: person.id, lessonId: world.lessons.teacherLesson.id, tabToken: 't', seq: 1, sentAt: at(0), now: at(0) }),
  ).rejects.toMatchObject({ code: 'no_active_enrollment' })
  await expect(recordHeartbeat(db, { personId: person.id, lessonId: 'nope', tabToken: 't', seq: 1, sentAt: at(0), now: at(0) })).rejects.toBeInstanceOf(
    OnlineError,
  )
  // Withdrawn: refused too.
  const beat = beater(person.id)
  await beat('t', 1, 0)
  await db.enrollment.update({ where: { id: enrollment.id }, data: { status: 'withdrawn' } })
  await expect(beat('t', 2, 30)).rejects.toMatchObject({ code: 'no_active_enrollment' })
  expect(await db.onlineCredit.count({ where: { personId: person.id } })).toBe(0)
})

test('a lesson of the program that the learner’s plan or round does not offer credits nothing (as the lesson list does not list it)', async () => {
  const db = getDb()
  const suffix = newId().slice(0, 6)
  // A course of the same program, not in the class major's plan, and one of the teacher program outside the round's programme.
  const courses = [
    { id: newId(), programId: world.programs.skills.id, code: `X-C-${suffix}`, name: '养殖技术', credits: 2, kind: 'skill' as const },
    { id: newId(), programId: world.programs.teacher.id, code: `X-TC-${suffix}`, name: '班级管理', credits: 0, kind: 'culture' as const },
  ]
  await db.course.createMany({ data: courses })
  const content = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: '养殖' }] }] }
  const lessons = courses.map((c) => ({ id: newId(), courseId: c.id, code: `X-L-${c.code}`, title: c.name, content, nominalMinutes: 30 }))
  await db.lesson.createMany({ data: lessons })
  const { person } = await learner()
  const teacher = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
  for (const [personId, lessonId] of [
    [person.id, lessons[0]!.id],
    [teacher.person.id, lessons[1]!.id],
  ] as const) {
    await expect(recordHeartbeat(db, { personId, lessonId, tabToken: 't', seq: 1, sentAt: at(0), now: at(0) })).rejects.toMatchObject({
      code: 'no_active_enrollment',
    })
  }
  // The lessons on offer are credited: the plan's lesson for the learner, the round's module for the teacher.
  for (const [personId, lessonId] of [
    [person.id, world.lessons.lesson.id],
    [teacher.person.id, world.lessons.teacherLesson.id],
  ] as const) {
    const beat = beater(personId, lessonId)
    await beat('t', 1, 0)
    expect((await beat('t', 2, 30)).credited).toBe(30)
  }
  expect(await db.onlineCredit.count({ where: { personId: { in: [person.id, teacher.person.id] }, lessonId: { in: lessons.map((l) => l.id) } } })).toBe(0)
})
