/**
 * The bureau's reports (issue 12), each audited when produced:
 *
 * - 季度工作开展情况报告 (quarterly report) to the prefecture bureau and the
 *   county government: the quarter's person-time figures by program and by
 *   township (app/models/person-times.server.ts), the year's targets with
 *   progress, the face-to-face sessions held (with their descriptions; a
 *   session stays in the report after learners withdraw: it is the group's
 *   row, not theirs), and the completions and certificates issued.
 * - 经费核算 (funding report, DESIGN.md §11): one line per learner whose
 *   enrollment ended with a graduation or completion certificate (毕业 or
 *   结业, not 写实, not revoked) issued in the year, × 1,500 CNY, per school
 *   and class.
 */
import ExcelJS from 'exceljs'
import type { PersonTimeFigures } from '#app/domain/person-times.ts'
import { BUREAU_VIEWERS } from '#app/domain/roles.ts'
import { safeCell } from '#app/domain/spreadsheet-cells.ts'
import { nextDay, parsePeriod } from '#app/domain/stat-periods.ts'
import { beijingDate, startOfBeijingDay } from '#app/domain/time.ts'
import type { Db } from '#app/utils/db.server.ts'
import { groupScopeWhere, scopesFor, type CurrentUser, type Scope } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { ForbiddenError } from './errors.server.ts'
import { personTimeStats } from './person-times.server.ts'
import { listTargets, type TargetWithProgress } from './targets.server.ts'

/** What the county pays the school per learner who completes (DESIGN.md §2.1, §11). */
export const FUNDING_PER_LEARNER_CNY = 1500

const scopePathOf = (scopes: Scope[]) =>
  scopes.map((s) => (s.kind === 'region' ? s.path : s.kind === 'organization' ? s.regionPath : null)).find(Boolean) ?? null

function bureauScopes(user: CurrentUser) {
  const scopes = scopesFor(user, BUREAU_VIEWERS)
  if (scopes.length === 0) throw new ForbiddenError()
  return scopes
}

/** `2026Q3` or anything else → the quarter (the current one when the text is not a quarter). */
export function readQuarter(text: string | null, today = beijingDate(new Date())) {
  const p = parsePeriod(text ?? '')
  if (p && p.grain === 'quarter') return p
  return parsePeriod(`${today.slice(0, 4)}Q${Math.ceil(Number(today.slice(5, 7)) / 3)}`)!
}

export type QuarterlyReport = {
  quarter: string
  from: string
  to: string
  generatedOn: string
  totals: PersonTimeFigures
  byProgram: ({ key: string; label: string } & PersonTimeFigures)[]
  byTownship: ({ key: string; label: string } & PersonTimeFigures)[]
  targets: TargetWithProgress[]
  sessions: { date: string; groupName: string; programCode: string; venue: string; hours: number; description: string; attended: number }[]
  certificates: { type: string; issued: number; pending: number; revoked: number }[]
}

