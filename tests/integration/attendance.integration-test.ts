import { beforeAll, describe, expect, test } from 'vitest'
import { currentCredentials, fallbackCode, qrToken, stepAt } from '#app/domain/checkin-code.ts'
import {
  AttendanceError,
  CODE_FAILURE_LIMIT,
  cancelSession,
  confirmEarlyCheckout,
  correctAttendance,
  createSession,
  getRoster,
  groupScheduleCheck,
  scanByCode,
  scanByToken,
  tickRoster,
  undoCheckoutInScope,
  undoOwnCheckout,
} from '#app/models/attendance.server.ts'
import { userForSessionToken } from '#app/auth/permissions.server.ts'
import { NotFoundError } from '#app/models/errors.server.ts'
import { loadEnrollmentProgress } from '#app/models/progress.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { getPublicOrigin } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import * as groupRoute from '#app/routes/coordinator.groups.$groupId.tsx'
import * as sessionRoute from '#app/routes/coordinator.sessions.$sessionId.tsx'
import * as screenRoute from '#app/routes/coordinator.sessions.$sessionId_.checkin.tsx'
import * as screenCodeRoute from '#app/routes/coordinator.sessions.$sessionId_.checkin-code.ts'
import * as learnerQrRoute from '#app/routes/checkin.$sessionId.tsx'
import * as learnerCodeRoute from '#app/routes/checkin._index.tsx'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld
let coordinator: Awaited<ReturnType<typeof createUserWithSession>>
let coordinator2: Awaited<ReturnType<typeof createUserWithSession>>
let otherTownshipCoordinator: Awaited<ReturnType<typeof createUserWithSession>>

beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db)
  coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
  coordinator2 = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
  otherTownshipCoordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.gaoluo.id })
})

const bj = (date: string, hhmm: string) => new Date(`${date}T${hhmm}+08:00`)

/** A 09:00–17:30 session (360 planned minutes) on `date`, or one around now. */
async function makeSession(opts: { date?: string; around?: 'now'; groupId?: string; plannedMinutes?: number } = {}) {
  const now = Date.now()
  const startsAt = opts.around === 'now' ? new Date(now - 60 * 60_000) : bj(opts.date ?? '2026-11-10', '09:00:00')
  const endsAt = opts.around === 'now' ? new Date(now + 2 * 60 * 60_000) : bj(opts.date ?? '2026-11-10', '17:30:00')
  return createSession(getDb(), {
    groupId: opts.groupId ?? world.groups.class.id,
    startsAt,
    endsAt,
    venue: '实训楼 2 楼',
    plannedMinutes: opts.plannedMinutes ?? (opts.around === 'now' ? 120 : 360),
    description: '玉米种植实操',
    actorId: coordinator.id,
  })
}

async function learner(group = world.groups.class, regionId = world.regions.zhelou.id) {
  const db = getDb()
  const { person, enrollment } = await createEnrolledPerson(db, { regionId, group })
  const user = await createUserWithSession(db, { role: 'learner', personId: person.id })
  return { person, enrollment, user }
}

const key = (s: { checkinKey: Uint8Array }) => new Uint8Array(s.checkinKey)
const tokenAt = (s: { id: string; checkinKey: Uint8Array }, at: Date) => qrToken(key(s), s.id, stepAt(at))

/** A check-out before the end: the scan asks, the learner confirms. */
async function checkOutEarly(s: { id: string; checkinKey: Uint8Array }, l: { person: { id: string }; user: { id: string } }, at: Date) {
  const asked = await scanByToken(getDb(), { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, at), now: at })
  if (asked.kind !== 'confirm_early') throw new Error(`expected the early check-out question, got ${asked.kind}`)
  return confirmEarlyCheckout(getDb(), { personId: l.person.id, userId: l.user.id, sessionId: s.id, ticket: asked.ticket, now: at })
}

async function attendanceEntries(sessionId: string) {
  const attendances = await getDb().attendance.findMany({ where: { sessionId }, select: { id: true } })
  return getDb().hourEntry.findMany({ where: { source: 'attendance', sourceRef: { in: attendances.map((a) => a.id) } } })
}

