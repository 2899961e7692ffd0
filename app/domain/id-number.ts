/**
 * Chinese resident identity numbers (GB 11643-1999): 6-digit address code,
 * 8-digit birth date, 3-digit sequence (odd = male), MOD 11-2 check digit.
 * Pure functions; no I/O.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const CHECK_CHARS = '10X98765432'

/** Province-level codes (GB/T 2260 first two digits). */
const PROVINCE_CODES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
])

export type IdNumberProblem =
  | { code: 'empty' }
  | { code: 'length'; length: number }
  | { code: 'format' }
  | { code: 'region' }
  | { code: 'birth_date'; birthDate: string }
  | { code: 'check_digit'; expected: string }

export type ParsedIdNumber = {
  /** Normalised: trimmed, upper-case X. */
  value: string
  regionCode: string
  /** YYYY-MM-DD */
  birthDate: string
  gender: 'male' | 'female'
}

export type IdNumberResult = { ok: true; id: ParsedIdNumber } | { ok: false; problem: IdNumberProblem }

export function normalizeIdNumber(raw: string): string {
  // Full-width digits and letters are common when typed on Chinese keyboards.
  return raw
    .replace(/[\uFF10-\uFF19\uFF38\uFF58]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase()
}

export function checkDigit(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
  return CHECK_CHARS[sum % 11]!
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

/**
 * Validates an ID number. `today` (YYYY-MM-DD, Beijing) bounds the birth date:
 * nobody is born in the future or before 1900.
 */
export function parseIdNumber(raw: string, today: string): IdNumberResult {
  const value = normalizeIdNumber(raw)
  if (value.length === 0) return { ok: false, problem: { code: 'empty' } }
  if (value.length !== 18) return { ok: false, problem: { code: 'length', length: value.length } }
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, problem: { code: 'format' } }
  if (!PROVINCE_CODES.has(value.slice(0, 2))) return { ok: false, problem: { code: 'region' } }

  const y = Number(value.slice(6, 10))
  const m = Number(value.slice(10, 12))
  const d = Number(value.slice(12, 14))
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`
  if (y < 1900 || !isRealDate(y, m, d) || birthDate > today) {
    return { ok: false, problem: { code: 'birth_date', birthDate } }
  }
  const expected = checkDigit(value.slice(0, 17))
  if (value[17] !== expected) return { ok: false, problem: { code: 'check_digit', expected } }

  return {
    ok: true,
    id: {
      value,
      regionCode: value.slice(0, 6),
      birthDate,
      gender: Number(value[16]) % 2 === 1 ? 'male' : 'female',
    },
  }
}

/** 522327199001011234 → 5223**********1234 */
export function maskIdNumber(value: string): string {
  if (value.length < 8) return '*'.repeat(value.length)
  return `${value.slice(0, 4)}${'*'.repeat(value.length - 8)}${value.slice(-4)}`
}

/** Builds a valid number (for seeds and tests). `sequence` is 0–999. */
export function makeIdNumber(opts: { regionCode: string; birthDate: string; sequence: number }): string {
  const first17 = `${opts.regionCode}${opts.birthDate.replaceAll('-', '')}${String(opts.sequence).padStart(3, '0')}`
  if (!/^\d{17}$/.test(first17)) throw new Error(`cannot build an ID number from ${JSON.stringify(opts)}`)
  return first17 + checkDigit(first17)
}
