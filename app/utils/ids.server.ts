import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding'
import { randomBytes } from 'node:crypto'

/** Random 120-bit ids for rows (base32, 24 characters). */
export function newId(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(15))
}
