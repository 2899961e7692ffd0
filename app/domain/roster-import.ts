/**
 * The roster import's rules (issue 12): which header means which column, and
 * what each row of a statistics bureau's or township's list will do — new
 * person, already known, or refused and why (bad ID number, township unknown
 * or outside the importer's scope, duplicate within the file, bad phone) —
 * with the age outside 15–59 as a warning. Pure: the model reads the file,
 * looks the rows up in the database and stores the outcome.
 */
import type { MessageKey, T } from '#app/i18n/index.ts'
import type { IdNumberProblem } from './id-number.ts'
import { parseIdNumber } from './id-number.ts'
import { normalizePhone } from './names.ts'
import { ageOn } from './time.ts'

export const ROSTER_COLUMNS = ['name', 'idNumber', 'gender', 'phone', 'township', 'village', 'education'] as const
export type RosterColumn = (typeof ROSTER_COLUMNS)[number]

/** Columns a row cannot do without. */
export const REQUIRED_COLUMNS: readonly RosterColumn[] = ['name', 'idNumber', 'township']

/** Header texts seen on county and township lists, after `normalizeHeader`. */
const HEADER_VARIANTS: Record<RosterColumn, readonly string[]> = {
  name: ['姓名', '名字', '学员姓名', '人员姓名', '户主姓名', 'name'],
  idNumber: ['身份证号', '身份证号码', '身份证', '证件号码', '证件号', '身份证件号码', '公民身份号码', '公民身份证号码', '身份证件号', 'idnumber', 'id'],
  gender: ['性别', 'gender', 'sex'],
  phone: ['手机', '手机号', '手机号码', '联系电话', '电话', '电话号码', '联系方式', '移动电话', 'phone', 'mobile'],
  township: ['乡镇', '乡镇(街道)', '乡镇街道', '乡(镇)', '乡(镇、街道)', '乡镇/街道', '街道', '所属乡镇', '所在乡镇', '乡镇名称', 'township'],
  village: ['村', '村(居)', '村(社区)', '村居', '社区', '村(居)委会', '村委会', '所在村', '所属村', '村(居)名称', '村名', 'village'],
  education: ['文化程度', '学历', '最高学历', '受教育程度', 'education'],
}

/** 身份证号码（必填） → 身份证号码; full-width brackets and spaces folded; a trailing * or ： dropped. */
export function normalizeHeader(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[（【[]/g, '(')
    .replace(/[）】\]]/g, ')')
    .replace(/\((必填|选填|可选|必须)\)$/, '')
    .replace(/[*:：]+$/, '')
    .replace(/^[*]+/, '')
    .toLowerCase()
}

const HEADER_LOOKUP = new Map<string, RosterColumn>(ROSTER_COLUMNS.flatMap((c) => HEADER_VARIANTS[c].map((v) => [normalizeHeader(v), c] as const)))

export type HeaderMatch = {
  /** Column key → index in the row (0-based). */
  columns: Partial<Record<RosterColumn, number>>
  /** The file's own header text of each matched column (the error report names them so). */
  labels: Partial<Record<RosterColumn, string>>
  missing: RosterColumn[]
}

/** Matches one row of cells as a header: the first cell of each known column wins. */
export function matchHeader(cells: readonly string[]): HeaderMatch {
  const columns: HeaderMatch['columns'] = {}
  const labels: HeaderMatch['labels'] = {}
  cells.forEach((cell, i) => {
    const key = HEADER_LOOKUP.get(normalizeHeader(cell ?? ''))
    if (key && columns[key] === undefined) {
      columns[key] = i
      labels[key] = cell.trim()
    }
  })
  return { columns, labels, missing: REQUIRED_COLUMNS.filter((c) => columns[c] === undefined) }
}

/** Lists often carry a title row or two above the header: the header is the first of the first rows that names every required column. */
export const HEADER_SEARCH_ROWS = 10

export type PriorEducationCode = 'none' | 'primary' | 'junior' | 'senior' | 'vocational'

/** 文化程度 as the lists write it → the person's prior education (unknown text: none recorded). */
export function parseEducation(raw: string): PriorEducationCode | null {
  const s = raw.replace(/\s+/g, '')
  if (!s) return null
  if (/文盲|半文盲|未上学|不识字|没上过学|无/.test(s)) return 'none'
  if (/中专|中职|职高|职中|技校|技工/.test(s)) return 'vocational'
  if (/高中|大专|专科|本科|大学|研究生|硕士|博士/.test(s)) return 'senior'
  if (/初中|初级中学/.test(s)) return 'junior'
  if (/小学/.test(s)) return 'primary'
  return null
}

