import { describe, expect, test } from 'vitest'
import { checkDigit, makeIdNumber, maskIdNumber, parseIdNumber } from './id-number.ts'

const TODAY = '2026-11-24'
// A number built by hand from the standard's worked example weights.
const VALID = makeIdNumber({ regionCode: '522327', birthDate: '1990-03-07', sequence: 123 })

describe('parseIdNumber', () => {
  test.each([
    ['valid, male (odd sequence digit)', VALID, { ok: true, gender: 'male', birthDate: '1990-03-07' }],
    ['valid with X check digit', '11010519491231002X', { ok: true, gender: 'female', birthDate: '1949-12-31' }],
    ['lower-case x is accepted', '11010519491231002x', { ok: true, gender: 'female', birthDate: '1949-12-31' }],
    ['full-width digits are normalised', VALID.replace(/\d/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)), { ok: true }],
    ['17 digits', VALID.slice(0, 17), { ok: false, code: 'length' }],
    ['19 digits', `${VALID}1`, { ok: false, code: 'length' }],
    ['empty', '  ', { ok: false, code: 'empty' }],
    ['letters inside', `5223A7${VALID.slice(6)}`, { ok: false, code: 'format' }],
    ['unknown province 99', `99${VALID.slice(2)}`, { ok: false, code: 'region' }],
    ['impossible date 1990-02-30', makeIdNumber({ regionCode: '522327', birthDate: '1990-02-30', sequence: 1 }), { ok: false, code: 'birth_date' }],
    ['month 13', `52232719901301001` + '0', { ok: false, code: 'birth_date' }],
    ['born tomorrow', makeIdNumber({ regionCode: '522327', birthDate: '2026-11-25', sequence: 1 }), { ok: false, code: 'birth_date' }],
    ['born 1899', makeIdNumber({ regionCode: '522327', birthDate: '1899-12-31', sequence: 1 }), { ok: false, code: 'birth_date' }],
    ['leap day 2000 is real', makeIdNumber({ regionCode: '522327', birthDate: '2000-02-29', sequence: 2 }), { ok: true, gender: 'female' }],
    ['leap day 1900 is not', makeIdNumber({ regionCode: '522327', birthDate: '1900-02-29', sequence: 2 }), { ok: false, code: 'birth_date' }],
    ['wrong check digit', VALID.slice(0, 17) + (VALID[17] === '0' ? '1' : '0'), { ok: false, code: 'check_digit' }],
  ] as const)('%s', (_label, input, expected) => {
    const result = parseIdNumber(input, TODAY)
    expect(result.ok).toBe(expected.ok)
    if (result.ok && expected.ok) {
      if ('gender' in expected) expect(result.id.gender).toBe(expected.gender)
      if ('birthDate' in expected) expect(result.id.birthDate).toBe(expected.birthDate)
      expect(result.id.value).toMatch(/^\d{17}[\dX]$/)
    }
    if (!result.ok && !expected.ok) expect(result.problem.code).toBe(expected.code)
  })

  test('check digit follows MOD 11-2 (GB 11643 example 11010519491231002X)', () => {
    expect(checkDigit('11010519491231002')).toBe('X')
  })

  test('the wrong check digit problem says which digit was expected', () => {
    const wrong = VALID.slice(0, 17) + (VALID[17] === '0' ? '1' : '0')
    const result = parseIdNumber(wrong, TODAY)
    expect(result).toEqual({ ok: false, problem: { code: 'check_digit', expected: VALID[17] } })
  })
})

test('masking keeps the first four and last four characters', () => {
  expect(maskIdNumber('522327199003071234')).toBe('5223**********1234')
})
