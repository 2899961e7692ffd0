/**
 * Issue 11, Must show 1: reminders on real PostgreSQL and Redis with a fixed
 * clock. The daily sweep writes exactly the reminders a seeded class is owed,
 * and nothing more when run again; quiet hours hold an SMS until 08:00; an
 * opted-out channel is skipped; a gateway failing twice then answering
 * delivers once (through a real BullMQ worker and its backoff); email goes
 * through SMTP; decisions and sessions notify the learner once.
 */
import { randomBytes } from 'node:crypto'
import { Queue } from 'bullmq'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DELIVERY_QUEUE, REMINDER_QUEUE, enqueueDeliveries, producerQueues } from '#app/jobs/reminders.ts'
import { redisConnection } from '#app/jobs/queue.server.ts'
import { personRow } from '#app/models/people.server.ts'
import {
  deliverOne,
  getPreferences,
  listNotifications,
  markRead,
  notifyDecision,
  runDailySweep,
  runSessionSweep,
  setPreferences,
  unreadCount,
  type QueuedDelivery,
  type Senders,
} from '#app/models/notifications.server.ts'
import { startSmsStandIn, type SmsStandIn } from '#app/server/sms-stand-in.ts'
import { getDb } from '#app/utils/db.server.ts'
import { resetEnvCache } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { sendMail } from '#app/utils/mail.server.ts'
import { sendSms } from '#app/utils/sms.server.ts'
import { createTestUser } from '#tests/fixtures/db.ts'
import { fakePerson, fakePhone } from '#tests/fixtures/factories.ts'
import { createTrainingWorld, enroll, type TrainingWorld } from '#tests/fixtures/training.ts'

const prefix = `xxt_${randomBytes(5).toString('hex')}`
process.env.XX_QUEUE_PREFIX = prefix
process.env.XX_DELIVERY_RETRY_MS = '100'
resetEnvCache()

const H = 45
const TODAY = '2026-12-01' // a Tuesday, ISO week 2026-W49
const NINE_AM = new Date('2026-12-01T01:00:00Z') // 09:00 Beijing
const day = (d: string) => new Date(`${d}T00:00:00Z`)

let world: TrainingWorld
let gateway: SmsStandIn
let senders: Senders
const people: Record<string, { personId: string; userId: string | null; enrollmentId: string; phone: string }> = {}

async function person(db: ReturnType<typeof getDb>, key: string, opts: { kind?: 'adult_learner' | 'teacher'; account?: boolean; email?: string } = {}) {
  const kind = opts.kind ?? 'adult_learner'
  const phone = fakePhone()
  const row = personRow({ ...fakePerson(kind), phone, regionId: world.regions.zhelou.id }, TODAY)
  await db.person.create({ data: row })
  const group = kind === 'teacher' ? world.groups.round : world.groups.class
  const enrollment = await enroll(db, { personId: row.id, group })
  let userId: string | null = null
  if (opts.account !== false) {
    userId = (await createTestUser(db, { role: kind === 'teacher' ? 'teacher' : 'learner', personId: row.id })).id
    if (opts.email) await db.user.update({ where: { id: userId }, data: { email: opts.email } })
  }
  people[key] = { personId: row.id, userId, enrollmentId: enrollment.id, phone }
  return people[key]
}

async function selfStudy(db: ReturnType<typeof getDb>, key: string, hours: number) {
  const p = people[key]!
  await db.hourEntry.create({
    data: {
      enrollmentId: p.enrollmentId,
      personId: p.personId,
      groupId: world.groups.class.id,
      category: 'self_study',
      minutes: hours * H,
      occurredOn: day('2026-10-01'),
      source: 'transfer',
      reason: '测试',
    },
  })
}

beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db, { classStart: '2026-03-01', roundStart: '2026-09-01', roundEnd: '2026-12-31' })
  gateway = await startSmsStandIn()
  senders = {
    sms: (m) => sendSms({ phone: m.phone, template: m.template as never, params: m.params, outId: m.outId }, gateway.config),
    smsAccepted: async () => 'unknown',
  }
  // The seeded class (3 study years from 2026-03-01: on 12-01 about a quarter of 360 学时 is the straight line).
  await person(db, 'behind') // nothing earned: behind pace
  await person(db, 'onPace')
  await selfStudy(db, 'onPace', 100) // ahead of the line: nothing
  await person(db, 'withdrawn')
  await db.enrollment.update({ where: { id: people.withdrawn!.enrollmentId }, data: { status: 'withdrawn' } }) // nothing, behind or not
  await person(db, 'ending')
  await db.enrollment.update({ where: { id: people.ending!.enrollmentId }, data: { periodEnd: day('2026-12-20') } }) // 19 days left, hours missing
  await person(db, 'noAccount', { account: false }) // no account (yet): nothing
  await person(db, 'teacher', { kind: 'teacher' }) // the round ends 12-31 with 40 学时 missing; the 5-year cycle far behind
}, 60_000)

afterAll(async () => {
  await gateway.close()
  for (const name of [REMINDER_QUEUE, DELIVERY_QUEUE]) {
    const q = new Queue(name, { connection: redisConnection(), prefix })
    await q.obliterate({ force: true })
    await q.close()
  }
  const { deliveries, reminders } = producerQueues()
  await Promise.all([deliveries.close(), reminders.close()])
})

describe('the daily sweep', () => {
  test('creates exactly the reminders the class is owed, with one SMS delivery each; run again, it adds none', async () => {
    const db = getDb()
    const handed: QueuedDelivery[] = []
    const first = await runDailySweep(db, { today: TODAY, now: NINE_AM, batchSize: 2, onDeliveries: async (d) => void handed.push(...d) })
    const rows = await db.notification.findMany({ select: { userId: true, rule: true, dedupKey: true, body: true, enrollmentId: true, createdAt: true } })
    const got = rows.map((r) => `${r.userId} ${r.rule} ${r.dedupKey}`).sort()
    const { behind, ending, teacher } = people
    expect(got).toEqual(
      [
        `${behind!.userId} behind_pace behind_pace:${behind!.personId}:2026-W49`,
        `${ending!.userId} period_ending_30 period_ending_30:${ending!.personId}:${ending!.enrollmentId}:2026-12-20`,
        `${teacher!.userId} period_ending_30 period_ending_30:${teacher!.personId}:${teacher!.enrollmentId}:2026-12-31`,
        `${teacher!.userId} cycle_behind cycle_behind:${teacher!.personId}:2026-12`,
      ].sort(),
    )
    expect(rows.find((r) => r.rule === 'period_ending_30' && r.userId === ending!.userId)!.body).toBe('还差360学时，12月20日截止，请抓紧学习。')
    expect(rows.find((r) => r.rule === 'period_ending_30' && r.userId === teacher!.userId)!.body).toBe('还差40学时，12月31日截止，请抓紧学习。')
    expect(rows.every((r) => r.createdAt.getTime() === NINE_AM.getTime())).toBe(true)
    expect(first).toMatchObject({ enrollments: 4, notifications: 4, deliveries: 4 }) // withdrawn and no-account people are not swept
    const deliveries = await db.notificationDelivery.findMany({ select: { id: true, channel: true, status: true, sendAfter: true } })
    expect(deliveries).toHaveLength(4)
    expect(deliveries.every((d) => d.channel === 'sms' && d.status === 'pending' && d.sendAfter.getTime() === NINE_AM.getTime())).toBe(true)
    expect(handed.map((d) => d.id).sort()).toEqual(deliveries.map((d) => d.id).sort())

    const again = await runDailySweep(db, { today: TODAY, now: new Date(NINE_AM.getTime() + 3600_000), onDeliveries: async (d) => void handed.push(...d) })
    expect(again).toMatchObject({ notifications: 0, deliveries: 0 })
    expect(await db.notification.count()).toBe(4)
    expect(await db.notificationDelivery.count()).toBe(4)
    // Later the same week: behind pace is not said again; the next week it is.
    await runDailySweep(db, { today: '2026-12-06', now: new Date('2026-12-06T01:00:00Z') })
    expect(await db.notification.count({ where: { rule: 'behind_pace' } })).toBe(1)
    await runDailySweep(db, { today: '2026-12-07', now: new Date('2026-12-07T01:00:00Z') })
    expect(await db.notification.count({ where: { rule: 'behind_pace' } })).toBe(2)
    // Delivered once each; a second run of the same delivery sends nothing.
    for (const d of deliveries) expect((await deliverOne(db, d.id, { now: NINE_AM, senders, leaseMs: 60_000, retryBaseMs: 100 })).outcome).toBe('sent')
    for (const d of deliveries) expect((await deliverOne(db, d.id, { now: NINE_AM, senders, leaseMs: 60_000, retryBaseMs: 100 })).outcome).toBe('done')
    expect(gateway.received.filter((m) => deliveries.some((d) => d.id === m.outId))).toHaveLength(4)
    const sms = gateway.received.find((m) => m.phone === ending!.phone)!
    expect(sms.text).toBe('【乡学】还差360学时，12月20日截止，请抓紧学习。')
  })
})

