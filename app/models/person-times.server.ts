/**
 * The bureau's figures in SQL: 人次, persons, 人学时 and completions
 * (app/domain/person-times.ts defines them; api-v1.md "Person-times"), for a
 * range or a trend of periods, grouped by county, township, school, program,
 * major, group or none, within the caller's scope; and the people behind any
 * of those numbers. The dashboard, the API, the reports and the exports all
 * call this one module, and tests/integration/person-times checks it against
 * countPersonTimes over the raw rows on random ledgers.
 *
 * How it is computed. A whole year, quarter or month by home region, school,
 * program or none, in everything's or one region's scope (the dashboard's
 * questions), is read from RollupCell: figures per period and cell (home
 * region, school, program), kept exact by triggers (migration
 * 20261202100000_rollup_cells, docs/decisions/015), plus the few people of
 * the region's classes and rounds who live elsewhere, and the certificates
 * (aggregateCells). Everything else reads net minutes per (period,
 * enrollment), > 0: whole years, quarters and months from HourRollup (kept
 * exact by a trigger on HourEntry, its rows carrying their enrollment's facts:
 * docs/decisions/014), the days at a range's edges from the ledger itself
 * (app/domain/stat-periods.ts splitRange) joined once to EnrollmentFact — then
 * per row and for the totals in the same statement (aggregate: two hash
 * aggregations), 人次 counted, persons distinct (never a sum of rows but where
 * each person has one key), and 人学时 as an exact integer sum of scaled
 * minutes rounded once.
 *
 * Scope (DESIGN.md §11): groupings by the person (county, township, school,
 * program, none) follow the reading rule — the class or round in scope, or
 * the person's home region or school; groupings by the class or round (group,
 * major) follow the acting rule — the class or round in scope.
 */
import { Prisma } from '#app/generated/prisma/client.ts'
import {
  COMPLETION_TYPES,
  hoursScale,
  PERSON_KEYED_GROUP_BYS,
  scaledToHours,
  STATS_GROUP_BYS,
  type PersonTimeCounts,
  type PersonTimeFigures,
  type PersonTimeRow,
  type StatsGroupBy,
} from '#app/domain/person-times.ts'
import { bucketsOf, nextDay, splitRange, type DateRange, type Grain } from '#app/domain/stat-periods.ts'
import { startOfBeijingDay } from '#app/domain/time.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { getPool, pgTransaction } from '#app/utils/pg.server.ts'
import type { AccessMode, Scope } from './access.server.ts'

export { STATS_GROUP_BYS, type StatsGroupBy }

/** Groupings by the class or round: the acting rule of scope, and a region filter on the group's region. */
const GROUP_BASED: readonly StatsGroupBy[] = ['group', 'major']
export const statsAccessMode = (groupBy: StatsGroupBy): AccessMode => (GROUP_BASED.includes(groupBy) ? 'act' : 'read')

export type StatsFilter = {
  scopes: Scope[]
  groupBy: StatsGroupBy
  programCode?: string | null
  /** Only this region's subtree ("/52/5223/522327/522327001/"): the person's home region, or the group's for group-based groupings. */
  regionPath?: string | null
  /** Only rounds carrying this tag (a target's roundTag). */
  roundTag?: string | null
  /** Label of the row for people without a school or classes without a major. */
  unknownLabel?: string
}

const sql = Prisma.sql
const join = Prisma.join

/** The key of an enrollment's row, per grouping, over its facts `f` (labels are looked up afterwards). */
function keySql(groupBy: StatsGroupBy): Prisma.Sql {
  switch (groupBy) {
    case 'county':
      return sql`COALESCE(NULLIF(split_part(f."personRegionPath", '/', 4), ''), f."personRegionCode")`
    case 'township':
      return sql`COALESCE(NULLIF(split_part(f."personRegionPath", '/', 5), ''), f."personRegionCode")`
    case 'school':
      return sql`COALESCE(f."personOrganizationCode", '')`
    case 'program':
      return sql`f."programCode"`
    case 'major':
      return sql`COALESCE(f."majorCode", '')`
    case 'group':
      return sql`f."groupCode"`
    case 'none':
      return sql`'all'`
  }
}

/**
 * The caller's scope as SQL over an enrollment's facts `f` (EnrollmentFact:
 * the person's home region and school, the group's region and school).
 */
