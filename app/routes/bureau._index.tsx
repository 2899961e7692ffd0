import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { BUREAU_VIEWERS, HOUSEHOLD_EXPORTERS } from '#app/domain/roles.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { bureauOverview, scopeLabel } from '#app/models/directory.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { useT } from '#app/utils/i18n.ts'

const ROLES = BUREAU_VIEWERS

/** Bureau home: counts inside the bureau's jurisdiction (person-time dashboards come with the ledger). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const scopes = scopesFor(user, ROLES)
  const canExportHousehold = user.grants.some((g) => HOUSEHOLD_EXPORTERS.includes(g.role))
  return { scope: scopeLabel(scopes, serverT(request, user.locale)), overview: await bureauOverview(getDb(), { scopes }), canExportHousehold }
}

export default function BureauHome() {
  const { scope, overview, canExportHousehold } = useLoaderData<typeof loader>()
  const t = useT()
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
      {canExportHousehold ? (
        <p>
          <Link className="button secondary" to="/bureau/household-export">
            {t('householdExport.link')}
          </Link>
        </p>
      ) : null}
      <div className="stats">
        {stats.map(([label, value]) => (
          <div className="stat" key={label}>
            <b>{value.toLocaleString('zh-CN')}</b>
            <span>{label}</span>
          </div>
        ))}
      </div>
      <h2>{t('bureau.byTownship')}</h2>
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