describe('QR scans', () => {
  test('check-in then check-out credits the time present within the session, as one concentrated entry', async () => {
    const db = getDb()
    const s = await makeSession({ date: '2026-11-10' })
    const l = await learner()
    const inAt = bj('2026-11-10', '09:12:10')
    const outAt = bj('2026-11-10', '11:45:00')

    const first = await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })
    expect(first).toMatchObject({ kind: 'checked_in', at: inAt })
    expect(await attendanceEntries(s.id)).toHaveLength(0)

    // A second scan within the minute changes nothing and says so.
    const again = await scanByToken(db, {
      personId: l.person.id,
      userId: l.user.id,
      sessionId: s.id,
      token: tokenAt(s, inAt),
      now: new Date(inAt.getTime() + 20_000),
    })
    expect(again).toMatchObject({ kind: 'too_soon', checkedInAt: inAt })

    // 11:45 is before the 17:30 end: the scan only asks (writes nothing); the answer checks out at the scan's time.
    const asked = await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, outAt), now: outAt })
    expect(asked).toMatchObject({ kind: 'confirm_early', creditedMinutes: 152, fullMinutes: 360 }) // 09:12:10 → 11:45:00 = 152 min 50 s
    expect(await attendanceEntries(s.id)).toHaveLength(0)
    const ticket = (asked as { ticket: string }).ticket
    const out = await confirmEarlyCheckout(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, ticket, now: new Date(outAt.getTime() + 20_000) })
    expect(out).toMatchObject({ kind: 'checked_out', creditedMinutes: 152 })
    const entries = await attendanceEntries(s.id)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ enrollmentId: l.enrollment.id, minutes: 152, category: 'concentrated', source: 'attendance' })
    expect(entries[0]!.occurredOn.toISOString().slice(0, 10)).toBe('2026-11-10')

    // A third scan does nothing but says so.
    const third = await scanByToken(db, {
      personId: l.person.id,
      userId: l.user.id,
      sessionId: s.id,
      token: tokenAt(s, outAt),
      now: new Date(outAt.getTime() + 40_000),
    })
    expect(third).toMatchObject({ kind: 'already_done', creditedMinutes: 152 })
    expect(await attendanceEntries(s.id)).toHaveLength(1)

    const attendance = await db.attendance.findFirstOrThrow({ where: { sessionId: s.id } })
    expect(attendance).toMatchObject({ method: 'qr', creditedMinutes: 152, checkedInAt: inAt, checkedOutAt: outAt })
  })

  test('a full day is capped at the planned minutes', async () => {
    const s = await makeSession({ date: '2026-11-11', plannedMinutes: 360 })
    const l = await learner()
    const inAt = bj('2026-11-11', '08:40:00')
    const outAt = bj('2026-11-11', '17:50:00')
    await scanByToken(getDb(), { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })
    const out = await scanByToken(getDb(), { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, outAt), now: outAt })
    expect(out).toMatchObject({ kind: 'checked_out', creditedMinutes: 360 })
  })

  test.each([
    ['a token 60 s old', 60_000, 'expired'],
    ['a token from 10 minutes ago', 600_000, 'expired'],
    ['a token of a step not yet reached', -30_000, 'future'],
  ] as const)('%s is refused (%s) and writes nothing', async (_label, ageMs, reason) => {
    const s = await makeSession({ date: '2026-11-12' })
    const l = await learner()
    const now = bj('2026-11-12', '10:00:00')
    const tokenTime = new Date(stepAt(now) * 30_000 - ageMs)
    await expect(scanByToken(getDb(), { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, tokenTime), now })).rejects.toMatchObject({
      code: reason,
    })
    expect(await getDb().attendance.count({ where: { sessionId: s.id } })).toBe(0)
  })

  test('outside the window (31 minutes after the end) is refused', async () => {
    const s = await makeSession({ date: '2026-11-13' })
    const l = await learner()
    const now = bj('2026-11-13', '18:01:00')
    await expect(scanByToken(getDb(), { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, now), now })).rejects.toMatchObject({
      code: 'outside_window',
    })
  })

  test('a learner not enrolled in the group, or withdrawn, or of another county, cannot check in', async () => {
    const db = getDb()
    const s = await makeSession({ date: '2026-11-14' })
    const now = bj('2026-11-14', '10:00:00')
    const stranger = await learner(world.groups.otherCountyClass, world.regions.otherTownship.id)
    await expect(
      scanByToken(db, { personId: stranger.person.id, userId: stranger.user.id, sessionId: s.id, token: tokenAt(s, now), now }),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
    const withdrawn = await learner()
    await db.enrollment.update({ where: { id: withdrawn.enrollment.id }, data: { status: 'withdrawn' } })
    await expect(
      scanByToken(db, { personId: withdrawn.person.id, userId: withdrawn.user.id, sessionId: s.id, token: tokenAt(s, now), now }),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
    expect(await db.attendance.count({ where: { sessionId: s.id } })).toBe(0)
  })
})

describe('fallback code', () => {
  test('a learner types the code of a session of their own group open now', async () => {
    const db = getDb()
    const s = await makeSession({ date: '2026-11-16' })
    await makeSession({ date: '2026-11-16', groupId: world.groups.otherCountyClass.id }) // another county's session at the same time
    const l = await learner()
    const now = bj('2026-11-16', '09:20:00')
    const code = fallbackCode(key(s), s.id, stepAt(now))
    const r = await scanByCode(db, { personId: l.person.id, userId: l.user.id, code, now })
    expect(r).toMatchObject({ kind: 'checked_in', sessionId: s.id })
    const attendance = await db.attendance.findFirstOrThrow({ where: { sessionId: s.id, enrollmentId: l.enrollment.id } })
    expect(attendance.method).toBe('code')
  })

  test("the code of another county's session is not accepted from this learner", async () => {
    const other = await makeSession({ date: '2026-11-17', groupId: world.groups.otherCountyClass.id })
    await makeSession({ date: '2026-11-17' })
    const l = await learner()
    const now = bj('2026-11-17', '10:00:00')
    await expect(
      scanByCode(getDb(), { personId: l.person.id, userId: l.user.id, code: fallbackCode(key(other), other.id, stepAt(now)), now }),
    ).rejects.toBeInstanceOf(AttendanceError)
    expect(await getDb().attendance.count({ where: { sessionId: other.id } })).toBe(0)
  })

  test('an old code says expired; no open session says so; too many wrong codes are throttled', async () => {
    const db = getDb()
    const s = await makeSession({ date: '2026-11-18' })
    const l = await learner()
    const now = bj('2026-11-18', '10:00:00')
    const old = fallbackCode(key(s), s.id, stepAt(now) - 3)
    await expect(scanByCode(db, { personId: l.person.id, userId: l.user.id, code: old, now })).rejects.toMatchObject({ code: 'expired' })
    await expect(scanByCode(db, { personId: l.person.id, userId: l.user.id, code: '123456', now: bj('2026-11-19', '03:00:00') })).rejects.toMatchObject({
      code: 'no_open_session',
    })
    const current = fallbackCode(key(s), s.id, stepAt(now))
    const previous = fallbackCode(key(s), s.id, stepAt(now) - 1)
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => c !== current && c !== previous)!
    for (let i = 1; i < CODE_FAILURE_LIMIT; i++) {
      await expect(scanByCode(db, { personId: l.person.id, userId: l.user.id, code: wrong, now })).rejects.toMatchObject({ code: 'invalid' })
    }
    // The 10th failure (the expired code counted as one) blocks even the right code for 10 minutes.
    await expect(scanByCode(db, { personId: l.person.id, userId: l.user.id, code: current, now })).rejects.toMatchObject({ code: 'throttled' })
  })
})

