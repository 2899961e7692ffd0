/**
 * Learner page weight and speed (DESIGN.md §7; issue 13, must show 6).
 *
 * 1. The production build (made first). From the build's Remix manifest: the
 *    framework's own first-load JavaScript (React + Remix: the entry and its
 *    imports) — the baseline — and each learner route's first-load JS (entry,
 *    root, the route and their imports), gzip -9.
 * 2. The real thing, in Debian's Chromium at 360×740 against `npm start`'s
 *    server on a fresh database with the demo seed, signed in as learner.demo,
 *    each page opened cold (a new browser context with only the session
 *    cookie): requests, JS / HTML / CSS bytes as the browser received them
 *    (gzip-compressed again here, as a CDN would send them), against the
 *    budgets (≤ 90 KB JS, ≤ 10 requests, HTML + CSS ≤ 30 KB gzipped).
 * 3. The learner home's LCP and CLS under Lighthouse's mobile throttling
 *    through the DevTools protocol (150 ms RTT, 1.6 Mbps down, 750 kbps up,
 *    4× CPU slowdown), against LCP ≤ 2.5 s, beside the sign-in page's
 *    (the lightest page) in the same run; and on Regular 3G against 4 s.
 *
 *   npm run bench:bundle   (XX_BENCH_PORT=3811; XX_BENCH_SKIP_BUILD=1 uses build/ as it is; XX_BENCH_VERBOSE=1 lists each page's requests)
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chromium, type BrowserContext, type Page } from '@playwright/test'
import { createDatabase, dropDatabase, ensureChromium, resolvePostgres, resolveRedis, withDatabase } from '#tests/services.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PORT = Number(process.env.XX_BENCH_PORT ?? 3811)
const BASE = `http://localhost:${PORT}`
const BUDGET = { jsKb: 90, requests: 10, htmlCssKb: 30, lcpMs: 2500, lcp3gMs: 4000, cls: 0.1 }
const PASSWORD = process.env.XX_SEED_PASSWORD ?? 'XiangXue-demo-2026'
const log = (line: string) => console.log(`[bench] ${line}`)
const kb = (bytes: number) => (bytes / 1024).toFixed(1)
const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length

type Manifest = {
  entry: { module: string; imports?: string[] }
  routes: Record<string, { id: string; parentId?: string; module: string; imports?: string[] }>
}

function readManifest(): Manifest {
  const dir = path.join(root, 'build/client/assets')
  const file = readdirSync(dir).find((f) => f.startsWith('manifest-'))
  if (!file) throw new Error('no Remix manifest in build/client/assets')
  return JSON.parse(
    readFileSync(path.join(dir, file), 'utf8')
      .replace(/^window.__remixManifest=/, '')
      .replace(/;\s*$/, ''),
  ) as Manifest
}

function staticSizes(m: Manifest, routeIds: string[]) {
  const size = (files: Set<string>) => [...files].reduce((sum, f) => sum + gz(readFileSync(path.join(root, 'build/client', f))), 0)
  const entry = new Set([m.entry.module, ...(m.entry.imports ?? [])])
  const chain = (id: string) => {
    const files = new Set(entry)
    const ids: string[] = []
    for (let r = m.routes[id]; r; r = r.parentId ? m.routes[r.parentId] : undefined) ids.unshift(r.id)
    for (const i of ids) for (const f of [m.routes[i]!.module, ...(m.routes[i]!.imports ?? [])]) files.add(f)
    return files
  }
  return { framework: size(entry), routes: routeIds.filter((id) => m.routes[id]).map((id) => ({ id, js: size(chain(id)), files: chain(id).size })) }
}

type Weight = { url: string; requests: number; js: number; html: number; css: number; other: number }

async function weigh(context: BrowserContext, url: string): Promise<Weight> {
  const page = await context.newPage()
  const w: Weight = { url, requests: 0, js: 0, html: 0, css: 0, other: 0 }
  const pending: Promise<void>[] = []
  page.on('response', (r) => {
    w.requests += 1
    if (process.env.XX_BENCH_VERBOSE) log(`  ${url}: ${r.request().resourceType()} ${r.url().replace(BASE, '')}`)
    pending.push(
      r
        .body()
        .then((body) => {
          const type = r.request().resourceType()
          const n = gz(body)
          if (type === 'script') w.js += n
          else if (type === 'document') w.html += n
          else if (type === 'stylesheet') w.css += n
          else w.other += n
        })
        .catch(() => {}),
    )
  })
  await page.goto(BASE + url, { waitUntil: 'networkidle' })
  await Promise.all(pending)
  await page.close()
  return w
}

async function paintTimes(context: BrowserContext, url: string, net: { latency: number; down: number; up: number }, cpu: number) {
  const page: Page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: net.latency,
    downloadThroughput: (net.down * 1000) / 8,
    uploadThroughput: (net.up * 1000) / 8,
  })
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu })
  await page.addInitScript(() => {
    const w = window as unknown as { __lcp: number; __cls: number }
    w.__lcp = 0
    w.__cls = 0
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__lcp = e.startTime
    }).observe({ type: 'largest-contentful-paint', buffered: true })
    new PerformanceObserver((l) => {
      for (const e of l.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!e.hadRecentInput) w.__cls += e.value
    }).observe({ type: 'layout-shift', buffered: true })
  })
  await page.goto(BASE + url, { waitUntil: 'load', timeout: 120_000 })
  await page.waitForTimeout(1000)
  const r = await page.evaluate(() => {
    const w = window as unknown as { __lcp: number; __cls: number }
    return { lcp: w.__lcp, cls: w.__cls }
  })
  await page.close()
  return r
}

async function waitForServer(child: ReturnType<typeof spawn>) {
  const until = Date.now() + 300_000
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 1000))
  }
  throw new Error('server did not come up in 300 s')
}

async function main() {
  log(
    `machine: ${os.cpus().length} cores, Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  if (!process.env.XX_BENCH_SKIP_BUILD) {
    log('building (remix vite:build) …')
    const b = spawnSync(process.execPath, [path.join(root, 'node_modules/@remix-run/dev/dist/cli.js'), 'vite:build'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    })
    if (b.status !== 0) throw new Error('build failed')
  }
  const manifest = readManifest()
  const learnerRoutes = [
    'routes/login',
    'routes/me',
    'routes/learn._index',
    'routes/learn.lessons.$lessonId',
    'routes/me_.self-study',
    'routes/me_.certificates',
    'routes/me_.records',
    'routes/me_.notifications',
    'routes/checkin._index',
  ]
  const sizes = staticSizes(manifest, learnerRoutes)
  log(`the framework's first load (the entry: React, Remix and the shared chunk; the baseline): ${kb(sizes.framework)} KB gzipped`)
  console.log('\n  first-load JS per route, from the build (gzip -9)')
  for (const r of sizes.routes)
    console.log(
      `  ${r.js <= BUDGET.jsKb * 1024 ? 'PASS' : 'FAIL'}  ${r.id.padEnd(34)} ${kb(r.js).padStart(6)} KB  (${r.files} files; framework + ${kb(r.js - sizes.framework)} KB)`,
    )

  ensureChromium(log)
  const pg = await resolvePostgres(root, log)
  const redis = await resolveRedis(log)
  const dbName = `xx_bench_${randomBytes(4).toString('hex')}`
  await createDatabase(pg.adminUrl, dbName)
  const server = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'app/server/start.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(PORT),
      DATABASE_URL: withDatabase(pg.adminUrl, dbName),
      REDIS_URL: redis.url,
      XX_QUEUE_PREFIX: `xxbundle${PORT}`,
      XX_SMS_URL: '',
      XX_SMS_STANDIN_PORT: String(PORT + 1),
      XX_UPLOAD_DIR: path.join(root, 'tests/.tmp/bench-uploads'),
    },
  })
  let failed = false
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
  try {
    log('waiting for the server (migrate + demo seed) …')
    await waitForServer(server)
    const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }
    const signInContext = await browser.newContext(phone)
    const p = await signInContext.newPage()
    await p.goto(`${BASE}/login?way=password`)
    await p.getByLabel('用户名或手机号').fill('learner.demo')
    await p.getByLabel('密码').fill(PASSWORD)
    await Promise.all([p.waitForURL((u) => !u.pathname.startsWith('/login')), p.getByRole('button', { name: '登录' }).click()])
    const lessonHref = await (async () => {
      await p.goto(`${BASE}/learn`)
      return p.locator('a[href^="/learn/lessons/"]').first().getAttribute('href')
    })()
    const cookies = await signInContext.cookies()
    await signInContext.close()

    const pages = ['/me', '/learn', lessonHref ?? '/learn', '/me/self-study', '/me/certificates', '/me/records', '/me/notifications', '/checkin']
    const weights: Weight[] = []
    for (const url of pages) {
      const ctx = await browser.newContext(phone)
      await ctx.addCookies(cookies)
      weights.push(await weigh(ctx, url))
      await ctx.close()
    }
    const anon = await browser.newContext(phone)
    weights.unshift(await weigh(anon, '/login'))
    await anon.close()

    console.log('\n  each page opened cold in Chromium at 360×740 (bytes gzip -9 as received)')
    console.log(`  ${'page'.padEnd(36)} requests      JS   HTML+CSS   images etc.`)
    for (const w of weights) {
      const ok = w.requests <= BUDGET.requests && w.js <= BUDGET.jsKb * 1024 && w.html + w.css <= BUDGET.htmlCssKb * 1024
      failed ||= !ok
      console.log(
        `  ${ok ? 'PASS' : 'FAIL'}  ${w.url.padEnd(30)} ${String(w.requests).padStart(8)} ${kb(w.js).padStart(7)} KB ${kb(w.html + w.css).padStart(7)} KB ${kb(w.other).padStart(8)} KB`,
      )
    }
    console.log(`  budgets: ≤ ${BUDGET.requests} requests, ≤ ${BUDGET.jsKb} KB JS, HTML + CSS ≤ ${BUDGET.htmlCssKb} KB`)

    const lighthouse = { latency: 150, down: 1600, up: 750 }
    const regular3g = { latency: 300, down: 750, up: 250 }
    const measure = async (url: string, net: typeof lighthouse, withCookies: boolean) => {
      const ctx = await browser.newContext(phone)
      if (withCookies) await ctx.addCookies(cookies)
      const r = await paintTimes(ctx, url, net, 4)
      await ctx.close()
      return r
    }
    await measure('/me', lighthouse, true) // warm-up: the server's first render of the page
    const baseline = await measure('/login', lighthouse, false)
    const home = await measure('/me', lighthouse, true)
    const home3g = await measure('/me', regular3g, true)
    console.log('\n  learner home, Lighthouse mobile throttling (150 ms RTT, 1.6 Mbps, 4× CPU) through the DevTools protocol')
    const lcpOk = home.lcp <= BUDGET.lcpMs && home.cls <= BUDGET.cls
    const lcp3gOk = home3g.lcp <= BUDGET.lcp3gMs
    failed ||= !lcpOk || !lcp3gOk
    console.log(`  ${lcpOk ? 'PASS' : 'FAIL'}  /me  LCP ${Math.round(home.lcp)} ms (≤ ${BUDGET.lcpMs}), CLS ${home.cls.toFixed(3)} (≤ ${BUDGET.cls})`)
    console.log(`  ----  /login (baseline, the lightest page)  LCP ${Math.round(baseline.lcp)} ms, CLS ${baseline.cls.toFixed(3)}`)
    console.log(`  ${lcp3gOk ? 'PASS' : 'FAIL'}  /me on Regular 3G (300 ms RTT, 750 kbps)  LCP ${Math.round(home3g.lcp)} ms (≤ ${BUDGET.lcp3gMs})`)
  } finally {
    await browser.close()
    server.kill('SIGTERM')
    await new Promise((r) => server.once('exit', r))
    await dropDatabase(pg.adminUrl, dbName).catch(() => {})
    await pg.stop?.()
    await redis.stop?.()
  }
  process.exit(failed || sizes.routes.some((r) => r.js > BUDGET.jsKb * 1024) ? 1 : 0)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
