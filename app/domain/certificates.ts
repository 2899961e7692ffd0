/**
 * Certificates (DESIGN.md §4): which outcome allows which type, serials, and
 * the frozen statement a certificate makes (its snapshot). Pure: the issuing
 * transaction lives in app/models/certificates.server.ts.
 */
import type { EarlyGraduation, OutcomeStatus } from './outcomes.ts'
import { beijingDate } from './time.ts'

export const CERTIFICATE_TYPES = ['graduation', 'completion', 'study_record', 'training'] as const
export type CertificateType = (typeof CERTIFICATE_TYPES)[number]

export const CERTIFICATE_LETTER: Record<CertificateType, string> = { graduation: 'B', completion: 'J', study_record: 'X', training: 'P' }

export const CERTIFICATE_NAME_ZH: Record<CertificateType, string> = {
  graduation: '毕业证书',
  completion: '结业证书',
  study_record: '写实性学习证明',
  training: '培训合格证书',
}

/** The outcome an enrollment must have for each type (a graduation certificate also for one already graduated: asking again returns it). */
const ALLOWED: Record<CertificateType, readonly OutcomeStatus[]> = {
  graduation: ['eligible_for_graduation', 'graduated'],
  completion: ['completion'],
  study_record: ['withdrawn'],
  training: ['round_complete'],
}

/**
 * Whether an enrollment with this outcome may receive this type now. A learner who meets every
 * graduation condition before the period ends graduates early only with an approved application
 * (附件6: 提前达到毕业标准的学员，可申请提前毕业): until then no graduation certificate.
 */
export function certificateAllowed(type: CertificateType, outcome: OutcomeStatus, earlyGraduation: EarlyGraduation = 'not_applicable'): boolean {
  if (!ALLOWED[type].includes(outcome)) return false
  if (type === 'graduation' && outcome === 'eligible_for_graduation') return earlyGraduation === 'not_applicable' || earlyGraduation === 'approved'
  return true
}

/** Graduation certificates need the prefecture bureau's verification (州教育局验印) before they are valid. */
export function initialStatus(type: CertificateType): 'pending_verification' | 'valid' {
  return type === 'graduation' ? 'pending_verification' : 'valid'
}

/** `522327-2026-B-000123`: county code, year, type letter, six-digit sequence. */
export function formatSerial(opts: { countyCode: string; year: number; type: CertificateType; sequence: number }): string {
  if (!/^\d{6}$/.test(opts.countyCode)) throw new RangeError(`county code must be 6 digits, got ${JSON.stringify(opts.countyCode)}`)
  if (!Number.isInteger(opts.sequence) || opts.sequence < 1 || opts.sequence > 999_999) throw new RangeError(`sequence out of range: ${opts.sequence}`)
  return `${opts.countyCode}-${opts.year}-${CERTIFICATE_LETTER[opts.type]}-${String(opts.sequence).padStart(6, '0')}`
}

export function parseSerial(serial: string): { countyCode: string; year: number; type: CertificateType; sequence: number } | null {
  const m = /^(\d{6})-(\d{4})-([BJXP])-(\d{6})$/.exec(serial)
  if (!m) return null
  const type = (Object.entries(CERTIFICATE_LETTER).find(([, l]) => l === m[3])?.[0] ?? null) as CertificateType | null
  if (!type || Number(m[4]) === 0) return null
  return { countyCode: m[1]!, year: Number(m[2]), type, sequence: Number(m[4]) }
}

/** 张三华 → 张*华, 张三 → 张*, 欧阳修远 → 欧**远 (the public verification page shows no more). */
export function maskName(name: string): string {
  const chars = [...name.trim()]
  if (chars.length <= 1) return chars.join('')
  if (chars.length === 2) return `${chars[0]}*`
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`
}

/** What a certificate states, frozen when it is issued (the PDF, the verification page and the credential read it). */
export type CertificateSnapshot = {
  type: CertificateType
  holderName: string
  idNumberMasked: string
  programCode: string
  programName: string
  groupCode: string
  groupName: string
  majorName: string | null
  organizationName: string
  countyName: string
  startDate: string
  /** Period end (classes), round end (rounds), or withdrawal date (study records). */
  endDate: string | null
  issuedOn: string
  /** 学时 with one decimal and the minutes behind them, where the type states hours. */
  hours: number | null
  minutes: number | null
  credits: { earned: number; required: number } | null
  /** Study records: each course truthfully with its state. */
  courses: { code: string; name: string; credits: number; state: string }[]
  withdrawal: { date: string; reason: string } | null
}

/**
 * The end of study a certificate states: the withdrawal date for a study
 * record; for a graduation granted early, the (Beijing) date the early
 * graduation was approved, when that is before the period's end (DESIGN.md
 * §11); else the period's end (the enrollment's, or its group's).
 */
export function studyEndDate(opts: {
  type: CertificateType
  withdrawnOn: string | null
  earlyApprovedAt: Date | null
  periodEnd: string | null
}): string | null {
  if (opts.withdrawnOn) return opts.withdrawnOn
  if (opts.type === 'graduation' && opts.earlyApprovedAt) {
    const approved = beijingDate(opts.earlyApprovedAt)
    if (!opts.periodEnd || approved < opts.periodEnd) return approved
  }
  return opts.periodEnd
}
