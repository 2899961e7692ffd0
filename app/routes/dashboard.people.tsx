import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { PEOPLE_MANAGERS, STATS_READERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { loadPeopleBehind } from '#app/models/dashboard.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { periodLabel } from '#app/components/dashboard.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import bureauCss from '../styles/bureau.css?url'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: bureauCss }]
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'people.title') }]

const FIGURE = { person_times: 'figure.personTimes', persons: 'figure.persons', person_hours: 'figure.personHours', completions: 'figure.completions' } as const

/** The people behind a number of the dashboard (issue 12): same filters, same scope; masked ID numbers only. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, STATS_READERS)
  const t = serverT(request, user.locale)
  return pageLoad(async () => ({
    ...(await loadPeopleBehind(getDb(), user, new URL(request.url).searchParams, { unknownLabel: t('dashboard.unknown') })),
    back: user.grants.some((g) => g.role === 'bureau') ? '/bureau' : '/coordinator/dashboard',
    mayOpenPeople: user.grants.some((g) => PEOPLE_MANAGERS.includes(g.role)),
  }))
}

export default function PeopleBehind() {
  const d = useLoaderData<typeof loader>()
  const t = useT()
  const q = new URLSearchParams({ period: d.query.period, groupBy: d.query.groupBy, metric: d.metric })
  if (d.query.regionCode) q.set('region', d.query.regionCode)
  if (d.query.programCode) q.set('program', d.query.programCode)
  if (d.key !== null) q.set('key', d.key)
  const page = (n: number) => {
    const p = new URLSearchParams(q)
    p.set('page', String(n))
    return `/dashboard/people?${p}`
  }
  const back = new URLSearchParams(q)
  back.delete('metric')
  back.delete('key')
  const pages = Math.max(1, Math.ceil(d.total / d.pageSize))
  return (
    <>
      <p className="no-print">
        <Link to={`${d.back}?${back}`}>← {t('people.back')}</Link>
      </p>
      <h1>
        {t('people.what', { metric: t(FIGURE[d.metric]), period: periodLabel(t, d.query.period) })}
        {d.regionName ? `，${d.regionName}` : ''}
        {d.rowLabel ? t('people.row', { label: d.rowLabel }) : ''}
      </h1>
      <p data-testid="people-count">
        {t(d.metric === 'completions' ? 'people.countCertificates' : 'people.count', {
          total: d.total.toLocaleString('zh-CN'),
          persons: d.distinctPersons.toLocaleString('zh-CN'),
        })}
      </p>
      {d.people.length === 0 ? (
        <p className="muted">{t('people.none')}</p>
      ) : (
        <Table
          headers={[
            t('people.col.name'),
            t('people.col.idMasked'),
            t('people.col.region'),
            t('people.col.group'),
            d.metric === 'completions' ? t('people.col.certificate') : t('people.col.hours'),
          ]}
        >
          {d.people.map((p) => (
            <tr key={`${p.enrollmentId}-${p.certificate?.serial ?? ''}`}>
              <td>{d.mayOpenPeople ? <Link to={`/coordinator/people/${p.personId}`}>{p.name}</Link> : p.name}</td>
              <td className="mono">{p.idMasked}</td>
              <td>{p.regionName}</td>
              <td>{p.groupName}</td>
              <td className={p.certificate ? undefined : 'num'}>
                {p.certificate ? (
                  <>
                    {t(`certificates.type.${p.certificate.type as 'graduation'}`)} <span className="mono">{p.certificate.serial}</span>{' '}
                    <span className="muted">{beijingDate(new Date(p.certificate.issuedAt))}</span>
                  </>
                ) : (
                  p.hours.toFixed(1)
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {pages > 1 ? (
        <nav className="pager">
          {d.page > 1 ? <Link to={page(d.page - 1)}>{t('common.prev')}</Link> : null}
          <span>{t('people.page', { page: d.page })}</span>
          {d.page < pages ? <Link to={page(d.page + 1)}>{t('common.next')}</Link> : null}
        </nav>
      ) : null}
    </>
  )
}
