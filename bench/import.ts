/**
 * Roster import (DESIGN.md §7: a 100,000-row xlsx validated and imported
 * ≤ 30 s with memory ≤ 300 MB), beside baselines measured in the same run.
 *
 * 1. A fresh database (migrated like the tests) with a county of 12 townships
 *    and a village in each; a county coordinator.
 * 2. Roster files of 10,000 and 100,000 rows (tests/fixtures/roster.ts: the
 *    header as township lists write it, valid ID numbers, unique phones, 1 %
 *    bad rows of several kinds, a village on every fifth row), written to a
 *    temp directory before anything is measured.
 * 3. Each measurement runs in a child process of its own (so the peak memory
 *    is the import's, not the generator's): `process.memoryUsage().rss`
 *    sampled every 20 ms and `process.resourceUsage().maxRSS` at the end.
 *      - import: previewRosterImport (file checks, exceljs streaming read, row
 *        checks, the database look-ups, the preview rows stored) then
 *        runRosterImport (persons, accounts, roles, audit events in batches of
 *        1,000) — exactly what the page and the worker run, with no Prisma
 *        query (the child checks that no Prisma Client was made);
 *      - rerun: the 10,000-row file again (everything already known, adds 0);
 *      - baseline read: exceljs's streaming reader over the same file, cells
 *        only (DESIGN.md §7's reference: ≈ 25k rows/s);
 *      - baseline insert: the same good rows as raw multi-row INSERTs of Person
 *        and User on a pg pool, in another county (1,000 a statement, ID and
 *        phone encrypted and HMACed as the import does), nothing read,
 *        checked, previewed or audited.
 * 4. The people export after the imports (DESIGN.md §7: 100,000 rows ≤ 10 s):
 *    startExport as the page calls it, xlsx and CSV (and xlsx with full ID
 *    numbers, each decrypted), its stream read to the end, in a child each.
 * 5. PASS/FAIL against the budgets; the database is dropped (XX_BENCH_KEEP=1 keeps it).
 *
 *   npm run bench:import   (XX_BENCH_ROWS=10000,100000)
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchUser } from './bench-user.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const log = (line: string) => console.log(`[bench] ${line}`)
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
const TIME_BUDGET_S = 30
const MEMORY_BUDGET_MB = 300
const EXPORT_BUDGET_S = 10
const COUNTY_PATH = '/52/5223/522327/'

type ChildResult = { seconds: number; peakRssMb: number; maxRssMb: number; baselineRssMb: number; detail: Record<string, number | string> }

// ─── child: one measurement ─────────────────────────────────────────────────
async function child(mode: string, file: string) {
  const baselineRss = process.memoryUsage().rss
  let peak = baselineRss
  let heapPeak = 0
  const sampler = setInterval(() => {
    const m = process.memoryUsage()
    peak = Math.max(peak, m.rss)
    heapPeak = Math.max(heapPeak, m.heapUsed)
  }, 20)
  const { getPool } = await import('#app/utils/pg.server.ts')
  const pool = getPool()
  // The county coordinator, as a session would give them (read through pg: the import path itself never queries Prisma).
  const coordinator = async () => {
    const county = (
      await pool.query<{ id: string; code: string; name: string; path: string }>(`SELECT "id", "code", "name", "path" FROM "Region" WHERE "code" = '522327'`)
    ).rows[0]!
    return benchUser('coordinator', county)
  }
  let prisma: { $disconnect(): Promise<void> } | null = null
  const t0 = performance.now()
  const detail: ChildResult['detail'] = {}
  if (mode === 'import' || mode === 'rerun') {
    const { previewRosterImport, runRosterImport } = await import('#app/models/roster-import.server.ts')
    const user = await coordinator()
    const bytes = new Uint8Array(await readFile(file))
    const tp = performance.now()
    const { id } = await previewRosterImport(user, { fileName: path.basename(file), bytes, today: '2026-12-01' })
    detail.previewS = (performance.now() - tp) / 1000
    detail.previewPeakMb = Math.round(peak / 2 ** 20)
    peak = 0
    // What confirmRosterImport does before it hands the import to the worker.
    await pool.query(`UPDATE "RosterImport" SET "status" = 'queued' WHERE "id" = $1`, [id])
    const ti = performance.now()
    const r = await runRosterImport(id)
    detail.importS = (performance.now() - ti) / 1000
    detail.importPeakMb = Math.round(peak / 2 ** 20)
    detail.heapPeakMb = Math.round(heapPeak / 2 ** 20)
    const imp = (
      await pool.query<{ totalRows: number; newRows: number; existingRows: number; refusedRows: number }>(
        `SELECT "totalRows", "newRows", "existingRows", "refusedRows" FROM "RosterImport" WHERE "id" = $1`,
        [id],
      )
    ).rows[0]!
    Object.assign(detail, { rows: imp.totalRows, new: imp.newRows, existing: imp.existingRows, refused: imp.refusedRows, created: r.created })
    // Did anything on this path make a Prisma Client (getDb), here or in a thread it ran? None made, no Prisma query, so its query compiler never loaded.
    const { threadsMadePrismaClient } = await import('#app/utils/thread.server.ts')
    detail.prismaClient = '__xxDb' in globalThis || threadsMadePrismaClient() ? 'made' : 'none'
  } else if (mode === 'export') {
    // The people export as the page runs it (app/routes/exports.file.ts → startExport), its stream read to the end.
    await import('#app/i18n/locale.server.ts')
    const { translator } = await import('#app/i18n/index.ts')
    const { startExport } = await import('#app/models/exports.server.ts')
    const { getDb } = await import('#app/utils/db.server.ts')
    const db = getDb()
    prisma = db
    const t = translator('zh-CN')
    const text = (key: string, raw: string) => (t(key as never) as string | undefined) ?? raw
    const [format, ids] = file.split(':') as ['xlsx' | 'csv', string]
    const user = await coordinator()
    const { stream } = await startExport(
      db,
      user,
      { kind: 'people', format, fullIds: ids === 'full', asOf: '2026-12-01' },
      { column: (k) => text(`exports.col.${k}`, k), value: (k) => text(`exports.v.${k}`, k.split('.').pop()!), sheet: t('exports.kind.people') },
    )
    let bytes = 0
    let lines = 0
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length
      if (format === 'csv') for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++
    }
    detail.bytes = bytes
    detail.rows =
      format === 'csv'
        ? lines - 1
        : (
            await pool.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM "Person" p JOIN "Region" r ON r."id" = p."regionId" WHERE r."path" LIKE '${COUNTY_PATH}%'`,
            )
          ).rows[0]!.n
  } else if (mode === 'read') {
    const { checkRosterFile } = await import('#app/domain/file-kind.ts')
    const { readRosterRows } = await import('#app/utils/roster-reader.server.ts')
    const bytes = new Uint8Array(await readFile(file))
    const tc = performance.now()
    if (!checkRosterFile(bytes).ok) throw new Error('file refused')
    detail.checkS = (performance.now() - tc) / 1000
    let rows = 0
    for await (const row of readRosterRows({ kind: 'xlsx', bytes })) rows += row.cells.length > 0 ? 1 : 0
    detail.rows = rows
  } else if (mode === 'raw') {
    const { encryptField, lookupHmac } = await import('#app/utils/crypto.server.ts')
    const { newId } = await import('#app/utils/ids.server.ts')
    const { maskIdNumber } = await import('#app/domain/id-number.ts')
    const { rosterPerson } = await import('#tests/fixtures/roster.ts')
    const [n, offset] = file.split(':').map(Number) as [number, number]
    // Another county's township: the people export after the imports holds only the imported people.
    const township = (await pool.query<{ id: string; name: string }>(`SELECT "id", "name" FROM "Region" WHERE "code" = '522326001'`)).rows[0]!
    for (let start = 0; start < n; start += 1000) {
      const people = Array.from({ length: Math.min(1000, n - start) }, (_, k) =>
        rosterPerson(offset + start + k, { township: township.name, phoneBase: 50_000_000 }),
      )
      const ids = people.map(() => newId())
      const birth = people.map((p) => `${p.idNumber.slice(6, 10)}-${p.idNumber.slice(10, 12)}-${p.idNumber.slice(12, 14)}`)
      await pool.query(
        `INSERT INTO "Person" ("id", "name", "idCipher", "idHmac", "idMasked", "gender", "birthDate", "phoneCipher", "phoneMasked", "phoneHmac", "regionId", "kind", "updatedAt")
         SELECT v."id", v."name", v."idCipher", v."idHmac", v."idMasked", 'female', v."birthDate", v."phoneCipher", v."phoneMasked", v."phoneHmac", $10, 'adult_learner', now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::text[], $9::text[])
           AS v("id", "name", "idCipher", "idHmac", "idMasked", "birthDate", "phoneCipher", "phoneMasked", "phoneHmac")
         ON CONFLICT DO NOTHING`,
        [
          ids,
          people.map((p) => p.name),
          people.map((p) => encryptField(p.idNumber)),
          people.map((p) => lookupHmac('id', p.idNumber)),
          people.map((p) => maskIdNumber(p.idNumber)),
          birth,
          people.map((p) => encryptField(p.phone)),
          people.map((p) => `${p.phone.slice(0, 3)}****${p.phone.slice(-4)}`),
          people.map((p) => lookupHmac('phone', p.phone)),
          township.id,
        ],
      )
      await pool.query(
        `INSERT INTO "User" ("id", "username", "displayName", "personId", "updatedAt")
         SELECT v."id", v."username", v."name", v."personId", now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v("id", "username", "name", "personId")
         ON CONFLICT DO NOTHING`,
        [ids.map(() => newId()), ids.map(() => `xsb${randomBytes(6).toString('hex')}`), people.map((p) => p.name), ids],
      )
    }
    detail.rows = n
  }
  const seconds = (performance.now() - t0) / 1000
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  await prisma?.$disconnect()
  await (await import('#app/utils/pg.server.ts')).closePool()
  const result: ChildResult = {
    seconds,
    peakRssMb: peak / 2 ** 20,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb: baselineRss / 2 ** 20,
    detail,
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
}

function runChild(mode: string, arg: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, arg], {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    c.stdout.on('data', (d: Buffer) => (out += d.toString()))
    c.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (code !== 0 || !line) return reject(new Error(`child ${mode} exited ${code}: ${out.slice(-2000)}`))
      resolve(JSON.parse(line.slice(7)) as ChildResult)
    })
  })
}

// ─── parent ─────────────────────────────────────────────────────────────────
async function main() {
  const { migrate } = await import('#prisma/migrate-runner.ts')
  const { createDatabase, dropDatabase, resolvePostgres, withDatabase } = await import('#tests/services.ts')
  const sizes = (process.env.XX_BENCH_ROWS ?? '10000,100000').split(',').map(Number)
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
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xx-bench-import-'))
  let failed = false
  try {
    await migrate({ connectionString: databaseUrl })
    const { getDb } = await import('#app/utils/db.server.ts')
    const { newId } = await import('#app/utils/ids.server.ts')
    const { rosterLine, rosterPerson, rosterXlsx } = await import('#tests/fixtures/roster.ts')
    const db = getDb()
    const region = async (
      code: string,
      name: string,
      level: 'province' | 'prefecture' | 'county' | 'township' | 'village',
      parent: { id: string; path: string } | null,
    ) => {
      const row = { id: newId(), code, name, level, parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${code}/` }
      await db.region.create({ data: row })
      return row
    }
    const province = await region('52', '贵州省', 'province', null)
    const prefecture = await region('5223', '黔西南州', 'prefecture', province)
    const county = await region('522327', '册亨县', 'county', prefecture)
    if (county.path !== COUNTY_PATH) throw new Error('unexpected path')
    // The raw-INSERT baseline writes its people in another county, outside the coordinator's export.
    await region('522326001', '复兴镇', 'township', await region('522326', '望谟县', 'county', prefecture))
    const names = ['者楼街道', '高洛街道', '冗渡镇', '丫他镇', '巧马镇', '秧坝镇', '岩架镇', '八渡镇', '弼佑镇', '双江镇', '坡妹镇', '达央镇']
    for (let i = 0; i < names.length; i++) {
      const t = await region(`522327${String(i + 1).padStart(3, '0')}`, names[i]!, 'township', county)
      await region(`522327${String(i + 1).padStart(3, '0')}201`, '中心村', 'village', t)
    }
    await db.$disconnect()

    // Files first, so the generator's memory is nobody's figure.
    const files: { n: number; file: string; bytes: number; offset: number }[] = []
    let offset = 0
    for (const n of sizes) {
      const t = performance.now()
      const start = offset
      function* lines() {
        for (let i = 0; i < n; i++) {
          const p = rosterPerson(start + i, { township: names[i % names.length]!, village: i % 5 === 0 ? '中心村' : '', phoneBase: 10_000_000 })
          const line = rosterLine(p, i + 1)
          if (i % 100 === 37) line[2] = String(line[2]).slice(0, 17) + (String(line[2]).endsWith('1') ? '2' : '1') // bad check digit
          if (i % 100 === 73) line[5] = '不存在镇' // township unknown
          yield line
        }
      }
      const bytes = await rosterXlsx(lines())
      const file = path.join(dir, `roster-${n}.xlsx`)
      await writeFile(file, bytes)
      files.push({ n, file, bytes: bytes.length, offset: start })
      offset += n + 1000
      log(`file: ${fmt(n)} rows, ${fmt(bytes.length / 2 ** 20, 1)} MB xlsx, written in ${fmt((performance.now() - t) / 1000, 1)} s`)
    }

    const checks: [string, string, boolean][] = []
    for (const f of files) {
      const read = await runChild('read', f.file)
      const raw = await runChild('raw', `${Math.round(f.n * 0.98)}:${5_000_000 + f.offset}`)
      const imp = await runChild('import', f.file)
      const d = imp.detail
      log(
        `${fmt(f.n)} rows: import ${fmt(imp.seconds, 1)} s (preview ${fmt(Number(d.previewS), 1)} s, import ${fmt(Number(d.importS), 1)} s; ` +
          `${fmt(Number(d.created))} created, ${fmt(Number(d.refused))} refused) = ${fmt(f.n / imp.seconds)} rows/s, peak RSS ${fmt(imp.peakRssMb)} MB ` +
          `(maxRSS ${fmt(imp.maxRssMb)} MB, ${fmt(imp.baselineRssMb)} MB at start; preview ${d.previewPeakMb} MB, import ${d.importPeakMb ?? '?'} MB; JS heap peak ${d.heapPeakMb} MB)`,
      )
      log(
        `${fmt(f.n)} rows: baseline exceljs streaming read ${fmt(read.seconds, 1)} s (${fmt(f.n / read.seconds)} rows/s, checks ${fmt(Number(read.detail.checkS), 2)} s), peak RSS ${fmt(read.peakRssMb)} MB`,
      )
      log(
        `${fmt(f.n)} rows: baseline raw multi-row INSERT of ${fmt(Number(raw.detail.rows))} persons + accounts ${fmt(raw.seconds, 1)} s (${fmt(Number(raw.detail.rows) / raw.seconds)} rows/s), peak RSS ${fmt(raw.peakRssMb)} MB`,
      )
      log(`${fmt(f.n)} rows: import / (read + raw insert) = ${fmt(imp.seconds / (read.seconds + raw.seconds), 2)}×`)
      if (f.n === 10_000 || f.n === files[0]!.n) {
        const rerun = await runChild('rerun', f.file)
        log(
          `${fmt(f.n)} rows again: ${fmt(rerun.seconds, 1)} s, ${fmt(Number(rerun.detail.existing))} already known, ${fmt(Number(rerun.detail.created))} created`,
        )
        checks.push([`${fmt(f.n)} rows imported again adds nothing`, `${rerun.detail.created} created`, Number(rerun.detail.created) === 0])
      }
      checks.push([`${fmt(f.n)} rows: the import made no Prisma Client`, `Prisma Client: ${d.prismaClient}`, d.prismaClient === 'none'])
      const wantCreated = f.n - 2 * Math.floor(f.n / 100)
      checks.push([`${fmt(f.n)} rows: every good row created`, `${fmt(Number(d.created))} of ${fmt(wantCreated)}`, Number(d.created) === wantCreated])
      if (f.n >= 100_000) {
        checks.push([`${fmt(f.n)} rows validated and imported ≤ ${TIME_BUDGET_S} s`, `${fmt(imp.seconds, 1)} s`, imp.seconds <= TIME_BUDGET_S])
        checks.push([
          `${fmt(f.n)} rows peak memory ≤ ${MEMORY_BUDGET_MB} MB`,
          `${fmt(Math.max(imp.peakRssMb, imp.maxRssMb))} MB`,
          Math.max(imp.peakRssMb, imp.maxRssMb) <= MEMORY_BUDGET_MB,
        ])
      }
    }
    // The people export after the imports (everyone imported above: the 10,000 and the 100,000 files' people), as the page streams it.
    const exportRuns: [string, string][] = [
      ['xlsx', 'xlsx:masked'],
      ['CSV', 'csv:masked'],
      ['xlsx, full ID numbers', 'xlsx:full'],
    ]
    for (const [label, arg] of exportRuns) {
      const ex = await runChild('export', arg)
      const rows = Number(ex.detail.rows)
      const peak = Math.max(ex.peakRssMb, ex.maxRssMb)
      log(
        `people export (${label}): ${fmt(rows)} rows, ${fmt(Number(ex.detail.bytes) / 2 ** 20, 1)} MB in ${fmt(ex.seconds, 1)} s ` +
          `(${fmt(rows / ex.seconds)} rows/s), peak RSS ${fmt(peak)} MB (${fmt(ex.baselineRssMb)} MB at start)`,
      )
      if (rows >= 100_000) {
        checks.push([
          `${fmt(rows)}-row people export (${label}) ≤ ${EXPORT_BUDGET_S} s`,
          `${fmt(ex.seconds, 1)} s, ${fmt(peak)} MB`,
          ex.seconds <= EXPORT_BUDGET_S,
        ])
      }
    }
    console.log('')
    log(
      `load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    )
    for (const [what, value, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(48)} ${value}`)
    failed = checks.some(([, , ok]) => !ok)
  } finally {
    await rm(dir, { recursive: true, force: true })
    if (!process.env.XX_BENCH_KEEP) await dropDatabase(pgAdmin.adminUrl, dbName)
    await pgAdmin.stop?.()
  }
  process.exitCode = failed ? 1 : 0
}

const at = process.argv.indexOf('--child')
if (at >= 0) await child(process.argv[at + 1]!, process.argv[at + 2]!)
else await main()