describe('roster', () => {
  test('two coordinators ticking the same roster at once credit exactly once per learner', async () => {
    const db = getDb()
    const s = await makeSession({ date: '2026-11-19' })
    const learners = await Promise.all([learner(), learner(), learner()])
    const ids = learners.map((l) => l.enrollment.id)
    const [a, b] = await Promise.all([
      tickRoster(db, { sessionId: s.id, enrollmentIds: ids, actorId: coordinator.id }),
      tickRoster(db, { sessionId: s.id, enrollmentIds: [...ids].reverse(), actorId: coordinator2.id }),
    ])
    expect(a.credited + b.credited).toBe(3)
    expect(a.already + b.already).toBe(3)
    const entries = await attendanceEntries(s.id)
    expect(entries).toHaveLength(3)
    expect(new Set(entries.map((e) => e.enrollmentId))).toEqual(new Set(ids))
    for (const e of entries) expect(e.minutes).toBe(360)
    for (const l of learners) {
      expect(await db.hourEntry.count({ where: { enrollmentId: l.enrollment.id, source: 'attendance' } })).toBe(1)
    }
  })

  test('two coordinators posting the roster form at once (route actions) credit once', async () => {
    const db = getDb()
    const s = await makeSession({ date: '2026-11-20' })
    const learners = await Promise.all([learner(), learner()])
    const body = () => {
      const b = new URLSearchParams({ intent: 'tick' })
      for (const l of learners) b.append('enrollmentId', l.enrollment.id)
      return b
    }
    const results = await Promise.all(
      [coordinator, coordinator2].map((c) =>
        callRoute(sessionRoute.action, { url: `/coordinator/sessions/${s.id}`, method: 'POST', cookie: c.cookie, params: { sessionId: s.id }, body: body() }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual([200, 200])
    expect(await attendanceEntries(s.id)).toHaveLength(2)
    for (const l of learners) expect(await db.hourEntry.count({ where: { enrollmentId: l.enrollment.id } })).toBe(1)
  })

  test('a roster tick after a QR check-in does not credit twice', async () => {
    const db = getDb()
    const s = await makeSession({ date: '2026-11-21' })
    const done = await learner() // checked in and out by QR
    const open = await learner() // checked in by QR, never out
    const inAt = bj('2026-11-21', '09:05:00')
    const outAt = bj('2026-11-21', '12:05:00')
    await scanByToken(db, { personId: done.person.id, userId: done.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })
    await checkOutEarly(s, done, outAt)
    await scanByToken(db, { personId: open.person.id, userId: open.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })

    const r = await tickRoster(db, { sessionId: s.id, enrollmentIds: [done.enrollment.id, open.enrollment.id], actorId: coordinator.id })
    expect(r).toMatchObject({ credited: 1, already: 1 })
    const again = await tickRoster(db, { sessionId: s.id, enrollmentIds: [done.enrollment.id, open.enrollment.id], actorId: coordinator.id })
    expect(again).toMatchObject({ credited: 0, already: 2 })

    expect(await db.hourEntry.findMany({ where: { enrollmentId: done.enrollment.id }, select: { minutes: true } })).toEqual([{ minutes: 180 }])
    expect(await db.hourEntry.findMany({ where: { enrollmentId: open.enrollment.id }, select: { minutes: true } })).toEqual([{ minutes: 360 }])
    // And the learner who was ticked sees it as done when scanning again.
    const later = bj('2026-11-21', '16:00:00')
    expect(await scanByToken(db, { personId: open.person.id, userId: open.user.id, sessionId: s.id, token: tokenAt(s, later), now: later })).toMatchObject({
      kind: 'already_done',
      creditedMinutes: 360,
    })
    expect(await db.hourEntry.count({ where: { enrollmentId: open.enrollment.id } })).toBe(1)
  })

  test('a tick ignores enrollments of other groups and withdrawn learners', async () => {
    const db = getDb()
    const s = await makeSession({ date: '2026-11-22' })
    const inGroup = await learner()
    const stranger = await learner(world.groups.otherCountyClass, world.regions.otherTownship.id)
    const r = await tickRoster(db, { sessionId: s.id, enrollmentIds: [inGroup.enrollment.id, stranger.enrollment.id], actorId: coordinator.id })
    expect(r).toMatchObject({ credited: 1, ignored: 1 })
    expect(await db.hourEntry.count({ where: { enrollmentId: stranger.enrollment.id } })).toBe(0)
  })

  test("a correction reduces a person's credit with a reason; progress and the roster show the net", async () => {
    const db = getDb()
    const s = await makeSession({ date: '2026-11-23' })
    const l = await learner()
    await tickRoster(db, { sessionId: s.id, enrollmentIds: [l.enrollment.id], actorId: coordinator.id })
    const attendance = await db.attendance.findFirstOrThrow({ where: { sessionId: s.id, enrollmentId: l.enrollment.id } })

    const bad = await callRoute(sessionRoute.action, {
      url: `/coordinator/sessions/${s.id}`,
      method: 'POST',
      cookie: coordinator.cookie,
      params: { sessionId: s.id },
      body: new URLSearchParams({ intent: 'correct', attendanceId: attendance.id, minutes: '400', reason: '早退' }),
    })
    expect(bad.status).toBe(409)
    const noReason = await callRoute(sessionRoute.action, {
      url: `/coordinator/sessions/${s.id}`,
      method: 'POST',
      cookie: coordinator.cookie,
      params: { sessionId: s.id },
      body: new URLSearchParams({ intent: 'correct', attendanceId: attendance.id, minutes: '90', reason: ' ' }),
    })
    expect(noReason.status).toBe(422)
    const ok = await callRoute(sessionRoute.action, {
      url: `/coordinator/sessions/${s.id}`,
      method: 'POST',
      cookie: coordinator.cookie,
      params: { sessionId: s.id },
      body: new URLSearchParams({ intent: 'correct', attendanceId: attendance.id, minutes: '90', reason: '下午早退' }),
    })
    expect(ok.status).toBe(200)

    const roster = await getRoster(db, s)
    expect(roster.find((r) => r.enrollmentId === l.enrollment.id)).toMatchObject({
      creditedMinutes: 270,
      originalMinutes: 360,
      corrections: [{ minutes: -90, reason: '下午早退' }],
    })
    const progress = await loadEnrollmentProgress(db, l.enrollment.id, '2026-11-24')
    expect(progress!.facts.entries.filter((e) => e.category === 'concentrated').reduce((sum, e) => sum + e.minutes, 0)).toBe(270)
    // The rest can be reversed, no more.
    await correctAttendance(db, { sessionId: s.id, attendanceId: attendance.id, minutesToRemove: 270, reason: '未到场', actorId: coordinator.id })
    await expect(
      correctAttendance(db, { sessionId: s.id, attendanceId: attendance.id, minutesToRemove: 1, reason: '再扣', actorId: coordinator.id }),
    ).rejects.toMatchObject({
      code: 'correction_invalid',
    })
  })
})

describe('undo of a mistaken early check-out', () => {
  const sum = async (enrollmentId: string) => (await getDb().hourEntry.aggregate({ where: { enrollmentId }, _sum: { minutes: true } }))._sum.minutes ?? 0
  const post = (cookie: string, sessionId: string, body: Record<string, string>) =>
    callRoute(learnerQrRoute.action, { url: `/checkin/${sessionId}`, method: 'POST', params: { sessionId }, cookie, body: new URLSearchParams(body) })

  test('the learner undoes an early check-out: reversed by a correction, audited; a later check-out credits the right minutes once', async () => {
    const db = getDb()
    // Started an hour ago, ends in two hours, 120 planned minutes.
    const s = await makeSession({ around: 'now' })
    const l = await learner()
    const now = Date.now()
    const inAt = new Date(now - 50 * 60_000)
    const earlyAt = new Date(now - 20 * 60_000)
    await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })
    const out = await checkOutEarly(s, l, earlyAt)
    expect(out).toMatchObject({ kind: 'checked_out', creditedMinutes: 30, undoable: true })
    expect(await sum(l.enrollment.id)).toBe(30)

    // The page's undo (the session still runs).
    const undo = await post(l.user.cookie, s.id, { intent: 'undo' })
    expect(undo.status).toBe(200)
    expect((undo.value as { data: unknown }).data).toMatchObject({ ok: true, kind: 'undone', creditedMinutes: 30 })
    const reopened = await db.attendance.findFirstOrThrow({ where: { sessionId: s.id, enrollmentId: l.enrollment.id } })
    expect(reopened).toMatchObject({ checkedInAt: inAt, checkedOutAt: null, creditedMinutes: null })
    // Append-only: the credit is still there, with a correction of −30 and its reason.
    const entries = await db.hourEntry.findMany({ where: { enrollmentId: l.enrollment.id }, orderBy: { id: 'asc' } })
    expect(entries.map((e) => [e.minutes, e.source, e.correctsId === null ? null : e.correctsId === entries[0]!.id, e.reason])).toEqual([
      [30, 'attendance', null, null],
      [-30, 'adjustment', true, '学员本人撤销提前签退'],
    ])
    expect(await sum(l.enrollment.id)).toBe(0)
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'attendance.checkout_undo', entityId: reopened.id } })
    expect(audit).toMatchObject({ actorId: l.user.id, entityType: 'Attendance' })
    expect(audit.after).toMatchObject({ checkedOutAt: null, reversedMinutes: 30 })
    expect(audit.scopePath).toBeTruthy()
    expect(await db.auditEvent.count({ where: { action: 'hours.correct', entityId: entries[1]!.id.toString() } })).toBe(1)

    // Undoing again: nothing to undo.
    const twice = await post(l.user.cookie, s.id, { intent: 'undo' })
    expect((twice.value as { data: unknown }).data).toEqual({ ok: false, error: 'attendance.error.not_checked_out' })

    // The old answer to the question cannot check out again after the undo.
    const stale = await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, earlyAt), now: earlyAt })
    expect(stale.kind).toBe('confirm_early')
    const staleTicket = (stale as { ticket: string }).ticket
    const afterEnd = new Date(s.endsAt.getTime() + 60_000)
    // Checked out after the end: no question, credited from check-in to the end, capped at 120.
    const later = await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, afterEnd), now: afterEnd })
    expect(later).toMatchObject({ kind: 'checked_out', creditedMinutes: 120, undoable: false })
    expect(await sum(l.enrollment.id)).toBe(120)
    // Once: scanning or confirming again changes nothing.
    const again = await scanByToken(db, {
      personId: l.person.id,
      userId: l.user.id,
      sessionId: s.id,
      token: tokenAt(s, afterEnd),
      now: new Date(afterEnd.getTime() + 20_000),
    })
    expect(again).toMatchObject({ kind: 'already_done', creditedMinutes: 120 })
    await expect(
      confirmEarlyCheckout(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, ticket: staleTicket, now: afterEnd }),
    ).resolves.toMatchObject({ kind: 'already_done' })
    expect(await sum(l.enrollment.id)).toBe(120)
    const roster = await getRoster(db, s, afterEnd)
    expect(roster.find((r) => r.enrollmentId === l.enrollment.id)).toMatchObject({ status: 'checked_out', creditedMinutes: 120, undoable: false })
    const entries2 = await db.hourEntry.findMany({ where: { enrollmentId: l.enrollment.id }, orderBy: { id: 'asc' } })
    expect(entries2.map((e) => [e.minutes, e.source, e.reason])).toEqual([
      [30, 'attendance', null],
      [-30, 'adjustment', '学员本人撤销提前签退'],
      [120, 'attendance', '撤销签退后再次签退'],
    ])
    // And the undo after the end is refused.
    await expect(undoOwnCheckout(db, (await userForSessionToken(l.user.token))!, { sessionId: s.id, now: afterEnd })).rejects.toMatchObject({
      code: 'session_ended',
    })
    expect(await sum(l.enrollment.id)).toBe(120)
  })

  test('an answer given before an undo cannot check out again', async () => {
    const db = getDb()
    const s = await makeSession({ around: 'now' })
    const l = await learner()
    const now = Date.now()
    const inAt = new Date(now - 50 * 60_000)
    const earlyAt = new Date(now - 20 * 60_000)
    await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })
    const asked = await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, earlyAt), now: earlyAt })
    const ticket = (asked as { ticket: string }).ticket
    await confirmEarlyCheckout(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, ticket, now: earlyAt })
    await undoOwnCheckout(db, (await userForSessionToken(l.user.token))!, { sessionId: s.id })
    await expect(confirmEarlyCheckout(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, ticket, now: earlyAt })).rejects.toMatchObject({
      code: 'invalid',
    })
    // Too old: more than 5 minutes after the question.
    const fresh = await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, earlyAt), now: earlyAt })
    await expect(
      confirmEarlyCheckout(db, {
        personId: l.person.id,
        userId: l.user.id,
        sessionId: s.id,
        ticket: (fresh as { ticket: string }).ticket,
        now: new Date(earlyAt.getTime() + 5 * 60_000 + 1),
      }),
    ).rejects.toMatchObject({ code: 'confirm_expired' })
    expect(await sum(l.enrollment.id)).toBe(0)
  })

  test("a coordinator in scope undoes a learner's check-out; another township's coordinator gets 404; a roster tick cannot be undone", async () => {
    const db = getDb()
    const s = await makeSession({ around: 'now' })
    const l = await learner()
    const ticked = await learner()
    const now = Date.now()
    const inAt = new Date(now - 50 * 60_000)
    await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })
    await checkOutEarly(s, l, new Date(now - 5 * 60_000))
    expect(await sum(l.enrollment.id)).toBe(45)
    const attendance = await db.attendance.findFirstOrThrow({ where: { sessionId: s.id, enrollmentId: l.enrollment.id } })
    expect((await getRoster(db, s)).find((r) => r.enrollmentId === l.enrollment.id)).toMatchObject({ undoable: true })
    const body = { intent: 'undo', attendanceId: attendance.id }

    // Another township: the page is a 404, and so is the model's answer.
    const foreign = await callRoute(sessionRoute.action, {
      url: `/coordinator/sessions/${s.id}`,
      method: 'POST',
      cookie: otherTownshipCoordinator.cookie,
      params: { sessionId: s.id },
      body: new URLSearchParams(body),
    })
    expect(foreign.status).toBe(404)
    await expect(
      undoCheckoutInScope(db, (await userForSessionToken(otherTownshipCoordinator.token))!, { sessionId: s.id, attendanceId: attendance.id }),
    ).rejects.toBeInstanceOf(NotFoundError)
    expect(await sum(l.enrollment.id)).toBe(45)

    const ok = await callRoute(sessionRoute.action, {
      url: `/coordinator/sessions/${s.id}`,
      method: 'POST',
      cookie: coordinator.cookie,
      params: { sessionId: s.id },
      body: new URLSearchParams(body),
    })
    expect(ok.status).toBe(200)
    expect((ok.value as { data: { message: string } }).data.message).toBe(`已撤销 ${l.person.name} 的签退（退回 1.0 学时），现在又是签到中。`)
    expect(await sum(l.enrollment.id)).toBe(0)
    expect(await db.auditEvent.count({ where: { action: 'attendance.checkout_undo', entityId: attendance.id, actorId: coordinator.id } })).toBe(1)
    expect((await getRoster(db, s)).find((r) => r.enrollmentId === l.enrollment.id)).toMatchObject({ status: 'checked_in', creditedMinutes: 0 })

    // A roster tick is the coordinator's word: corrected as hours, not undone.
    await tickRoster(db, { sessionId: s.id, enrollmentIds: [ticked.enrollment.id], actorId: coordinator.id })
    const tickedRow = await db.attendance.findFirstOrThrow({ where: { sessionId: s.id, enrollmentId: ticked.enrollment.id } })
    const refused = await callRoute(sessionRoute.action, {
      url: `/coordinator/sessions/${s.id}`,
      method: 'POST',
      cookie: coordinator.cookie,
      params: { sessionId: s.id },
      body: new URLSearchParams({ intent: 'undo', attendanceId: tickedRow.id }),
    })
    expect(refused.status).toBe(409)
    expect(await sum(ticked.enrollment.id)).toBe(120)
  })

  test('an undo after the session ended is refused and changes nothing', async () => {
    const db = getDb()
    const s = await makeSession({ date: '2026-11-26' })
    const l = await learner()
    const inAt = bj('2026-11-26', '09:00:00')
    await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })
    await checkOutEarly(s, l, bj('2026-11-26', '11:00:00'))
    expect(await sum(l.enrollment.id)).toBe(120)
    // The session (09:00–17:30 on 2026-11-26) is long over: the page refuses.
    const late = await post(l.user.cookie, s.id, { intent: 'undo' })
    expect(late.status).toBe(409)
    expect((late.value as { data: unknown }).data).toEqual({ ok: false, error: 'attendance.error.session_ended' })
    const attendance = await db.attendance.findFirstOrThrow({ where: { sessionId: s.id, enrollmentId: l.enrollment.id } })
    const coordinatorUser = (await userForSessionToken(coordinator.token))!
    await expect(undoCheckoutInScope(db, coordinatorUser, { sessionId: s.id, attendanceId: attendance.id })).rejects.toMatchObject({ code: 'session_ended' })
    expect(attendance.creditedMinutes).toBe(120)
    expect(await sum(l.enrollment.id)).toBe(120)
    expect(await db.auditEvent.count({ where: { action: 'attendance.checkout_undo', entityId: attendance.id } })).toBe(0)
  })

  test('the QR page asks before an early check-out (a GET, writing nothing) and the answer checks out', async () => {
    const db = getDb()
    const s = await makeSession({ around: 'now' })
    const l = await learner()
    const inAt = new Date(Date.now() - 30 * 60_000)
    await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })
    const token = currentCredentials(key(s), s.id, new Date()).token
    const get = await callRoute(learnerQrRoute.loader, { url: `/checkin/${s.id}?t=${token}`, params: { sessionId: s.id }, cookie: l.user.cookie })
    const page = get.value as { next: string; question: { kind: string; creditedMinutes: number; early: { ticket: string; fullMinutes: number } } }
    expect(page.next).toBe('out')
    expect(page.question).toMatchObject({ kind: 'confirm_early', creditedMinutes: 30, early: { fullMinutes: 120 } })
    expect(await sum(l.enrollment.id)).toBe(0)
    // The big button without an answer asks too (the server never checks out early unasked).
    const scan = await post(l.user.cookie, s.id, { intent: 'scan', t: token })
    expect((scan.value as { data: unknown }).data).toMatchObject({ ok: true, kind: 'confirm_early', creditedMinutes: 30 })
    expect(await sum(l.enrollment.id)).toBe(0)
    const confirm = await post(l.user.cookie, s.id, { intent: 'confirm', ticket: page.question.early.ticket })
    expect((confirm.value as { data: unknown }).data).toMatchObject({ ok: true, kind: 'checked_out', creditedMinutes: 30, undoable: true })
    expect(await sum(l.enrollment.id)).toBe(30)
  })
  test('the code page asks too, and its answer is posted to the session page', async () => {
    const db = getDb()
    const s = await makeSession({ around: 'now' })
    const l = await learner()
    const inAt = new Date(Date.now() - 30 * 60_000)
    await scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })
    const code = currentCredentials(key(s), s.id, new Date()).code
    const typed = await callRoute(learnerCodeRoute.action, { url: '/checkin', method: 'POST', cookie: l.user.cookie, body: new URLSearchParams({ code }) })
    const answer = (typed.value as { data: { kind: string; sessionId: string; early: { ticket: string } } }).data
    expect(answer).toMatchObject({ kind: 'confirm_early', sessionId: s.id, creditedMinutes: 30 })
    expect(await sum(l.enrollment.id)).toBe(0)
    const confirm = await post(l.user.cookie, s.id, { intent: 'confirm', ticket: answer.early.ticket })
    expect((confirm.value as { data: unknown }).data).toMatchObject({ ok: true, kind: 'checked_out', creditedMinutes: 30 })
    // Someone else's answer is no answer.
    const other = await learner()
    await scanByToken(db, { personId: other.person.id, userId: other.user.id, sessionId: s.id, token: tokenAt(s, inAt), now: inAt })
    const forged = await post(other.user.cookie, s.id, { intent: 'confirm', ticket: answer.early.ticket })
    expect((forged.value as { data: unknown }).data).toEqual({ ok: false, error: 'attendance.error.invalid' })
    expect(await sum(other.enrollment.id)).toBe(0)
  })
})

