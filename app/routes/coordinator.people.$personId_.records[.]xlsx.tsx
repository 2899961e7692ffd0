import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { getLocale } from '#app/i18n/locale.server.ts'
import { hoursRecordFile } from '#app/models/hours-record-documents.server.ts'
import { loadPersonHoursRecord } from '#app/models/hours-record.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { downloadResponse } from '#app/utils/downloads.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

/** GET /coordinator/people/:personId/records.xlsx: a person in the caller's scope (404 otherwise). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, PEOPLE_MANAGERS)
  const record = await pageLoad(() => loadPersonHoursRecord(getDb(), user, params.personId ?? '', beijingDate(new Date())))
  return downloadResponse(await hoursRecordFile(record, 'xlsx', getLocale(request, user.locale)))
}
