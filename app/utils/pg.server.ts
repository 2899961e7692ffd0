import pg from 'pg'
import { getEnv } from './env.server.ts'

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
