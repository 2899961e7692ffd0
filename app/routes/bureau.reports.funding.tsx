import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { BUREAU_VIEWERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { fundingReport } from '#app/models/reports.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import bureauCss from '../styles/bureau.css?url'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: bureauCss }]
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'dashboard.funding') }]

/** 经费核算表 (DESIGN.md §11): completers × 1,500 CNY per school and class, as a page; audited. xlsx at /bureau/reports/funding.xlsx. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, BUREAU_VIEWERS)
  const t = serverT(request, user.locale)
  const year = Number(new URL(request.url).searchParams.get('year') ?? beijingDate(new Date()).slice(0, 4))
  return pageLoad(async () =>
    fundingReport(getDb(), user, { year, noSchool: t('funding.noSchool'), format: 'page', ip: (context.ip as string | undefined) ?? null }),
  )
}

export default function FundingReportPage() {
  const r = useLoaderData<typeof loader>()
  const t = useT()
  const fmt = (n: number) => n.toLocaleString('zh-CN')
  return (
    <div className="report dashboard">
      <form method="get" className="no-print row" action="/bureau/reports/funding">
        <div className="field">
          <label htmlFor="year">{t('funding.year')}</label>
          <input id="year" name="year" defaultValue={String(r.year)} inputMode="numeric" />
        </div>
        <button type="submit" className="secondary">
          {t('report.show')}
        </button>
        <a className="button" href={`/bureau/reports/funding.xlsx?year=${r.year}`} download>
          {t('report.xlsx')}
        </a>
      </form>
      <h1>{t('funding.title', { year: r.year })}</h1>
      <p className="muted">{t('funding.intro', { amount: fmt(r.perLearner) })}</p>
      <h2>{t('funding.byGroup')}</h2>
      <Table headers={[t('funding.col.school'), t('funding.col.group'), t('funding.col.learners'), t('funding.col.amount')]}>
        {r.groups.map((g) => (
          <tr key={g.groupCode}>
            <td>{g.school}</td>
            <td>{g.groupName}</td>
            <td className="num">{fmt(g.learners)}</td>
            <td className="num">{fmt(g.amount)}</td>
          </tr>
        ))}
        <tr className="total-row">
          <th scope="row">{t('funding.total')}</th>
          <td />
          <td className="num">{fmt(r.total.learners)}</td>
          <td className="num">{fmt(r.total.amount)}</td>
        </tr>
      </Table>
      <h2>{t('funding.lines')}</h2>
      {r.lines.length === 0 ? (
        <p className="muted">{t('funding.none')}</p>
      ) : (
        <Table
          headers={[
            t('funding.col.index'),
            t('funding.col.school'),
            t('funding.col.group'),
            t('funding.col.name'),
            t('funding.col.idMasked'),
            t('funding.col.type'),
            t('funding.col.serial'),
            t('funding.col.issuedOn'),
            t('funding.col.amount'),
          ]}
        >
          {r.lines.map((l, i) => (
            <tr key={l.serial}>
              <td>{i + 1}</td>
              <td>{l.school}</td>
              <td>{l.groupName}</td>
              <td>{l.name}</td>
              <td className="mono">{l.idMasked}</td>
              <td>{t(`certificates.type.${l.type}`)}</td>
              <td className="mono">{l.serial}</td>
              <td>{l.issuedOn}</td>
              <td className="num">{fmt(l.amount)}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  )
}
