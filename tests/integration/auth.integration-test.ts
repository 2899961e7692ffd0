import { sha256 } from '@oslojs/crypto/sha2'
import { beforeAll, describe, expect, test } from 'vitest'
import { validateSessionToken, createSession } from '#app/auth/session.server.ts'
import { translate } from '#app/i18n/index.ts'
import { signIn } from '#app/models/sign-in.server.ts'
import { changePassword, setUserDisabled, setUserGrant } from '#app/models/users.server.ts'
import { action as localeAction } from '#app/routes/locale.tsx'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as logoutAction } from '#app/routes/logout.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createUserWithSession, createWorld, TEST_PASSWORD, type World } from '#tests/fixtures/db.ts'

let world: World
beforeAll(async () => {
  world = await createWorld(getDb())
})

const at = (iso: string) => new Date(iso)

describe('sign-in throttling', () => {
  test('after 5 wrong passwords the account waits, the right password too, with a Chinese message saying how long', async () => {
    const db = getDb()
    const user = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const t0 = Date.parse('2026-11-24T02:00:00Z')
    for (let i = 0; i < 4; i++) {
      const r = await signIn(db, { identifier: user.username, password: 'wrong password', ip: '10.0.0.1', now: new Date(t0 + i * 1000) })
      expect(r).toEqual({ ok: false, reason: 'invalid' })
    }
    const fifth = await signIn(db, { identifier: user.username, password: 'wrong password', ip: '10.0.0.1', now: new Date(t0 + 4000) })
    expect(fifth).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: 1 })

    // Right password, half a second later: still waiting.
    const during = await signIn(db, { identifier: user.username, password: TEST_PASSWORD, ip: '10.0.0.2', now: new Date(t0 + 4500) })
    expect(during).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: 1 })

    // After the wait, a 6th failure doubles it.
    const sixth = await signIn(db, { identifier: user.username, password: 'still wrong', ip: '10.0.0.2', now: new Date(t0 + 6000) })
    expect(sixth).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: 2 })

    // After that wait the right password works and resets the count.
    const ok = await signIn(db, { identifier: user.username, password: TEST_PASSWORD, ip: '10.0.0.3', now: new Date(t0 + 8100) })
    expect(ok.ok).toBe(true)
  })

  test('the sign-in page shows the wait in Chinese', async () => {
    const db = getDb()
    const user = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const post = (password: string) =>
      callRoute(loginAction as never, {
        url: '/login',
        method: 'POST',
        body: new URLSearchParams({ identifier: user.username, password }),
      })
    for (let i = 0; i < 4; i++) await post('nope nope')
    const fifth = await post('nope nope')
    expect(fifth.status).toBe(429)
    const right = await post(TEST_PASSWORD)
    expect(right.status).toBe(429)
    const body = (right.value as { data: { error: string } }).data
    expect(body.error).toMatch(/^尝试次数过多，请 \d+ 秒后再试（正确的密码也需等待）。$/)
  })

  test('10 failures from one address block it for 10 minutes, whatever the account', async () => {
    const db = getDb()
    const t0 = Date.parse('2026-11-24T03:00:00Z')
    for (let i = 0; i < 10; i++) {
      await signIn(db, { identifier: `nobody${i}`, password: 'x'.repeat(10), ip: '10.9.9.9', now: new Date(t0) })
    }
    const user = await createUserWithSession(db, { role: 'learner' })
    const blocked = await signIn(db, { identifier: user.username, password: TEST_PASSWORD, ip: '10.9.9.9', now: new Date(t0 + 60_000) })
    expect(blocked).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: 540 })
    const later = await signIn(db, { identifier: user.username, password: TEST_PASSWORD, ip: '10.9.9.9', now: new Date(t0 + 601_000) })
    expect(later.ok).toBe(true)
  })

  test('every sign-in, failure and throttled attempt is audited', async () => {
    const db = getDb()
    const user = await createUserWithSession(db, { role: 'learner' })
    await signIn(db, { identifier: user.username, password: 'wrong one!', ip: '10.1.1.1' })
    await signIn(db, { identifier: user.username, password: TEST_PASSWORD, ip: '10.1.1.1' })
    const actions = (await db.auditEvent.findMany({ where: { entityId: user.id }, orderBy: { id: 'asc' } })).map((e) => e.action)
    expect(actions).toEqual(['auth.sign_in_failed', 'auth.sign_in'])
  })
})

