/**
 * `npm start`: everything a fresh machine needs, then the platform.
 *  1. Prisma Client generated, production build made when missing or stale;
 *  2. no DATABASE_URL → embedded PostgreSQL in .data/postgres;
 *  3. migrations applied, demo county seeded once on an empty database;
 *  4. Redis looked for (reminders and certificate batches need it); none answering and
 *     redis-server on PATH → a private one under .data/redis; then the BullMQ workers
 *     start in this process unless XX_WORKERS=separate;
 *  5. served on PORT (default 3000), with the URL and demo accounts printed.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { generatePrismaClient } from '#prisma/generate.ts'
import { migrate } from '#prisma/migrate-runner.ts'
import { startEmbeddedPostgres } from './embedded-postgres.server.ts'
import { startDemoSms } from './demo-sms.ts'
import { ensureKeys } from './keys.server.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const dev = process.argv.includes('--dev')
const log = (line: string) => console.log(`[xiangxue] ${line}`)

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'generated' || entry.name.startsWith('.')) continue
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs)
  }
  return newest
}

function buildIfStale() {
  const marker = path.join(root, 'build/server/index.js')
  const sources = Math.max(
    newestMtime(path.join(root, 'app')),
    ...['vite.config.ts', 'remix.config.js', 'package-lock.json'].map((f) => statSync(path.join(root, f)).mtimeMs),
  )
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return
  log('正在构建前端 (remix vite:build) …')
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/@remix-run/dev/dist/cli.js'), 'vite:build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (result.status !== 0) throw new Error('build failed')
}

async function redisReachable(url: string): Promise<boolean> {
  const { Redis } = await import('ioredis')
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null })
  try {
    await client.connect()
    await client.ping()
    return true
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

async function main() {
  const dataDir = path.join(root, '.data')
  process.env.NODE_ENV ??= dev ? 'development' : 'production'
  generatePrismaClient()
  if (!dev) buildIfStale()

  ensureKeys(dataDir, log)
  let stopDb: (() => Promise<void>) | undefined
  if (!process.env.DATABASE_URL) {
    const db = await startEmbeddedPostgres({
      dataDir,
      port: Number(process.env.XX_EMBEDDED_PG_PORT ?? 54329),
      database: 'xiangxue',
      log,
    })
    process.env.DATABASE_URL = db.url
    stopDb = db.stop
    log('使用内置 PostgreSQL（数据保存在 .data/postgres）')
  } else {
    log('使用 DATABASE_URL 指定的数据库')
  }

  // No SMS gateway configured: SMS (sign-in codes) go to a local stand-in that prints them; set before the env is first read.
  const stopSms = process.env.XX_SMS_URL ? undefined : await startDemoSms(log)

  const { applied } = await migrate({ connectionString: process.env.DATABASE_URL, log })
  log(applied.length ? `已应用 ${applied.length} 个数据库迁移` : '数据库结构已是最新')

  const { getDb } = await import('#app/utils/db.server.ts')
  const { seedIfEmpty, SEED_ACCOUNTS, seedPassword } = await import('#prisma/seed.ts')
  const { backfillAccounts, backfillPhoneHmacs } = await import('#app/models/accounts.server.ts')
  const phones = await backfillPhoneHmacs(getDb())
  if (phones.updated || phones.duplicate) log(`手机号查找索引：补齐 ${phones.updated} 个${phones.duplicate ? `，${phones.duplicate} 个与他人重复未补` : ''}`)
  const seeded = await seedIfEmpty(getDb(), { log })
  if (seeded) log('已创建演示数据：册亨县')
  const accounts = await backfillAccounts(getDb())
  if (accounts) log(`已为 ${accounts} 位已报名但还没有账号的学员和教师建立账号（无密码，可用短信验证码或学习卡登录）`)
  const { syncContent } = await import('./content-sync.ts')
  await syncContent(getDb(), { log })

  // From here on the environment is complete (database, keys): configuration is read through the validated env.
  const { DEFAULT_REDIS_URL, getEnv, resetEnvCache } = await import('#app/utils/env.server.ts')
  let env = getEnv()
  let redisUrl = env.REDIS_URL ?? DEFAULT_REDIS_URL
  let stopWorkers: (() => Promise<void>) | undefined
  let stopRedis: (() => Promise<void>) | undefined
  let redisUp = await redisReachable(redisUrl)
  if (!redisUp && !process.env.REDIS_URL) {
    // A fresh machine: a private redis-server under .data/redis when one is installed (AOF, noeviction, loopback, a free port).
    const { NO_REDIS_MESSAGE, redisServerOnPath, startPrivateRedis } = await import('./redis.server.ts')
    const redis = redisServerOnPath()
      ? await startPrivateRedis({ dir: path.join(dataDir, 'redis'), log }).catch((error: Error) => {
          log(`redis-server 启动失败：${error.message}`)
          return null
        })
      : null
    if (redis) {
      process.env.REDIS_URL = redis.url
      resetEnvCache()
      env = getEnv()
      redisUrl = redis.url
      stopRedis = redis.stop
      redisUp = true
      log(`未找到 Redis，已启动本机专用的 redis-server（${redis.url}，数据在 .data/redis，AOF 开启，noeviction），退出时一起停止。`)
    } else {
      log(NO_REDIS_MESSAGE)
    }
  }
  if (redisUp) {
    log(`Redis 可用 (${redisUrl})。`)
    if (env.XX_WORKERS === 'inline') {
      // The workers run in this process (XX_WORKERS=separate: run `npm run workers` on its own instead).
      const { startWorkers } = await import('../../workers/certificate-batch.worker.ts')
      const { startReminderWorkers } = await import('../../workers/reminders.ts')
      const reminders = await startReminderWorkers()
      const workers = await startWorkers()
      const { startRosterImportWorker } = await import('../../workers/roster-import.worker.ts')
      const imports = await startRosterImportWorker()
      stopWorkers = async () => {
        await imports.close('shutdown')
        await reminders.close('shutdown')
        await workers.close('shutdown')
      }
      log('后台任务（提醒：短信、邮件、站内通知；批量颁发证书；花名册导入）已在本进程启动。')
    }
  } else if (process.env.REDIS_URL) {
    log(`未连接到 Redis (${redisUrl})：提醒和批量任务暂停。请检查 REDIS_URL 后重新运行 npm start。`)
  }

  const { createHttpApp } = await import('./http.ts')
  const app = await createHttpApp({ root, dev, publicUrl: env.XX_PUBLIC_URL, trustProxy: env.XX_TRUST_PROXY })
  const { getPublicOrigin, publicOriginWarning } = await import('#app/utils/env.server.ts')
  const server = app.listen(env.PORT, () => {
    // The origin of every signed or printed link (DESIGN.md §11 "Public origin"), never the request's Host.
    console.log(`\n  乡学 XiangXue 已启动：${getPublicOrigin()}\n`)
    const warning = publicOriginWarning()
    if (warning) console.log(`  ⚠ ${warning}\n`)
    console.log('  演示账号（密码均为 XX_SEED_PASSWORD，默认 ' + seedPassword() + '）：')
    for (const a of SEED_ACCOUNTS) console.log(`    ${a.username.padEnd(18)} ${a.label}`)
    console.log('')
  })

  const shutdown = async () => {
    server.close()
    await stopWorkers?.().catch(() => {})
    await getDb()
      .$disconnect()
      .catch(() => {})
    await stopSms?.().catch(() => {})
    await stopRedis?.().catch(() => {})
    await stopDb?.().catch(() => {})
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

main().catch((error) => {
  console.error('[xiangxue] 启动失败：', error)
  process.exit(1)
})
