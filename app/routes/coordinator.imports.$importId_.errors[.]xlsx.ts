import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { ROSTER_IMPORTERS, rosterImportErrorsXlsx } from '#app/models/roster-import.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { downloadResponse } from '#app/utils/downloads.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

/** GET /coordinator/imports/:id/errors.xlsx: the rows not imported (row, column, reason) and the warnings, audited. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROSTER_IMPORTERS)
  const t = serverT(request, user.locale)
  return pageLoad(async () =>
    downloadResponse(await rosterImportErrorsXlsx(getDb(), user, params.importId ?? '', { t, ip: (context.ip as string | undefined) ?? null })),
  )
}
