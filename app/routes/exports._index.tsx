import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { STATS_READERS } from '#app/domain/roles.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { scopeLabel } from '#app/models/directory.server.ts'
import { EXPORT_KINDS, mayExportFullIds } from '#app/models/exports.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import bureauCss from '../styles/bureau.css?url'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: bureauCss }]
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'exports.title') }]

/** The exports form (issue 12): what, which format, full ID numbers (people list, coordinators and admins only). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, STATS_READERS)
  return { scope: scopeLabel(scopesFor(user, STATS_READERS), serverT(request, user.locale)), fullIds: mayExportFullIds(user), kinds: EXPORT_KINDS }
}

export default function Exports() {
  const { scope, fullIds, kinds } = useLoaderData<typeof loader>()
  const t = useT()
  return (
    <>
      <h1>{t('exports.title')}</h1>
      <p className="muted">{t('exports.intro', { scope })}</p>
      <form method="get" action="/exports/file" className="card">
        <div className="row">
          <div className="field">
            <label htmlFor="kind">{t('exports.kind')}</label>
            <select id="kind" name="kind">
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`exports.kind.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="format">{t('exports.format')}</label>
            <select id="format" name="format">
              <option value="xlsx">Excel (xlsx)</option>
              <option value="csv">CSV</option>
            </select>
          </div>
        </div>
        {fullIds ? (
          <p>
            <label>
              <input type="checkbox" name="fullIds" value="1" /> {t('exports.fullIds')}
            </label>
          </p>
        ) : null}
        <button type="submit">{t('exports.submit')}</button>
      </form>
    </>
  )
}
