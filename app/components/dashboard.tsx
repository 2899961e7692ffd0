/**
 * The dashboard (issue 12) for bureau users (/bureau) and coordinators
 * (/coordinator/dashboard): a GET form of filters, the four figures, a
 * monthly trend and a comparison as server-drawn SVG, the table behind them,
 * the quarters, and the targets. Every number links to the people behind it
 * (/dashboard/people with the same filters). No client code is needed.
 */
import type { ReactNode } from 'react'
import type { PersonTimeCounts, PersonTimeFigures, StatsGroupBy } from '#app/domain/person-times.ts'
import type { TargetMetric } from '#app/domain/targets.ts'
import type { T } from '#app/i18n/index.ts'
import { BarList, ColumnChart, ProgressBar } from './charts.tsx'
import { Table } from './ui/table.tsx'

export type DashboardView = {
  query: { period: string; grain: 'year' | 'quarter' | 'month'; regionCode: string; programCode: string; groupBy: StatsGroupBy }
  options: { regions: { code: string; name: string; level: string }[]; programs: { code: string; name: string }[]; groupBys: readonly StatsGroupBy[] }
  totals: PersonTimeFigures
  rows: ({ key: string; label: string } & PersonTimeFigures)[]
  trend: { key: string; totals: PersonTimeCounts; selected: boolean }[]
  quarters: { key: string; totals: PersonTimeFigures }[]
  targets: TargetView[]
}

export type TargetView = {
  id: string
  regionName: string
  programCode: string
  metric: TargetMetric
  periodStartYear: number
  periodEndYear: number
  value: number
  roundTag: string
  label: string
  actual: number
  percent: number
  gap: number
  onTrack: boolean
  expectedByNow: number
  perMonthNeeded: number | null
}

const FIGURES = ['personTimes', 'persons', 'personHours', 'completions'] as const
const METRIC: Record<(typeof FIGURES)[number], string> = {
  personTimes: 'person_times',
  persons: 'persons',
  personHours: 'person_hours',
  completions: 'completions',
}
const fmt = (n: number) => n.toLocaleString('zh-CN')

export function periodLabel(t: T, period: string): string {
  const q = /^(\d{4})Q([1-4])$/.exec(period)
  if (q) return t('dashboard.periodLabel.quarter', { year: q[1]!, q: q[2]! })
  const m = /^(\d{4})-(\d{2})$/.exec(period)
  if (m) return t('dashboard.periodLabel.month', { year: m[1]!, m: Number(m[2]) })
  return t('dashboard.periodLabel.year', { year: period })
}

function link(q: DashboardView['query'], path: string, extra: Record<string, string>) {
  const p = new URLSearchParams({ period: q.period })
  if (q.regionCode) p.set('region', q.regionCode)
  if (q.programCode) p.set('program', q.programCode)
  p.set('groupBy', q.groupBy)
  for (const [k, v] of Object.entries(extra)) p.set(k, v)
  return `${path}?${p}`
}

export function targetPeriod(t: T, x: { periodStartYear: number; periodEndYear: number }) {
  return x.periodStartYear === x.periodEndYear
    ? t('targets.period.one', { start: x.periodStartYear })
    : t('targets.period.span', { start: x.periodStartYear, end: x.periodEndYear })
}

export function TargetCard({ target: x, t, programName, children }: { target: TargetView; t: T; programName: (code: string) => string; children?: ReactNode }) {
  const expectedPercent = x.value > 0 ? Math.min(100, Math.floor((x.expectedByNow / x.value) * 100)) : 100
  return (
    <li className="target" id={`t-${x.id}`}>
      <div className="target-head">
        <strong>{x.label || `${programName(x.programCode)} ${t(`targets.metric.${x.metric}`)}`}</strong>
        <span className="muted">
          {' '}
          {x.regionName} · {programName(x.programCode)} · {t(`targets.metric.${x.metric}`)} · {targetPeriod(t, x)}
          {x.roundTag ? ` · ${t('targets.tag', { tag: x.roundTag })}` : ''}
        </span>
      </div>
      <ProgressBar
        percent={x.percent}
        expectedPercent={expectedPercent}
        label={t('targets.progress', { actual: fmt(x.actual), value: fmt(x.value), percent: x.percent })}
      />
      <p className="target-facts">
        {t('targets.progress', { actual: fmt(x.actual), value: fmt(x.value), percent: x.percent })}
        {' · '}
        {x.gap === 0 ? (
          <span className="req-met">{t('targets.met')}</span>
        ) : (
          <>
            <span>{t('targets.gap', { gap: fmt(x.gap) })}</span>
            {' · '}
            {x.onTrack ? (
              <span className="req-met">{t('targets.onTrack')}</span>
            ) : (
              <span className="req-missing">{t('targets.behind', { expected: fmt(x.expectedByNow) })}</span>
            )}
            {' · '}
            {x.perMonthNeeded === null ? t('targets.ended') : t('targets.pace', { n: fmt(x.perMonthNeeded) })}
          </>
        )}
      </p>
      {children}
    </li>
  )
}