/** 男 / 女 (and the codes 1 / 2 of GB/T 2261.1) → gender; anything else: not stated. */
export function parseGender(raw: string): 'male' | 'female' | null {
  const s = raw.trim().toLowerCase()
  if (s === '男' || s === '1' || s === 'm' || s === 'male') return 'male'
  if (s === '女' || s === '2' || s === 'f' || s === 'female') return 'female'
  return null
}

/** 者楼街道 → 者楼, 巧马镇 → 巧马: lists write townships with or without their suffix. */
export function townshipKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/(街道办事处|街道办|街道|办事处|民族乡|镇|乡)$/, '')
}

/** 板其村 → 板其, 者楼社区 → 者楼 (村、居委会、社区). */
export function villageKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/(村民委员会|居民委员会|村委会|居委会|社区|村|居)$/, '')
}

export type RosterProblemCode =
  | 'name_missing'
  | 'id_missing'
  | 'id_invalid'
  | 'id_as_number'
  | 'township_missing'
  | 'township_unknown'
  | 'out_of_scope'
  | 'duplicate_in_file'
  | 'phone_invalid'
  | 'phone_duplicate_in_file'
  | 'phone_taken'

export type RosterWarningCode = 'age' | 'gender_mismatch' | 'village_unknown' | 'education_unknown'

export type RosterIssue =
  | { severity: 'error'; column: RosterColumn; code: RosterProblemCode; params?: Record<string, string | number> }
  | { severity: 'warning'; column: RosterColumn; code: RosterWarningCode; params?: Record<string, string | number> }

/** A township the importer may name: its id, whether it lies in the importer's scope, its villages by key. */
export type TownshipRef = { id: string; name: string; inScope: boolean; villages: ReadonlyMap<string, { id: string; name: string }> }

export type RosterContext = {
  /** Beijing date YYYY-MM-DD (ID birth dates and ages). */
  today: string
  /** By townshipKey. */
  townships: ReadonlyMap<string, TownshipRef>
}

/** A cell as the reader gives it: text, or a number when the sheet stored one (an ID number Excel turned into 5.22327E+17). */
export type RawCell = string | number | null

export type CheckedRow = {
  rowNumber: number
  name: string
  /** Normalised, valid; null when refused for it. */
  idNumber: string | null
  idProblem: IdNumberProblem | null
  gender: 'male' | 'female' | null
  birthDate: string | null
  phone: string | null
  townshipId: string | null
  /** The village when it was found, else the township. */
  regionId: string | null
  regionName: string | null
  education: PriorEducationCode | null
  issues: RosterIssue[]
}

export const isRefused = (row: Pick<CheckedRow, 'issues'>) => row.issues.some((i) => i.severity === 'error')

export const AGE_RANGE = { min: 15, max: 59 } as const

const text = (cell: RawCell | undefined): string => (cell === null || cell === undefined ? '' : String(cell).trim())

/**
 * Checks one data row on its own (everything but duplicates, which need the
 * rows before it: `RosterChecker`).
 */
