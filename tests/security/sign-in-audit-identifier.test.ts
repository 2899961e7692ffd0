/**
 * Issue 10, finding 7: a failed sign-in stored the typed identifier in clear
 * in the audit log, shown to bureau users — a phone number, or a password
 * typed into the wrong field. Now the failed (and throttled) sign-in events
 * carry a keyed HMAC of the normalised identifier (the server's HMAC key,
 * never shown), which still lets the admin see that the same identifier was
 * tried again; the throttle table keys unknown identifiers the same way.
 */
import { beforeAll, expect, test } from 'vitest'
import { listAuditEvents } from '#app/models/audit.server.ts'
import { signIn } from '#app/models/sign-in.server.ts'
import { action as loginAction } from '#app/routes/login.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { userForSessionToken } from '#app/auth/permissions.server.ts'
import { callRoute, createUserWithSession, createWorld, TEST_PASSWORD, type World } from '#tests/fixtures/db.ts'

let world: World
beforeAll(async () => {
  world = await createWorld(getDb())
})

test('a password typed into the username field, or a phone number, is not kept in clear anywhere', async () => {
  const db = getDb()
  const user = await createUserWithSession(db, { role: 'learner' })
  const firstId = (await db.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n
  const typed = ['My-Secret-Pass 2026!', '13912345678', user.username.toUpperCase()]
  for (const identifier of typed) {
    const res = await callRoute(loginAction as never, {
      url: '/login',
      method: 'POST',
      body: new URLSearchParams({ identifier, password: 'wrong password here' }),
    })
    expect(res.status).toBe(401)
  }
  const events = await db.auditEvent.findMany({ where: { id: { gt: firstId }, action: { startsWith: 'auth.sign_in' } } })
  expect(events.map((e) => e.action)).toEqual(['auth.sign_in_failed', 'auth.sign_in_failed', 'auth.sign_in_failed'])
  const stored = JSON.stringify(events, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  for (const identifier of [...typed, user.username]) {
    expect(stored).not.toContain(identifier)
  }
  expect(stored).not.toContain('12345678')
  expect(stored).not.toContain('Secret')
  // The throttle table does not keep it either.
  const keys = (await db.loginThrottle.findMany({ select: { key: true } }))
    .map((k) => k.key)
    .join('\n')
    .toLowerCase()
  expect(keys).not.toContain('secret')
  expect(keys).not.toContain('13912345678')

  // What the audit page shows (the admin sees everything) has none of it.
  const admin = await createUserWithSession(db, { role: 'admin' })
  const page = await listAuditEvents(db, (await userForSessionToken(admin.token))!)
  const shown = JSON.stringify(page.events)
  expect(shown).not.toContain('Secret')
  expect(shown).not.toContain('13912345678')
})

test('the same identifier tried twice gives the same keyed digest; different identifiers differ', async () => {
  const db = getDb()
  const firstId = (await db.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n
  for (const identifier of ['zhang.san', ' Zhang.San ', 'li.si']) {
    await signIn(db, { identifier, password: 'wrong again!', ip: '10.66.0.1' })
  }
  const events = await db.auditEvent.findMany({ where: { id: { gt: firstId }, action: 'auth.sign_in_failed' }, orderBy: { id: 'asc' } })
  const digests = events.map((e) => (e.after as { identifierHmac?: string }).identifierHmac)
  expect(digests).toHaveLength(3)
  for (const d of digests) expect(d).toMatch(/^[A-Za-z0-9_-]{20,}$/)
  expect(digests[0]).toBe(digests[1])
  expect(digests[0]).not.toBe(digests[2])
})

test('a throttled sign-in does not store the identifier either, and a right sign-in still works', async () => {
  const db = getDb()
  const user = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
  const t0 = Date.parse('2026-11-25T02:00:00Z')
  for (let i = 0; i < 6; i++) await signIn(db, { identifier: user.username, password: `wrong ${i}`, ip: '10.66.0.2', now: new Date(t0 + i * 10) })
  const throttled = await db.auditEvent.findFirstOrThrow({ where: { entityId: user.id, action: 'auth.sign_in_throttled' } })
  expect(JSON.stringify(throttled.after)).not.toContain(user.username)
  const ok = await signIn(db, { identifier: user.username, password: TEST_PASSWORD, ip: '10.66.0.3', now: new Date(t0 + 600_000) })
  expect(ok.ok).toBe(true)
})