export function scopeSql(scopes: Scope[], mode: AccessMode): Prisma.Sql {
  if (scopes.some((s) => s.kind === 'all')) return sql`TRUE`
  const parts = scopes.flatMap((s): Prisma.Sql[] => {
    if (s.kind === 'region') {
      return mode === 'act'
        ? [sql`starts_with(f."groupRegionPath", ${s.path})`]
        : [sql`(starts_with(f."groupRegionPath", ${s.path}) OR starts_with(f."personRegionPath", ${s.path}))`]
    }
    if (s.kind === 'organization') {
      const id = s.organizationId
      if (mode === 'act') return [sql`f."groupOrganizationId" = ${id}`]
      // personScopeWhere: the person's school, or any enrollment of theirs in a group of the organization.
      return [
        sql`(f."groupOrganizationId" = ${id} OR f."personOrganizationId" = ${id} OR EXISTS (
              SELECT 1 FROM "EnrollmentFact" f2 WHERE f2."personId" = f."personId" AND f2."groupOrganizationId" = ${id}))`,
      ]
    }
    return []
  })
  return parts.length === 0 ? sql`FALSE` : sql`(${join(parts, ' OR ')})`
}

function filterSql(f: StatsFilter): Prisma.Sql {
  const mode = statsAccessMode(f.groupBy)
  const conditions = [scopeSql(f.scopes, mode)]
  if (f.programCode) conditions.push(sql`f."programCode" = ${f.programCode}`)
  if (f.regionPath)
    conditions.push(mode === 'act' ? sql`starts_with(f."groupRegionPath", ${f.regionPath})` : sql`starts_with(f."personRegionPath", ${f.regionPath})`)
  if (f.roundTag) conditions.push(sql`${f.roundTag} = ANY(f."groupTags")`)
  return join(conditions, ' AND ')
}

/**
 * Runs one read of these figures: on the plain pg pool when called with the
 * client (Prisma's per-statement cost — its query compiler, and four round
 * trips for a two-statement $transaction — was a fifth of the dashboard's
 * time: bench/README.md), else inside the caller's Prisma transaction.
 * `settings` are planner settings local to the statement's transaction.
 */
async function read<T>(db: Db | Tx, query: Prisma.Sql, settings?: Prisma.Sql): Promise<T[]> {
  if ('$transaction' in db && typeof db.$transaction === 'function') {
    if (!settings) return (await getPool().query(query.text, query.values)).rows as T[]
    return pgTransaction(async (client) => {
      await client.query(settings.text, settings.values)
      return (await client.query(query.text, query.values)).rows as T[]
    })
  }
  const tx = db as Tx
  if (!settings) return tx.$queryRaw<T[]>(query)
  return withTxSettings<T[]>(tx, settings, query)
}

/** Every program's minutes per 学时, once per call: the scale of the exact 人学时 sum. */
async function programScale(db: Db | Tx): Promise<number> {
  const rows = await read<{ m: number }>(db, sql`SELECT DISTINCT "minutesPerHour" AS m FROM "Program" WHERE "minutesPerHour" > 0`)
  return hoursScale(new Set(rows.map((r) => r.m)))
}

/** A certificate `c` that counts as a completion of the range: of a completion type, not revoked, issued within it (Beijing dates). */
const completionIn = (range: DateRange) =>
  sql`c."issuedAt" >= ${startOfBeijingDay(range.from).toISOString()}::timestamptz AND c."issuedAt" < ${startOfBeijingDay(nextDay(range.to)).toISOString()}::timestamptz
      AND c."type"::text IN (${join([...COMPLETION_TYPES])}) AND c."status" <> 'revoked'`

/**
 * The facts of the periods (`buckets`, each a date range): one row per
 * (bucket, enrollment) with net minutes > 0 in it, and one per completion
 * certificate issued in it, each with its person, key and minutes per 学时,
 * already filtered by scope, program, region and tag.
 *
 * A single year, quarter or month (the dashboard's usual question, and every
 * period of a trend) is one range scan of HourRollup, whose rows carry their
 * enrollment's facts (migration 20261201690000_rollup_facts): no join at all.
 * Ranges with parts (months plus edge days) add up their parts per enrollment
 * first and join each sum once, by primary key, to EnrollmentFact, as do the
 * certificates (bench/README.md "npm run bench:dashboard" says why).
 */
