import { expect, test } from 'vitest'
import { zhCN } from '#app/i18n/zh-CN.ts'
import {
  approvedCredits,
  checkApplication,
  checkDecision,
  EXEMPTION_BASES,
  EXEMPTION_MODES,
  MODES_BY_BASIS,
  modeAllowed,
  modeSettlesCourse,
  type ExemptionApplication,
} from './exemptions.ts'

const skill = { kind: 'skill' as const }
const culture = { kind: 'culture' as const }
const internship = { kind: 'internship' as const }
const cert = { certificateNo: 'NO.5223-2024-001', issuer: '黔西南州人力资源和社会保障局' }

test.each([
  ['vocational_certificate', 'exempt_study', true],
  ['vocational_certificate', 'exempt_exam', true],
  ['vocational_certificate', 'credit', false],
  ['vocational_certificate', 'waive_internship', false],
  ['skill_certificate', 'exempt_study', true],
  ['skill_certificate', 'exempt_exam', true],
  ['skill_certificate', 'credit', false],
  ['skill_certificate', 'waive_internship', false],
  ['competition_award', 'credit', true],
  ['competition_award', 'exempt_study', false],
  ['competition_award', 'exempt_exam', false],
  ['competition_award', 'waive_internship', false],
  ['innovation', 'credit', true],
  ['innovation', 'exempt_exam', false],
  ['innovation', 'waive_internship', false],
  ['work_experience', 'waive_internship', true],
  ['work_experience', 'exempt_study', false],
  ['work_experience', 'credit', false],
] as const)('basis %s allows mode %s: %s', (basis, mode, allowed) => {
  expect(modeAllowed(basis, mode)).toBe(allowed)
})

test('every basis allows at least one mode and every mode has a basis', () => {
  for (const basis of EXEMPTION_BASES) expect(MODES_BY_BASIS[basis].length).toBeGreaterThan(0)
  for (const mode of EXEMPTION_MODES) expect(EXEMPTION_BASES.some((b) => modeAllowed(b, mode))).toBe(true)
})

test.each<[string, ExemptionApplication, string[]]>([
  ['a skill certificate exempts a skill course from study', { basis: 'skill_certificate', mode: 'exempt_study', course: skill, ...cert }, []],
  ['a vocational certificate exempts a culture course from its exam', { basis: 'vocational_certificate', mode: 'exempt_exam', course: culture, ...cert }, []],
  ['a certificate without a course', { basis: 'skill_certificate', mode: 'exempt_study', course: null, ...cert }, ['courseCode:course_required']],
  [
    'a certificate cannot exempt the internship',
    { basis: 'skill_certificate', mode: 'exempt_study', course: internship, ...cert },
    ['courseCode:course_internship_only_by_work'],
  ],
  [
    'a certificate without its number',
    { basis: 'skill_certificate', mode: 'exempt_exam', course: skill, certificateNo: '  ', issuer: cert.issuer },
    ['certificateNo:certificate_no_required'],
  ],
  [
    'a certificate without its issuer',
    { basis: 'vocational_certificate', mode: 'exempt_exam', course: skill, certificateNo: cert.certificateNo },
    ['issuer:issuer_required'],
  ],
  [
    'a certificate with neither number nor issuer',
    { basis: 'vocational_certificate', mode: 'exempt_exam', course: skill },
    ['certificateNo:certificate_no_required', 'issuer:issuer_required'],
  ],
  [
    'a certificate number of 65 characters',
    { basis: 'skill_certificate', mode: 'exempt_exam', course: skill, certificateNo: 'x'.repeat(65), issuer: cert.issuer },
    ['certificateNo:certificate_no_too_long'],
  ],
  [
    'an issuer of 101 characters',
    { basis: 'skill_certificate', mode: 'exempt_exam', course: skill, certificateNo: 'A1', issuer: '局'.repeat(101) },
    ['issuer:issuer_too_long'],
  ],
  ['a certificate asking for credits is the wrong mode', { basis: 'skill_certificate', mode: 'credit', course: null, ...cert }, ['mode:mode_not_allowed']],
  [
    'a certificate proposing credits for an exemption',
    { basis: 'skill_certificate', mode: 'exempt_study', course: skill, credits: 3, ...cert },
    ['credits:credits_not_allowed'],
  ],
  ['a competition award asks for credits, no course needed', { basis: 'competition_award', mode: 'credit', course: null }, []],
  ['an award may name a related course and propose credits', { basis: 'competition_award', mode: 'credit', course: skill, credits: 2 }, []],
  ['an innovation asks for credits', { basis: 'innovation', mode: 'credit', course: null }, []],
  ['an award cannot exempt a course', { basis: 'competition_award', mode: 'exempt_study', course: skill }, ['mode:mode_not_allowed']],
  ['an innovation cannot waive the internship', { basis: 'innovation', mode: 'waive_internship', course: internship }, ['mode:mode_not_allowed']],
  ['two years of work waive the internship', { basis: 'work_experience', mode: 'waive_internship', course: internship }, []],
  ['work experience on a skill course', { basis: 'work_experience', mode: 'waive_internship', course: skill }, ['courseCode:course_not_internship']],
  ['work experience without a course', { basis: 'work_experience', mode: 'waive_internship', course: null }, ['courseCode:course_required']],
  ['work experience cannot exempt a course from study', { basis: 'work_experience', mode: 'exempt_study', course: skill }, ['mode:mode_not_allowed']],
])('%s', (_name, application, problems) => {
  expect(checkApplication(application).map((p) => `${p.field}:${p.code}`)).toEqual(problems)
})

