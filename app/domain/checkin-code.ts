/**
 * Rotating check-in credentials of a face-to-face session (DESIGN.md §3).
 *
 * Time is cut into 30-second steps (step = floor(unix ms / 30 000)). For each
 * step the session's secret key (ClassSession.checkinKey, 32 random bytes)
 * yields, by HMAC-SHA-256 under two different labels:
 * - a QR token `<sessionId>.<step>.<mac>`: URL-safe, the MAC truncated to
 *   96 bits (base64url, 16 characters);
 * - a 6-digit fallback code for phones that cannot scan.
 * The labels differ, so seeing the code tells nothing about the token and
 * the other way round.
 *
 * Verification accepts the current step and the one before it only (a code
 * read just before it rotates still works; nothing older), refuses future
 * steps, and refuses everything outside the session's check-in window
 * (30 minutes before the start to 30 minutes after the end). A screenshot of
 * the screen therefore stops working at most 60 seconds after it was taken.
 */
import { hmac } from '@oslojs/crypto/hmac'
import { SHA256 } from '@oslojs/crypto/sha2'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding'

export const STEP_MS = 30_000
/** The check-in window opens this long before the start and closes this long after the end. */
export const WINDOW_MARGIN_MS = 30 * 60_000
/** Bytes of the MAC kept in a QR token (96 bits). */
const TOKEN_MAC_BYTES = 12

const QR_LABEL = 'xiangxue/checkin/qr/v1'
const CODE_LABEL = 'xiangxue/checkin/code/v1'
const encoder = new TextEncoder()

export type CheckinWindow = { startsAt: Date; endsAt: Date }

export type CheckinFailure =
  /** Not a token of ours at all (bad shape, wrong MAC, another session). */
  | 'invalid'
  /** A real token or code, but older than the previous step. */
  | 'expired'
  /** A step the server's clock has not reached: refused. */
  | 'future'
  /** Now is outside the session's check-in window. */
  | 'outside_window'

export type CheckinVerdict = { ok: true; step: number } | { ok: false; reason: CheckinFailure }

export function stepAt(now: Date): number {
  return Math.floor(now.getTime() / STEP_MS)
}

/** Milliseconds until the next step begins (for the check-in screen's refresh). */
export function msToNextStep(now: Date): number {
  return (stepAt(now) + 1) * STEP_MS - now.getTime()
}

export function checkinWindow(session: CheckinWindow): { opensAt: Date; closesAt: Date } {
  return {
    opensAt: new Date(session.startsAt.getTime() - WINDOW_MARGIN_MS),
    closesAt: new Date(session.endsAt.getTime() + WINDOW_MARGIN_MS),
  }
}

export function isWindowOpen(session: CheckinWindow, now: Date): boolean {
  const { opensAt, closesAt } = checkinWindow(session)
  return now.getTime() >= opensAt.getTime() && now.getTime() <= closesAt.getTime()
}

function mac(key: Uint8Array, label: string, sessionId: string, step: number): Uint8Array {
  return hmac(SHA256, key, encoder.encode(`${label}\n${sessionId}\n${step}`))
}

/** The QR token of a step. */
export function qrToken(key: Uint8Array, sessionId: string, step: number): string {
  return `${sessionId}.${step}.${encodeBase64urlNoPadding(mac(key, QR_LABEL, sessionId, step).slice(0, TOKEN_MAC_BYTES))}`
}

/** The 6-digit fallback code of a step (HOTP-style dynamic truncation of its own MAC). */
export function fallbackCode(key: Uint8Array, sessionId: string, step: number): string {
  const m = mac(key, CODE_LABEL, sessionId, step)
  const offset = m[m.length - 1]! & 0x0f
  const n = (((m[offset]! & 0x7f) << 24) | (m[offset + 1]! << 16) | (m[offset + 2]! << 8) | m[offset + 3]!) >>> 0
  return String(n % 1_000_000).padStart(6, '0')
}

/** What the check-in screen shows at `now`. */
export function currentCredentials(key: Uint8Array, sessionId: string, now: Date) {
  const step = stepAt(now)
  return { step, token: qrToken(key, sessionId, step), code: fallbackCode(key, sessionId, step), msToNext: msToNextStep(now) }
}

function stepVerdict(step: number, now: Date, session: CheckinWindow): CheckinVerdict {
  const current = stepAt(now)
  if (step > current) return { ok: false, reason: 'future' }
  if (!isWindowOpen(session, now)) return { ok: false, reason: 'outside_window' }
  if (step < current - 1) return { ok: false, reason: 'expired' }
  return { ok: true, step }
}

const TOKEN_SHAPE = /^([a-z0-9]{1,40})\.(\d{1,12})\.([A-Za-z0-9_-]{16})$/

