import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { requireRole, scopesFor } from '#app/auth/permissions.server.ts'
import { Field } from '#app/components/ui/field.tsx'
import { attachmentDisposition } from '#app/domain/records.ts'
import { beijingDate, isIsoDate, startOfBeijingDay } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { scopeLabel } from '#app/models/directory.server.ts'
import { exportHouseholdRegister, householdXlsx } from '#app/models/household-export.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

/** Only bureau users: coordinators and learners never export full ID numbers in bulk. */
const ROLES = ['bureau'] as const

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'householdExport.title') }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const today = beijingDate(new Date())
  return { scope: scopeLabel(scopesFor(user, ROLES), serverT(request, user.locale)), from: `${today.slice(0, 4)}-01-01`, to: today }
}

const periodSchema = z
  .object({
    from: z.string().trim().refine(isIsoDate, 'householdExport.error.date'),
    to: z.string().trim().refine(isIsoDate, 'householdExport.error.date'),
  })
  .refine((v) => v.from <= v.to, { message: 'householdExport.error.order', path: ['to'] })
  .refine((v) => startOfBeijingDay(v.to).getTime() - startOfBeijingDay(v.from).getTime() <= 366 * 86_400_000, {
    message: 'householdExport.error.span',
    path: ['to'],
  })

/** POST: the xlsx itself (a plain form post, so it downloads with JavaScript off too); invalid dates re-render the form. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const form = await request.formData()
  const parsed = periodSchema.safeParse({ from: form.get('from') ?? '', to: form.get('to') ?? '' })
  if (!parsed.success) {
    const errors: Record<string, string> = {}
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= t(issue.message as Parameters<typeof t>[0])
    return data({ errors }, { status: 400 })
  }
  const { from, to } = parsed.data
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

export default function HouseholdExport() {
  const { scope, from, to } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as { errors?: Record<string, string> } | undefined
  const t = useT()
  return (
    <>
      <h1>{t('householdExport.title')}</h1>
      <p className="muted">{t('householdExport.intro', { scope })}</p>
      <Form method="post" reloadDocument>
        <Field id="from" name="from" type="date" label={t('householdExport.from')} defaultValue={from} required error={actionData?.errors?.from} />
        <Field id="to" name="to" type="date" label={t('householdExport.to')} defaultValue={to} required error={actionData?.errors?.to} />
        <button type="submit" className="button primary">
          {t('householdExport.submit')}
        </button>
      </Form>
    </>
  )
}
