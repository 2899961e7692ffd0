import { sha256 } from '@oslojs/crypto/sha2'
import { expect, test } from 'vitest'
import { decideSession, parseSessionToken, SESSION_TOUCH_MS } from './session.server.ts'

const secret = 'a'.repeat(52)
const now = new Date('2026-11-24T01:00:00Z')
const ago = (ms: number) => new Date(now.getTime() - ms)
const stored = (over: Partial<{ secret: string; lastVerifiedAt: Date; expiresAt: Date; idleSeconds: number }> = {}) => ({
  secretHash: sha256(new TextEncoder().encode(over.secret ?? secret)),
  lastVerifiedAt: over.lastVerifiedAt ?? ago(1000),
  expiresAt: over.expiresAt ?? new Date(now.getTime() + 86400_000),
  idleSeconds: over.idleSeconds ?? 600,
})

test.each([
  ['an unknown id', null, { valid: false, drop: false }],
  ['a wrong secret', stored({ secret: 'b'.repeat(52) }), { valid: false, drop: false }],
  ['past the absolute expiry', stored({ expiresAt: now }), { valid: false, drop: true }],
  ['idle too long', stored({ lastVerifiedAt: ago(600_000), idleSeconds: 600 }), { valid: false, drop: true }],
  ['just inside the idle time, touched long ago', stored({ lastVerifiedAt: ago(599_000), idleSeconds: 600 }), { valid: true, touch: true }],
  ['touched less than a minute ago', stored({ lastVerifiedAt: ago(SESSION_TOUCH_MS - 1) }), { valid: true, touch: false }],
  ['touched exactly a minute ago', stored({ lastVerifiedAt: ago(SESSION_TOUCH_MS) }), { valid: true, touch: true }],
] as const)('a session with %s', (_name, row, expected) => {
  expect(decideSession(row, secret, now)).toEqual(expected)
})

test.each([
  ['abcdefghijklmnopqrstuvwx.' + secret, true],
  ['abcdefghijklmnopqrstuvwx', false],
  ['ABCDEFGHIJKLMNOPQRSTUVWX.' + secret, false],
  ['abcdefghijklmnopqrstuvwx.' + secret + '.x', false],
  ['abcdefghijklmnopqrstuvw1.' + secret, false],
])('token %s is well formed: %s', (token, ok) => {
  expect(parseSessionToken(token) !== null).toBe(ok)
})