export function checkRow(cells: readonly RawCell[], rowNumber: number, header: HeaderMatch, ctx: RosterContext): CheckedRow {
  const at = (c: RosterColumn) => (header.columns[c] === undefined ? undefined : cells[header.columns[c]!])
  const issues: RosterIssue[] = []
  const error = (column: RosterColumn, code: RosterProblemCode, params?: Record<string, string | number>) =>
    issues.push({ severity: 'error', column, code, ...(params ? { params } : {}) })
  const warn = (column: RosterColumn, code: RosterWarningCode, params?: Record<string, string | number>) =>
    issues.push({ severity: 'warning', column, code, ...(params ? { params } : {}) })

  const name = text(at('name')).replace(/\s+/g, '')
  if (!name) error('name', 'name_missing')

  let idNumber: string | null = null
  let idProblem: IdNumberProblem | null = null
  let gender: CheckedRow['gender'] = null
  let birthDate: string | null = null
  const rawId = at('idNumber')
  if (typeof rawId === 'number') {
    // 18 digits do not fit a double: the sheet has already lost the last ones.
    error('idNumber', 'id_as_number')
  } else if (!text(rawId)) {
    error('idNumber', 'id_missing')
  } else {
    const parsed = parseIdNumber(text(rawId), ctx.today)
    if (parsed.ok) {
      idNumber = parsed.id.value
      gender = parsed.id.gender
      birthDate = parsed.id.birthDate
      const age = ageOn(birthDate, ctx.today)
      if (age < AGE_RANGE.min || age > AGE_RANGE.max) warn('idNumber', 'age', { age })
      const stated = parseGender(text(at('gender')))
      if (stated && stated !== gender) warn('gender', 'gender_mismatch')
    } else {
      idProblem = parsed.problem
      const { code, ...detail } = parsed.problem
      error('idNumber', 'id_invalid', { problem: code, ...detail })
    }
  }

  let phone: string | null = null
  const rawPhone = text(at('phone'))
  if (rawPhone) {
    phone = normalizePhone(rawPhone)
    if (!phone) error('phone', 'phone_invalid')
  }

  let townshipId: string | null = null
  let regionId: string | null = null
  let regionName: string | null = null
  const townshipText = text(at('township'))
  if (!townshipText) error('township', 'township_missing')
  else {
    const township = ctx.townships.get(townshipKey(townshipText))
    if (!township) error('township', 'township_unknown', { township: townshipText })
    else if (!township.inScope) error('township', 'out_of_scope', { township: township.name })
    else {
      townshipId = township.id
      regionId = township.id
      regionName = township.name
      const villageText = text(at('village'))
      if (villageText) {
        const village = township.villages.get(villageKey(villageText))
        if (village) {
          regionId = village.id
          regionName = `${township.name} ${village.name}`
        } else warn('village', 'village_unknown', { village: villageText })
      }
    }
  }

  const educationText = text(at('education'))
  const education = parseEducation(educationText)
  if (educationText && !education) warn('education', 'education_unknown', { education: educationText })

  return { rowNumber, name, idNumber, idProblem, gender, birthDate, phone, townshipId, regionId, regionName, education, issues }
}

/** A row is blank when every cell is empty (trailing rows of a sheet; spacer rows). */
export const isBlankRow = (cells: readonly RawCell[]) => cells.every((c) => text(c) === '')

/**
 * Checks a file's rows in order, remembering the ID numbers and phones seen
 * so far: the second row with the same ID number (or phone) is refused as a
 * duplicate of the first, which stays.
 */
export class RosterChecker {
  private readonly seenIds = new Map<string, number>()
  private readonly seenPhones = new Map<string, number>()
  constructor(
    readonly header: HeaderMatch,
    readonly ctx: RosterContext,
  ) {}

  check(cells: readonly RawCell[], rowNumber: number): CheckedRow {
    const row = checkRow(cells, rowNumber, this.header, this.ctx)
    if (row.idNumber) {
      const first = this.seenIds.get(row.idNumber)
      if (first !== undefined) row.issues.push({ severity: 'error', column: 'idNumber', code: 'duplicate_in_file', params: { row: first } })
      else if (!isRefused(row)) this.seenIds.set(row.idNumber, rowNumber)
    }
    if (row.phone && !isRefused(row)) {
      const first = this.seenPhones.get(row.phone)
      if (first !== undefined) row.issues.push({ severity: 'error', column: 'phone', code: 'phone_duplicate_in_file', params: { row: first } })
      else this.seenPhones.set(row.phone, rowNumber)
    }
    return row
  }
}

/** What the preview says a row will do. */
export type RowOutcome = 'new' | 'existing' | 'refused'

/**
 * The row's outcome once the database has been asked: refused for any
 * error; else already known (the ID number's person exists: nothing is
 * written) or new. A phone already held by someone else refuses a new row.
 */
export function rowOutcome(row: Pick<CheckedRow, 'issues'>, known: { personExists: boolean }): RowOutcome {
  if (isRefused(row)) return 'refused'
  return known.personExists ? 'existing' : 'new'
}

/** The first error of a row, for the preview's one-line "why". */
export const firstError = (issues: readonly RosterIssue[]) => issues.find((i) => i.severity === 'error') ?? null

/** A row's issue in the reader's words: "身份证号有误：身份证号校验位不正确…", "年龄不在15–59岁（提醒）：62 岁". */
export function describeIssue(t: T, issue: Pick<RosterIssue, 'code' | 'params'>): string {
  const { problem, ...params } = (issue.params ?? {}) as Record<string, string | number>
  const text = t(`rosterImport.issue.${issue.code}` as MessageKey, params)
  return issue.code === 'id_invalid' && problem ? `${text}：${t(`idNumber.${problem}` as MessageKey, params)}` : text
}