describe('sessions', () => {
  test("scheduling validates, stores a 32-byte key, and is audited with the group's region", async () => {
    const db = getDb()
    await expect(
      createSession(db, {
        groupId: world.groups.class.id,
        startsAt: bj('2026-12-01', '10:00:00'),
        endsAt: bj('2026-12-01', '09:00:00'),
        venue: 'x',
        plannedMinutes: 30,
        description: '',
        actorId: coordinator.id,
      }),
    ).rejects.toMatchObject({ code: 'end_before_start' })
    await expect(
      createSession(db, {
        groupId: world.groups.class.id,
        startsAt: bj('2026-12-01', '09:00:00'),
        endsAt: bj('2026-12-01', '10:00:00'),
        venue: 'x',
        plannedMinutes: 61,
        description: '',
        actorId: coordinator.id,
      }),
    ).rejects.toMatchObject({ code: 'planned_too_long' })
    await expect(
      createSession(db, {
        groupId: world.groups.class.id,
        startsAt: bj('2026-12-01', '09:00:00'),
        endsAt: bj('2026-12-01', '10:00:00'),
        venue: ' ',
        plannedMinutes: 45,
        description: '',
        actorId: coordinator.id,
      }),
    ).rejects.toMatchObject({ code: 'venue_required' })
    const s = await makeSession({ date: '2026-12-01' })
    expect(key(s)).toHaveLength(32)
    const event = await db.auditEvent.findFirstOrThrow({ where: { entityType: 'ClassSession', entityId: s.id, action: 'session.create' } })
    expect(event.scopePath).toBe(world.regions.zhelou.path)
    expect(JSON.stringify(event.after)).not.toContain('checkinKey')
  })

  test('the group page schedules a session in Beijing time with 学时 converted to minutes', async () => {
    const db = getDb()
    const r = await callRoute(groupRoute.action, {
      url: `/coordinator/groups/${world.groups.class.id}`,
      method: 'POST',
      cookie: coordinator.cookie,
      params: { groupId: world.groups.class.id },
      body: new URLSearchParams({
        intent: 'schedule',
        date: '2026-12-08',
        startTime: '09:00',
        endTime: '12:00',
        venue: '村委会会议室',
        plannedHours: '3.5',
        description: '',
      }),
    })
    expect(r.status).toBe(200)
    const s = await db.classSession.findFirstOrThrow({ where: { groupId: world.groups.class.id, venue: '村委会会议室' } })
    expect(s.startsAt.toISOString()).toBe('2026-12-08T01:00:00.000Z')
    expect(s.plannedMinutes).toBe(158) // 3.5 × 45 = 157.5 → 158
    const tooLong = await callRoute(groupRoute.action, {
      url: `/coordinator/groups/${world.groups.class.id}`,
      method: 'POST',
      cookie: coordinator.cookie,
      params: { groupId: world.groups.class.id },
      body: new URLSearchParams({ intent: 'schedule', date: '2026-12-09', startTime: '09:00', endTime: '10:00', venue: '会议室', plannedHours: '2' }),
    })
    expect(tooLong.status).toBe(422)
  })

  test('a session with attendance cannot be cancelled; an empty one can, audited', async () => {
    const db = getDb()
    // Sessions that took place (a roster tick is refused before a session starts).
    const s = await makeSession({ date: '2026-11-28' })
    const l = await learner()
    await tickRoster(db, { sessionId: s.id, enrollmentIds: [l.enrollment.id], actorId: coordinator.id })
    await expect(cancelSession(db, { sessionId: s.id, actorId: coordinator.id })).rejects.toMatchObject({ code: 'has_attendance' })
    const empty = await makeSession({ date: '2026-11-29' })
    await cancelSession(db, { sessionId: empty.id, actorId: coordinator.id })
    expect((await db.classSession.findUniqueOrThrow({ where: { id: empty.id } })).cancelledAt).not.toBeNull()
    expect(await db.auditEvent.count({ where: { entityId: empty.id, action: 'session.cancel' } })).toBe(1)
    const now = bj('2026-11-29', '10:00:00')
    await expect(scanByToken(db, { personId: l.person.id, userId: l.user.id, sessionId: empty.id, token: tokenAt(empty, now), now })).rejects.toMatchObject({
      code: 'cancelled',
    })
  })

  test('the schedule check counts scheduled, non-cancelled sessions by Beijing month', async () => {
    const db = getDb()
    const group = await db.group.create({
      data: {
        id: newId(),
        code: `T-SCHED-${newId().slice(0, 6)}`,
        name: '安排检查班',
        programId: world.programs.skills.id,
        kind: 'class',
        regionId: world.regions.zhelou.id,
        startDate: new Date('2025-01-01T00:00:00Z'),
      },
      include: { program: true },
    })
    for (const month of ['01', '02', '04']) {
      await createSession(db, {
        groupId: group.id,
        startsAt: bj(`2025-${month}-10`, '09:00:00'),
        endsAt: bj(`2025-${month}-10`, '17:30:00'),
        venue: 'v',
        plannedMinutes: 360,
        description: '',
        actorId: coordinator.id,
      })
    }
    const march = await createSession(db, {
      groupId: group.id,
      startsAt: bj('2025-03-10', '09:00:00'),
      endsAt: bj('2025-03-10', '17:30:00'),
      venue: 'v',
      plannedMinutes: 360,
      description: '',
      actorId: coordinator.id,
    })
    await cancelSession(db, { sessionId: march.id, actorId: coordinator.id })
    const check = await groupScheduleCheck(db, group, bj('2025-05-15', '12:00:00'))
    expect(check!.missingMonths).toEqual(['2025-03'])
    expect(check!.met).toBe(false)
  })
})

