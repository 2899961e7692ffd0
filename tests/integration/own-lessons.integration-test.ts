/**
 * Issue 13: a learner sees and opens only the lessons of their own plan (another major's lesson is
 * a 404, by URL too), and the lesson page's "学完了" form credits the time since the page was
 * served, capped like the heartbeats, once per page.
 */
import { afterAll, beforeAll, expect, onTestFinished, test, vi } from 'vitest'
import { beijingDate, startOfBeijingDay } from '#app/domain/time.ts'
import { finishLessonReading, listLessonsForPerson, openLessonForPerson, recordHeartbeat } from '#app/models/online.server.ts'
import { action as lessonAction, loader as lessonLoader } from '#app/routes/learn.lessons.$lessonId.tsx'
import { loader as listLoader } from '#app/routes/learn._index.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { closePool } from '#app/utils/pg.server.ts'
import { callRoute } from '#tests/fixtures/db.ts'
import { createSignedInLearner, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld
let cookingLesson: { id: string }
beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db)
  // The class's plan: 种植技术基础. Another major (烹饪) of the same program has its own course and lesson.
  await db.planItem.create({ data: { id: newId(), majorId: world.groups.class.majorId, courseId: world.courses.course.id, position: 1 } })
  const cooking = await db.major.create({ data: { id: newId(), code: `cooking-${newId().slice(0, 6)}`, name: '烹饪' } })
  const course = await db.course.create({
    data: { id: newId(), programId: world.programs.skills.id, code: `T-CY-${newId().slice(0, 6)}`, name: '中式烹调', kind: 'skill' },
  })
  await db.planItem.create({ data: { id: newId(), majorId: cooking.id, courseId: course.id, position: 1 } })
  cookingLesson = await db.lesson.create({
    data: {
      id: newId(),
      courseId: course.id,
      code: `T-CYL-${newId().slice(0, 6)}`,
      title: '刀工入门',
      content: { type: 'doc', content: [] },
      nominalMinutes: 20,
    },
  })
})
afterAll(closePool)

// 2026-11-24 09:00 Beijing.
const T0 = new Date('2026-11-24T01:00:00.000Z')
const at = (s: number) => new Date(T0.getTime() + s * 1000)

async function creditSeconds(personId: string, lessonId: string, day = '2026-11-24') {
  const row = await getDb().onlineCredit.findUnique({ where: { personId_lessonId_day: { personId, lessonId, day: new Date(`${day}T00:00:00Z`) } } })
  return row?.seconds ?? 0
}

test('a 种植 learner sees only their plan’s lessons, marked by state; another major’s lesson is a 404 by URL', async () => {
  const db = getDb()
  const { person, user } = await createSignedInLearner(db, world)
  const sections = await listLessonsForPerson(db, person.id, '2026-11-24')
  expect(sections.map((s) => s.courses.map((c) => [c.name, c.lessons.map((l) => [l.title, l.state])]))).toEqual([
    [
      [
        '种植技术基础',
        [
          ['玉米种植第一课', 'not_started'],
          ['玉米种植第二课', 'not_started'],
        ],
      ],
    ],
  ])

  // The page: the list, the own lesson (200), the other major's lesson (404), an unknown id (404).
  const list = await callRoute(listLoader, { url: '/learn', cookie: user.cookie })
  expect(JSON.stringify(list.value)).not.toContain('中式烹调')
  const own = await callRoute(lessonLoader, {
    url: `/learn/lessons/${world.lessons.lesson.id}`,
    cookie: user.cookie,
    params: { lessonId: world.lessons.lesson.id },
  })
  expect(own.status).toBe(200)
  for (const lessonId of [cookingLesson.id, world.lessons.teacherLesson.id, 'no-such-lesson']) {
    const other = await callRoute(lessonLoader, { url: `/learn/lessons/${lessonId}`, cookie: user.cookie, params: { lessonId } })
    expect(other.status).toBe(404)
  }
  // 学完了 on another major's lesson is a 404 too, and credits nothing.
  const post = await callRoute(lessonAction, {
    url: `/learn/lessons/${cookingLesson.id}`,
    cookie: user.cookie,
    method: 'POST',
    params: { lessonId: cookingLesson.id },
    body: new URLSearchParams({ token: 'x' }),
  })
  expect(post.status).toBe(404)
  expect(await db.onlineCredit.count({ where: { personId: person.id } })).toBe(0)

  // Opening a lesson makes it 学习中 (the first was opened through the page above).
  const before = await listLessonsForPerson(db, person.id, '2026-11-24')
  expect(before[0]!.courses[0]!.lessons.map((l) => l.state)).toEqual(['in_progress', 'not_started'])
  await openLessonForPerson(db, { personId: person.id, lessonId: world.lessons.lesson2.id, now: at(0) })
  const after = await listLessonsForPerson(db, person.id, '2026-11-24')
  expect(after[0]!.courses[0]!.lessons.map((l) => l.state)).toEqual(['in_progress', 'in_progress'])
})

