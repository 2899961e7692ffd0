/**
 * bench/heartbeats — heartbeat ingestion against DESIGN.md §7:
 *   ≥ 1,500 heartbeats/s sustained, p99 ≤ 50 ms, and ≥ 1/15 of a bare node:http
 *   hello-world measured in the same run with the same load generator;
 *   no credited second lost (the seconds in PostgreSQL equal what the server answered,
 *   and after a kill -9 mid-load, every second the server answered is in the database).
 *
 * Steps: a fresh database (migrated like the tests), N learners each enrolled with a
 * session, the production build served by app/server/http.ts in a child process,
 * sustained beats from C keep-alive connections (each learner beats with increasing
 * seq, its session cookie and Sec-Fetch-Site: same-origin), then the hello-world
 * baseline with the same generator, then the crash check.
 *
 * Environment: XX_BENCH_DATABASE_URL (a server where the bench may CREATE DATABASE;
 * otherwise DATABASE_URL, 127.0.0.1:5432 or an embedded PostgreSQL, as the tests do),
 * XX_BENCH_LEARNERS (default 4000), XX_BENCH_CONNECTIONS (32), XX_BENCH_SECONDS (10),
 * XX_BENCH_SKIP_BUILD=1 to use the existing build/.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate } from '#prisma/migrate-runner.ts'
import { createDatabase, dropDatabase, resolvePostgres, withDatabase } from '#tests/services.ts'
import { runLoad, type LoadRequest, type LoadResult } from './load.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const log = (line: string) => console.log(`[bench] ${line}`)
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback)

const LEARNERS = num('XX_BENCH_LEARNERS', 4000)
const CONNECTIONS = num('XX_BENCH_CONNECTIONS', 32)
const SECONDS = num('XX_BENCH_SECONDS', 10)
const WARMUP_SECONDS = 3

const BUDGET = { perSecond: 1500, p99: 50, ratio: 1 / 15 }

function build() {
  const benchRoot = path.join(root, '.data/bench')
  if (process.env.XX_BENCH_SKIP_BUILD === '1' && existsSync(path.join(benchRoot, 'build/server/index.js'))) return benchRoot
  log('building the app (remix vite:build, under /tmp/xx-e2e.lock: the build directory is shared) …')
  const script = `"${process.execPath}" node_modules/@remix-run/dev/dist/cli.js vite:build >/dev/null && rm -rf .data/bench/build && mkdir -p .data/bench && cp -r build .data/bench/build`
  const r = spawnSync('flock', ['/tmp/xx-e2e.lock', 'sh', '-c', script], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) throw new Error('build failed')
  return benchRoot
}

function startChild(file: string, env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(path.join(root, 'bench', file), [], {
    execArgv: ['--import', 'tsx', ...extraArgs],
    env,
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port }))
    child.once('exit', (code) => reject(new Error(`${file} exited (${code})`)))
  })
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

function describe(name: string, r: LoadResult) {
  const statuses = [...r.statuses].map(([s, n]) => `${s}×${n}`).join(' ')
  log(
    `${name.padEnd(22)} ${fmt(r.perSecond).padStart(7)} req/s   p50 ${fmt(r.p50, 1)} ms   p99 ${fmt(r.p99, 1)} ms   max ${fmt(r.max, 1)} ms   (${r.requests} requests in ${fmt(r.seconds, 1)} s, ${r.errors} errors; ${statuses})`,
  )
}

async function main() {
  log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`)
  log('the load generator runs in this process, on the same cores as the server and PostgreSQL')
  const benchRoot = build()

  const pgAdmin = process.env.XX_BENCH_DATABASE_URL ? { adminUrl: process.env.XX_BENCH_DATABASE_URL, stop: undefined } : await resolvePostgres(root, log)
  const dbName = `xx_bench_${randomBytes(4).toString('hex')}`
  await createDatabase(pgAdmin.adminUrl, dbName)
  const databaseUrl = withDatabase(pgAdmin.adminUrl, dbName)
  const env = {
    ...process.env,
    NODE_ENV: 'production' as const,
    DATABASE_URL: databaseUrl,
    XX_DATA_KEY: randomBytes(32).toString('hex'),
    XX_HMAC_KEY: randomBytes(32).toString('hex'),
    XX_BENCH_ROOT: benchRoot,
  }
  Object.assign(process.env, env)
  let server: ChildProcess | undefined
  let hello: ChildProcess | undefined
  try {
    await migrate({ connectionString: databaseUrl })
    const { seedBench } = await import('./seed-learners.ts')
    const { getDb } = await import('#app/utils/db.server.ts')
    const db = getDb()
    const t0 = performance.now()
    const seeded = await seedBench(db, LEARNERS)
    log(
      `seeded ${seeded.learners.length} learners with sessions, enrolled in a class with a ${seeded.lessonNominalMinutes}-minute lesson (${fmt((performance.now() - t0) / 1000, 1)} s)`,
    )

    // ── the real app ──────────────────────────────────────────────────────────
    // XX_BENCH_PROFILE=<dir>: the server runs under --cpu-prof and is stopped with SIGTERM (so the profile is
    // written) after the measured run; a fresh server takes the kill -9.
    const profileDir = process.env.XX_BENCH_PROFILE ? path.resolve(process.env.XX_BENCH_PROFILE) : undefined
    let started = await startChild('heartbeat-server.ts', env, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])
    server = started.child
    const learners = seeded.learners.map((l) => ({ ...l, token: randomBytes(16).toString('hex'), seq: 0 }))
    let cursor = 0
    let answered = 0
    let refused = 0
    const reasons = new Map<string, number>()
    const nextBeat = (): LoadRequest => {
      const l = learners[cursor++ % learners.length]!
      l.seq += 1
      return {
        path: '/learn/heartbeat',
        headers: { 'Content-Type': 'application/json', Cookie: l.cookie, 'Sec-Fetch-Site': 'same-origin', Host: `127.0.0.1:${started.port}` },
        body: JSON.stringify({ lessonId: seeded.lessonId, tabToken: l.token, seq: l.seq, sentAt: Date.now() }),
      }
    }
    const onBeat = (_loop: number, _req: LoadRequest, status: number, body: string) => {
      if (status !== 200) {
        refused++
        return
      }
      const answer = JSON.parse(body) as { credited: number; status: string }
      answered += answer.credited
      reasons.set(answer.status, (reasons.get(answer.status) ?? 0) + 1)
    }
    const load = (port: number, seconds: number, next: (loop: number) => LoadRequest, onAnswer?: typeof onBeat) =>
      runLoad({ port, connections: CONNECTIONS, durationMs: seconds * 1000, next, onAnswer })

    log(`warm-up ${WARMUP_SECONDS} s, then ${SECONDS} s measured, ${CONNECTIONS} connections, ${learners.length} learners in rotation`)
    describe('heartbeats (warm-up)', await load(started.port, WARMUP_SECONDS, nextBeat, onBeat))
    const beats = await load(started.port, SECONDS, nextBeat, onBeat)
    describe('heartbeats', beats)
    log(`answers: ${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')}; non-200: ${refused}`)

    const inDb = async () => Number((await db.$queryRaw<{ s: bigint | null }[]>`SELECT SUM("seconds") AS s FROM "OnlineCredit"`)[0]?.s ?? 0)
    const dbSeconds = await inDb()
    const exact = dbSeconds === answered
    log(`credited seconds: answered ${answered}, in PostgreSQL ${dbSeconds} → ${exact ? 'equal' : 'DIFFERENT'}`)

    // ── baseline: bare node:http, same generator, same requests ──────────────
    const h = await startChild('hello-server.ts', env)
    hello = h.child
    await load(h.port, 2, nextBeatFor(h.port))
    const baseline = await load(h.port, SECONDS, nextBeatFor(h.port))
    describe('node:http hello-world', baseline)
    await stopChild(hello)

    // ── crash: kill -9 the server under load; every answered second must be stored ──
    if (profileDir) {
      await stopChild(server)
      log(`CPU profile of the measured server written to ${profileDir}`)
      started = await startChild('heartbeat-server.ts', env)
      server = started.child
      await load(started.port, 1, nextBeat) // warm the new server (JIT, pool) so the crash lands under real load
    }
    let crashAnswered = 0
    const before = await inDb()
    const crashLoad = runLoad({
      port: started.port,
      connections: CONNECTIONS,
      durationMs: 3000,
      next: nextBeat,
      onAnswer: (_l, _r, status, body) => {
        if (status === 200) crashAnswered += (JSON.parse(body) as { credited: number }).credited
      },
    })
    await new Promise((r) => setTimeout(r, 1500))
    await stopChild(server, 'SIGKILL')
    const crash = await crashLoad
    const afterCrash = (await inDb()) - before
    const crashSafe = afterCrash >= crashAnswered
    log(
      `kill -9 after 1.5 s of load (${crash.requests} answers, ${crash.errors} failed): answered ${crashAnswered} s, in PostgreSQL ${afterCrash} s → ${crashSafe ? 'nothing answered was lost' : 'LOST SECONDS'}${afterCrash > crashAnswered ? ` (${afterCrash - crashAnswered} s committed whose answer never arrived)` : ''}`,
    )

    // ── verdict ─────────────────────────────────────────────────────────────
    const ratio = beats.perSecond / baseline.perSecond
    const checks = [
      [`≥ ${fmt(BUDGET.perSecond)} heartbeats/s`, `${fmt(beats.perSecond)}/s`, beats.perSecond >= BUDGET.perSecond],
      [`p99 ≤ ${BUDGET.p99} ms`, `${fmt(beats.p99, 1)} ms`, beats.p99 <= BUDGET.p99],
      [`≥ 1/15 of hello-world (${fmt(baseline.perSecond)}/s)`, `1/${fmt(1 / ratio, 1)} (${fmt(ratio * 100, 1)} %)`, ratio >= BUDGET.ratio],
      ['every beat answered 200', `${beats.errors + refused} not`, beats.errors === 0 && refused === 0],
      ['credited seconds in PostgreSQL = answered', `${dbSeconds} / ${answered}`, exact],
      ['no answered second lost on kill -9', `${afterCrash} ≥ ${crashAnswered}`, crashSafe],
    ] as const
    console.log('')
    for (const [what, value, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(44)} ${value}`)
    console.log('')
    process.exitCode = checks.every((c) => c[2]) ? 0 : 1
    await db.$disconnect()
  } finally {
    if (server) await stopChild(server)
    if (hello) await stopChild(hello)
    if (process.env.XX_BENCH_KEEP !== '1') await dropDatabase(pgAdmin.adminUrl, dbName).catch(() => {})
    await pgAdmin.stop?.()
  }

  function nextBeatFor(port: number) {
    let i = 0
    return (): LoadRequest => ({
      path: '/learn/heartbeat',
      headers: { 'Content-Type': 'application/json', Cookie: 'xx_session=x', 'Sec-Fetch-Site': 'same-origin' },
      body: JSON.stringify({ lessonId: 'l', tabToken: 't'.repeat(32), seq: ++i, sentAt: Date.now(), port }),
    })
  }
}

main().catch((error) => {
  console.error('[bench] failed:', error)
  process.exit(1)
})