function factsSql(buckets: DateRange[], f: StatsFilter): Prisma.Sql {
  // One branch per period and part, with its values as literals of the query, so the planner
  // reads each from the rollup's primary key (grain, periodStart) or the ledger's date index
  // with real estimates (a join to unnest() guesses 100 rows and scans the whole rollup).
  const direct: Prisma.Sql[] = []
  const nets: Prisma.Sql[] = []
  const done: Prisma.Sql[] = []
  const columns = sql`f."personId" COLLATE "C" AS pid, (${keySql(f.groupBy)}) COLLATE "C" AS key, f."minutesPerHour" AS mph`
  buckets.forEach((range, b) => {
    const split = splitRange(range)
    const parts: Prisma.Sql[] = []
    for (const [grain, starts] of [
      ['year', split.years],
      ['quarter', split.quarters],
      ['month', split.months],
    ] as const) {
      if (starts.length)
        parts.push(sql`SELECT r."enrollmentId" AS eid, r."minutes" AS m FROM "HourRollup" r
        WHERE r."grain" = ${grain}::"RollupGrain" AND r."periodStart" = ANY(${starts}::date[])`)
    }
    for (const d of split.days) {
      parts.push(sql`SELECT h."enrollmentId" AS eid, h."minutes" AS m FROM "HourEntry" h
        WHERE h."occurredOn" >= ${d.from}::date AND h."occurredOn" <= ${d.to}::date`)
    }
    const onePeriod = split.days.length === 0 && split.years.length + split.quarters.length + split.months.length === 1
    if (onePeriod) {
      // One rollup row per enrollment already, with its facts: nothing to add up, nothing to join.
      const grain = split.years.length ? 'year' : split.quarters.length ? 'quarter' : 'month'
      const start = split.years[0] ?? split.quarters[0] ?? split.months[0]!
      direct.push(sql`SELECT ${b}::int AS b, f."enrollmentId" AS eid, f."minutes"::bigint AS minutes, NULL::text AS cid, ${columns}
        FROM "HourRollup" f
        WHERE f."grain" = ${grain}::"RollupGrain" AND f."periodStart" = ${start}::date AND f."minutes" > 0 AND ${filterSql(f)}`)
    } else if (parts.length) {
      nets.push(
        sql`SELECT ${b}::int AS b, n.eid, SUM(n.m)::bigint AS minutes, NULL::text AS cid FROM (${join(parts, ' UNION ALL ')}) n GROUP BY n.eid HAVING SUM(n.m) > 0`,
      )
    }
    done.push(sql`SELECT ${b}::int AS b, c."enrollmentId" AS eid, 0::bigint AS minutes, c."id" AS cid FROM "Certificate" c WHERE ${completionIn(range)}`)
  })
  const joined = sql`SELECT x.b, x.eid, x.minutes, x.cid, ${columns}
      FROM (${join([...nets, ...done], ' UNION ALL ')}) x
      JOIN "EnrollmentFact" f ON f."enrollmentId" = x.eid
     WHERE ${filterSql(f)}`
  return join([...direct, joined], ' UNION ALL ')
}

/**
 * One statement of these figures with planner settings of its own
 * (bench/README.md "npm run bench:dashboard" shows the plans):
 * - no JIT compiler: over a trend's few hundred thousand rollup rows the cost
 *   estimate passes jit_above_cost, and compiling took longer (240 ms) than
 *   running the query;
 * - no nested loops: the planner cannot estimate how many enrollments keep
 *   net minutes > 0 after adding up a range's parts (it guesses 200 of
 *   28,500), and then looks up each one's facts by index instead of one hash
 *   join; every join here is "all counted rows × one table by key", where a
 *   hash join is right;
 * - no parallel workers and no sorts where a hash will do: guessing a fifth
 *   of the rows the scope keeps, the planner chose two workers, a Gather Merge
 *   and sorted group aggregates (222 ms) over what one process hashes in 85 ms
 *   (the statement has no ORDER BY; a sort it truly needs still runs).
 * Within the caller's transaction the settings are put back afterwards.
 */
const SETTINGS = { jit: 'off', enable_nestloop: 'off', max_parallel_workers_per_gather: '0', enable_sort: 'off' } as const
type Setting = keyof typeof SETTINGS
const SETTING_NAMES = Object.keys(SETTINGS) as Setting[]
const setSettings = (values: Record<Setting, string>) => sql`SELECT ${join(SETTING_NAMES.map((n) => sql`set_config(${n}, ${values[n]}, true)`))}`