describe('sessions', () => {
  test('the database holds no usable session token', async () => {
    const db = getDb()
    const user = await createUserWithSession(db, { role: 'learner' })
    const [id, secret] = user.token.split('.') as [string, string]
    expect(secret.length).toBeGreaterThanOrEqual(52) // ≥ 256 bits in base32
    const row = await db.session.findUniqueOrThrow({ where: { id } })
    const stored = JSON.stringify({ ...row, secretHash: Buffer.from(row.secretHash).toString('hex') })
    expect(stored).not.toContain(secret)
    expect(Buffer.from(row.secretHash)).toEqual(Buffer.from(sha256(new TextEncoder().encode(secret))))
    // What is stored cannot be used as a token.
    expect(await validateSessionToken(db, `${id}.${Buffer.from(row.secretHash).toString('hex')}`)).toBeNull()
    expect(await validateSessionToken(db, user.token)).not.toBeNull()
  })

  test.each([
    ['staff', 'coordinator', 29 * 60, true],
    ['staff', 'coordinator', 31 * 60, false],
    ['learner', 'learner', 9 * 86400, true],
    ['learner', 'learner', 11 * 86400, false],
  ] as const)('%s session (%s) idle for %i s is valid: %s', async (_k, role, idle, valid) => {
    const db = getDb()
    const created = await createUserWithSession(db, { role, scopeRegionId: role === 'coordinator' ? world.regions.county.id : null })
    const user = await db.user.findFirstOrThrow({ where: { username: created.username } })
    const start = at('2026-11-01T00:00:00Z')
    const { token } = await createSession(db, { userId: user.id, roles: [role], now: start })
    const result = await validateSessionToken(db, token, new Date(start.getTime() + idle * 1000))
    expect(result !== null).toBe(valid)
  })

  test('a staff session ends after 12 hours even when active', async () => {
    const db = getDb()
    const created = await createUserWithSession(db, { role: 'admin' })
    const start = at('2026-11-01T00:00:00Z')
    const { token } = await createSession(db, { userId: created.id, roles: ['admin'], now: start })
    for (let h = 0.25; h < 12; h += 0.25) {
      expect(await validateSessionToken(db, token, new Date(start.getTime() + h * 3600_000))).not.toBeNull()
    }
    expect(await validateSessionToken(db, token, new Date(start.getTime() + 12 * 3600_000))).toBeNull()
  })

  test('a tampered secret is refused', async () => {
    const db = getDb()
    const user = await createUserWithSession(db, { role: 'learner' })
    const [id, secret] = user.token.split('.') as [string, string]
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`
    expect(await validateSessionToken(db, `${id}.${flipped}`)).toBeNull()
  })

  test('changing the password ends every other session of that user', async () => {
    const db = getDb()
    const a = await createUserWithSession(db, { role: 'teacher' })
    const second = await createSession(db, { userId: a.id, roles: ['teacher'] })
    const current = (await validateSessionToken(db, a.token))!
    await changePassword(db, { userId: a.id, keepSessionId: current.id, current: TEST_PASSWORD, next: 'a brand new sentence' })
    expect(await validateSessionToken(db, a.token)).not.toBeNull()
    expect(await validateSessionToken(db, second.token)).toBeNull()
  })

  test('a role or scope change, or disabling, ends all of the user’s sessions', async () => {
    const db = getDb()
    const admin = await createUserWithSession(db, { role: 'admin' })
    const u = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    await setUserGrant(db, { actorId: admin.id, userId: u.id, grant: { role: 'coordinator', scopeRegionId: world.regions.county.id } })
    expect(await validateSessionToken(db, u.token)).toBeNull()
    const v = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    await setUserDisabled(db, { actorId: admin.id, userId: v.id, disabled: true })
    expect(await validateSessionToken(db, v.token)).toBeNull()
    expect(await signIn(db, { identifier: v.username, password: TEST_PASSWORD, ip: '10.2.2.2' })).toEqual({ ok: false, reason: 'invalid' })
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: u.id, action: 'user.role_change' } })
    expect(audit.before).toMatchObject({ grants: [{ scopeRegionId: world.regions.zhelou.id }] })
    expect(audit.after).toMatchObject({ grants: [{ scopeRegionId: world.regions.county.id }] })
  })

  test('a common password is refused with a Chinese reason', async () => {
    const db = getDb()
    const a = await createUserWithSession(db, { role: 'teacher' })
    const current = (await validateSessionToken(db, a.token))!
    await expect(changePassword(db, { userId: a.id, keepSessionId: current.id, current: TEST_PASSWORD, next: 'password123' })).rejects.toMatchObject({
      code: 'common',
    })
    expect(translate('zh-CN', 'password.common')).toContain('太常见')
  })
})

test('the audit log refuses UPDATE and DELETE', async () => {
  const db = getDb()
  await db.auditEvent.create({ data: { action: 'test.event', entityType: 'Test' } })
  await expect(db.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'changed'`)).rejects.toThrow(/append-only/)
  await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/)
  expect(await db.auditEvent.count({ where: { action: 'changed' } })).toBe(0)
})

