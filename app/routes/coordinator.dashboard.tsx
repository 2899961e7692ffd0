import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { loadDashboard } from '#app/models/dashboard.server.ts'
import { scopeLabel } from '#app/models/directory.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { Dashboard } from '#app/components/dashboard.tsx'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import bureauCss from '../styles/bureau.css?url'

const ROLES = ['coordinator', 'admin'] as const

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: bureauCss }]
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'dashboard.title') }]

/** A coordinator's figures: the same dashboard as the bureau's, over the coordinator's own scope (issue 12). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  return pageLoad(async () => ({
    scope: scopeLabel(scopesFor(user, ROLES), t),
    dashboard: await loadDashboard(getDb(), user, new URL(request.url).searchParams, { unknownLabel: t('dashboard.unknown') }),
  }))
}

export default function CoordinatorDashboard() {
  const { scope, dashboard } = useLoaderData<typeof loader>()
  const t = useT()
  return (
    <>
      <h1>{t('dashboard.title')}</h1>
      <p className="muted">{t('dashboard.scope', { scope })}</p>
      <p className="dashboard-links no-print">
        <Link className="button secondary" to="/exports">
          {t('dashboard.exports')}
        </Link>
      </p>
      <Dashboard data={dashboard} t={t} action="/coordinator/dashboard" peoplePath="/dashboard/people" />
    </>
  )
}
