/**
 * The dashboard of bureau users and coordinators (issue 12): the person-time
 * figures of a period (a year, quarter or month) in the caller's scope, a
 * monthly trend over the period's year, a comparison by township, school,
 * program, major, class or round (or county for a prefecture), and the
 * targets of the period with gap and pace. Filters come from a GET form
 * (period, region, program, grouping); anything the filters cannot mean
 * falls back to the default, never an error.
 */
import { STATS_GROUP_BYS, type PersonTimeFigures, type StatsGroupBy } from '#app/domain/person-times.ts'
import { STATS_READERS } from '#app/domain/roles.ts'
import { parsePeriod, periodOf, type DateRange, type Grain } from '#app/domain/stat-periods.ts'
import { beijingDate } from '#app/domain/time.ts'
import type { Db } from '#app/utils/db.server.ts'
import { regionScopeWhere, scopesFor, type CurrentUser, type Scope } from './access.server.ts'
import { ForbiddenError } from './errors.server.ts'
import {
  DRILL_METRICS,
  peopleBehind,
  personTimeCountSeries,
  personTimeSeries,
  personTimeStats,
  type DrillMetric,
  type StatsFilter,
} from './person-times.server.ts'
import { listTargets } from './targets.server.ts'

export type DashboardQuery = { period: string; grain: Grain; range: DateRange; regionCode: string; programCode: string; groupBy: StatsGroupBy }

type RegionOption = { code: string; name: string; level: string; path: string }

/** The regions a caller may filter by (their scope's counties and townships), and the programs. */
async function filterOptions(db: Db, scopes: Scope[]) {
  const [regions, programs] = await Promise.all([
    db.region.findMany({
      where: { AND: [regionScopeWhere(scopes), { level: { in: ['prefecture', 'county', 'township'] } }] },
      orderBy: { path: 'asc' },
      select: { code: true, name: true, level: true, path: true },
    }),
    db.program.findMany({ orderBy: { code: 'asc' }, select: { code: true, name: true } }),
  ])
  return { regions: regions as RegionOption[], programs }
}

/** The grouping that fits a scope: a prefecture compares counties, a county its townships, a township its schools. */
function defaultGroupBy(regions: RegionOption[], scopes: Scope[], regionCode: string): StatsGroupBy {
  if (regionCode) {
    const r = regions.find((x) => x.code === regionCode)
    return r?.level === 'township' ? 'school' : r?.level === 'prefecture' ? 'county' : 'township'
  }
  if (scopes.some((s) => s.kind === 'all')) return 'county'
  const depths = scopes.flatMap((s) => (s.kind === 'region' ? [s.path.split('/').filter(Boolean).length] : s.kind === 'organization' ? [5] : []))
  const top = Math.min(...depths, 5)
  return top <= 2 ? 'county' : top === 3 ? 'township' : top === 4 ? 'school' : 'group'
}

/** The query of a dashboard URL (period=2026|2026Q3|2026-07, region=code, program=code, groupBy), with defaults. */
export function readDashboardQuery(
  params: URLSearchParams,
  options: { regions: RegionOption[]; programs: { code: string }[] },
  scopes: Scope[],
  today = beijingDate(new Date()),
): DashboardQuery {
  const period = parsePeriod(params.get('period') ?? '') ?? parsePeriod(today.slice(0, 4))!
  const regionParam = params.get('region') ?? ''
  const regionCode = options.regions.some((r) => r.code === regionParam) ? regionParam : ''
  const programParam = params.get('program') ?? ''
  const programCode = options.programs.some((p) => p.code === programParam) ? programParam : ''
  const groupParam = params.get('groupBy') ?? ''
  const groupBy = (STATS_GROUP_BYS as readonly string[]).includes(groupParam)
    ? (groupParam as StatsGroupBy)
    : defaultGroupBy(options.regions, scopes, regionCode)
  return { period: period.key, grain: period.grain, range: { from: period.from, to: period.to }, regionCode, programCode, groupBy }
}

