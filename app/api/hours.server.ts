/**
 * POST /api/v1/hours/batch (../shared/api-v1.md): another platform's days of
 * study, synced. The envelope is checked first (at most 1,000 entries, the
 * body at most 512 KB: the body limit answers 413 above it); each entry is
 * then checked by itself, so a bad entry is an error of that entry and the
 * good ones are kept. The rules are the ledger's (recordSyncedDays in
 * app/models/ledger.server.ts): one day per entry, idempotent by externalId
 * per enrollment, an enrollment outside the caller's scope an entry error
 * with the same message as an unknown id; a role that may not record hours
 * (bureau) is 403 for the whole batch.
 */
import { recordSyncedDays, type SyncedDay, type SyncedDayError } from '#app/models/ledger.server.ts'
import { CEILINGS } from '#app/utils/body-limit.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiUser } from './auth.server.ts'
import { errorMap, json, readJsonBody, type ApiArgs } from './http.server.ts'
import { idempotent } from './idempotency.server.ts'
import { HoursBatchEntry, HoursBatchEnvelope } from './schemas-hours.ts'

/** POST /api/v1/hours/batch → 200 { created, unchanged, errors }. */
export async function recordHoursBatch({ request, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  return idempotent(request, user, async () => {
    const body = await readJsonBody(request, HoursBatchEnvelope, { maxBytes: CEILINGS['hours-batch'] })
    const days: SyncedDay[] = []
    const errors: SyncedDayError[] = []
    body.entries.forEach((raw, index) => {
      const parsed = HoursBatchEntry.safeParse(raw, { error: errorMap })
      if (parsed.success) days.push({ index, ...parsed.data })
      else {
        const issue = parsed.error.issues[0]!
        errors.push({ index, code: 'validation_failed', field: issue.path.length > 0 ? issue.path.join('.') : '_', message: issue.message })
      }
    })
    const result = await recordSyncedDays(getDb(), user, days, { ip: context.ip })
    return json({ created: result.created, unchanged: result.unchanged, errors: [...errors, ...result.errors].sort((a, b) => a.index - b.index) })
  })
}
