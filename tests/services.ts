/**
 * Finds PostgreSQL and Redis for the tests, in this order: DATABASE_URL /
 * REDIS_URL when set; the local services on 127.0.0.1 when they answer;
 * otherwise an embedded PostgreSQL (.data/test/postgres) and a private
 * redis-server (installed with apt-get when running as root and missing).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import net from 'node:net'
import { userInfo } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres } from '#app/server/embedded-postgres.server.ts'

function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host })
    socket.setTimeout(800)
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('timeout', () => (socket.destroy(), resolve(false)))
    socket.once('error', () => resolve(false))
  })
}

async function canConnect(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

/** A URL to a database on a server where the tests may CREATE DATABASE. */
export async function resolvePostgres(root: string, log: (l: string) => void): Promise<{ adminUrl: string; stop?: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    log('PostgreSQL: DATABASE_URL')
    return { adminUrl: process.env.DATABASE_URL }
  }
  const local = 'postgresql://postgres@127.0.0.1:5432/postgres'
  if ((await portOpen(5432)) && (await canConnect(local))) {
    log('PostgreSQL: 127.0.0.1:5432')
    return { adminUrl: local }
  }
  log('PostgreSQL: embedded (.data/test/postgres)')
  const db = await startEmbeddedPostgres({ dataDir: path.join(root, '.data/test'), port: 54330, database: 'postgres', log })
  return { adminUrl: db.url, stop: db.stop }
}

export async function resolveRedis(log: (l: string) => void): Promise<{ url: string; stop?: () => void }> {
  if (process.env.REDIS_URL) {
    log('Redis: REDIS_URL')
    return { url: process.env.REDIS_URL }
  }
  if (await portOpen(6379)) {
    log('Redis: 127.0.0.1:6379')
    return { url: 'redis://127.0.0.1:6379' }
  }
  if (!existsSync('/usr/bin/redis-server') && userInfo().uid === 0) {
    log('Installing redis-server with apt-get …')
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
    spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  }
  const port = 6390
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], {
    stdio: 'ignore',
  })
  for (let i = 0; i < 50 && !(await portOpen(port)); i++) await new Promise((r) => setTimeout(r, 100))
  log(`Redis: private redis-server on ${port}`)
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill() }
}

/** Debian's Chromium (never a downloaded browser) and a CJK font for screenshots. */
export function ensureChromium(log: (l: string) => void) {
  const missing = ['/usr/bin/chromium', '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'].some((f) => !existsSync(f))
  if (!missing) return
  if (userInfo().uid !== 0) {
    throw new Error('Chromium is missing: install the Debian packages chromium and fonts-wqy-microhei (apt-get).')
  }
  log('Installing chromium and fonts-wqy-microhei with apt-get …')
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  const r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-wqy-microhei'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (r.status !== 0) throw new Error('apt-get install chromium failed')
}

/** Debian's poppler-utils (pdftotext, pdftoppm): the PDF tests read text and render pages to check CJK glyphs are drawn. */
export function ensurePoppler(log: (l: string) => void) {
  if (['/usr/bin/pdftotext', '/usr/bin/pdftoppm'].every((f) => existsSync(f))) return
  if (userInfo().uid !== 0) throw new Error('pdftotext/pdftoppm are missing: install the Debian package poppler-utils (apt-get).')
  log('Installing poppler-utils with apt-get …')
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  const r = spawnSync('apt-get', ['install', '-y', '-qq', 'poppler-utils'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  if (r.status !== 0) throw new Error('apt-get install poppler-utils failed')
}

export function withDatabase(url: string, database: string) {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

export async function createDatabase(adminUrl: string, name: string, template?: string) {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`)
  } finally {
    await client.end()
  }
}

export async function dropDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  } finally {
    await client.end()
  }
}