export function Dashboard({ data, t, action, peoplePath, children }: { data: DashboardView; t: T; action: string; peoplePath: string; children?: ReactNode }) {
  const { query: q } = data
  const programName = (code: string) => data.options.programs.find((p) => p.code === code)?.name ?? code
  const drill = (metric: string, key?: string) => link(q, peoplePath, key === undefined ? { metric } : { metric, key })
  const year = q.period.slice(0, 4)
  const label = periodLabel(t, q.period)
  const rows = [...data.rows].sort((a, b) => b.personTimes - a.personTimes || a.key.localeCompare(b.key))
  return (
    <div className="dashboard">
      <form method="get" action={action} className="card dashboard-filters" aria-label={t('dashboard.apply')}>
        <div className="row">
          <div className="field">
            <label htmlFor="period">{t('dashboard.period')}</label>
            <input id="period" name="period" defaultValue={q.period} list="period-options" inputMode="text" />
            <datalist id="period-options">
              {[`${year}`, `${year}Q1`, `${year}Q2`, `${year}Q3`, `${year}Q4`].map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
            <p className="hint">{t('dashboard.periodHint')}</p>
          </div>
          <div className="field">
            <label htmlFor="region">{t('dashboard.region')}</label>
            <select id="region" name="region" defaultValue={q.regionCode}>
              <option value="">{t('dashboard.allRegions')}</option>
              {data.options.regions.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.level === 'township' ? `　${r.name}` : r.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="program">{t('dashboard.program')}</label>
            <select id="program" name="program" defaultValue={q.programCode}>
              <option value="">{t('dashboard.allPrograms')}</option>
              {data.options.programs.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="groupBy">{t('dashboard.groupBy')}</label>
            <select id="groupBy" name="groupBy" defaultValue={q.groupBy}>
              {data.options.groupBys.map((g) => (
                <option key={g} value={g}>
                  {t(`dashboard.groupBy.${g}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field dashboard-apply">
            <button type="submit">{t('dashboard.apply')}</button>
          </div>
        </div>
      </form>

      <h2>{label}</h2>
      <div className="stats">
        {FIGURES.map((f) => (
          <a className="stat stat-link" key={f} href={drill(METRIC[f])} data-figure={f}>
            <b>{fmt(data.totals[f])}</b>
            <span>{t(`figure.${f}`)}</span>
          </a>
        ))}
      </div>
      <p className="hint">{t('dashboard.definitions')}</p>

      <div className="dashboard-charts">
        <section className="card">
          <h3>{t('dashboard.trend', { year })}</h3>
          <ColumnChart
            title={t('dashboard.trend', { year })}
            bars={data.trend.map((b) => ({
              label: String(Number(b.key.slice(5, 7))),
              value: b.totals.personTimes,
              highlight: b.selected,
              title: t('dashboard.chartTitle', { label: periodLabel(t, b.key), value: fmt(b.totals.personTimes) }),
              href: link({ ...q, period: b.key }, peoplePath, { metric: 'person_times' }),
            }))}
          />
        </section>
        <section className="card">
          <h3>{t('dashboard.compare', { period: label, groupBy: t(`dashboard.groupBy.${q.groupBy}`) })}</h3>
          {rows.length === 0 ? (
            <p className="muted">{t('dashboard.noData')}</p>
          ) : (
            <BarList
              title={t('dashboard.compare', { period: label, groupBy: t(`dashboard.groupBy.${q.groupBy}`) })}
              bars={rows.slice(0, 15).map((r) => ({ label: r.label, value: r.personTimes, href: drill('person_times', r.key) }))}
            />
          )}
        </section>
      </div>

      <div className="figures">
        <Table headers={[t(`dashboard.col.${q.groupBy}`), ...FIGURES.map((f) => t(`figure.${f}`))]}>
          {rows.map((r) => (
            <tr key={r.key} data-key={r.key}>
              <td>{r.label}</td>
              {FIGURES.map((f) => (
                <td key={f} className="num">
                  <a href={drill(METRIC[f], r.key)}>{fmt(r[f])}</a>
                </td>
              ))}
            </tr>
          ))}
          <tr className="total-row">
            <th scope="row">{t('dashboard.total')}</th>
            {FIGURES.map((f) => (
              <td key={f} className="num">
                <a href={drill(METRIC[f])}>{fmt(data.totals[f])}</a>
              </td>
            ))}
          </tr>
        </Table>
      </div>

      <h2>{t('dashboard.quarters', { year })}</h2>
      <div className="figures">
        <Table headers={['', ...FIGURES.map((f) => t(`figure.${f}`))]}>
          {data.quarters.map((b) => (
            <tr key={b.key}>
              <td>
                <a href={link({ ...q, period: b.key }, action, {})}>{periodLabel(t, b.key)}</a>
              </td>
              {FIGURES.map((f) => (
                <td key={f} className="num">
                  <a href={link({ ...q, period: b.key }, peoplePath, { metric: METRIC[f] })}>{fmt(b.totals[f])}</a>
                </td>
              ))}
            </tr>
          ))}
        </Table>
      </div>

      <h2>{t('dashboard.targets')}</h2>
      {data.targets.length === 0 ? (
        <p className="muted">{t('dashboard.noTargets')}</p>
      ) : (
        <ul className="list targets">
          {data.targets.map((x) => (
            <TargetCard key={x.id} target={x} t={t} programName={programName} />
          ))}
        </ul>
      )}
      {children}
    </div>
  )
}
