import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { attachmentDisposition } from '#app/domain/records.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { checkPeriod, exportHouseholdRegister, HOUSEHOLD_EXPORT_ROLES as ROLES, householdXlsx } from '#app/models/household-export.server.ts'
import { getDb } from '#app/utils/db.server.ts'

/** GET lands on the form. */
export const loader = () => redirect('/bureau/household-export')

/** POST /bureau/household-export.xlsx (from, to): the audited download; a bad period goes back to the form with its error. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const form = await request.formData()
  const from = String(form.get('from') ?? '').trim()
  const to = String(form.get('to') ?? '').trim()
  const error = checkPeriod(from, to)
  if (error) throw redirect(`/bureau/household-export?${new URLSearchParams({ from, to, error })}`)
  const rows = await exportHouseholdRegister(getDb(), { scopes: scopesFor(user, ROLES), from, to, actorId: user.id, ip: (context.ip as string | undefined) ?? null })
  const col = (k: string) => t(`householdExport.col.${k}` as Parameters<typeof t>[0])
  const bytes = await householdXlsx(
    rows,
    { index: col('index'), name: col('name'), idNumber: col('idNumber'), major: col('major'), graduationDate: col('graduationDate'), serial: col('serial'), verifiedOn: col('verifiedOn'), groupName: col('groupName') },
    t('householdExport.sheet'),
  )
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Length': String(bytes.byteLength),
      'Content-Disposition': attachmentDisposition({ utf8: `公安户籍名单-${from}至${to}.xlsx`, ascii: `household-register-${from}-${to}.xlsx` }),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
