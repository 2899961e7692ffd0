import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding'
import { randomBytes } from 'node:crypto'

/** Random 120-bit ids for rows (base32, 24 characters). */
export function newId(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(15))
}

/** `n` ids at once (one draw of randomness for all: the roster import's batches). */
export function newIds(n: number): string[] {
  const bytes = randomBytes(15 * n)
  const ids: string[] = new Array(n)
  for (let i = 0; i < n; i++) ids[i] = encodeBase32LowerCaseNoPadding(bytes.subarray(15 * i, 15 * i + 15))
  return ids
}

/** Crockford's base32 in lower case: no i, l, o or u, so a username read aloud or copied by hand stays right. */
const USERNAME_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/**
 * A generated username: "xs" (学生) or "js" (教师) and 8 random characters
 * (40 bits) — readable, never derived from the ID number or the phone.
 */
export function generatedUsername(role: 'learner' | 'teacher'): string {
  // One draw of 8 bytes, 5 bits of each (32 letters divide 256: no bias).
  const bytes = randomBytes(8)
  let tail = ''
  for (let i = 0; i < 8; i++) tail += USERNAME_ALPHABET[bytes[i]! & 31]
  return `${role === 'teacher' ? 'js' : 'xs'}${tail}`
}
