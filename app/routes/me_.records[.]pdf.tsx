import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { getLocale } from '#app/i18n/locale.server.ts'
import { hoursRecordFile } from '#app/models/hours-record-documents.server.ts'
import { loadOwnHoursRecord } from '#app/models/hours-record.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { downloadResponse } from '#app/utils/downloads.ts'

/** GET /me/records.pdf: the signed-in learner's or teacher's own record, nobody else's. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  const record = await loadOwnHoursRecord(getDb(), user, beijingDate(new Date()))
  if (!record) throw notFound()
  return downloadResponse(await hoursRecordFile(record, 'pdf', getLocale(request, user.locale)))
}
