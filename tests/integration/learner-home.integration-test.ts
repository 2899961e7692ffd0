/**
 * Issue 13: the learner home's one call (loadLearnerHome) says what to do next: the ring with the
 * missing 学时 and the pace, today's check-in not yet checked out, the next session, 继续学习,
 * self-study under review and decided, the latest notifications, plain words for what is left.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { translator } from '#app/i18n/index.ts'
import type { CurrentUser } from '#app/models/access.server.ts'
import { loadLearnerHome } from '#app/models/learner-home.server.ts'
import { openLessonForPerson } from '#app/models/online.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { closePool } from '#app/utils/pg.server.ts'
import { createSignedInLearner, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld
beforeAll(async () => {
  world = await createTrainingWorld(getDb())
  await getDb().planItem.create({ data: { id: newId(), majorId: world.groups.class.majorId, courseId: world.courses.course.id, position: 1 } })
})
afterAll(closePool)

const t = translator('zh-CN')
const asUser = (u: { id: string; username: string }, personId: string): CurrentUser => ({
  id: u.id,
  username: u.username,
  displayName: '测试学员',
  personId,
  locale: null,
  mustChangePassword: false,
  sessionId: 'test',
  signInMethod: 'password',
  grants: [{ role: 'learner', scope: { kind: 'none' }, canVerifyGraduation: false }],
})

test('the home: ring and pace, checked-in banner, next session, 继续学习, pending and decided self-study, notifications, plain to-do', async () => {
  const db = getDb()
  const { person, enrollment, user } = await createSignedInLearner(db, world)
  const now = new Date()
  const hour = 3600_000
  // A session going on now (checked in, not out), one in three days, and a cancelled one tomorrow.
  const session = (startsAt: Date, hours: number, venue: string, extra: object = {}) => ({
    id: newId(),
    groupId: world.groups.class.id,
    startsAt,
    endsAt: new Date(startsAt.getTime() + hours * hour),
    venue,
    plannedMinutes: hours * 60,
    description: '带上笔记本和身份证',
    checkinKey: new Uint8Array(randomBytes(32)),
    ...extra,
  })
  // Starts one minute ago at the latest, so that it is today's session in Beijing too (unless run within a minute of midnight).
  const current = session(new Date(now.getTime() - 60_000), 2, '实训楼 2 楼')
  const later = session(new Date(now.getTime() + 72 * hour), 8, '实训楼 3 楼')
  const cancelled = session(new Date(now.getTime() + 24 * hour), 8, '不去了', { cancelledAt: now })
  await db.classSession.createMany({ data: [current, later, cancelled] })
  await db.attendance.create({ data: { id: newId(), sessionId: current.id, enrollmentId: enrollment.id, checkedInAt: now, method: 'qr' } })
  await db.selfStudyLog.createMany({
    data: [
      {
        id: newId(),
        enrollmentId: enrollment.id,
        personId: person.id,
        studiedOn: new Date('2026-11-20'),
        minutes: 60,
        content: '看种植视频',
        idempotencyKey: newId(),
      },
      {
        id: newId(),
        enrollmentId: enrollment.id,
        personId: person.id,
        studiedOn: new Date('2026-11-19'),
        minutes: 30,
        content: '抄写笔记',
        status: 'rejected',
        rejectReason: '照片看不清',
        reviewedAt: now,
        idempotencyKey: newId(),
      },
    ],
  })
  await db.notification.create({
    data: {
      id: newId(),
      userId: user.id,
      rule: 'decision',
      dedupKey: newId(),
      title: '自学记录没通过',
      body: '照片看不清',
      params: {},
      link: '/me/self-study',
    },
  })
  await openLessonForPerson(db, { personId: person.id, lessonId: world.lessons.lesson2.id, now })

  const home = await loadLearnerHome(db, { user: asUser(user, person.id), now, t, locale: 'zh-CN' })
  const [card] = home.cards
  expect(card!.rings.map((r) => [r.code, r.label, r.pace.kind, r.earnedHours, r.requiredHours])).toEqual([
    ['self-study-and-online', '自学和线上学习', 'weekly', 0, 360],
  ])
  expect(card!.rings[0]!.pace).toMatchObject({ missingHours: 360 })
  expect(card!.todo).toContain('品德评价还没有填：由班主任填写，你不用做什么')
  expect(card!.todo.join('')).not.toContain('思想品德评价尚未通过')

  expect(home.checkedIn).toMatchObject({ sessionId: current.id, endsAt: current.endsAt.toISOString(), venue: '实训楼 2 楼', group: '测试种植班' })
  expect(home.nextSession).toMatchObject({ id: later.id, venue: '实训楼 3 楼', note: '带上笔记本和身份证' })
  expect(home.lastLesson).toMatchObject({ id: world.lessons.lesson2.id, title: '玉米种植第二课' })
  expect(home.pending.map((p) => [p.status, p.what, p.reason])).toEqual([
    ['pending', '2026-11-20 自学 60 分钟：看种植视频', null],
    ['rejected', '2026-11-19 自学 30 分钟：抄写笔记', '照片看不清'],
  ])
  expect(home.notifications.map((n) => [n.title, n.read])).toEqual([['自学记录没通过', false]])
  expect(home.unread).toBe(1)
  expect(home.certificates).toEqual([])

  // Checked out: no banner any more.
  await db.attendance.updateMany({ where: { sessionId: current.id }, data: { checkedOutAt: now, creditedMinutes: 0 } })
  expect((await loadLearnerHome(db, { user: asUser(user, person.id), now, t, locale: 'zh-CN' })).checkedIn).toBeNull()
})

test('a user without a person gets an empty home, not an error', async () => {
  const home = await loadLearnerHome(getDb(), { user: { ...asUser({ id: newId(), username: 'x' }, ''), personId: null }, now: new Date(), t, locale: 'zh-CN' })
  expect(home).toMatchObject({ cards: [], nextSession: null, checkedIn: null, lastLesson: null, pending: [] })
})
