/**
 * Issue 10, finding 9: the wrong-check-in-code throttle counted audit rows and
 * then inserted one, so 30 concurrent wrong posts were all checked (16
 * counted, limit 10). Now each try is counted by one atomic statement
 * (INSERT … ON CONFLICT DO UPDATE … WHERE not locked … RETURNING) before the
 * code is looked at: 30 concurrent wrong codes are all accounted for (30
 * audit rows), only 10 are checked, and the limit holds even for the right
 * code afterwards.
 *
 * The sibling: sign-in (and the password page) looked at the lock, verified
 * the password, and only then counted, so parallel guesses all got a
 * verdict before the first failure was counted. The same claim-before-check
 * now holds there: 30 concurrent wrong passwords for one account get 5
 * verdicts (the 4 free failures and the one that earns the first wait).
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { fallbackCode, stepAt } from '#app/domain/checkin-code.ts'
import { ACCOUNT_FREE_FAILURES } from '#app/domain/sign-in-throttle.ts'
import { AttendanceError, CODE_FAILURE_LIMIT, createSession, scanByCode } from '#app/models/attendance.server.ts'
import { signIn } from '#app/models/sign-in.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { createUserWithSession, TEST_PASSWORD } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld
beforeAll(async () => {
  world = await createTrainingWorld(getDb())
})

async function openSessionAndLearner() {
  const db = getDb()
  const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
  const session = await createSession(db, {
    groupId: world.groups.class.id,
    startsAt: new Date(Date.now() - 30 * 60_000),
    endsAt: new Date(Date.now() + 60 * 60_000),
    venue: '实训楼',
    plannedMinutes: 60,
    description: '',
    actorId: coordinator.id,
  })
  const { person } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  const user = await createUserWithSession(db, { role: 'learner', personId: person.id })
  return { session, person, user }
}

describe('wrong check-in codes', () => {
  test('30 concurrent wrong codes: all 30 counted, only 10 checked, and the right code then waits', async () => {
    const db = getDb()
    const { session, person, user } = await openSessionAndLearner()
    const now = new Date()
    const key = new Uint8Array(session.checkinKey)
    const valid = new Set([
      fallbackCode(key, session.id, stepAt(now)),
      fallbackCode(key, session.id, stepAt(now) - 1),
      fallbackCode(key, session.id, stepAt(now) + 1),
    ])
    const wrong = ['000000', '111111', '222222', '333333', '444444'].find((c) => !valid.has(c))!
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => scanByCode(db, { personId: person.id, userId: user.id, code: wrong, now, ip: '10.55.0.1' })),
    )
    const codes = results.map((r) =>
      r.status === 'rejected' && r.reason instanceof AttendanceError ? r.reason.code : `unexpected ${String(r.status === 'rejected' ? r.reason : 'ok')}`,
    )
    expect(codes.filter((c) => c === 'invalid')).toHaveLength(CODE_FAILURE_LIMIT)
    expect(codes.filter((c) => c === 'throttled')).toHaveLength(30 - CODE_FAILURE_LIMIT)

    const audited = await db.auditEvent.groupBy({ by: ['action'], where: { entityId: user.id, action: { startsWith: 'attendance.code_' } }, _count: true })
    const count = Object.fromEntries(audited.map((a) => [a.action, a._count]))
    expect(count).toEqual({ 'attendance.code_failed': CODE_FAILURE_LIMIT, 'attendance.code_throttled': 30 - CODE_FAILURE_LIMIT })

    // The right code is refused too while the wait lasts, and nothing was recorded.
    await expect(scanByCode(db, { personId: person.id, userId: user.id, code: fallbackCode(key, session.id, stepAt(now)), now })).rejects.toMatchObject({
      code: 'throttled',
    })
    expect(await db.attendance.count({ where: { sessionId: session.id } })).toBe(0)
    // After the 10 minutes, the right code works.
    const later = new Date(now.getTime() + 10 * 60_000 + 1000)
    const inWindow = new Date(Math.min(later.getTime(), session.endsAt.getTime()))
    const outcome = await scanByCode(db, { personId: person.id, userId: user.id, code: fallbackCode(key, session.id, stepAt(inWindow)), now: inWindow })
    expect(outcome.kind).toBe('checked_in')
  })

  test('a right code does not count against the learner; a learner with no open session is not counted either', async () => {
    const db = getDb()
    const { session, person, user } = await openSessionAndLearner()
    const now = new Date()
    const key = new Uint8Array(session.checkinKey)
    const right = fallbackCode(key, session.id, stepAt(now))
    for (let i = 0; i < CODE_FAILURE_LIMIT + 2; i++) {
      const outcome = await scanByCode(db, { personId: person.id, userId: user.id, code: right, now: new Date(now.getTime() + i * 10) })
      expect(['checked_in', 'too_soon']).toContain(outcome.kind)
    }
    // A learner of a class with no session open now: "no open session" however often, never "wait".
    const elsewhere = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.otherCountyClass })
    const nobody = await createUserWithSession(db, { role: 'learner', personId: elsewhere.person.id })
    for (let i = 0; i < CODE_FAILURE_LIMIT + 2; i++) {
      await expect(scanByCode(db, { personId: elsewhere.person.id, userId: nobody.id, code: right, now })).rejects.toMatchObject({ code: 'no_open_session' })
    }
  })
})

describe('the sibling: parallel password guesses', () => {
  test('30 concurrent wrong passwords for one account: 5 are checked, 25 wait, all audited', async () => {
    const db = getDb()
    const user = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const now = new Date('2026-11-26T02:00:00Z')
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(db, { identifier: user.username, password: `parallel guess ${i}`, ip: `10.56.0.${i + 1}`, now })),
    )
    expect(results.every((r) => !r.ok)).toBe(true)
    const actions = (await db.auditEvent.findMany({ where: { entityId: user.id } })).map((e) => e.action)
    expect(actions.filter((a) => a === 'auth.sign_in_failed')).toHaveLength(ACCOUNT_FREE_FAILURES + 1)
    expect(actions.filter((a) => a === 'auth.sign_in_throttled')).toHaveLength(30 - ACCOUNT_FREE_FAILURES - 1)
    // The right password waits the earned second like everyone else, then works.
    expect(await signIn(db, { identifier: user.username, password: TEST_PASSWORD, ip: '10.56.1.1', now: new Date(now.getTime() + 500) })).toMatchObject({
      ok: false,
      reason: 'locked',
    })
    expect((await signIn(db, { identifier: user.username, password: TEST_PASSWORD, ip: '10.56.1.1', now: new Date(now.getTime() + 1100) })).ok).toBe(true)
  })

  test('10 concurrent failures from one address block it; not 30 verdicts', async () => {
    const db = getDb()
    const now = new Date('2026-11-26T04:00:00Z')
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(db, { identifier: `ghost.${i}`, password: 'x'.repeat(12), ip: '10.57.0.1', now })),
    )
    expect(results.every((r) => !r.ok)).toBe(true)
    const failed = await db.auditEvent.count({ where: { ip: '10.57.0.1', action: 'auth.sign_in_failed' } })
    const throttled = await db.auditEvent.count({ where: { ip: '10.57.0.1', action: 'auth.sign_in_throttled' } })
    expect(failed).toBe(10)
    expect(throttled).toBe(20)
  })
})