/** Inside a caller's transaction: the settings for one statement, then put back. */
async function withTxSettings<T>(tx: Tx, settings: Prisma.Sql, query: Prisma.Sql): Promise<T> {
  const [was] = await tx.$queryRaw<Record<Setting, string>[]>`SELECT ${join(SETTING_NAMES.map((n) => sql`current_setting(${n}) AS ${Prisma.raw(`"${n}"`)}`))}`
  await tx.$queryRaw(settings)
  try {
    return await tx.$queryRaw<T>(query)
  } finally {
    if (was) await tx.$queryRaw(setSettings(was))
  }
}

type AggregateRow = { b: number; key: string | null; total: number; person_times: number; persons: number; scaled: bigint; completions: number }

/** The one period (grain and start) a range is, when it is a whole year, quarter or month. */
function singlePeriod(range: DateRange): { grain: Grain; start: string } | null {
  const split = splitRange(range)
  if (split.days.length || split.years.length + split.quarters.length + split.months.length !== 1) return null
  if (split.years.length) return { grain: 'year', start: split.years[0]! }
  if (split.quarters.length) return { grain: 'quarter', start: split.quarters[0]! }
  return { grain: 'month', start: split.months[0]! }
}

/**
 * Whether RollupCell can answer these figures (migration
 * 20261202100000_rollup_cells): every bucket one whole period, a grouping by
 * the person's home region or school, the program, or none; a scope of all
 * or of one region (the cells know the person's home; the people enrolled in
 * the region from elsewhere are read from the rollup); no round tag (the
 * cells know no rounds). Anything else is read from the rollup rows.
 */
function cellPlan(buckets: DateRange[], f: StatsFilter) {
  if (f.roundTag || !(PERSON_KEYED_GROUP_BYS.includes(f.groupBy) || f.groupBy === 'program')) return null
  const scopes = f.scopes.filter((s) => s.kind !== 'none')
  const region = scopes.some((s) => s.kind === 'all') ? null : scopes.length === 1 && scopes[0]!.kind === 'region' ? scopes[0]!.path : undefined
  if (region === undefined) return null
  const periods = buckets.map(singlePeriod)
  if (periods.some((p) => p === null)) return null
  return { region, periods: periods as { grain: Grain; start: string }[] }
}

/** Depth of a region path ("/52/5223/522327/" → 3): its segments. */
const pathDepth = (regionPath: string) => regionPath.split('/').filter(Boolean).length

/**
 * The figures from the cells, in one statement: per bucket and key, the
 * cells' 人次, scaled minutes and persons of the people whose home is in
 * scope (persons add up over cells: each person has one home region and
 * school; over programs the '*' cells hold them); the people of the scope's
 * classes and rounds who live elsewhere (read from the rollup by
 * HourRollup_outsiders_idx: a set disjoint from the first, so their persons
 * add); the completions from the certificates, as factsSql reads them.
 */
