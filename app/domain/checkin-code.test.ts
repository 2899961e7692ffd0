import { expect, test } from 'vitest'
import {
  CONFIRM_TTL_MS,
  STEP_MS,
  checkoutTicket,
  verifyCheckoutTicket,
  checkinWindow,
  currentCredentials,
  fallbackCode,
  msToNextStep,
  qrToken,
  stepAt,
  verifyCode,
  verifyQrToken,
} from './checkin-code.ts'

const key = new Uint8Array(32).map((_, i) => i * 7 + 3)
const otherKey = new Uint8Array(32).map((_, i) => 255 - i)
const session = {
  id: 'sess0000000000000000001a',
  key,
  startsAt: new Date('2026-11-24T01:00:00Z'), // 09:00 Beijing
  endsAt: new Date('2026-11-24T09:30:00Z'), // 17:30 Beijing
}
const at = (iso: string) => new Date(iso)
/** The first millisecond of the step containing `iso`. */
const stepStart = (iso: string) => new Date(stepAt(at(iso)) * STEP_MS)
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms)

const t0 = stepStart('2026-11-24T02:00:10Z') // during the session
const s0 = stepAt(t0)

test('a QR token is URL-safe, names the session and step, and carries ≥ 80 bits of MAC', () => {
  const token = qrToken(key, session.id, s0)
  expect(token).toMatch(/^[A-Za-z0-9._-]+$/)
  const [id, step, mac] = token.split('.')
  expect(id).toBe(session.id)
  expect(Number(step)).toBe(s0)
  expect(mac!.length * 6).toBeGreaterThanOrEqual(80)
  expect(encodeURIComponent(token)).toBe(token)
})

test('codes are 6 digits, change every step, and differ per session key', () => {
  const codes = new Set(Array.from({ length: 40 }, (_, i) => fallbackCode(key, session.id, s0 + i)))
  for (const c of codes) expect(c).toMatch(/^\d{6}$/)
  expect(codes.size).toBeGreaterThan(35)
  expect(fallbackCode(key, session.id, s0)).not.toBe(fallbackCode(otherKey, session.id, s0))
  expect(qrToken(key, session.id, s0)).not.toBe(qrToken(otherKey, session.id, s0))
})

test('the code is not derivable from the token: they come from different labels', () => {
  // Same key, step and session: the token's MAC bytes do not contain the code's digits' source.
  const token = qrToken(key, session.id, s0)
  const code = fallbackCode(key, session.id, s0)
  expect(token).not.toContain(code)
  // And a token built with the code's label would be a different MAC (checked indirectly: a forged
  // token from the code does not verify).
  expect(verifyQrToken(session, `${session.id}.${s0}.${code}0000000000`, t0)).toEqual({ ok: false, reason: 'invalid' })
})

test.each([
  ['the current step, at its first millisecond', 0, 0, { ok: true, step: s0 }],
  ['the current step, at its last millisecond', 0, STEP_MS - 1, { ok: true, step: s0 }],
  ['the previous step (read just before it rotated)', 0, STEP_MS, { ok: true, step: s0 }],
  ['the previous step, at the last millisecond it is accepted', 0, 2 * STEP_MS - 1, { ok: true, step: s0 }],
  ['two steps old (a 60-second-old screenshot)', 0, 2 * STEP_MS, { ok: false, reason: 'expired' }],
  ['an hour old', 0, 3600_000, { ok: false, reason: 'expired' }],
  ['a step the clock has not reached', 1, STEP_MS - 1, { ok: false, reason: 'future' }],
] as const)('QR token and code of %s', (_label, stepOffset, elapsed, verdict) => {
  const step = s0 + stepOffset
  const now = plus(t0, elapsed)
  expect(verifyQrToken(session, qrToken(key, session.id, step), now)).toEqual(verdict)
  if (verdict.ok || verdict.reason === 'expired') {
    expect(verifyCode(session, fallbackCode(key, session.id, step), now)).toEqual(
      elapsed >= 3600_000 ? { ok: false, reason: 'invalid' } : verdict, // codes older than 10 minutes are simply wrong
    )
  }
})

const opens = checkinWindow(session).opensAt
const closes = checkinWindow(session).closesAt

test('the window is 30 minutes before the start to 30 minutes after the end', () => {
  expect(opens.toISOString()).toBe('2026-11-24T00:30:00.000Z')
  expect(closes.toISOString()).toBe('2026-11-24T10:00:00.000Z')
})

