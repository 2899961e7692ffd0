import { Readable } from 'node:stream'
import type { LoaderFunctionArgs } from '@remix-run/node'
import { STATS_READERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { EXPORT_KINDS, startExport, type ExportKind } from '#app/models/exports.server.ts'
import type { MessageKey } from '#app/i18n/index.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { attachmentDisposition } from '#app/utils/downloads.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

/** GET /exports/file?kind=people&format=xlsx|csv[&fullIds=1]: the export, streamed as it is read; audited (app/models/exports.server.ts). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, STATS_READERS)
  const t = serverT(request, user.locale)
  const params = new URL(request.url).searchParams
  const kindParam = params.get('kind') ?? ''
  const kind: ExportKind = (EXPORT_KINDS as readonly string[]).includes(kindParam) ? (kindParam as ExportKind) : 'people'
  const format = params.get('format') === 'csv' ? 'csv' : 'xlsx'
  const asOf = beijingDate(new Date())
  const text = (key: string, raw: string) => (t(key as MessageKey) as string | undefined) ?? raw
  return pageLoad(async () => {
    const { stream } = await startExport(
      getDb(),
      user,
      { kind, format, fullIds: params.get('fullIds') === '1', asOf, ip: (context.ip as string | undefined) ?? null },
      { column: (k) => text(`exports.col.${k}`, k), value: (k) => text(`exports.v.${k}`, k.split('.').pop()!), sheet: t(`exports.kind.${kind}`) },
    )
    const name = `${t(`exports.kind.${kind}`)}-${asOf}.${format}`
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: {
        'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'Content-Disposition': attachmentDisposition({ utf8: name, ascii: `${kind}-${asOf}.${format}` }),
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    })
  })
}
