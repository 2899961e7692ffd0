/**
 * The roster-import queue (issue 12): one job per confirmed import of more
 * than JOB_THRESHOLD new rows, jobId = the import's id. The job only names the
 * import; its rows, their results and progress live in PostgreSQL (RosterImport), so
 * a lost or repeated job never loses or doubles a person.
 */
import { Queue } from 'bullmq'
import { z } from 'zod'
import { queuePrefix, redisUrl } from './certificate-batch.ts'
import { producerConnection } from './queue.server.ts'

export const ROSTER_IMPORT_QUEUE = 'roster-import'

export const rosterImportPayload = z.object({ importId: z.string().min(1) })
export type RosterImportPayload = z.infer<typeof rosterImportPayload>

const g = globalThis as unknown as { __xxRosterQueue?: { key: string; queue: Queue<RosterImportPayload> } }

export function rosterImportQueue(): Queue<RosterImportPayload> {
  const key = `${redisUrl()}|${queuePrefix()}`
  if (!g.__xxRosterQueue || g.__xxRosterQueue.key !== key) {
    const queue = new Queue<RosterImportPayload>(ROSTER_IMPORT_QUEUE, { connection: producerConnection(), prefix: queuePrefix() })
    queue.on('error', () => {}) // an outage surfaces as a failed add, not as an unhandled error
    g.__xxRosterQueue = { key, queue }
  }
  return g.__xxRosterQueue.queue
}

/**
 * Adds the import's job; rejects within ~3 s when Redis is unreachable. The
 * jobId carries the attempt's start so an import confirmed again after a
 * failure gets a fresh job (a finished job's id would be a no-op).
 */
export async function enqueueRosterImport(importId: string, queue = rosterImportQueue()): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Redis 不可用：导入任务未能加入队列')), 3000)
  })
  try {
    await Promise.race([
      queue.add(
        'import',
        { importId },
        { jobId: `${importId}-${Date.now()}`, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 },
      ),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}