export function queryString(q: Pick<DashboardQuery, 'period' | 'regionCode' | 'programCode' | 'groupBy'>, extra: Record<string, string> = {}) {
  const p = new URLSearchParams({ period: q.period })
  if (q.regionCode) p.set('region', q.regionCode)
  if (q.programCode) p.set('program', q.programCode)
  p.set('groupBy', q.groupBy)
  for (const [k, v] of Object.entries(extra)) p.set(k, v)
  return p.toString()
}

function statsFilter(q: DashboardQuery, scopes: Scope[], regions: RegionOption[], unknownLabel: string): StatsFilter {
  return {
    scopes,
    groupBy: q.groupBy,
    programCode: q.programCode || null,
    regionPath: regions.find((r) => r.code === q.regionCode)?.path ?? null,
    unknownLabel,
  }
}

export type DashboardData = Awaited<ReturnType<typeof loadDashboard>>

/** Everything the dashboard shows, for a caller with a STATS_READERS role. */
export async function loadDashboard(db: Db, user: CurrentUser, params: URLSearchParams, opts: { unknownLabel: string; today?: string }) {
  const scopes = scopesFor(user, STATS_READERS)
  if (scopes.length === 0) throw new ForbiddenError()
  const today = opts.today ?? beijingDate(new Date())
  const options = await filterOptions(db, scopes)
  const query = readDashboardQuery(params, options, scopes, today)
  const filter = statsFilter(query, scopes, options.regions, opts.unknownLabel)
  const year = Number(query.range.from.slice(0, 4))
  const yearRange = { from: `${year}-01-01`, to: `${year}-12-31` }
  const [stats, trend, quarters, targets] = await Promise.all([
    personTimeStats(db, query.range, filter),
    // the monthly columns show 人次 only: no distinct persons to count (one pass over the months' rows)
    personTimeCountSeries(db, yearRange, 'month', filter),
    personTimeSeries(db, yearRange, 'quarter', { ...filter, groupBy: 'none' }),
    listTargets(db, user, { fromYear: year, toYear: year, asOf: today }),
  ])
  const selected = (key: string) =>
    query.grain === 'year' ? true : query.grain === 'quarter' ? periodOf(`${key}-01`, 'quarter') === query.period : key === query.period
  return {
    query,
    options: { regions: options.regions.map(({ path: _p, ...r }) => r), programs: options.programs, groupBys: STATS_GROUP_BYS },
    totals: stats.totals,
    rows: stats.rows,
    trend: trend.buckets.map(({ key, personTimes, personHours, completions }) => ({
      key,
      totals: { personTimes, personHours, completions },
      selected: selected(key),
    })),
    quarters: quarters.buckets.map((b) => ({ key: b.key, totals: b.totals })),
    targets,
    today,
  }
}

/** The drill-down: the people behind one number of the dashboard (a row key or the totals), same filters, same scope. */
export async function loadPeopleBehind(db: Db, user: CurrentUser, params: URLSearchParams, opts: { unknownLabel: string; today?: string }) {
  const scopes = scopesFor(user, STATS_READERS)
  if (scopes.length === 0) throw new ForbiddenError()
  const options = await filterOptions(db, scopes)
  const query = readDashboardQuery(params, options, scopes, opts.today)
  const filter = statsFilter(query, scopes, options.regions, opts.unknownLabel)
  const metricParam = params.get('metric') ?? ''
  const metric: DrillMetric = (DRILL_METRICS as readonly string[]).includes(metricParam) ? (metricParam as DrillMetric) : 'person_times'
  const key = params.has('key') ? (params.get('key') ?? '') : null
  const page = Number(params.get('page') ?? '1')
  const result = await peopleBehind(db, query.range, filter, { key, metric, page: Number.isFinite(page) ? page : 1 })
  const rowLabel = key === null ? null : ((await personTimeStats(db, query.range, filter)).rows.find((r) => r.key === key)?.label ?? key)
  return { query, metric, key, rowLabel, regionName: options.regions.find((r) => r.code === query.regionCode)?.name ?? null, ...result }
}

export type FigureKey = keyof PersonTimeFigures
export const METRIC_OF_FIGURE: Record<FigureKey, DrillMetric> = {
  personTimes: 'person_times',
  persons: 'persons',
  personHours: 'person_hours',
  completions: 'completions',
}