test.each([
  ['one millisecond before it opens', plus(opens, -1), false],
  ['the moment it opens', opens, true],
  ['the moment it closes', closes, true],
  ['one millisecond after it closes', plus(closes, 1), false],
  ['the day before', new Date(opens.getTime() - 86_400_000), false],
])('check-in %s: accepted = %s', (_label, now, accepted) => {
  const step = stepAt(now)
  const token = qrToken(key, session.id, step)
  const code = fallbackCode(key, session.id, step)
  const expected = accepted ? { ok: true, step } : { ok: false, reason: 'outside_window' }
  expect(verifyQrToken(session, token, now)).toEqual(expected)
  expect(verifyCode(session, code, now)).toEqual(expected)
})

test.each([
  ['another session id', (tok: string) => tok.replace(session.id, 'sess0000000000000000002b')],
  ['a changed step', (tok: string) => tok.replace(`.${s0}.`, `.${s0 - 1}.`)],
  ['a flipped MAC character', (tok: string) => tok.slice(0, -1) + (tok.endsWith('A') ? 'B' : 'A')],
  ['a truncated MAC', (tok: string) => tok.slice(0, -2)],
  ['garbage', () => 'not-a-token'],
  ['empty', () => ''],
])('a QR token with %s is invalid', (_label, mutate) => {
  expect(verifyQrToken(session, mutate(qrToken(key, session.id, s0)), t0)).toEqual({ ok: false, reason: 'invalid' })
})

test('a token signed with another session key is invalid', () => {
  expect(verifyQrToken(session, qrToken(otherKey, session.id, s0), t0)).toEqual({ ok: false, reason: 'invalid' })
})

test.each(['12345', '1234567', 'abcdef', ''])('a malformed code %j is invalid', (code) => {
  expect(verifyCode(session, code, t0)).toEqual({ ok: false, reason: 'invalid' })
})

test('a wrong code is invalid (the code of another key)', () => {
  const current = fallbackCode(key, session.id, s0)
  const previous = fallbackCode(key, session.id, s0 - 1)
  const wrong = [fallbackCode(otherKey, session.id, s0), '000000', '999999'].find((c) => c !== current && c !== previous)!
  expect(verifyCode(session, wrong, t0)).toMatchObject({ ok: false })
})

test('the screen shows the current step and how long until it rotates', () => {
  const now = plus(t0, 12_345)
  const c = currentCredentials(key, session.id, now)
  expect(c.step).toBe(s0)
  expect(c.token).toBe(qrToken(key, session.id, s0))
  expect(c.code).toBe(fallbackCode(key, session.id, s0))
  expect(c.msToNext).toBe(STEP_MS - 12_345)
  expect(msToNextStep(t0)).toBe(STEP_MS)
})

const subject = { sessionId: session.id, enrollmentId: 'enr0000000000000000001', version: 0 }

test.each([
  ['just issued', subject, 0, { ok: true }],
  ['answered after 4 min 59 s', subject, CONFIRM_TTL_MS - 1000, { ok: true }],
  ['answered exactly at the limit', subject, CONFIRM_TTL_MS, { ok: true }],
  ['answered 1 ms too late', subject, CONFIRM_TTL_MS + 1, { ok: false, reason: 'expired' }],
  ['issued in the future', subject, -1, { ok: false, reason: 'invalid' }],
  ['for another enrollment', { ...subject, enrollmentId: 'enr0000000000000000002' }, 0, { ok: false, reason: 'invalid' }],
  ['for another session', { ...subject, sessionId: 'sess0000000000000000002b' }, 0, { ok: false, reason: 'invalid' }],
  ['given before an undo (the attendance moved on)', { ...subject, version: 2 }, 0, { ok: false, reason: 'invalid' }],
] as const)('an early check-out confirmation %s', (_label, checkedAs, ageMs, verdict) => {
  const ticket = checkoutTicket(key, subject, t0)
  const got = verifyCheckoutTicket(key, checkedAs, ticket, plus(t0, ageMs))
  expect(got).toEqual(verdict.ok ? { ok: true, issuedAt: t0 } : verdict)
})

test.each([
  ['another key', () => checkoutTicket(otherKey, subject, t0)],
  ['a changed time', () => checkoutTicket(key, subject, t0).replace(/^\d+/, String(t0.getTime() - 1000))],
  ['garbage', () => 'x.y'],
  ['empty', () => ''],
])('a confirmation with %s is invalid', (_label, make) => {
  expect(verifyCheckoutTicket(key, subject, make(), plus(t0, 1000))).toEqual({ ok: false, reason: 'invalid' })
})