describe('routes: role and jurisdiction on the server', () => {
  test("coordinator pages answer 404 to another township's coordinator and 403 to a learner", async () => {
    const s = await makeSession({ around: 'now' })
    const l = await learner()
    const calls = [
      [groupRoute.loader, `/coordinator/groups/${world.groups.class.id}`, { groupId: world.groups.class.id }],
      [sessionRoute.loader, `/coordinator/sessions/${s.id}`, { sessionId: s.id }],
      [screenRoute.loader, `/coordinator/sessions/${s.id}/checkin`, { sessionId: s.id }],
      [screenCodeRoute.loader, `/coordinator/sessions/${s.id}/checkin-code`, { sessionId: s.id }],
    ] as const
    for (const [fn, url, params] of calls) {
      expect((await callRoute(fn, { url, params, cookie: coordinator.cookie })).status, url).toBe(200)
      expect((await callRoute(fn, { url, params, cookie: otherTownshipCoordinator.cookie })).status, url).toBe(404)
      expect((await callRoute(fn, { url, params, cookie: l.user.cookie })).status, url).toBe(403)
    }
    // Actions too: another township cannot tick this roster.
    const tick = await callRoute(sessionRoute.action, {
      url: `/coordinator/sessions/${s.id}`,
      method: 'POST',
      cookie: otherTownshipCoordinator.cookie,
      params: { sessionId: s.id },
      body: new URLSearchParams({ intent: 'tick', enrollmentId: l.enrollment.id }),
    })
    expect(tick.status).toBe(404)
    expect(await getDb().attendance.count({ where: { sessionId: s.id } })).toBe(0)
  })

  test('the check-in screen shows the QR of the absolute check-in URL and the current code', async () => {
    const s = await makeSession({ around: 'now' })
    const r = await callRoute(screenCodeRoute.loader, {
      url: `/coordinator/sessions/${s.id}/checkin-code`,
      params: { sessionId: s.id },
      cookie: coordinator.cookie,
    })
    const body = (await (r.value as Response).json()) as { url: string; code: string; svg: string; open: boolean }
    const creds = currentCredentials(key(s), s.id, new Date())
    // On the configured public origin (http://localhost:PORT here), never the request's Host.
    expect(body.url).toMatch(new RegExp(`^${getPublicOrigin()}/checkin/${s.id}\\?t=${s.id}\\.\\d+\\.`))
    expect([creds.code, fallbackCode(key(s), s.id, creds.step - 1)]).toContain(body.code)
    expect(body.svg).toMatch(/^<svg/)
    expect(body.open).toBe(true)
  })

  test('learner: not signed in goes to login and back; a GET writes nothing; the POST checks in', async () => {
    const db = getDb()
    const s = await makeSession({ around: 'now' })
    const l = await learner()
    const token = currentCredentials(key(s), s.id, new Date()).token
    const url = `/checkin/${s.id}?t=${token}`

    const anonymous = await callRoute(learnerQrRoute.loader, { url, params: { sessionId: s.id } })
    expect(anonymous.status).toBe(302)
    expect((anonymous.value as Response).headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent(url)}`)

    const get = await callRoute(learnerQrRoute.loader, { url, params: { sessionId: s.id }, cookie: l.user.cookie })
    expect(get.status).toBe(200)
    expect(get.value).toMatchObject({ error: null, next: 'in' })
    expect(await db.attendance.count({ where: { sessionId: s.id } })).toBe(0)

    const post = await callRoute(learnerQrRoute.action, {
      url,
      method: 'POST',
      params: { sessionId: s.id },
      cookie: l.user.cookie,
      body: new URLSearchParams({ intent: 'scan', t: token }),
    })
    expect(post.status).toBe(200)
    expect((post.value as { data: unknown }).data).toMatchObject({ ok: true, kind: 'checked_in' })
    expect(await db.attendance.count({ where: { sessionId: s.id, enrollmentId: l.enrollment.id } })).toBe(1)
  })

  test("learner: an expired token and another county's session are refused with clear errors", async () => {
    const s = await makeSession({ around: 'now' })
    const other = await makeSession({ around: 'now', groupId: world.groups.otherCountyClass.id })
    const l = await learner()
    const old = qrToken(key(s), s.id, stepAt(new Date()) - 2)
    const expired = await callRoute(learnerQrRoute.action, {
      url: `/checkin/${s.id}`,
      method: 'POST',
      params: { sessionId: s.id },
      cookie: l.user.cookie,
      body: new URLSearchParams({ intent: 'scan', t: old }),
    })
    expect(expired.status).toBe(409)
    expect((expired.value as { data: unknown }).data).toEqual({ ok: false, error: 'attendance.error.expired' })

    const otherToken = currentCredentials(key(other), other.id, new Date()).token
    const foreign = await callRoute(learnerQrRoute.loader, {
      url: `/checkin/${other.id}?t=${otherToken}`,
      params: { sessionId: other.id },
      cookie: l.user.cookie,
    })
    expect(foreign.status).toBe(404)
    const foreignPost = await callRoute(learnerQrRoute.action, {
      url: `/checkin/${other.id}`,
      method: 'POST',
      params: { sessionId: other.id },
      cookie: l.user.cookie,
      body: new URLSearchParams({ intent: 'scan', t: otherToken }),
    })
    expect(foreignPost.status).toBe(404)

    const wrongCode = await callRoute(learnerCodeRoute.action, {
      url: '/checkin',
      method: 'POST',
      cookie: l.user.cookie,
      body: new URLSearchParams({ code: '12 34 5' }),
    })
    expect((wrongCode.value as { data: unknown }).data).toEqual({ ok: false, error: 'attendance.error.codeInvalid' })
    const coordinatorOnLearnerPage = await callRoute(learnerCodeRoute.loader, { url: '/checkin', cookie: coordinator.cookie })
    expect(coordinatorOnLearnerPage.status).toBe(403)
    expect(await getDb().attendance.count({ where: { sessionId: { in: [s.id, other.id] } } })).toBe(0)
  })

  test('learner: the code page checks in with full-width digits too', async () => {
    const s = await makeSession({ around: 'now' })
    const l = await learner()
    const code = currentCredentials(key(s), s.id, new Date()).code
    const fullWidth = code.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))
    const r = await callRoute(learnerCodeRoute.action, {
      url: '/checkin',
      method: 'POST',
      cookie: l.user.cookie,
      body: new URLSearchParams({ code: fullWidth }),
    })
    expect((r.value as { data: unknown }).data).toMatchObject({ ok: true, kind: 'checked_in' })
  })
})
