import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { getEnv } from './env.server.ts'

/** A pool or one of its clients (inside a transaction). */
export type PgQueryable = Pick<pg.Pool | pg.PoolClient, 'query'>

/**
 * A plain node-postgres pool on the same DATABASE_URL as getDb(), for the few
 * hot paths where Prisma's per-query cost matters (heartbeats: measured here
 * at ~2,000 raw queries/s through Prisma against ~10,000/s through pg).
 */
const globalForPool = globalThis as unknown as { __xxPool?: pg.Pool; __xxPoolUrl?: string }

export function getPool(): pg.Pool {
  const url = getEnv().DATABASE_URL
  if (!globalForPool.__xxPool || globalForPool.__xxPoolUrl !== url) {
    void globalForPool.__xxPool?.end().catch(() => {})
    const pool = new pg.Pool({ connectionString: url, max: 10 })
    // An idle connection dropped by the server (restart, test database dropped) must not crash the process.
    pool.on('error', (error) => console.error('pg pool:', error.message))
    globalForPool.__xxPool = pool
    globalForPool.__xxPoolUrl = url
  }
  return globalForPool.__xxPool
}

export async function closePool() {
  await globalForPool.__xxPool?.end().catch(() => {})
  globalForPool.__xxPool = undefined
}

/**
 * Runs `work` in one transaction on a pool client (BEGIN … COMMIT, ROLLBACK on
 * any error): for bulk statements with large array parameters (the roster
 * import's multi-row INSERTs), where pg also costs far less memory than
 * Prisma's $queryRaw (measured: 60 statements of 15 × 1,000 text parameters
 * grow the process by ~290 MB through Prisma, ~36 MB through pg; bench/README.md).
 */
export async function pgTransaction<R>(work: (client: pg.PoolClient) => Promise<R>): Promise<R> {
  const client = await getPool().connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}

/** One value in COPY's text format: NULL as \\N; backslash, tab, newline and carriage return escaped. */
export function copyValue(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N'
  const s = String(v)
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s
}

/** One row in COPY's text format. */
export const copyLine = (values: readonly (string | number | boolean | null | undefined)[]) => `${values.map(copyValue).join('\t')}\n`

/**
 * `COPY … FROM STDIN` on a client (inside its transaction, when there is one;
 * pg-copy-streams): write lines (copyLine) as they come, with backpressure,
 * then `end()` waits for the server to take them all. A COPY cut off by an
 * error is never half-applied: the statement (and its transaction) fails whole.
 */
export function copyIn(client: pg.PoolClient, sql: string) {
  const stream = client.query(copyFrom(sql))
  let failure: Error | null = null
  stream.on('error', (error: Error) => (failure ??= error))
  return {
    async write(text: string) {
      if (failure) throw failure
      if (!stream.write(text)) await once(stream, 'drain')
    },
    async end() {
      if (failure) throw failure
      stream.end()
      await finished(stream)
    },
  }
}
