/**
 * `npm test`: every test, on any machine with Node.js and npm.
 *   npm test                 typecheck + lint + format check, then unit + integration + e2e
 *   npm test -- unit         (or lint, integration, e2e; several may be given)
 * The typecheck (tsc --noEmit), the lint (eslint ., with the layering rules of
 * docs/decisions/010-layering.md) and the format check (prettier --check .;
 * `npm run format` fixes it) count as one test each; they run when no part is
 * named and no file filter is given, or when `lint` is named.
 * Finds PostgreSQL and Redis (tests/services.ts), makes sure Debian's
 * Chromium is there for Playwright (and poppler-utils for the PDF tests),
 * builds the app for the e2e server, and
 * ends with one line "N passed, N failed". Exits non-zero on any failure.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateObSigningKey } from '#app/server/keys.server.ts'
import { generatePrismaClient } from '#prisma/generate.ts'
import { createDatabase, dropDatabase, ensureChromium, ensurePoppler, resolvePostgres, resolveRedis, withDatabase } from './services.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const log = (l: string) => console.log(`[test] ${l}`)
// One directory per run, so two runs (say, e2e and integration at once) never clear each other's reports.
const tmp = path.join(root, 'tests/.tmp', `run-${process.pid}`)

const PARTS = ['lint', 'unit', 'integration', 'e2e']
const parts = process.argv.slice(2).filter((a) => PARTS.includes(a))
/** Anything else narrows the run to matching test files: `npm test -- e2e attendance`. */
const filters = process.argv.slice(2).filter((a) => !PARTS.includes(a))
const want = (p: string) => parts.length === 0 || parts.includes(p)
/** A filtered run (`npm test -- unit attendance`) is for one test file: it skips the whole-tree checks. */
const wantChecks = parts.includes('lint') || (parts.length === 0 && filters.length === 0)

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env }).status ?? 1
}

type Tally = { passed: number; failed: number }
const tally: Tally = { passed: 0, failed: 0 }

/** Typecheck, then lint, over the whole tree: each passes or fails as one test. Returns false if either failed. */
function staticChecks(env: NodeJS.ProcessEnv) {
  const checks: [string, string[]][] = [
    ['typecheck (tsc --noEmit)', [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit']],
    // The cache lives in node_modules (not committed); ESLint drops it when the config changes.
    [
      'lint (eslint .)',
      [path.join(root, 'node_modules/eslint/bin/eslint.js'), '.', '--cache', '--cache-location', path.join(root, 'node_modules/.cache/eslint/')],
    ],
    // `npm run format` fixes what this reports.
    ['format (prettier --check .)', [path.join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '.', '--log-level', 'warn']],
  ]
  let ok = true
  for (const [name, args] of checks) {
    log(`${name} …`)
    const passed = run(process.execPath, args, env) === 0
    log(`${name}: ${passed ? 'passed' : 'FAILED'}`)
    if (passed) tally.passed += 1
    else tally.failed += 1
    ok &&= passed
  }
  return ok
}

function readVitest(file: string) {
  if (!existsSync(file)) return false
  const r = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number }
  tally.passed += r.numPassedTests
  tally.failed += r.numFailedTests
  return true
}

function readPlaywright(file: string) {
  if (!existsSync(file)) return false
  const r = JSON.parse(readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number } }
  tally.passed += r.stats.expected + r.stats.flaky
  tally.failed += r.stats.unexpected
  return true
}

async function main() {
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  generatePrismaClient()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    XX_DATA_KEY: process.env.XX_DATA_KEY ?? randomBytes(32).toString('hex'),
    XX_HMAC_KEY: process.env.XX_HMAC_KEY ?? randomBytes(32).toString('hex'),
    // The Open Badges issuer key: per run, so the e2e server never writes one into the demo's .data/keys.json.
    XX_OB_SIGNING_KEY: process.env.XX_OB_SIGNING_KEY ?? generateObSigningKey(),
  }
  let status = 0
  const cleanups: (() => Promise<void> | void)[] = []
  try {
    if (wantChecks && !staticChecks(env)) status = 1

    const needServices = want('integration') || want('e2e')
    if (needServices) {
      const pg = await resolvePostgres(root, log)
      if (pg.stop) cleanups.push(pg.stop)
      const redis = await resolveRedis(log)
      if (redis.stop) cleanups.push(redis.stop)
      env.XX_TEST_PG_ADMIN_URL = pg.adminUrl
      env.REDIS_URL = redis.url
      delete env.DATABASE_URL
    }

    const projects = [...(want('unit') ? ['unit'] : []), ...(want('integration') ? ['integration'] : [])]
    // The PDF tests (integration, and e2e's printed sign-in cards) read PDFs with poppler-utils.
    if (want('integration') || want('e2e')) ensurePoppler(log)
    if (projects.length) {
      const out = path.join(tmp, 'vitest.json')
      const code = run(
        process.execPath,
        [
          path.join(root, 'node_modules/vitest/vitest.mjs'),
          'run',
          ...projects.flatMap((p) => ['--project', p]),
          ...filters,
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${out}`,
        ],
        env,
      )
      if (!readVitest(out) && code !== 0) tally.failed += 1
      if (code !== 0) status = 1
    }

    if (want('e2e')) {
      ensureChromium(log)
      // A production build, as users get it (NODE_ENV=test would bundle React's development build).
      log('building the app for the e2e server …')
      if (run(process.execPath, [path.join(root, 'node_modules/@remix-run/dev/dist/cli.js'), 'vite:build'], { ...env, NODE_ENV: 'production' }) !== 0) {
        throw new Error('build failed')
      }
      const dbName = `xx_e2e_${randomBytes(5).toString('hex')}`
      await createDatabase(env.XX_TEST_PG_ADMIN_URL!, dbName)
      cleanups.push(() => dropDatabase(env.XX_TEST_PG_ADMIN_URL!, dbName))
      const out = path.join(tmp, 'playwright.json')
      const code = run(process.execPath, [path.join(root, 'node_modules/@playwright/test/cli.js'), 'test', ...filters], {
        ...env,
        XX_E2E_DATABASE_URL: withDatabase(env.XX_TEST_PG_ADMIN_URL!, dbName),
        PLAYWRIGHT_JSON_OUTPUT_NAME: out,
      })
      if (!readPlaywright(out) && code !== 0) tally.failed += 1
      if (code !== 0) status = 1
    }
  } catch (error) {
    console.error(error)
    status = 1
    tally.failed += 1
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {})
    rmSync(tmp, { recursive: true, force: true })
  }
  console.log(`\n${tally.passed} passed, ${tally.failed} failed`)
  process.exit(status || (tally.failed > 0 ? 1 : 0))
}

main()
