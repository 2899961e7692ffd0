/**
 * The BullMQ workers (started by `npm run workers` in their own process, workers/index.ts) (DESIGN.md §5).
 * Today: certificate batches, concurrency 1 (serials are allocated under one
 * counter row lock anyway). SIGTERM/SIGINT close the worker gracefully: the
 * running job finishes its current certificate's transaction or is picked up
 * again later — either way nothing is lost or doubled (the unique key).
 */
import { UnrecoverableError, Worker } from 'bullmq'
import { CERTIFICATE_BATCH_QUEUE, certificateBatchPayload, queuePrefix, redisUrl, type CertificateBatchPayload } from '#app/jobs/certificate-batch.ts'
import { enqueueCertificateBatch, workerOptions } from '#app/jobs/queue.server.ts'
import { failBatch, runBatch, unfinishedBatchIds } from '#app/models/certificate-batches.server.ts'
import { CertificateError } from '#app/models/certificates.server.ts'
import { getDb } from '#app/utils/db.server.ts'

const log = (line: string) => console.log(`[workers] ${new Date().toISOString()} ${line}`)

export async function startWorkers() {
  const db = getDb()
  const worker = new Worker<CertificateBatchPayload>(
    CERTIFICATE_BATCH_QUEUE,
    async (job) => {
      const { batchId } = certificateBatchPayload.parse(job.data)
      const started = Date.now()
      log(`batch ${batchId}: start (attempt ${job.attemptsMade + 1})`)
      const result = await runBatch(db, batchId, { onProgress: (p) => job.updateProgress(p) }).catch((error: unknown) => {
        // Not in this database (another deployment sharing Redis and prefix, or a dropped test database): no retry helps.
        if (error instanceof CertificateError && error.code === 'not_found') throw new UnrecoverableError(`batch ${batchId} not found`)
        throw error
      })
      log(`batch ${batchId}: done, ${result.issued}/${result.total} issued, ${result.skipped} skipped, ${Date.now() - started} ms`)
      return result
    },
    workerOptions(1),
  )
  worker.on('failed', async (job, error) => {
    log(`batch ${job?.data.batchId}: attempt failed: ${error.message}`)
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) await failBatch(db, job.data.batchId, error.message).catch(() => {})
  })
  worker.on('error', (error) => log(`error: ${error.message}`))
  await worker.waitUntilReady()
  log(`certificate-batch worker ready (redis ${redisUrl()}, prefix ${queuePrefix()})`)
  // A batch whose job was lost (Redis down when it was created, Redis flushed) is enqueued again; jobId = batchId dedups.
  for (const id of await unfinishedBatchIds(db)) await enqueueCertificateBatch(id).catch((e: Error) => log(`re-enqueue ${id}: ${e.message}`))

  let closing = false
  const close = async (signal: string) => {
    if (closing) return
    closing = true
    log(`${signal}: closing (waiting for the running job)…`)
    await worker.close()
    await db.$disconnect().catch(() => {})
    log('closed')
  }
  return { worker, close }
}