async function aggregateCells(db: Db | Tx, buckets: DateRange[], f: StatsFilter, plan: NonNullable<ReturnType<typeof cellPlan>>) {
  const scale = await programScale(db)
  const byProgram = Boolean(f.programCode) || f.groupBy === 'program'
  const rowPersons = byProgram ? sql`NOT star` : sql`star`
  const totalPersons = f.programCode ? sql`NOT star` : sql`star`
  const cellWhere: Prisma.Sql[] = []
  if (plan.region) cellWhere.push(sql`starts_with(f."personRegionPath", ${plan.region})`)
  if (f.regionPath) cellWhere.push(sql`starts_with(f."personRegionPath", ${f.regionPath})`)
  cellWhere.push(f.programCode ? sql`f."programCode" = ${f.programCode}` : sql`TRUE`)
  const cells: Prisma.Sql[] = []
  const outsiders: Prisma.Sql[] = []
  plan.periods.forEach((p, b) => {
    cells.push(sql`SELECT ${b}::int AS b, (${keySql(f.groupBy)}) COLLATE "C" AS key, f."programCode" = '*' AS star,
        f."enrollments", f."minutes", f."persons", f."minutesPerHour" AS mph
      FROM "RollupCell" f
     WHERE f."grain" = ${p.grain}::"RollupGrain" AND f."periodStart" = ${p.start}::date AND ${join(cellWhere, ' AND ')}`)
    if (plan.region) {
      const depths = Array.from({ length: pathDepth(plan.region) }, (_, i) => i)
      // "/52/5223/" → everything from "/52/5223/" up to (not including) "/52/52230": the paths under it, in byte order.
      const upper = `${plan.region.slice(0, -1)}0`
      outsiders.push(sql`SELECT ${b}::int AS b, (${keySql(f.groupBy)}) COLLATE "C" AS key, f."personId" AS pid, f."minutes", f."minutesPerHour" AS mph
        FROM "HourRollup" f
       WHERE f."grain" = ${p.grain}::"RollupGrain" AND f."periodStart" = ${p.start}::date
         AND "xx_path_common_depth"(f."personRegionPath", f."groupRegionPath") = ANY(${depths}::int[])
         AND (f."groupRegionPath" COLLATE "C") >= ${plan.region} AND (f."groupRegionPath" COLLATE "C") < ${upper}
         AND NOT starts_with(f."personRegionPath", ${plan.region}) AND f."minutes" > 0 AND ${filterSql(f)}`)
    }
  })
  const done = buckets.map(
    (range, b) => sql`SELECT ${b}::int AS b, (${keySql(f.groupBy)}) COLLATE "C" AS key
      FROM "Certificate" c JOIN "EnrollmentFact" f ON f."enrollmentId" = c."enrollmentId"
     WHERE ${completionIn(range)} AND ${filterSql(f)}`,
  )
  const scaled = (minutes: Prisma.Sql) => sql`${minutes} * (${scale}::int / NULLIF(mph, 0))`
  type Part = { b: number; key: string | null; person_times: number; persons: number; scaled: string | bigint; completions: number }
  const parts = await read<Part>(
    db,
    sql`
    WITH c AS (${join(cells, ' UNION ALL ')}),
    o AS (${outsiders.length ? join(outsiders, ' UNION ALL ') : sql`SELECT 0 AS b, ''::text AS key, ''::text AS pid, 0 AS minutes, 1 AS mph WHERE FALSE`}),
    d AS (${join(done, ' UNION ALL ')})
    SELECT b, key, COALESCE(SUM(enrollments) FILTER (WHERE NOT star), 0)::int AS person_times,
           COALESCE(SUM(persons) FILTER (WHERE ${rowPersons}), 0)::int AS persons,
           COALESCE(SUM(${scaled(sql`minutes`)}) FILTER (WHERE NOT star), 0)::bigint AS scaled, 0 AS completions
      FROM c GROUP BY b, key
    UNION ALL
    SELECT b, NULL, 0, COALESCE(SUM(persons) FILTER (WHERE ${totalPersons}), 0)::int, 0, 0 FROM c GROUP BY b
    UNION ALL
    SELECT b, key, count(*)::int, count(DISTINCT pid)::int, SUM(${scaled(sql`minutes`)})::bigint, 0 FROM o GROUP BY b, key
    UNION ALL
    SELECT b, NULL, 0, count(DISTINCT pid)::int, 0, 0 FROM o GROUP BY b
    UNION ALL
    SELECT b, key, 0, 0, 0, count(*)::int FROM d GROUP BY b, key`,
    sql`SELECT set_config('jit', 'off', true)`,
  )
  // Per (bucket, key) and per bucket: the parts added (their persons are disjoint sets). A key shows when it has a
  // 人次 or a completion; a bucket's total when any key shows (its persons come from the parts' own totals).
  const empty = (b: number, key: string | null): AggregateRow => ({
    b,
    key,
    total: key === null ? 1 : 0,
    person_times: 0,
    persons: 0,
    scaled: 0n,
    completions: 0,
  })
  const rows = new Map<string, AggregateRow>()
  const personsOfBucket = new Map<number, number>()
  for (const part of parts) {
    if (part.key === null) {
      personsOfBucket.set(part.b, (personsOfBucket.get(part.b) ?? 0) + part.persons)
      continue
    }
    const id = `${part.b}\u0000${part.key}`
    const row = rows.get(id) ?? empty(part.b, part.key)
    rows.set(id, row)
    row.person_times += part.person_times
    row.persons += part.persons
    row.scaled += BigInt(part.scaled)
    row.completions += part.completions
  }
  const shown = [...rows.values()].filter((r) => r.person_times > 0 || r.completions > 0)
  const totals = new Map<number, AggregateRow>()
  for (const r of shown) {
    const t = totals.get(r.b) ?? { ...empty(r.b, null), persons: personsOfBucket.get(r.b) ?? 0 }
    totals.set(r.b, t)
    t.person_times += r.person_times
    t.scaled += r.scaled
    t.completions += r.completions
  }
  return { rows: [...shown, ...totals.values()], scale }
}