/** Checks a QR token for `session` (its id, key and times) at `now`. */
export function verifyQrToken(session: CheckinWindow & { id: string; key: Uint8Array }, token: string, now: Date): CheckinVerdict {
  const m = TOKEN_SHAPE.exec(token)
  if (!m || m[1] !== session.id) return { ok: false, reason: 'invalid' }
  const step = Number(m[2])
  let given: Uint8Array
  try {
    given = decodeBase64urlIgnorePadding(m[3]!)
  } catch {
    return { ok: false, reason: 'invalid' }
  }
  const expected = mac(session.key, QR_LABEL, session.id, step).slice(0, TOKEN_MAC_BYTES)
  if (given.length !== expected.length || !constantTimeEqual(given, expected)) return { ok: false, reason: 'invalid' }
  return stepVerdict(step, now, session)
}

/**
 * Checks a typed 6-digit code for `session` at `now`: it must be the code of
 * the current or the previous step. A code of an older step (up to 10
 * minutes back) answers `expired` so the learner is told to read the screen
 * again; anything else is `invalid`.
 */
export function verifyCode(session: CheckinWindow & { id: string; key: Uint8Array }, code: string, now: Date): CheckinVerdict {
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: 'invalid' }
  const current = stepAt(now)
  const given = encoder.encode(code)
  const matches = (step: number) => constantTimeEqual(given, encoder.encode(fallbackCode(session.key, session.id, step)))
  for (const step of [current, current - 1]) {
    if (matches(step)) return stepVerdict(step, now, session)
  }
  for (let step = current - 2; step >= current - 20; step--) {
    if (matches(step)) return isWindowOpen(session, now) ? { ok: false, reason: 'expired' } : { ok: false, reason: 'outside_window' }
  }
  return { ok: false, reason: 'invalid' }
}

/**
 * Typed codes are guessable (one in a million, two steps accepted), so wrong
 * ones are limited per learner: after CODE_FAILURE_LIMIT wrong codes, with
 * less than CODE_FAILURE_WINDOW_MS between them, the learner waits that long
 * (the right code too). Counted atomically by app/models/login-throttle.server.ts.
 */
export const CODE_FAILURE_LIMIT = 10
export const CODE_FAILURE_WINDOW_MS = 10 * 60_000

/** Seconds a learner waits after their `failures`-th wrong code in a row. */
export function codeFailureDelaySeconds(failures: number): number {
  return failures >= CODE_FAILURE_LIMIT ? CODE_FAILURE_WINDOW_MS / 1000 : 0
}

/** How long the "课还没结束，确定签退吗？" answer of an early check-out stays good. */
export const CONFIRM_TTL_MS = 5 * 60_000
const CONFIRM_LABEL = 'xiangxue/checkin/confirm-out/v1'
const TICKET_SHAPE = /^(\d{1,15})\.([A-Za-z0-9_-]{22})$/

export type CheckoutTicketSubject = { sessionId: string; enrollmentId: string; version: number }

function ticketMac(key: Uint8Array, s: CheckoutTicketSubject, issuedAtMs: number): Uint8Array {
  return hmac(SHA256, key, encoder.encode(`${CONFIRM_LABEL}\n${s.sessionId}\n${s.enrollmentId}\n${s.version}\n${issuedAtMs}`)).slice(0, 16)
}

/**
 * The confirmation of an early check-out, issued when the learner showed a
 * good QR token or code at `issuedAt`: `<ms>.<mac>`. It names the session,
 * the enrollment and the attendance's version (its ledger entries so far, so
 * an answer given before an undo cannot check out again). Confirming checks
 * out at `issuedAt`, crediting what the question said.
 */
export function checkoutTicket(key: Uint8Array, subject: CheckoutTicketSubject, issuedAt: Date): string {
  const ms = issuedAt.getTime()
  return `${ms}.${encodeBase64urlNoPadding(ticketMac(key, subject, ms))}`
}

export type TicketVerdict = { ok: true; issuedAt: Date } | { ok: false; reason: 'invalid' | 'expired' }

/** Checks a confirmation at `now`: ours, for this subject, issued at most CONFIRM_TTL_MS ago and not in the future. */
export function verifyCheckoutTicket(key: Uint8Array, subject: CheckoutTicketSubject, ticket: string, now: Date): TicketVerdict {
  const m = TICKET_SHAPE.exec(ticket)
  if (!m) return { ok: false, reason: 'invalid' }
  const ms = Number(m[1])
  let given: Uint8Array
  try {
    given = decodeBase64urlIgnorePadding(m[2]!)
  } catch {
    return { ok: false, reason: 'invalid' }
  }
  const expected = ticketMac(key, subject, ms)
  if (given.length !== expected.length || !constantTimeEqual(given, expected)) return { ok: false, reason: 'invalid' }
  if (ms > now.getTime()) return { ok: false, reason: 'invalid' }
  if (now.getTime() - ms > CONFIRM_TTL_MS) return { ok: false, reason: 'expired' }
  return { ok: true, issuedAt: new Date(ms) }
}
