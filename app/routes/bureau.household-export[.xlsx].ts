import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { HOUSEHOLD_EXPORTERS } from '#app/domain/roles.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { householdExportFile } from '#app/models/household-export.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { downloadResponse } from '#app/utils/downloads.ts'

/** GET lands on the form. */
export const loader = () => redirect('/bureau/household-export')

/** POST /bureau/household-export.xlsx (from, to): the audited download; a bad period goes back to the form with its error. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, HOUSEHOLD_EXPORTERS)
  const form = await request.formData()
  const from = String(form.get('from') ?? '').trim()
  const to = String(form.get('to') ?? '').trim()
  const result = await householdExportFile(getDb(), user, { from, to, ip: (context.ip as string | undefined) ?? null, t: serverT(request, user.locale) })
  if (result.error) throw redirect(`/bureau/household-export?${new URLSearchParams({ from, to, error: result.error })}`)
  return downloadResponse(result.file)
}
