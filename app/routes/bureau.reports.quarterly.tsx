import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { BUREAU_VIEWERS } from '#app/domain/roles.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { scopeLabel } from '#app/models/directory.server.ts'
import { quarterlyReport } from '#app/models/reports.server.ts'
import { listProgramNames } from '#app/models/targets.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { periodLabel, TargetCard } from '#app/components/dashboard.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import bureauCss from '../styles/bureau.css?url'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: bureauCss }]
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'dashboard.quarterly') }]

/** 季度工作开展情况报告 as a printable page (issue 12); the same report as xlsx at /bureau/reports/quarterly.xlsx. Audited. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, BUREAU_VIEWERS)
  const t = serverT(request, user.locale)
  const db = getDb()
  const quarter = new URL(request.url).searchParams.get('quarter')
  return pageLoad(async () => ({
    scope: scopeLabel(scopesFor(user, BUREAU_VIEWERS), t),
    report: await quarterlyReport(db, user, { quarter, unknownLabel: t('dashboard.unknown'), format: 'page', ip: (context.ip as string | undefined) ?? null }),
    programs: await listProgramNames(db),
  }))
}

const FIGURES = ['personTimes', 'persons', 'personHours', 'completions'] as const

export default function QuarterlyReportPage() {
  const { scope, report: r, programs } = useLoaderData<typeof loader>()
  const t = useT()
  const programName = (code: string) => programs.find((p) => p.code === code)?.name ?? code
  const fmt = (n: number) => n.toLocaleString('zh-CN')
  const figureTable = (
    rows: { key: string; label: string; personTimes: number; persons: number; personHours: number; completions: number }[],
    total: boolean,
  ) => (
    <div className="figures">
      <Table headers={[t('report.col.row'), ...FIGURES.map((f) => t(`figure.${f}`))]}>
        {rows.map((x) => (
          <tr key={x.key}>
            <td>{x.label}</td>
            {FIGURES.map((f) => (
              <td key={f} className="num">
                {fmt(x[f])}
              </td>
            ))}
          </tr>
        ))}
        {total ? (
          <tr className="total-row">
            <th scope="row">{t('dashboard.total')}</th>
            {FIGURES.map((f) => (
              <td key={f} className="num">
                {fmt(r.totals[f])}
              </td>
            ))}
          </tr>
        ) : null}
      </Table>
    </div>
  )
  return (
    <div className="report dashboard">
      <form method="get" className="no-print row" action="/bureau/reports/quarterly">
        <div className="field">
          <label htmlFor="quarter">{t('report.quarter')}</label>
          <input id="quarter" name="quarter" defaultValue={r.quarter} />
        </div>
        <button type="submit" className="secondary">
          {t('report.show')}
        </button>
        <a className="button" href={`/bureau/reports/quarterly.xlsx?quarter=${r.quarter}`} download>
          {t('report.xlsx')}
        </a>
      </form>
      <h1>{t('report.quarterly.title', { period: periodLabel(t, r.quarter) })}</h1>
      <p className="muted">{t('report.quarterly.intro', { scope, from: r.from, to: r.to, today: r.generatedOn })}</p>
      <section>
        <h2>{t('report.figures')}</h2>
        <div className="stats">
          {FIGURES.map((f) => (
            <div className="stat" key={f}>
              <b>{fmt(r.totals[f])}</b>
              <span>{t(`figure.${f}`)}</span>
            </div>
          ))}
        </div>
        <h3>{t('report.byProgram')}</h3>
        {figureTable(r.byProgram, true)}
        <h3>{t('report.byTownship')}</h3>
        {figureTable(r.byTownship, false)}
      </section>
      <section>
        <h2>{t('report.targets')}</h2>
        {r.targets.length === 0 ? (
          <p className="muted">{t('dashboard.noTargets')}</p>
        ) : (
          <ul className="list targets">
            {r.targets.map((x) => (
              <TargetCard key={x.id} target={x} t={t} programName={programName} />
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2>{t('report.sessions')}</h2>
        {r.sessions.length === 0 ? (
          <p className="muted">{t('report.sessionsNone')}</p>
        ) : (
          <Table
            headers={[
              t('report.col.date'),
              t('report.col.group'),
              t('report.col.venue'),
              t('report.col.hours'),
              t('report.col.attended'),
              t('report.col.description'),
            ]}
          >
            {r.sessions.map((s, i) => (
              <tr key={i}>
                <td>{s.date}</td>
                <td>{s.groupName}</td>
                <td>{s.venue}</td>
                <td className="num">{s.hours}</td>
                <td className="num">{s.attended}</td>
                <td>{s.description}</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <section>
        <h2>{t('report.certificates')}</h2>
        <Table headers={[t('report.col.type'), t('report.col.issued'), t('report.col.pending'), t('report.col.revoked')]}>
          {r.certificates.map((c) => (
            <tr key={c.type}>
              <td>{t(`certificates.type.${c.type as 'graduation'}`)}</td>
              <td className="num">{c.issued}</td>
              <td className="num">{c.pending}</td>
              <td className="num">{c.revoked}</td>
            </tr>
          ))}
        </Table>
      </section>
    </div>
  )
}