/** A notice for one person at a given instant (the decision path), returning its SMS delivery. */
async function noticeAt(key: string, now: Date) {
  const db = getDb()
  const p = people[key]!
  const decisionId = newId()
  await notifyDecision(db, { kind: 'self_study', decisionId, enrollmentId: p.enrollmentId, approved: true, reason: null, now })
  return db.notificationDelivery.findFirstOrThrow({ where: { channel: 'sms', notification: { dedupKey: `decision:self_study:${decisionId}` } } })
}

test('quiet hours: an SMS due at 22:30 Beijing waits until 08:00, then goes once', async () => {
  const db = getDb()
  const evening = new Date('2026-12-01T14:30:00Z') // 22:30 Beijing
  const d = await noticeAt('onPace', evening)
  expect(d.sendAfter.toISOString()).toBe('2026-12-02T00:00:00.000Z') // 08:00 Beijing
  const before = gateway.received.length
  const night = await deliverOne(db, d.id, { now: new Date('2026-12-01T20:00:00Z'), senders, leaseMs: 60_000, retryBaseMs: 100 }) // 04:00
  expect(night).toEqual({ outcome: 'wait', at: d.sendAfter })
  expect(gateway.received.length).toBe(before)
  expect((await db.notificationDelivery.findUniqueOrThrow({ where: { id: d.id } })).status).toBe('pending')
  const morning = await deliverOne(db, d.id, { now: new Date('2026-12-02T00:00:00Z'), senders, leaseMs: 60_000, retryBaseMs: 100 })
  expect(morning.outcome).toBe('sent')
  expect(gateway.received.filter((m) => m.outId === d.id)).toHaveLength(1)
  // The in-app copy was there at once, unread.
  expect(await unreadCount(db, people.onPace!.userId!)).toBeGreaterThan(0)
})

test('an opted-out channel is skipped; a withdrawn learner gets nothing more; in-app stays', async () => {
  const db = getDb()
  const userId = people.onPace!.userId!
  expect(await getPreferences(db, userId)).toEqual({ sms: true, email: true })
  await setPreferences(db, userId, { sms: false, email: true })
  const d = await noticeAt('onPace', NINE_AM)
  const before = gateway.attempts()
  expect(await deliverOne(db, d.id, { now: NINE_AM, senders, leaseMs: 60_000, retryBaseMs: 100 })).toEqual({ outcome: 'skipped', reason: 'opted_out' })
  expect(gateway.attempts()).toBe(before)
  expect((await db.notificationDelivery.findUniqueOrThrow({ where: { id: d.id } })).status).toBe('skipped')
  expect(await db.auditEvent.count({ where: { action: 'notification.preferences', entityId: userId } })).toBe(1)

  // Withdrawn after the reminder was written: sending re-checks and skips.
  const w = await noticeAt('behind', NINE_AM)
  await db.enrollment.update({ where: { id: people.behind!.enrollmentId }, data: { status: 'withdrawn' } })
  expect(await deliverOne(db, w.id, { now: NINE_AM, senders, leaseMs: 60_000, retryBaseMs: 100 })).toEqual({
    outcome: 'skipped',
    reason: 'enrollment_withdrawn',
  })
  await db.enrollment.update({ where: { id: people.behind!.enrollmentId }, data: { status: 'active' } })
  const list = await listNotifications(db, userId)
  expect(list[0]!.readAt).toBeNull()
  await markRead(db, userId, list[0]!.id)
  expect((await listNotifications(db, userId))[0]!.readAt).not.toBeNull()
  // Someone else's notification cannot be marked.
  const other = (await listNotifications(db, people.ending!.userId!))[0]!
  await markRead(db, userId, other.id)
  expect((await db.notification.findUniqueOrThrow({ where: { id: other.id } })).readAt).toBeNull()
})