/** The quarterly report of the caller's jurisdiction; `audit` records who produced it and in which form. */
export async function quarterlyReport(
  db: Db,
  user: CurrentUser,
  opts: { quarter: string | null; unknownLabel: string; format: 'page' | 'xlsx'; ip?: string | null; today?: string },
): Promise<QuarterlyReport> {
  const scopes = bureauScopes(user)
  const today = opts.today ?? beijingDate(new Date())
  const q = readQuarter(opts.quarter, today)
  const range = { from: q.from, to: q.to }
  const year = Number(q.from.slice(0, 4))
  const start = startOfBeijingDay(q.from)
  const end = startOfBeijingDay(nextDay(q.to))
  const groups = groupScopeWhere(scopes)
  const [byProgram, byTownship, targets, sessions, certificates] = await Promise.all([
    personTimeStats(db, range, { scopes, groupBy: 'program', unknownLabel: opts.unknownLabel }),
    personTimeStats(db, range, { scopes, groupBy: 'township', unknownLabel: opts.unknownLabel }),
    listTargets(db, user, { fromYear: year, toYear: year, asOf: today < q.to ? today : q.to }),
    db.classSession.findMany({
      where: { group: groups, cancelledAt: null, startsAt: { gte: start, lt: end } },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      select: {
        startsAt: true,
        venue: true,
        plannedMinutes: true,
        description: true,
        group: { select: { name: true, program: { select: { code: true, minutesPerHour: true } } } },
        _count: { select: { attendances: { where: { creditedMinutes: { gt: 0 } } } } },
      },
    }),
    db.certificate.groupBy({
      by: ['type', 'status'],
      where: { issuedAt: { gte: start, lt: end }, enrollment: { group: groups } },
      _count: { _all: true },
    }),
  ])
  const report: QuarterlyReport = {
    quarter: q.key,
    ...range,
    generatedOn: today,
    totals: byProgram.totals,
    byProgram: byProgram.rows,
    byTownship: byTownship.rows,
    targets,
    sessions: sessions.map((s) => ({
      date: beijingDate(s.startsAt),
      groupName: s.group.name,
      programCode: s.group.program.code,
      venue: s.venue,
      hours: Math.round((s.plannedMinutes / s.group.program.minutesPerHour) * 10) / 10,
      description: s.description,
      attended: s._count.attendances,
    })),
    certificates: (['graduation', 'completion', 'training', 'study_record'] as const).map((type) => {
      const n = (status: string) => certificates.find((c) => c.type === type && c.status === status)?._count._all ?? 0
      return { type, issued: n('valid') + n('pending_verification'), pending: n('pending_verification'), revoked: n('revoked') }
    }),
  }
  await recordAudit(db, {
    actorId: user.id,
    action: 'report.quarterly',
    entityType: 'Report',
    entityId: q.key,
    after: { quarter: q.key, format: opts.format, totals: report.totals, sessions: report.sessions.length },
    ip: opts.ip ?? null,
    scopePath: scopePathOf(scopes),
  })
  return report
}

type Labels = Record<string, string>

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

function sheet(wb: ExcelJS.Workbook, name: string, headers: string[], rows: (string | number | null)[][], widths: number[]) {
  const ws = wb.addWorksheet(name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] })
  ws.columns = headers.map((h, i) => ({ header: h, width: widths[i] ?? 14 }))
  ws.getRow(1).font = { bold: true }
  for (const r of rows) ws.addRow(r.map((v) => safeCell(v)))
  return ws
}

/** The quarterly report as an xlsx: one sheet each for figures, targets, sessions and certificates; labels in the reader's language. */
export async function quarterlyReportXlsx(
  r: QuarterlyReport,
  l: Labels,
): Promise<{ bytes: Uint8Array; contentType: string; fileName: { utf8: string; ascii: string } }> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'XiangXue'
  const fig = (x: PersonTimeFigures) => [x.personTimes, x.persons, x.personHours, x.completions]
  const figHeaders = [l.personTimes!, l.persons!, l.personHours!, l.completions!]
  sheet(
    wb,
    l.figures!,
    [l.row!, ...figHeaders],
    [...r.byProgram.map((x) => [x.label, ...fig(x)]), [l.total!, ...fig(r.totals)], [], ...r.byTownship.map((x) => [x.label, ...fig(x)])],
    [24, 10, 10, 12, 12],
  )
  sheet(
    wb,
    l.targets!,
    [l.target!, l.value!, l.actual!, l.percent!, l.gap!, l.pace!],
    r.targets.map((x) => [x.label || `${x.programCode} ${x.metric}`, x.value, x.actual, x.percent, x.gap, x.perMonthNeeded]),
    [40, 10, 10, 8, 10, 12],
  )
  sheet(
    wb,
    l.sessions!,
    [l.date!, l.group!, l.venue!, l.hours!, l.attended!, l.description!],
    r.sessions.map((s) => [s.date, s.groupName, s.venue, s.hours, s.attended, s.description]),
    [12, 28, 20, 8, 8, 60],
  )
  sheet(
    wb,
    l.certificates!,
    [l.type!, l.issued!, l.pending!, l.revoked!],
    r.certificates.map((c) => [l[`type.${c.type}`] ?? c.type, c.issued, c.pending, c.revoked]),
    [20, 10, 12, 10],
  )
  const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer)
  return { bytes, contentType: XLSX, fileName: { utf8: `季度工作开展情况报告-${r.quarter}.xlsx`, ascii: `quarterly-report-${r.quarter}.xlsx` } }
}

// ─── Funding ───────────────────────────────────────────────────────────────

export type FundingLine = {
  school: string
  groupCode: string
  groupName: string
  name: string
  idMasked: string
  type: 'graduation' | 'completion'
  serial: string
  issuedOn: string
  amount: number
}

