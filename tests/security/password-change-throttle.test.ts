/**
 * Issue 10, finding 3: the password-change page was an unthrottled,
 * unaudited password oracle — 15 wrong "current password" posts in a second,
 * no lock, no audit row, and the right guess confirmed by a different
 * message (a complaint about the new password instead of the current one).
 * Now every password check goes through the sign-in throttle (per account and
 * per IP, the LoginThrottle table), each failed current-password check is
 * audited, and the new password is judged before the current one is looked
 * at, so a wrong and a right guess with an unusable new password get the same
 * answer.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { ACCOUNT_FREE_FAILURES } from '#app/domain/sign-in-throttle.ts'
import { signIn } from '#app/models/sign-in.server.ts'
import { changePassword } from '#app/models/users.server.ts'
import { action as passwordAction } from '#app/routes/password.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { createUserWithSession, createWorld, TEST_PASSWORD, type World } from '#tests/fixtures/db.ts'

let world: World
let ipSeq = 0
/** Each test from its own address, so the per-IP count of one never reaches another. */
const freshIp = () => `10.77.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`

beforeAll(async () => {
  world = await createWorld(getDb())
})

async function post(cookie: string, fields: { current: string; next: string; confirm?: string }, ip: string) {
  const request = new Request('http://localhost/password', {
    method: 'POST',
    headers: { cookie },
    body: new URLSearchParams({ current: fields.current, next: fields.next, confirm: fields.confirm ?? fields.next }),
  })
  try {
    const value = (await passwordAction({ request, params: {}, context: { ip } } as never)) as unknown
    if (value instanceof Response) return { status: value.status, body: null as unknown }
    const { data, init } = value as { data: unknown; init?: { status?: number; headers?: Record<string, string> } | null }
    return { status: init?.status ?? 200, body: data, headers: init?.headers }
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, body: null as unknown }
    throw thrown
  }
}

const staff = () => createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.county.id })

