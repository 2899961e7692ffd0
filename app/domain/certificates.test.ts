import { describe, expect, test } from 'vitest'
import { certificateAllowed, formatSerial, initialStatus, maskName, parseSerial, studyEndDate } from './certificates.ts'

describe('serials', () => {
  test.each([
    [{ countyCode: '522327', year: 2026, type: 'graduation' as const, sequence: 123 }, '522327-2026-B-000123'],
    [{ countyCode: '522327', year: 2026, type: 'completion' as const, sequence: 1 }, '522327-2026-J-000001'],
    [{ countyCode: '522326', year: 2025, type: 'study_record' as const, sequence: 999_999 }, '522326-2025-X-999999'],
    [{ countyCode: '522327', year: 2026, type: 'training' as const, sequence: 42 }, '522327-2026-P-000042'],
  ])('%o → %s and back', (input, serial) => {
    expect(formatSerial(input)).toBe(serial)
    expect(parseSerial(serial)).toEqual(input)
  })

  test.each([0, -1, 1_000_000, 1.5])('sequence %s is refused', (sequence) => {
    expect(() => formatSerial({ countyCode: '522327', year: 2026, type: 'graduation', sequence })).toThrow(RangeError)
  })

  test.each(['522327-2026-Q-000001', '52232-2026-B-000001', '522327-2026-B-000000', '522327-2026-B-00001', ''])('%s is not a serial', (s) => {
    expect(parseSerial(s)).toBeNull()
  })
})

test.each([
  ['graduation', 'eligible_for_graduation', true],
  ['graduation', 'graduated', true],
  ['graduation', 'in_progress', false],
  ['graduation', 'completion', false],
  ['completion', 'completion', true],
  ['completion', 'in_progress', false],
  ['study_record', 'withdrawn', true],
  ['study_record', 'completion', false],
  ['training', 'round_complete', true],
  ['training', 'round_incomplete', false],
] as const)('a %s certificate for outcome %s: %s', (type, outcome, allowed) => {
  expect(certificateAllowed(type, outcome)).toBe(allowed)
})

test.each([
  ['not_applicable', true],
  ['approved', true],
  ['needed', false],
  ['pending', false],
  ['rejected', false],
] as const)('eligible before the period ends, early graduation %s: graduation certificate allowed %s', (early, allowed) => {
  expect(certificateAllowed('graduation', 'eligible_for_graduation', early)).toBe(allowed)
})

test('only graduation certificates wait for the prefecture', () => {
  expect(initialStatus('graduation')).toBe('pending_verification')
  expect(initialStatus('completion')).toBe('valid')
  expect(initialStatus('training')).toBe('valid')
})

test.each([
  ['张三华', '张*华'],
  ['张三', '张*'],
  ['欧阳修远', '欧**远'],
  ['李', '李'],
  [' 王小明 ', '王*明'],
])('%s is shown as %s', (name, masked) => {
  expect(maskName(name)).toBe(masked)
})

describe('the end of study a certificate states (DESIGN.md §11)', () => {
  const approvedAt = new Date('2026-11-30T17:00:00Z') // 2026-12-01 01:00 in Beijing
  test.each([
    [
      'early graduation: the approval date (Beijing)',
      { type: 'graduation' as const, withdrawnOn: null, earlyApprovedAt: approvedAt, periodEnd: '2027-09-01' },
      '2026-12-01',
    ],
    ['graduation at the period end', { type: 'graduation' as const, withdrawnOn: null, earlyApprovedAt: null, periodEnd: '2027-09-01' }, '2027-09-01'],
    [
      'approval after the period ended changes nothing',
      { type: 'graduation' as const, withdrawnOn: null, earlyApprovedAt: approvedAt, periodEnd: '2026-09-01' },
      '2026-09-01',
    ],
    [
      'a completion certificate keeps the period end',
      { type: 'completion' as const, withdrawnOn: null, earlyApprovedAt: approvedAt, periodEnd: '2027-09-01' },
      '2027-09-01',
    ],
    [
      'a study record: the withdrawal date',
      { type: 'study_record' as const, withdrawnOn: '2026-11-10', earlyApprovedAt: null, periodEnd: '2027-09-01' },
      '2026-11-10',
    ],
    ['no period end, no approval', { type: 'training' as const, withdrawnOn: null, earlyApprovedAt: null, periodEnd: null }, null],
  ])('%s', (_label, input, expected) => {
    expect(studyEndDate(input)).toBe(expected)
  })
})