test('a gateway answering 500 twice then 200: a real worker retries with backoff and the SMS goes once', async () => {
  const db = getDb()
  const { startReminderWorkers } = await import('../../workers/reminders.ts')
  const workers = await startReminderWorkers({ senders, schedules: false })
  try {
    const d = await noticeAt('ending', new Date()) // now: outside quiet hours or not, the row says when
    await db.notificationDelivery.update({ where: { id: d.id }, data: { sendAfter: new Date() } })
    const attemptsBefore = gateway.attempts()
    gateway.failNext(2)
    await enqueueDeliveries(workers.deliveryQueue, [{ id: d.id, attempts: 0, sendAfter: new Date() }])
    const until = Date.now() + 20_000
    let row = await db.notificationDelivery.findUniqueOrThrow({ where: { id: d.id } })
    while (row.status !== 'sent' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100))
      row = await db.notificationDelivery.findUniqueOrThrow({ where: { id: d.id } })
    }
    expect(row).toMatchObject({ status: 'sent', attempts: 3 })
    expect(gateway.attempts() - attemptsBefore).toBe(3)
    expect(gateway.received.filter((m) => m.outId === d.id)).toHaveLength(1)
  } finally {
    await workers.close('test')
  }
}, 30_000)

test('email through SMTP (a local smtp-server), once', async () => {
  const db = getDb()
  const mails: { to: string; body: string }[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let body = ''
      stream.on('data', (c: Buffer) => (body += c.toString()))
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), body })
        callback()
      })
    },
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.server.address() as { port: number }).port
  try {
    const p = await person(db, 'mail', { email: 'learner@example.cn' })
    await notifyDecision(db, { kind: 'exemption', decisionId: newId(), enrollmentId: p.enrollmentId, approved: false, reason: '证书照片看不清', now: NINE_AM })
    const email = await db.notificationDelivery.findFirstOrThrow({ where: { channel: 'email', notification: { userId: p.userId! } } })
    const mailSenders: Senders = { ...senders, email: (m) => sendMail(`smtp://127.0.0.1:${port}?tls=off`, '乡学 <noreply@xx.test>', m) }
    expect((await deliverOne(db, email.id, { now: NINE_AM, senders: mailSenders, leaseMs: 60_000, retryBaseMs: 100 })).outcome).toBe('sent')
    expect((await deliverOne(db, email.id, { now: NINE_AM, senders: mailSenders, leaseMs: 60_000, retryBaseMs: 100 })).outcome).toBe('done')
    expect(mails).toHaveLength(1)
    expect(mails[0]!.to).toBe('learner@example.cn')
    const n = await db.notification.findFirstOrThrow({ where: { userId: p.userId! } })
    expect(n.title).toBe('申请结果：免修免考没有通过')
    expect(n.body).toContain('证书照片看不清')
  } finally {
    await new Promise<void>((r) => server.close(() => r()))
  }
})

test('a session within 24 h: one reminder per person and session, with day, time and venue; again: none', async () => {
  const db = getDb()
  const session = await db.classSession.create({
    data: {
      id: newId(),
      groupId: world.groups.round.id,
      startsAt: new Date('2026-12-02T01:30:00Z'),
      endsAt: new Date('2026-12-02T09:00:00Z'),
      venue: '者楼街道第一小学',
      plannedMinutes: 360,
      checkinKey: randomBytes(32),
    },
  })
  expect((await runSessionSweep(db, { now: NINE_AM })).sessions).toBe(0) // 24.5 h ahead: not yet
  const ten = new Date(NINE_AM.getTime() + 3600_000)
  const r1 = await runSessionSweep(db, { now: ten })
  expect(r1).toMatchObject({ sessions: 1, notifications: 1 })
  const n = await db.notification.findUniqueOrThrow({ where: { dedupKey: `session_tomorrow:${session.id}:${people.teacher!.personId}` } })
  expect(n.body).toBe('明天9:30在者楼街道第一小学上课。请带手机和笔，到了扫码签到。')
  expect((await runSessionSweep(db, { now: new Date(ten.getTime() + 3600_000) })).notifications).toBe(0)
})