test.each([
  ['approving a certificate exemption needs nothing more', { approve: true, mode: 'exempt_study' as const }, null],
  ['rejecting needs a reason', { approve: false, mode: 'exempt_study' as const, reason: ' ' }, 'reason_required'],
  ['rejecting with a reason', { approve: false, mode: 'credit' as const, reason: '证书与课程无关' }, null],
  ['approving credits needs the credits', { approve: true, mode: 'credit' as const }, 'credits_required'],
  ['approving 0 credits', { approve: true, mode: 'credit' as const, credits: 0 }, 'credits_range'],
  ['approving negative credits', { approve: true, mode: 'credit' as const, credits: -1 }, 'credits_range'],
  ['approving 2.5 credits', { approve: true, mode: 'credit' as const, credits: 2.5 }, null],
  ['approving 20 credits', { approve: true, mode: 'credit' as const, credits: 20 }, null],
  ['approving 20.5 credits', { approve: true, mode: 'credit' as const, credits: 20.5 }, 'credits_range'],
  ['approving 1.25 credits (two decimals)', { approve: true, mode: 'credit' as const, credits: 1.25 }, 'credits_range'],
  ['approving NaN credits', { approve: true, mode: 'credit' as const, credits: Number.NaN }, 'credits_required'],
])('%s', (_name, decision, problem) => {
  expect(checkDecision(decision)).toBe(problem)
})

test.each([
  ['exempt_study counts the course credits', 'exempt_study', 5, 4, 4],
  ['exempt_exam counts the course credits', 'exempt_exam', null, 3.5, 3.5],
  ['waive_internship counts the course credits', 'waive_internship', null, 6, 6],
  ["credit counts the reviewer's credits", 'credit', 2.5, 4, 2.5],
] as const)('%s', (_name, mode, reviewer, course, credits) => {
  expect(approvedCredits(mode, reviewer, course)).toBe(credits)
})

test('only credit mode leaves the course state alone', () => {
  expect(EXEMPTION_MODES.filter((m) => !modeSettlesCourse(m))).toEqual(['credit'])
})

test('every problem and decision code has a Chinese message', () => {
  const codes = [
    'mode_not_allowed',
    'course_required',
    'course_internship_only_by_work',
    'course_not_internship',
    'certificate_no_required',
    'issuer_required',
    'certificate_no_too_long',
    'issuer_too_long',
    'credits_not_allowed',
    'reason_required',
    'credits_required',
    'credits_range',
  ]
  for (const code of codes) expect(zhCN[`exemptions.err.${code}` as keyof typeof zhCN]).toMatch(/[\u4e00-\u9fff]/)
  expect(zhCN['exemptions.err.evidenceType']).toBe('只能上传 JPG、PNG 照片或 PDF 文件')
  expect(zhCN['exemptions.err.evidenceSize']).toBe('文件不能超过 10 MB')
})

test("the API takes a certificate's issuing body as optional (api-v1.md has no such field); the form still asks for it", () => {
  const application = { basis: 'vocational_certificate', mode: 'exempt_exam', course: { kind: 'skill' }, certificateNo: 'NO.1' } as const
  expect(checkApplication(application).map((p) => p.code)).toEqual(['issuer_required'])
  expect(checkApplication(application, { requireIssuer: false })).toEqual([])
  expect(checkApplication({ ...application, issuer: '局'.repeat(101) }, { requireIssuer: false }).map((p) => p.code)).toEqual(['issuer_too_long'])
})
