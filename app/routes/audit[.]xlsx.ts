import type { LoaderFunctionArgs } from '@remix-run/node'
import { readAuditFilter } from '#app/domain/audit-log.ts'
import { AUDIT_READERS } from '#app/domain/roles.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { exportAuditEvents } from '#app/models/audit.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { downloadResponse } from '#app/utils/downloads.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

/** GET /audit.xlsx?<the log page's filters>: the filtered events as an xlsx; the export itself is audited (audit.export). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, AUDIT_READERS)
  const filter = readAuditFilter(new URL(request.url).searchParams)
  return pageLoad(async () =>
    downloadResponse(
      await exportAuditEvents(getDb(), user, {
        filter,
        t: serverT(request, user.locale),
        locale: getLocale(request, user.locale),
        ip: (context.ip as string | undefined) ?? null,
      }),
    ),
  )
}