/**
 * The figures per (bucket, key) and per bucket, by hash aggregation in two
 * steps (no sort for count(DISTINCT)): first one row per (bucket, key,
 * person) — that person's 人次, scaled minutes and completions there — then
 * per key, where the rows with 人次 are the distinct persons. A bucket's total
 * of persons is the sum of its keys' when the key is the person's own
 * (PERSON_KEYED_GROUP_BYS), else the distinct persons over its keys.
 */
async function aggregate(db: Db | Tx, buckets: DateRange[], f: StatsFilter) {
  const plan = cellPlan(buckets, f)
  if (plan) return aggregateCells(db, buckets, f, plan)
  const scale = await programScale(db)
  const bucketPersons = PERSON_KEYED_GROUP_BYS.includes(f.groupBy)
    ? sql`SELECT b, SUM(persons)::int AS persons FROM per_key GROUP BY b`
    : sql`SELECT b, count(*)::int AS persons FROM (SELECT b, pid FROM kp WHERE n > 0 GROUP BY b, pid) d GROUP BY b`
  const rows = await read<AggregateRow>(
    db,
    sql`
    WITH x AS (${factsSql(buckets, f)}),
    kp AS (
      SELECT b, key, pid, count(*) FILTER (WHERE minutes > 0) AS n,
             COALESCE(SUM(minutes * (${scale}::int / mph)) FILTER (WHERE minutes > 0), 0) AS s, count(cid) AS c
        FROM x GROUP BY b, key, pid),
    per_key AS (
      SELECT b, key, SUM(n)::int AS person_times, (count(*) FILTER (WHERE n > 0))::int AS persons, SUM(s)::bigint AS scaled, SUM(c)::int AS completions
        FROM kp GROUP BY b, key),
    bucket_persons AS (${bucketPersons})
    SELECT b, key, 0 AS total, person_times, persons, scaled, completions FROM per_key
    UNION ALL
    SELECT k.b, NULL, 1, SUM(k.person_times)::int, COALESCE(bp.persons, 0), SUM(k.scaled)::bigint, SUM(k.completions)::int
      FROM per_key k LEFT JOIN bucket_persons bp ON bp.b = k.b
     GROUP BY k.b, bp.persons`,
    setSettings(SETTINGS),
  )
  return { rows, scale }
}

const emptyFigures = (): PersonTimeFigures => ({ personTimes: 0, persons: 0, personHours: 0, completions: 0 })

/** Labels of the keys of a grouping (region, school, program, major or group names). */
async function labelsFor(db: Db | Tx, groupBy: StatsGroupBy, keys: string[], unknownLabel: string): Promise<Map<string, string>> {
  const named = keys.filter((k) => k !== '')
  const table = { county: 'Region', township: 'Region', school: 'Organization', program: 'Program', major: 'Major', group: 'Group', none: null }[groupBy]
  const pairs =
    table && named.length
      ? await read<{ code: string; name: string }>(db, sql`SELECT "code", "name" FROM ${Prisma.raw(`"${table}"`)} WHERE "code" = ANY(${named}::text[])`)
      : []
  const labels = new Map(pairs.map((p) => [p.code, p.name]))
  if (groupBy === 'none') labels.set('all', unknownLabel)
  labels.set('', unknownLabel)
  return labels
}

export type PersonTimeStats = { rows: PersonTimeRow[]; totals: PersonTimeFigures }

function shape(rows: AggregateRow[], scale: number, labels: Map<string, string>, bucket: number): PersonTimeStats {
  const figures = (r: AggregateRow): PersonTimeFigures => ({
    personTimes: r.person_times,
    persons: r.persons,
    personHours: scaledToHours(Number(r.scaled), scale),
    completions: r.completions,
  })
  const mine = rows.filter((r) => r.b === bucket)
  const total = mine.find((r) => r.total === 1)
  return {
    rows: mine
      .filter((r) => r.total === 0)
      .map((r) => ({ key: r.key ?? '', label: labels.get(r.key ?? '') ?? r.key ?? '', ...figures(r) }))
      .sort((x, y) => x.key.localeCompare(y.key)),
    totals: total ? figures(total) : emptyFigures(),
  }
}

