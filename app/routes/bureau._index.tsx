import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { BUREAU_VIEWERS, HOUSEHOLD_EXPORTERS } from '#app/domain/roles.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { loadDashboard } from '#app/models/dashboard.server.ts'
import { bureauOverview, scopeLabel } from '#app/models/directory.server.ts'
import { mayEditSomeTargets } from '#app/models/targets.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { Dashboard } from '#app/components/dashboard.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import bureauCss from '../styles/bureau.css?url'

const ROLES = BUREAU_VIEWERS

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: bureauCss }]
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'bureau.title') }]

/**
 * Bureau home: the person-time dashboard of the bureau's jurisdiction (issue 12; app/models/dashboard.server.ts),
 * filtered by a GET form, with the targets, the reports and exports, and the register's counts below.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const scopes = scopesFor(user, ROLES)
  const db = getDb()
  return pageLoad(async () => {
    const [dashboard, overview] = await Promise.all([
      loadDashboard(db, user, new URL(request.url).searchParams, { unknownLabel: t('dashboard.unknown') }),
      bureauOverview(db, { scopes }),
    ])
    return {
      scope: scopeLabel(scopes, t),
      dashboard,
      overview,
      canExportHousehold: user.grants.some((g) => HOUSEHOLD_EXPORTERS.includes(g.role)),
      canEditTargets: mayEditSomeTargets(user),
    }
  })
}

export default function BureauHome() {
  const { scope, dashboard, overview, canExportHousehold } = useLoaderData<typeof loader>()
  const t = useT()
  const quarter =
    dashboard.query.grain === 'quarter' ? dashboard.query.period : `${dashboard.query.period.slice(0, 4)}Q${Math.ceil(Number(dashboard.today.slice(5, 7)) / 3)}`
  const stats = [
    [t('bureau.learners'), overview.learners],
    [t('bureau.teachers'), overview.teachers],
    [t('bureau.classes'), overview.classes],
    [t('bureau.rounds'), overview.rounds],
    [t('bureau.activeEnrollments'), overview.activeEnrollments],
  ] as const
  return (
    <>
      <h1>{t('bureau.title')}</h1>
      <p className="muted">{t('bureau.scope', { scope })}</p>
      <p className="dashboard-links no-print">
        <Link className="button secondary" to="/bureau/targets">
          {t('dashboard.manageTargets')}
        </Link>
        <Link className="button secondary" to={`/bureau/reports/quarterly?quarter=${quarter}`}>
          {t('dashboard.quarterly')}
        </Link>
        <Link className="button secondary" to={`/bureau/reports/funding?year=${dashboard.query.period.slice(0, 4)}`}>
          {t('dashboard.funding')}
        </Link>
        <Link className="button secondary" to="/exports">
          {t('dashboard.exports')}
        </Link>
        {canExportHousehold ? (
          <Link className="button secondary" to="/bureau/household-export">
            {t('householdExport.link')}
          </Link>
        ) : null}
      </p>
      <Dashboard data={dashboard} t={t} action="/bureau" peoplePath="/dashboard/people" />
      <h2>{t('dashboard.register')}</h2>
      <div className="stats">
        {stats.map(([label, value]) => (
          <div className="stat" key={label}>
            <b>{value.toLocaleString('zh-CN')}</b>
            <span>{label}</span>
          </div>
        ))}
      </div>
      <h3>{t('bureau.byTownship')}</h3>
      <Table headers={[t('bureau.township'), t('bureau.learners'), t('bureau.teachers')]}>
        {overview.byTownship.map((row) => (
          <tr key={row.code}>
            <td>
              {row.name} <span className="muted mono">{row.code}</span>
            </td>
            <td>{row.learners}</td>
            <td>{row.teachers}</td>
          </tr>
        ))}
      </Table>
    </>
  )
}
