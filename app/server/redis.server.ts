/**
 * A private Redis for a fresh machine (DESIGN.md §6): when no Redis answers
 * and `redis-server` is on PATH, `npm start` runs one under .data/redis —
 * AOF on, maxmemory-policy noeviction, loopback only, on a free port — and
 * stops it on exit. The reliability tests start their own the same way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import net from 'node:net'

export function redisServerOnPath(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const { Redis } = await import('ioredis')
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null })
  client.on('error', () => {})
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

export type PrivateRedis = { url: string; port: number; child: ChildProcess; stop: () => Promise<void> }

/** Starts redis-server in `dir` (AOF, noeviction, 127.0.0.1) on `port` (a free one by default) and waits until it answers. */
export async function startPrivateRedis(opts: { dir: string; port?: number; log?: (line: string) => void }): Promise<PrivateRedis> {
  const bin = redisServerOnPath()
  if (!bin) throw new Error('redis-server not found on PATH')
  mkdirSync(opts.dir, { recursive: true })
  const port = opts.port ?? (await freePort())
  const child = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      opts.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      '--protected-mode',
      'yes',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  child.stderr!.on('data', (d: Buffer) => opts.log?.(`redis-server: ${d.toString().trim()}`))
  const url = `redis://127.0.0.1:${port}`
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`)
    if (await redisAnswers(url, 300)) break
    await new Promise((r) => setTimeout(r, 100))
  }
  if (!(await redisAnswers(url, 1000))) {
    child.kill('SIGKILL')
    throw new Error('redis-server did not answer')
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM') // redis-server flushes the AOF on SIGTERM
    })
  return { url, port, child, stop }
}

/** What npm start says when there is no Redis and none to start. */
export const NO_REDIS_MESSAGE =
  '未找到 Redis：提醒（短信、邮件、站内通知的定时检查）和批量颁发证书已暂停，其他功能不受影响。' +
  '安装方法：Debian/Ubuntu 运行 `sudo apt-get install redis-server`，然后重新运行 npm start（会自动在 .data/redis 启动一个本机专用的 Redis）；' +
  '或设置 REDIS_URL 指向已有的 Redis（需 maxmemory-policy noeviction）。'
