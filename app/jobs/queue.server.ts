/**
 * BullMQ connections (the production guide): workers retry Redis forever
 * (`maxRetriesPerRequest: null`), producers fail fast (`enableOfflineQueue:
 * false`, a short timeout) so a web request never hangs when Redis is down.
 */
import { Queue, type ConnectionOptions, type WorkerOptions } from 'bullmq'
import { getEnv } from '#app/utils/env.server.ts'
import { CERTIFICATE_BATCH_QUEUE, queuePrefix, redisUrl, type CertificateBatchPayload } from './certificate-batch.ts'

export function redisConnection(url = redisUrl()): ConnectionOptions {
  const u = new URL(url)
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  }
}

export const workerConnection = (): ConnectionOptions => ({ ...redisConnection(), maxRetriesPerRequest: null })
/**
 * Every worker's options: its own connection, the queue prefix, and a killed worker's job taken over once
 * its lock expires (XX_WORKER_LOCK_MS / XX_WORKER_STALLED_MS; 30 s by default, tests shorten them).
 */
export function workerOptions(concurrency: number): WorkerOptions {
  const env = getEnv()
  return {
    connection: workerConnection(),
    prefix: queuePrefix(),
    concurrency,
    lockDuration: env.XX_WORKER_LOCK_MS,
    stalledInterval: env.XX_WORKER_STALLED_MS,
    maxStalledCount: 10,
  }
}

export const producerConnection = (): ConnectionOptions => ({ ...redisConnection(), enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 })

const g = globalThis as unknown as { __xxBatchQueue?: { key: string; queue: Queue<CertificateBatchPayload> } }

export function certificateBatchQueue(): Queue<CertificateBatchPayload> {
  const key = `${redisUrl()}|${queuePrefix()}`
  if (!g.__xxBatchQueue || g.__xxBatchQueue.key !== key) {
    const queue = new Queue<CertificateBatchPayload>(CERTIFICATE_BATCH_QUEUE, { connection: producerConnection(), prefix: queuePrefix() })
    queue.on('error', () => {}) // a Redis outage surfaces as a failed add, not as an unhandled error
    g.__xxBatchQueue = { key, queue }
  }
  return g.__xxBatchQueue.queue
}

/** Adds the batch's job (jobId = batchId: adding twice is a no-op); rejects within ~3 s when Redis is unreachable. */
export async function enqueueCertificateBatch(batchId: string, queue = certificateBatchQueue()): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Redis 不可用：批量任务未能加入队列')), 3000)
  })
  try {
    await Promise.race([
      queue.add(
        'issue',
        { batchId },
        { jobId: batchId, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 },
      ),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}