/** The figures of one date range [from, to] (Beijing dates), per row of the grouping and in total. */
export async function personTimeStats(db: Db | Tx, range: DateRange, f: StatsFilter): Promise<PersonTimeStats> {
  if (range.from > range.to) return { rows: [], totals: emptyFigures() }
  const { rows, scale } = await aggregate(db, [range], f)
  const labels = await labelsFor(db, f.groupBy, [...new Set(rows.map((r) => r.key ?? ''))], f.unknownLabel ?? '—')
  return shape(rows, scale, labels, 0)
}

export type PersonTimeSeries = { grain: Grain; buckets: ({ key: string } & DateRange & PersonTimeStats)[] }

/**
 * A trend: the figures of each period of `grain` within the range (each
 * period counted on its own: a person with hours in two months is a 人次 in
 * each), with its rows, in one statement.
 */
export async function personTimeSeries(db: Db | Tx, range: DateRange, grain: Grain, f: StatsFilter): Promise<PersonTimeSeries> {
  const buckets = bucketsOf(range, grain)
  if (buckets.length === 0) return { grain, buckets: [] }
  const { rows, scale } = await aggregate(db, buckets, f)
  const labels = await labelsFor(db, f.groupBy, [...new Set(rows.map((r) => r.key ?? ''))], f.unknownLabel ?? '—')
  return { grain, buckets: buckets.map((b, i) => ({ ...b, ...shape(rows, scale, labels, i) })) }
}

export type PersonTimeCountSeries = { grain: Grain; buckets: ({ key: string } & DateRange & PersonTimeCounts)[] }

/**
 * A trend of the figures that add up over rows — 人次, 人学时, completions —
 * without distinct persons, for charts that show only those (the dashboard's
 * monthly columns): one count and sum per period over the same rows as
 * personTimeSeries, with no grouping by person, so it costs one pass over the
 * periods' rollup rows. Each bucket equals personTimeSeries' totals but for
 * `persons` (tests/integration/person-times checks it).
 */
export async function personTimeCountSeries(db: Db | Tx, range: DateRange, grain: Grain, f: Omit<StatsFilter, 'groupBy'>): Promise<PersonTimeCountSeries> {
  const buckets = bucketsOf(range, grain)
  if (buckets.length === 0) return { grain, buckets: [] }
  const plan = cellPlan(buckets, { ...f, groupBy: 'none' })
  if (plan) {
    // The cells give the whole figures of each period at once; the persons are not needed here.
    const cells = await aggregateCells(db, buckets, { ...f, groupBy: 'none' }, plan)
    return {
      grain,
      buckets: buckets.map((b, i) => {
        const t = shape(cells.rows, cells.scale, new Map(), i).totals
        return { ...b, personTimes: t.personTimes, personHours: t.personHours, completions: t.completions }
      }),
    }
  }
  const scale = await programScale(db)
  const rows = await read<{ b: number; person_times: number; scaled: string | bigint; completions: number }>(
    db,
    sql`
    WITH x AS (${factsSql(buckets, { ...f, groupBy: 'none' })})
    SELECT b, (count(*) FILTER (WHERE minutes > 0))::int AS person_times,
           COALESCE(SUM(minutes * (${scale}::int / mph)) FILTER (WHERE minutes > 0), 0)::bigint AS scaled, count(cid)::int AS completions
      FROM x GROUP BY b`,
    setSettings(SETTINGS),
  )
  const byBucket = new Map(rows.map((r) => [r.b, r]))
  return {
    grain,
    buckets: buckets.map((b, i) => {
      const r = byBucket.get(i)
      return { ...b, personTimes: r?.person_times ?? 0, personHours: r ? scaledToHours(Number(r.scaled), scale) : 0, completions: r?.completions ?? 0 }
    }),
  }
}

// ─── The people behind a number ─────────────────────────────────────────────

export const DRILL_METRICS = ['person_times', 'persons', 'person_hours', 'completions'] as const
export type DrillMetric = (typeof DRILL_METRICS)[number]

export type PersonBehind = {
  enrollmentId: string
  personId: string
  name: string
  idMasked: string
  regionName: string
  groupCode: string
  groupName: string
  programCode: string
  minutes: number
  hours: number
  /** With the completions metric: the certificate counted. */
  certificate: { serial: string; type: string; issuedAt: Date } | null
}