describe('the password-change page uses the sign-in throttle', () => {
  test('15 wrong current passwords: the account waits after the 5th, the right one waits too, and every try is audited', async () => {
    const db = getDb()
    const user = await staff()
    const ip = freshIp()
    const statuses: number[] = []
    const wrong = async (i: number) => (await post(user.cookie, { current: `guess number ${i}`, next: 'a brand new passphrase' }, ip)).status
    for (let i = 0; i <= ACCOUNT_FREE_FAILURES; i++) statuses.push(await wrong(i))
    // As at sign-in: 4 free failures, then the 5th earns a wait…
    expect(statuses).toEqual([...Array(ACCOUNT_FREE_FAILURES).fill(400), 429])
    // …which the right password, from another address, waits out too.
    const right = await post(user.cookie, { current: TEST_PASSWORD, next: 'a brand new passphrase' }, freshIp())
    expect(right.status).toBe(429)
    expect(JSON.stringify(right.body)).toMatch(/尝试次数过多，请 \d+ (秒|分钟)后再试/)
    // Ten more in a row: each refused, or (once a wait is over) checked and earning a longer one.
    for (let i = 0; i < 10; i++) expect(await wrong(100 + i)).toBe(429)
    // The password did not change.
    expect((await signIn(db, { identifier: user.username, password: 'a brand new passphrase', ip: freshIp() })).ok).toBe(false)

    // Every one of the 16 tries is in the audit log: checked and wrong, or refused by the wait.
    const actions = (await db.auditEvent.findMany({ where: { entityId: user.id, action: { startsWith: 'auth.password_check' } } })).map((e) => e.action)
    const failedCount = actions.filter((a) => a === 'auth.password_check_failed').length
    expect(failedCount).toBeGreaterThanOrEqual(ACCOUNT_FREE_FAILURES + 1)
    expect(failedCount).toBeLessThan(10)
    expect(actions.filter((a) => a === 'auth.password_check_throttled').length).toBe(16 - failedCount)
    const failed = await db.auditEvent.findFirstOrThrow({ where: { entityId: user.id, action: 'auth.password_check_failed' } })
    expect(failed.actorId).toBe(user.id)
    expect(failed.ip).toBe(ip)
    expect(JSON.stringify({ ...failed, id: String(failed.id) })).not.toContain('guess number')
  })

  test('guesses on the password page and at sign-in count against the same account', async () => {
    const db = getDb()
    const user = await staff()
    const t0 = new Date('2026-11-24T02:00:00Z')
    for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++) {
      await expect(
        changePassword(db, {
          userId: user.id,
          keepSessionId: 'x',
          current: `wrong ${i}`,
          next: 'another good passphrase',
          ip: freshIp(),
          now: new Date(t0.getTime() + i),
        }),
      ).rejects.toMatchObject({ code: 'wrong_current' })
    }
    // The 5th failure is a sign-in: it earns the wait, as it would after five failed sign-ins.
    expect(await signIn(db, { identifier: user.username, password: 'wrong at sign-in', ip: freshIp(), now: new Date(t0.getTime() + 10) })).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterSeconds: 1,
    })
    await expect(
      changePassword(db, {
        userId: user.id,
        keepSessionId: 'x',
        current: TEST_PASSWORD,
        next: 'another good passphrase',
        ip: freshIp(),
        now: new Date(t0.getTime() + 500),
      }),
    ).rejects.toMatchObject({ code: 'locked', retryAfterSeconds: 1 })
  })

  test('an address blocked for sign-in failures cannot guess on the password page either', async () => {
    const db = getDb()
    const ip = freshIp()
    const t0 = new Date('2026-11-24T05:00:00Z')
    for (let i = 0; i < 10; i++) await signIn(db, { identifier: `nobody.${ip}.${i}`, password: 'x'.repeat(10), ip, now: t0 })
    const user = await staff()
    await expect(
      changePassword(db, {
        userId: user.id,
        keepSessionId: 'x',
        current: TEST_PASSWORD,
        next: 'another good passphrase',
        ip,
        now: new Date(t0.getTime() + 1000),
      }),
    ).rejects.toMatchObject({ code: 'locked' })
  })

  test('a wrong and a right current password with an unusable new one get the same answer', async () => {
    const user = await staff()
    for (const next of ['short', 'password123', 'x'.repeat(200)]) {
      const wrong = await post(user.cookie, { current: 'not my password', next }, freshIp())
      const right = await post(user.cookie, { current: TEST_PASSWORD, next }, freshIp())
      expect(right, next).toEqual(wrong)
      expect(wrong.status, next).toBe(400)
    }
    // Mismatched confirmation: the same answer too.
    const wrong = await post(user.cookie, { current: 'not my password', next: 'a fine new passphrase', confirm: 'typo' }, freshIp())
    const right = await post(user.cookie, { current: TEST_PASSWORD, next: 'a fine new passphrase', confirm: 'typo' }, freshIp())
    expect(right).toEqual(wrong)
    // None of these looked at the current password: nothing was counted or audited against the account.
    expect(await getDb().auditEvent.count({ where: { entityId: user.id, action: { startsWith: 'auth.password_check' } } })).toBe(0)
  })

  test('the right current password with a good new one still works, and clears the account’s count', async () => {
    const db = getDb()
    const user = await staff()
    const ip = freshIp()
    for (let i = 0; i < 3; i++) expect((await post(user.cookie, { current: `nope ${i}`, next: 'my new long passphrase' }, ip)).status).toBe(400)
    const ok = await post(user.cookie, { current: TEST_PASSWORD, next: 'my new long passphrase' }, ip)
    expect(ok.status).toBe(302)
    expect((await signIn(db, { identifier: user.username, password: 'my new long passphrase', ip: freshIp() })).ok).toBe(true)
    expect(await db.auditEvent.count({ where: { entityId: user.id, action: 'user.password_change' } })).toBe(1)
  })
})
