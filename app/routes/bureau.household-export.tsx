import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { Field } from '#app/components/ui/field.tsx'
import { HOUSEHOLD_EXPORTERS as ROLES } from '#app/domain/roles.ts'
import { beijingDate, isIsoDate } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { scopeLabel } from '#app/models/directory.server.ts'
import { PERIOD_ERRORS } from '#app/models/household-export.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'householdExport.title') }]

/**
 * The form. The download itself is POST /bureau/household-export.xlsx (a
 * resource route: a plain form post, so it works with JavaScript off); a bad
 * period comes back here as ?from&to&error.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const url = new URL(request.url)
  const today = beijingDate(new Date())
  const given = (k: string) => url.searchParams.get(k)?.trim() ?? ''
  const error = PERIOD_ERRORS.find((e) => e.code === url.searchParams.get('error'))
  return {
    scope: scopeLabel(scopesFor(user, ROLES), t),
    from: isIsoDate(given('from')) ? given('from') : `${today.slice(0, 4)}-01-01`,
    to: isIsoDate(given('to')) ? given('to') : today,
    error: error ? { field: error.field, message: t(error.message) } : null,
  }
}

export default function HouseholdExport() {
  const { scope, from, to, error } = useLoaderData<typeof loader>()
  const t = useT()
  return (
    <>
      <h1>{t('householdExport.title')}</h1>
      <p className="muted">{t('householdExport.intro', { scope })}</p>
      <form method="post" action="/bureau/household-export.xlsx">
        <Field
          id="from"
          name="from"
          type="date"
          label={t('householdExport.from')}
          defaultValue={from}
          required
          error={error?.field === 'from' ? error.message : null}
        />
        <Field id="to" name="to" type="date" label={t('householdExport.to')} defaultValue={to} required error={error?.field === 'to' ? error.message : null} />
        <button type="submit" className="button primary">
          {t('householdExport.submit')}
        </button>
      </form>
    </>
  )
}