export const DRILL_PAGE_SIZE = 100

/**
 * The enrollments (人次, 人学时) or certificates (completions) behind one
 * number of personTimeStats: a row (`key`) or the totals (`key` null), in the
 * same scope, paged by name. `persons` lists the same enrollments as
 * `person_times`; `distinctPersons` says how many people they are.
 */
export async function peopleBehind(
  db: Db | Tx,
  range: DateRange,
  f: StatsFilter,
  opts: { key: string | null; metric: DrillMetric; page?: number },
): Promise<{ people: PersonBehind[]; total: number; distinctPersons: number; page: number; pageSize: number }> {
  const page = Math.max(1, Math.floor(opts.page ?? 1))
  if (range.from > range.to) return { people: [], total: 0, distinctPersons: 0, page, pageSize: DRILL_PAGE_SIZE }
  const which = opts.metric === 'completions' ? sql`x.cid IS NOT NULL` : sql`x.minutes > 0`
  const keyCond = opts.key === null ? sql`TRUE` : sql`x.key = ${opts.key}`
  type Row = {
    eid: string
    pid: string
    name: string
    idMasked: string
    regionName: string
    groupCode: string
    groupName: string
    programCode: string
    minutes: bigint
    mph: number
    serial: string | null
    ctype: string | null
    issuedAt: Date | null
  }
  const chosen = sql`WITH x AS (${factsSql([range], f)}) SELECT * FROM x WHERE ${which} AND ${keyCond}`
  const [counted, rows] = await Promise.all([
    db.$queryRaw<{ total: number; persons: number }[]>`SELECT count(*)::int AS total, count(DISTINCT pid)::int AS persons FROM (${chosen}) c`,
    db.$queryRaw<Row[]>`
      SELECT c.eid, c.pid, p."name", p."idMasked", r."name" AS "regionName", g."code" AS "groupCode", g."name" AS "groupName",
             prog."code" AS "programCode", c.minutes, c.mph, cert."serial", cert."type"::text AS ctype, cert."issuedAt"
        FROM (${chosen}) c
        JOIN "Enrollment" e ON e."id" = c.eid
        JOIN "Person" p ON p."id" = e."personId"
        JOIN "Region" r ON r."id" = p."regionId"
        JOIN "Group" g ON g."id" = e."groupId"
        JOIN "Program" prog ON prog."id" = e."programId"
        LEFT JOIN "Certificate" cert ON cert."id" = c.cid
       ORDER BY p."name", c.eid, cert."serial"
       LIMIT ${DRILL_PAGE_SIZE} OFFSET ${(page - 1) * DRILL_PAGE_SIZE}`,
  ])
  return {
    people: rows.map((r) => ({
      enrollmentId: r.eid,
      personId: r.pid,
      name: r.name,
      idMasked: r.idMasked,
      regionName: r.regionName,
      groupCode: r.groupCode,
      groupName: r.groupName,
      programCode: r.programCode,
      minutes: Number(r.minutes),
      hours: scaledToHours(Number(r.minutes), r.mph),
      certificate: r.serial ? { serial: r.serial, type: r.ctype!, issuedAt: r.issuedAt! } : null,
    })),
    total: counted[0]?.total ?? 0,
    distinctPersons: counted[0]?.persons ?? 0,
    page,
    pageSize: DRILL_PAGE_SIZE,
  }
}

/** The program codes there are (the API refuses any other). */
export async function programCodes(db: Db | Tx): Promise<string[]> {
  return (await db.program.findMany({ select: { code: true }, orderBy: { code: 'asc' } })).map((p) => p.code)
}

// ─── Enrolled (for the skills-plus-credential targets) ──────────────────────

/**
 * Distinct people with an enrollment starting within [from, to] in scope
 * (reading rule), optionally of one program, region and round tag:
 * countEnrolled of app/domain/person-times.ts in SQL.
 */
export async function enrolledCount(db: Db | Tx, range: DateRange, f: Omit<StatsFilter, 'groupBy'>): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(DISTINCT e."personId")::int AS n
      FROM "Enrollment" e
      JOIN "EnrollmentFact" f ON f."enrollmentId" = e."id"
     WHERE e."startDate" >= ${range.from}::date AND e."startDate" <= ${range.to}::date
       AND ${filterSql({ ...f, groupBy: 'none' })}`
  return rows[0]?.n ?? 0
}
