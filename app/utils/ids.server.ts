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
