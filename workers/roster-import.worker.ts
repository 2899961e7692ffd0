/**
 * The roster-import worker (issue 12; started with the others by `npm run
 * workers`, workers/index.ts, or inside `npm start`): runs a confirmed
 * import's batches (app/models/roster-import.server.ts `runRosterImport`),
 * concurrency 1. Killed mid-way, the batch in flight is rolled back whole and
 * the job (or the re-enqueue at the next start) resumes with the rows no committed batch took.
 */
import { UnrecoverableError, Worker } from 'bullmq'
import { queuePrefix, redisUrl } from '#app/jobs/certificate-batch.ts'
import { workerOptions } from '#app/jobs/queue.server.ts'
import { enqueueRosterImport, ROSTER_IMPORT_QUEUE, rosterImportPayload, type RosterImportPayload } from '#app/jobs/roster-import.ts'
import { NotFoundError } from '#app/models/errors.server.ts'
import { failRosterImport, runRosterImport, unfinishedRosterImportIds } from '#app/models/roster-import.server.ts'

const log = (line: string) => console.log(`[roster-import] ${new Date().toISOString()} ${line}`)

export async function startRosterImportWorker() {
  const worker = new Worker<RosterImportPayload>(
    ROSTER_IMPORT_QUEUE,
    async (job) => {
      const { importId } = rosterImportPayload.parse(job.data)
      const started = Date.now()
      log(`import ${importId}: start (attempt ${job.attemptsMade + 1})`)
      const result = await runRosterImport(importId, { onProgress: (p) => job.updateProgress(p) }).catch((error: unknown) => {
        if (error instanceof NotFoundError) throw new UnrecoverableError(`import ${importId} not found`)
        throw error
      })
      log(`import ${importId}: done, ${result.created} created, ${result.skipped} skipped, ${Date.now() - started} ms`)
      return result
    },
    workerOptions(1),
  )
  worker.on('failed', async (job, error) => {
    log(`import ${job?.data.importId}: attempt failed: ${error.message}`)
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) await failRosterImport(job.data.importId, error.message).catch(() => {})
  })
  worker.on('error', (error) => log(`error: ${error.message}`))
  await worker.waitUntilReady()
  log(`roster-import worker ready (redis ${redisUrl()}, prefix ${queuePrefix()})`)
  // An import whose job was lost (Redis down or flushed) is enqueued again; a row a committed batch took is never taken again, so a second run is harmless.
  for (const id of await unfinishedRosterImportIds()) await enqueueRosterImport(id).catch((e: Error) => log(`re-enqueue ${id}: ${e.message}`))

  let closing = false
  const close = async (signal: string) => {
    if (closing) return
    closing = true
    log(`${signal}: closing (waiting for the running batch)…`)
    await worker.close()
    log('closed')
  }
  return { worker, close }
}