test('a staff role cannot be given a scope that does not exist, or no scope at all', async () => {
  const db = getDb()
  const admin = await createUserWithSession(db, { role: 'admin' })
  const u = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
  await expect(setUserGrant(db, { actorId: admin.id, userId: u.id, grant: { role: 'coordinator', scopeRegionId: 'nosuchregion' } })).rejects.toMatchObject({
    code: 'scope_invalid',
  })
  await expect(setUserGrant(db, { actorId: admin.id, userId: u.id, grant: { role: 'bureau' } })).rejects.toMatchObject({ code: 'scope_invalid' })
  // Nothing changed and the session lives on.
  expect(await validateSessionToken(db, u.token)).not.toBeNull()
  expect((await db.roleAssignment.findMany({ where: { userId: u.id } })).map((r) => r.scopeRegionId)).toEqual([world.regions.zhelou.id])
})

describe('signing out and the language switch', () => {
  const post = (fn: unknown, url: string, cookie: string, body: Record<string, string>) =>
    callRoute(fn as never, { url, method: 'POST', cookie, body: new URLSearchParams(body) })

  test('signing out ends this session only; 在所有设备退出 ends every one; both are audited and clear the cookie', async () => {
    const db = getDb()
    const user = await createUserWithSession(db, { role: 'teacher' })
    const other = await createSession(db, { userId: user.id, roles: ['teacher'] })

    const here = await post(logoutAction, '/logout', user.cookie, {})
    expect(here.status).toBe(302)
    expect((here.value as Response).headers.get('location')).toBe('/login?signedOut=1')
    expect((here.value as Response).headers.get('set-cookie')).toMatch(/Max-Age=0/)
    expect(await validateSessionToken(db, user.token)).toBeNull()
    expect(await validateSessionToken(db, other.token)).not.toBeNull()

    const third = await createSession(db, { userId: user.id, roles: ['teacher'] })
    const otherCookie = `${user.cookie.split('=')[0]}=${other.token}`
    await post(logoutAction, '/logout', otherCookie, { intent: 'everywhere' })
    expect(await validateSessionToken(db, other.token)).toBeNull()
    expect(await validateSessionToken(db, third.token)).toBeNull()
    const actions = (await db.auditEvent.findMany({ where: { actorId: user.id, action: { startsWith: 'auth.sign_out' } }, orderBy: { id: 'asc' } })).map(
      (e) => e.action,
    )
    expect(actions).toEqual(['auth.sign_out', 'auth.sign_out_everywhere'])
  })

  test('the language switch sets the cookie and, signed in, the account’s own choice; an unknown language changes nothing', async () => {
    const db = getDb()
    const user = await createUserWithSession(db, { role: 'learner' })
    const switched = await post(localeAction, '/locale', user.cookie, { locale: 'en', redirectTo: '/me' })
    expect((switched.value as Response).headers.get('location')).toBe('/me')
    expect((switched.value as Response).headers.get('set-cookie')).toMatch(/^xx_locale=en;/)
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBe('en')
    await post(localeAction, '/locale', user.cookie, { locale: 'fr', redirectTo: '//evil.example' })
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBe('en')
  })
})
