import type { LoaderFunctionArgs } from '@remix-run/node'
import { BUREAU_VIEWERS } from '#app/domain/roles.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { quarterlyReport, quarterlyReportXlsx } from '#app/models/reports.server.ts'
import type { MessageKey } from '#app/i18n/index.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { downloadResponse } from '#app/utils/downloads.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

/** GET /bureau/reports/quarterly.xlsx?quarter=2026Q3: the quarterly report as an xlsx, audited. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, BUREAU_VIEWERS)
  const t = serverT(request, user.locale)
  const quarter = new URL(request.url).searchParams.get('quarter')
  return pageLoad(async () => {
    const report = await quarterlyReport(getDb(), user, {
      quarter,
      unknownLabel: t('dashboard.unknown'),
      format: 'xlsx',
      ip: (context.ip as string | undefined) ?? null,
    })
    const k = (key: string) => t(key as MessageKey)
    const labels: Record<string, string> = {
      personTimes: k('figure.personTimes'),
      persons: k('figure.persons'),
      personHours: k('figure.personHours'),
      completions: k('figure.completions'),
      figures: k('report.sheet.figures'),
      targets: k('report.sheet.targets'),
      sessions: k('report.sheet.sessions'),
      certificates: k('report.sheet.certificates'),
      row: k('report.col.row'),
      total: k('dashboard.total'),
      target: k('report.col.target'),
      value: k('report.col.value'),
      actual: k('report.col.actual'),
      percent: k('report.col.percent'),
      gap: k('report.col.gap'),
      pace: k('report.col.pace'),
      date: k('report.col.date'),
      group: k('report.col.group'),
      venue: k('report.col.venue'),
      hours: k('report.col.hours'),
      attended: k('report.col.attended'),
      description: k('report.col.description'),
      type: k('report.col.type'),
      issued: k('report.col.issued'),
      pending: k('report.col.pending'),
      revoked: k('report.col.revoked'),
      'type.graduation': k('certificates.type.graduation'),
      'type.completion': k('certificates.type.completion'),
      'type.training': k('certificates.type.training'),
      'type.study_record': k('certificates.type.study_record'),
    }
    return downloadResponse(await quarterlyReportXlsx(report, labels))
  })
}
