/**
 * 公安户籍 export: the VERIFIED graduates (graduation certificates, status
 * valid, verified by the prefecture within a period) of a bureau's
 * jurisdiction, with FULL ID numbers, as an xlsx for the police household
 * register. Besides a coordinator's person page this is the only place a full
 * ID number leaves the database, so every export is audited.
 */
import ExcelJS from 'exceljs'
import type { CertificateSnapshot } from '#app/domain/certificates.ts'
import { HOUSEHOLD_EXPORTERS } from '#app/domain/roles.ts'
import { beijingDate, isIsoDate, startOfBeijingDay } from '#app/domain/time.ts'
import type { T } from '#app/i18n/index.ts'
import { decryptField } from '#app/utils/crypto.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import type { DownloadFile } from '#app/utils/downloads.ts'
import { groupScopeWhere, scopesFor, type CurrentUser, type Scope } from './access.server.ts'
import { recordAudit } from './audit.server.ts'

export const PERIOD_ERRORS = [
  { code: 'date_from', field: 'from', message: 'householdExport.error.date' },
  { code: 'date_to', field: 'to', message: 'householdExport.error.date' },
  { code: 'order', field: 'to', message: 'householdExport.error.order' },
  { code: 'span', field: 'to', message: 'householdExport.error.span' },
] as const
export type PeriodError = (typeof PERIOD_ERRORS)[number]['code']

/** A period of at most a year (366 days), from ≤ to, both YYYY-MM-DD Beijing dates. */
export function checkPeriod(from: string, to: string): PeriodError | null {
  if (!isIsoDate(from)) return 'date_from'
  if (!isIsoDate(to)) return 'date_to'
  if (from > to) return 'order'
  if (startOfBeijingDay(to).getTime() - startOfBeijingDay(from).getTime() > 366 * 86_400_000) return 'span'
  return null
}

export type HouseholdRow = {
  name: string
  idNumber: string
  major: string
  graduationDate: string
  serial: string
  verifiedOn: string
  groupName: string
}

/** Rows for verified graduates in scope with verifiedAt in [from, to] (Beijing dates, both inclusive). */
export async function loadHouseholdRows(db: Db, opts: { scopes: Scope[]; from: string; to: string }): Promise<HouseholdRow[]> {
  const certificates = await db.certificate.findMany({
    where: {
      type: 'graduation',
      status: 'valid',
      verifiedAt: { gte: startOfBeijingDay(opts.from), lt: new Date(startOfBeijingDay(opts.to).getTime() + 86_400_000) },
      enrollment: { group: groupScopeWhere(opts.scopes) },
    },
    include: {
      enrollment: { select: { person: { select: { name: true, idCipher: true } }, group: { select: { name: true, major: { select: { name: true } } } } } },
    },
    orderBy: [{ verifiedAt: 'asc' }, { serial: 'asc' }],
  })
  return certificates.map((c) => {
    const s = c.snapshot as CertificateSnapshot
    return {
      name: s.holderName ?? c.enrollment.person.name,
      idNumber: decryptField(c.enrollment.person.idCipher),
      major: s.majorName ?? c.enrollment.group.major?.name ?? '',
      graduationDate: s.issuedOn,
      serial: c.serial,
      verifiedOn: beijingDate(c.verifiedAt!),
      groupName: s.groupName ?? c.enrollment.group.name,
    }
  })
}

export async function householdXlsx(rows: HouseholdRow[], labels: Record<keyof HouseholdRow | 'index', string>, title: string): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'XiangXue'
  const ws = wb.addWorksheet(title.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] })
  ws.columns = [
    { header: labels.index, key: 'index', width: 6 },
    { header: labels.name, key: 'name', width: 12 },
    { header: labels.idNumber, key: 'idNumber', width: 22 },
    { header: labels.major, key: 'major', width: 16 },
    { header: labels.graduationDate, key: 'graduationDate', width: 12 },
    { header: labels.serial, key: 'serial', width: 24 },
    { header: labels.verifiedOn, key: 'verifiedOn', width: 12 },
    { header: labels.groupName, key: 'groupName', width: 20 },
  ]
  ws.getRow(1).font = { bold: true }
  // ID numbers as text: as numbers Excel would round the last digits away.
  ws.getColumn('idNumber').numFmt = '@'
  rows.forEach((r, i) => ws.addRow({ index: i + 1, ...r }))
  const buffer = await wb.xlsx.writeBuffer()
  return new Uint8Array(buffer as ArrayBuffer)
}

/** Loads, audits (who, which period, how many rows, in whose jurisdiction) and renders in one go. */
export async function exportHouseholdRegister(db: Db, opts: { scopes: Scope[]; from: string; to: string; actorId: string; ip?: string | null }) {
  const rows = await loadHouseholdRows(db, opts)
  const scopePath = opts.scopes.map((s) => (s.kind === 'region' ? s.path : s.kind === 'organization' ? s.regionPath : null)).find(Boolean) ?? null
  await recordAudit(db, {
    actorId: opts.actorId,
    action: 'export.household_register',
    entityType: 'Certificate',
    after: { from: opts.from, to: opts.to, rows: rows.length, serials: rows.map((r) => r.serial) },
    ip: opts.ip,
    scopePath,
  })
  return rows
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/**
 * The bureau's download (POST /bureau/household-export.xlsx): the verified
 * graduates of the caller's jurisdiction in the period, audited, as an xlsx
 * in the reader's language. A period that checkPeriod refuses is a
 * `{ error }` for the form to show; nothing is exported or audited then.
 */
export async function householdExportFile(
  db: Db,
  user: CurrentUser,
  opts: { from: string; to: string; ip?: string | null; t: T },
): Promise<{ error: PeriodError; file?: undefined } | { file: DownloadFile; error?: undefined }> {
  const error = checkPeriod(opts.from, opts.to)
  if (error) return { error }
  const { from, to, t } = opts
  const rows = await exportHouseholdRegister(db, { scopes: scopesFor(user, HOUSEHOLD_EXPORTERS), from, to, actorId: user.id, ip: opts.ip ?? null })
  const col = (k: keyof HouseholdRow | 'index') => t(`householdExport.col.${k}`)
  const labels = {
    index: col('index'),
    name: col('name'),
    idNumber: col('idNumber'),
    major: col('major'),
    graduationDate: col('graduationDate'),
    serial: col('serial'),
    verifiedOn: col('verifiedOn'),
    groupName: col('groupName'),
  }
  const bytes = await householdXlsx(rows, labels, t('householdExport.sheet'))
  return { file: { bytes, contentType: XLSX, fileName: { utf8: `公安户籍名单-${from}至${to}.xlsx`, ascii: `household-register-${from}-${to}.xlsx` } } }
}