/** The funding report of a year: completers (毕业, 结业; not revoked) of classes in scope, × 1,500 CNY, ordered by school and class; audited. */
export async function fundingReport(db: Db, user: CurrentUser, opts: { year: number; noSchool: string; format: 'page' | 'xlsx'; ip?: string | null }) {
  const scopes = bureauScopes(user)
  const year = Number.isInteger(opts.year) && opts.year >= 2000 && opts.year <= 2100 ? opts.year : Number(beijingDate(new Date()).slice(0, 4))
  const certificates = await db.certificate.findMany({
    where: {
      type: { in: ['graduation', 'completion'] },
      status: { not: 'revoked' },
      issuedAt: { gte: startOfBeijingDay(`${year}-01-01`), lt: startOfBeijingDay(`${year + 1}-01-01`) },
      enrollment: { group: { AND: [groupScopeWhere(scopes), { kind: 'class' }] } },
    },
    select: {
      type: true,
      serial: true,
      issuedAt: true,
      enrollment: {
        select: {
          id: true,
          person: { select: { name: true, idMasked: true } },
          group: { select: { code: true, name: true, organization: { select: { name: true } } } },
        },
      },
    },
  })
  // One line per enrollment: a graduation certificate and a completion certificate of one enrollment are one learner.
  const byEnrollment = new Map<string, FundingLine>()
  for (const c of certificates) {
    const e = c.enrollment
    const line: FundingLine = {
      school: e.group.organization?.name ?? opts.noSchool,
      groupCode: e.group.code,
      groupName: e.group.name,
      name: e.person.name,
      idMasked: e.person.idMasked,
      type: c.type as 'graduation' | 'completion',
      serial: c.serial,
      issuedOn: beijingDate(c.issuedAt),
      amount: FUNDING_PER_LEARNER_CNY,
    }
    const seen = byEnrollment.get(e.id)
    if (!seen || (seen.type === 'completion' && line.type === 'graduation')) byEnrollment.set(e.id, line)
  }
  const lines = [...byEnrollment.values()].sort(
    (a, b) => a.school.localeCompare(b.school) || a.groupCode.localeCompare(b.groupCode) || a.name.localeCompare(b.name) || a.serial.localeCompare(b.serial),
  )
  const groups = new Map<string, { school: string; groupCode: string; groupName: string; learners: number; amount: number }>()
  for (const l of lines) {
    const g = groups.get(l.groupCode) ?? { school: l.school, groupCode: l.groupCode, groupName: l.groupName, learners: 0, amount: 0 }
    g.learners++
    g.amount += l.amount
    groups.set(l.groupCode, g)
  }
  const total = { learners: lines.length, amount: lines.length * FUNDING_PER_LEARNER_CNY }
  await recordAudit(db, {
    actorId: user.id,
    action: 'report.funding',
    entityType: 'Report',
    entityId: String(year),
    after: { year, format: opts.format, ...total, serials: lines.map((l) => l.serial) },
    ip: opts.ip ?? null,
    scopePath: scopePathOf(scopes),
  })
  return { year, lines, groups: [...groups.values()], total, perLearner: FUNDING_PER_LEARNER_CNY }
}

export async function fundingReportXlsx(r: Awaited<ReturnType<typeof fundingReport>>, l: Labels) {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'XiangXue'
  sheet(
    wb,
    l.lines!,
    [l.index!, l.school!, l.group!, l.name!, l.idMasked!, l.type!, l.serial!, l.issuedOn!, l.amount!],
    [
      ...r.lines.map((x, i) => [i + 1, x.school, x.groupName, x.name, x.idMasked, l[`type.${x.type}`] ?? x.type, x.serial, x.issuedOn, x.amount]),
      [null, l.total!, null, null, null, null, null, null, r.total.amount],
    ],
    [6, 24, 26, 10, 22, 12, 24, 12, 10],
  )
  sheet(
    wb,
    l.byGroup!,
    [l.school!, l.group!, l.learners!, l.amount!],
    [...r.groups.map((g) => [g.school, g.groupName, g.learners, g.amount]), [l.total!, null, r.total.learners, r.total.amount]],
    [24, 26, 10, 12],
  )
  const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer)
  return { bytes, contentType: XLSX, fileName: { utf8: `经费核算表-${r.year}.xlsx`, ascii: `funding-${r.year}.xlsx` } }
}
