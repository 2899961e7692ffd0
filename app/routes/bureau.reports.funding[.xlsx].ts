import type { LoaderFunctionArgs } from '@remix-run/node'
import { BUREAU_VIEWERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { fundingReport, fundingReportXlsx } from '#app/models/reports.server.ts'
import type { MessageKey } from '#app/i18n/index.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { downloadResponse } from '#app/utils/downloads.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

/** GET /bureau/reports/funding.xlsx?year=2026: the funding report as an xlsx, audited. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, BUREAU_VIEWERS)
  const t = serverT(request, user.locale)
  const year = Number(new URL(request.url).searchParams.get('year') ?? beijingDate(new Date()).slice(0, 4))
  return pageLoad(async () => {
    const report = await fundingReport(getDb(), user, { year, noSchool: t('funding.noSchool'), format: 'xlsx', ip: (context.ip as string | undefined) ?? null })
    const k = (key: string) => t(key as MessageKey)
    const col = (c: string) => k(`funding.col.${c}`)
    const labels: Record<string, string> = {
      lines: k('funding.lines'),
      byGroup: k('funding.byGroup'),
      total: k('funding.total'),
      index: col('index'),
      school: col('school'),
      group: col('group'),
      name: col('name'),
      idMasked: col('idMasked'),
      type: col('type'),
      serial: col('serial'),
      issuedOn: col('issuedOn'),
      amount: col('amount'),
      learners: col('learners'),
      'type.graduation': k('certificates.type.graduation'),
      'type.completion': k('certificates.type.completion'),
    }
    return downloadResponse(await fundingReportXlsx(report, labels))
  })
}
