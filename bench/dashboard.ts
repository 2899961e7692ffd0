/**
 * Bureau dashboard (DESIGN.md §7: 人次 by township for one year over a large
 * ledger, p95 ≤ 200 ms and ≥ 50× faster than the raw GROUP BY in the same
 * run; rollup totals equal raw totals exactly).
 *
 * 1. A fresh database (migrated like the tests) with a generated county: 12
 *    townships, 40 classes and rounds, P people, E enrollments and N hour
 *    entries over 2025–2026 (about 5 % of them corrections), written with
 *    INSERT … SELECT from generate_series in chunks, so the rollup trigger
 *    runs as it does on a real batch.
 * 2. The dashboard's queries through app/models/person-times.server.ts
 *    (personTimeStats by township for 2026, the monthly trend, a quarter by
 *    school), R runs each, p50/p95.
 * 3. The baseline in the same run: the same figures straight from HourEntry
 *    (one GROUP BY of net minutes per enrollment over the year, then per
 *    township) — what the query would cost without the rollup — and a check
 *    that both give exactly the same rows and totals.
 *
 *   npm run bench:dashboard   (XX_BENCH_ENTRIES=1000000, XX_BENCH_ENROLLMENTS=30000, XX_BENCH_RUNS=30)
 *   XX_BENCH_KEEP=1 keeps the database afterwards (its name is printed) for EXPLAIN (ANALYZE, BUFFERS).
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate } from '#prisma/migrate-runner.ts'
import { createDatabase, dropDatabase, resolvePostgres, withDatabase } from '#tests/services.ts'
import { benchUser } from './bench-user.ts'

const N = Number(process.env.XX_BENCH_ENTRIES ?? 1_000_000)
const E = Number(process.env.XX_BENCH_ENROLLMENTS ?? 30_000)
const RUNS = Number(process.env.XX_BENCH_RUNS ?? 30)
const P95_BUDGET_MS = 200
const RATIO_BUDGET = 50
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const log = (line: string) => console.log(`[bench] ${line}`)
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })

function percentile(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

async function time<T>(runs: number, fn: () => Promise<T>) {
  await fn() // warm-up
  const ms: number[] = []
  let last: T | undefined
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    last = await fn()
    ms.push(performance.now() - t)
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), last: last! }
}

async function main() {
  log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  const pgAdmin = process.env.XX_BENCH_DATABASE_URL ? { adminUrl: process.env.XX_BENCH_DATABASE_URL, stop: undefined } : await resolvePostgres(root, log)
  const dbName = `xx_bench_${randomBytes(4).toString('hex')}`
  await createDatabase(pgAdmin.adminUrl, dbName)
  const databaseUrl = withDatabase(pgAdmin.adminUrl, dbName)
  Object.assign(process.env, { DATABASE_URL: databaseUrl, XX_DATA_KEY: randomBytes(32).toString('hex'), XX_HMAC_KEY: randomBytes(32).toString('hex') })
  let failed = false
  try {
    await migrate({ connectionString: databaseUrl })
    const { getDb } = await import('#app/utils/db.server.ts')
    const { newId } = await import('#app/utils/ids.server.ts')
    const { personTimeStats, personTimeSeries } = await import('#app/models/person-times.server.ts')
    const { loadDashboard } = await import('#app/models/dashboard.server.ts')
    const { scaledToHours } = await import('#app/domain/person-times.ts')
    const db = getDb()

    // ── a county ───────────────────────────────────────────────────────────
    let t = performance.now()
    const region = async (
      code: string,
      name: string,
      level: 'province' | 'prefecture' | 'county' | 'township',
      parent: { id: string; path: string } | null,
    ) => {
      const row = { id: newId(), code, name, level, parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${code}/` }
      await db.region.create({ data: row })
      return row
    }
    const province = await region('52', '贵州省', 'province', null)
    const prefecture = await region('5223', '黔西南州', 'prefecture', province)
    const county = await region('522327', '册亨县', 'county', prefecture)
    const townships: { id: string; path: string }[] = []
    for (let i = 1; i <= 12; i++) townships.push(await region(`522327${String(i).padStart(3, '0')}`, `乡镇${i}`, 'township', county))
    const programs = [
      { id: newId(), code: 'skills-credential', name: '职业技能学历双提升', minutesPerHour: 45 },
      { id: newId(), code: 'teacher-training', name: '教师培训', minutesPerHour: 45 },
    ]
    await db.program.createMany({ data: programs })
    const groups = Array.from({ length: 40 }, (_, i) => ({
      id: newId(),
      code: `B-${i}`,
      name: `班级${i}`,
      programId: programs[i % 2]!.id,
      kind: (i % 2 ? 'round' : 'class') as 'round' | 'class',
      regionId: townships[i % 12]!.id,
      startDate: new Date('2025-01-01T00:00:00Z'),
    }))
    await db.group.createMany({ data: groups })
    // people and enrollments in SQL: P = E * 0.8 people, each in one or two groups
    const P = Math.max(1, Math.floor(E * 0.8))
    await db.$executeRawUnsafe(`
      INSERT INTO "Person" ("id", "name", "idCipher", "idHmac", "idMasked", "gender", "birthDate", "regionId", "kind")
      SELECT 'p' || g, '学员' || g, 'x', 'h' || g, '5223**********' || g, 'female', date '1990-01-01', r.id, 'adult_learner'
        FROM generate_series(1, ${P}) g
        JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS i FROM "Region" WHERE level = 'township') r ON r.i = g % 12`)
    await db.$executeRawUnsafe(`
      INSERT INTO "Enrollment" ("id", "personId", "groupId", "programId", "startDate", "status")
      SELECT 'e' || g, 'p' || (1 + (g - 1) % ${P}), gr.id, gr."programId", date '2025-01-01', CASE WHEN g <= ${P} AND gr.kind = 'class' THEN 'active' ELSE 'withdrawn' END::"EnrollmentStatus"
        FROM generate_series(1, ${E}) g
        JOIN (SELECT id, "programId", kind, row_number() OVER (ORDER BY code) - 1 AS i FROM "Group") gr ON gr.i = (g * 7 + (g - 1) / ${P}) % 40`)
    log(`county: 12 townships, 40 groups, ${fmt(P)} people, ${fmt(E)} enrollments in ${fmt((performance.now() - t) / 1000, 1)} s`)

    t = performance.now()
    const CHUNK = 250_000
    for (let done = 0; done < N; done += CHUNK) {
      const n = Math.min(CHUNK, N - done)
      await db.$executeRawUnsafe(`
        INSERT INTO "HourEntry" ("enrollmentId", "personId", "groupId", "category", "minutes", "occurredOn", "source", "reason")
        SELECT e.id, e."personId", e."groupId", 'online',
               (CASE WHEN g % 20 = 0 THEN -((g % 45) + 1) ELSE 20 + (g * 37) % 100 END)::int,
               date '2025-01-01' + ((g * 7919) % 730)::int, 'adjustment', 'bench'
          FROM generate_series(${done + 1}::bigint, ${done + n}::bigint) g
          JOIN "Enrollment" e ON e.id = 'e' || (1 + (g * 31) % ${E})::text`)
    }
    // what autovacuum does on a live database: statistics, and the rollup's dead row versions (every
    // chunk updated most of its rows) cleared, so both queries read a table in its steady state
    await db.$executeRawUnsafe('VACUUM ANALYZE')
    const rollupRows = Number((await db.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM "HourRollup"'))[0]!.n)
    log(`ledger: ${fmt(N)} hour entries (${fmt(N / 20)} corrections) → ${fmt(rollupRows)} rollup rows in ${fmt((performance.now() - t) / 1000, 1)} s`)

    // ── the dashboard's queries ───────────────────────────────────────────
    const scopes = [{ kind: 'region' as const, regionId: county.id, code: county.code, name: county.name, path: county.path }]
    const year = { from: '2026-01-01', to: '2026-12-31' }
    const byTownship = await time(RUNS, () => personTimeStats(db, year, { scopes, groupBy: 'township' }))
    const trend = await time(RUNS, () => personTimeSeries(db, year, 'month', { scopes, groupBy: 'none' }))
    const quarter = await time(RUNS, () => personTimeStats(db, { from: '2026-07-01', to: '2026-09-30' }, { scopes, groupBy: 'group' }))
    const ragged = await time(RUNS, () => personTimeStats(db, { from: '2026-02-15', to: '2026-11-20' }, { scopes, groupBy: 'township' }))
    // the whole page as a county bureau user opens it: the year by township, the monthly and quarterly trends, the targets
    const bureauUser = benchUser('bureau', county)
    const page = await time(Math.max(3, Math.floor(RUNS / 2)), () =>
      loadDashboard(db, bureauUser, new URLSearchParams('period=2026'), { unknownLabel: '未知', today: '2026-12-01' }),
    )

    // ── the raw GROUP BY, same run ────────────────────────────────────────
    type Raw = { key: string | null; person_times: number; persons: number; minutes: bigint }
    const raw = await time(
      Math.max(3, Math.floor(RUNS / 5)),
      () =>
        db.$queryRaw<Raw[]>`
        WITH net AS (
          SELECT "enrollmentId" AS eid, SUM("minutes") AS minutes FROM "HourEntry"
           WHERE "occurredOn" >= ${year.from}::date AND "occurredOn" <= ${year.to}::date
           GROUP BY "enrollmentId" HAVING SUM("minutes") > 0
        )
        SELECT COALESCE(NULLIF(split_part(pr."path", '/', 5), ''), pr."code") AS key,
               count(*)::int AS person_times, count(DISTINCT e."personId")::int AS persons, SUM(net.minutes)::bigint AS minutes
          FROM net JOIN "Enrollment" e ON e.id = net.eid JOIN "Person" p ON p.id = e."personId" JOIN "Region" pr ON pr.id = p."regionId"
          JOIN "Group" g ON g.id = e."groupId" JOIN "Region" gr ON gr.id = g."regionId"
         WHERE starts_with(pr."path", ${county.path}) OR starts_with(gr."path", ${county.path})
         GROUP BY GROUPING SETS ((1), ())`,
    )
    const rawRows = raw.last.filter((r) => r.key !== null)
    const rawTotal = raw.last.find((r) => r.key === null)!
    const model = byTownship.last
    const same =
      JSON.stringify(rawRows.map((r) => [r.key, r.person_times, r.persons, scaledToHours(Number(r.minutes), 45)]).sort()) ===
        JSON.stringify(model.rows.map((r) => [r.key, r.personTimes, r.persons, r.personHours]).sort()) &&
      rawTotal.person_times === model.totals.personTimes &&
      rawTotal.persons === model.totals.persons &&
      scaledToHours(Number(rawTotal.minutes), 45) === model.totals.personHours

    const ms = (x: number) => `${fmt(x, 1)} ms`
    log(
      `人次 by township, 2026 (the dashboard): p50 ${ms(byTownship.p50)}, p95 ${ms(byTownship.p95)} → ${fmt(model.totals.personTimes)} 人次, ${fmt(model.totals.persons)} persons, ${fmt(model.totals.personHours, 1)} 人学时`,
    )
    log(`monthly trend 2026 (12 periods):     p50 ${ms(trend.p50)}, p95 ${ms(trend.p95)}`)
    log(`Q3 by group:                         p50 ${ms(quarter.p50)}, p95 ${ms(quarter.p95)}`)
    log(`2026-02-15…11-20 by township (edges from the ledger): p50 ${ms(ragged.p50)}, p95 ${ms(ragged.p95)}`)
    log(`the dashboard page's loader (year by township, both trends, targets): p50 ${ms(page.p50)}, p95 ${ms(page.p95)}`)
    log(`raw GROUP BY over HourEntry, same figures: p50 ${ms(raw.p50)}, p95 ${ms(raw.p95)}`)
    const ratio = raw.p50 / byTownship.p50
    const checks: [string, string, boolean][] = [
      [`dashboard p95 ≤ ${P95_BUDGET_MS} ms`, ms(byTownship.p95), byTownship.p95 <= P95_BUDGET_MS],
      [`raw / dashboard (p50) ≥ ${RATIO_BUDGET}×`, `${fmt(ratio, 1)}×`, ratio >= RATIO_BUDGET],
      ['rollup figures equal the raw GROUP BY exactly', same ? 'equal' : 'DIFFERENT', same],
    ]
    for (const [what, value, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(48)} ${value}`)
    console.log(`  (not a DESIGN.md budget) monthly trend p95 ${ms(trend.p95)}, the whole page's loader p95 ${ms(page.p95)}`)

    // ── what the cells cost the ledger's writers (last: it leaves the cells stale) ──
    // One entry per transaction, as a check-out, a correction or the nightly fold of an online credit writes it,
    // on a connection of its own; then the same with the cells' triggers off (decision 015), alternating.
    const { getPool } = await import('#app/utils/pg.server.ts')
    const client = await getPool().connect()
    const WRITES = Number(process.env.XX_BENCH_WRITES ?? 1000)
    const cellTriggers = ['HourRollup_cells_insert', 'HourRollup_cells_update', 'HourRollup_cells_delete']
    const writeRun = async (offset: number) => {
      const t0 = performance.now()
      for (let i = 0; i < WRITES; i++) {
        const g = offset + i
        await client.query('BEGIN')
        await client.query(
          `INSERT INTO "HourEntry" ("enrollmentId", "personId", "groupId", "category", "minutes", "occurredOn", "source", "reason")
           SELECT e.id, e."personId", e."groupId", 'online', 30, date '2026-01-01' + ($1::int % 330), 'adjustment', 'bench'
             FROM "Enrollment" e WHERE e.id = 'e' || (1 + ($1::int * 7919) % ${E})::text`,
          [g],
        )
        await client.query('COMMIT')
      }
      return WRITES / ((performance.now() - t0) / 1000)
    }
    const withCells: number[] = []
    const without: number[] = []
    for (let round = 0; round < 2; round++) {
      withCells.push(await writeRun(round * 2 * WRITES))
      for (const name of cellTriggers) await client.query(`ALTER TABLE "HourRollup" DISABLE TRIGGER "${name}"`)
      without.push(await writeRun((round * 2 + 1) * WRITES))
      for (const name of cellTriggers) await client.query(`ALTER TABLE "HourRollup" ENABLE TRIGGER "${name}"`)
    }
    client.release()
    const best = (xs: number[]) => Math.max(...xs)
    console.log(
      `  (cost of the cells) ledger writes, one entry a transaction: ${fmt(best(withCells))}/s with the cells, ${fmt(best(without))}/s without (${fmt((best(withCells) / best(without)) * 100, 0)} %; best of 2 × ${fmt(WRITES)} each)`,
    )
    failed = checks.some(([, , ok]) => !ok)
    await db.$disconnect()
  } finally {
    if (process.env.XX_BENCH_KEEP) log(`kept database ${dbName} (drop it when done)`)
    else await dropDatabase(pgAdmin.adminUrl, dbName)
    await pgAdmin.stop?.()
  }
  process.exitCode = failed ? 1 : 0
}

await main()