test('学完了 credits the time since the page was served, once, capped at the lesson’s minutes and its daily cap', async () => {
  const db = getDb()
  const { person } = await createSignedInLearner(db, world)
  const lessonId = world.lessons.lesson.id // 30 minutes: at most 36 a day

  const page1 = await openLessonForPerson(db, { personId: person.id, lessonId, now: at(0) })
  const first = await finishLessonReading(db, { personId: person.id, lessonId, token: page1!.finishToken, now: at(12 * 60) })
  expect(first).toMatchObject({ status: 'credited', seconds: 720, reason: 'credited' })
  // The same form sent twice (a double tap, the back button): nothing more.
  const again = await finishLessonReading(db, { personId: person.id, lessonId, token: page1!.finishToken, now: at(13 * 60) })
  expect(again).toMatchObject({ status: 'already', seconds: 0 })
  expect(await creditSeconds(person.id, lessonId)).toBe(720)
  const sections = await listLessonsForPerson(db, person.id, '2026-11-24')
  expect(sections[0]!.courses[0]!.lessons[0]!.state).toBe('done')

  // A page left open for hours: at most the lesson's minutes, then cut to the day's cap (36 − 12 = 24 minutes).
  const page2 = await openLessonForPerson(db, { personId: person.id, lessonId, now: at(20 * 60) })
  const long = await finishLessonReading(db, { personId: person.id, lessonId, token: page2!.finishToken, now: at(20 * 60 + 5 * 3600) })
  expect(long).toMatchObject({ status: 'credited', seconds: 24 * 60, reason: 'lesson_cap' })
  expect(await creditSeconds(person.id, lessonId)).toBe(36 * 60)

  // Full for today: a third reading credits nothing.
  const page3 = await openLessonForPerson(db, { personId: person.id, lessonId, now: at(6 * 3600) })
  const full = await finishLessonReading(db, { personId: person.id, lessonId, token: page3!.finishToken, now: at(6 * 3600 + 600) })
  expect(full).toMatchObject({ status: 'credited', seconds: 0, reason: 'lesson_cap' })
  expect(await creditSeconds(person.id, lessonId)).toBe(36 * 60)

  // An older page's token is spent once a newer page of the lesson is served.
  const old = await openLessonForPerson(db, { personId: person.id, lessonId: world.lessons.lesson2.id, now: at(7 * 3600) })
  await openLessonForPerson(db, { personId: person.id, lessonId: world.lessons.lesson2.id, now: at(7 * 3600 + 60) })
  expect(
    await finishLessonReading(db, { personId: person.id, lessonId: world.lessons.lesson2.id, token: old!.finishToken, now: at(7 * 3600 + 900) }),
  ).toMatchObject({
    status: 'already',
    seconds: 0,
  })
  expect(await creditSeconds(person.id, world.lessons.lesson2.id)).toBe(0)
})

test('with JavaScript on, time the heartbeats credited during the page is not credited again by 学完了', async () => {
  const db = getDb()
  const { person } = await createSignedInLearner(db, world)
  const lessonId = world.lessons.lesson2.id
  const page = await openLessonForPerson(db, { personId: person.id, lessonId, now: at(0) })
  for (const [seq, s] of [
    [1, 1],
    [2, 31],
    [3, 61],
  ] as const)
    await recordHeartbeat(db, { personId: person.id, lessonId, tabToken: 'tab', seq, sentAt: at(s), now: at(s) })
  expect(await creditSeconds(person.id, lessonId)).toBe(60)
  const done = await finishLessonReading(db, { personId: person.id, lessonId, token: page!.finishToken, now: at(300) })
  expect(done).toMatchObject({ status: 'credited', seconds: 240 })
  expect(await creditSeconds(person.id, lessonId)).toBe(300)
})

test('the page’s 学完了 form through the route: credited minutes in words, the second submit says it was already counted', async () => {
  // Ten minutes of reading, all on one Beijing day (a day's credit starts at its midnight): a run in the first
  // minutes after midnight there reads a clock a quarter of an hour on.
  const now = Date.now()
  const sinceMidnight = now - startOfBeijingDay(beijingDate(new Date(now))).getTime()
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(sinceMidnight < 12 * 60_000 ? now + 15 * 60_000 : now)
  onTestFinished(() => {
    vi.useRealTimers()
  })
  const db = getDb()
  const { person, user } = await createSignedInLearner(db, world)
  const lessonId = world.lessons.lesson.id
  const page = await callRoute(lessonLoader, { url: `/learn/lessons/${lessonId}`, cookie: user.cookie, params: { lessonId } })
  const token = (page.value as { lesson: { finishToken: string } }).lesson.finishToken
  // The learner read for ten minutes.
  await db.lessonProgress.update({
    where: { personId_lessonId: { personId: person.id, lessonId } },
    data: { lastOpenedAt: new Date(Date.now() - 10 * 60_000) },
  })
  const send = () =>
    callRoute(lessonAction, {
      url: `/learn/lessons/${lessonId}`,
      cookie: user.cookie,
      method: 'POST',
      params: { lessonId },
      body: new URLSearchParams({ token }),
    })
  const first = await send()
  expect(first.value).toEqual({ finished: { key: 'learn.finish.credited', minutes: 10 } })
  const second = await send()
  expect(second.value).toEqual({ finished: { key: 'learn.finish.already', minutes: 0 } })
  const credited = await db.onlineCredit.findMany({ where: { personId: person.id, lessonId } })
  expect(credited.reduce((sum, c) => sum + c.seconds, 0)).toBeGreaterThanOrEqual(600)
  expect(credited.reduce((sum, c) => sum + c.seconds, 0)).toBeLessThan(610)
})
