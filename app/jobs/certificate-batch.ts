/**
 * The certificate-batch queue (DESIGN.md §5): one job per CertificateBatch,
 * jobId = batchId. The job only names the batch; what to issue and how far it
 * got live in PostgreSQL, so a lost or repeated job never loses or doubles a
 * certificate (issueCertificate is idempotent per enrollment and type).
 */
import { z } from 'zod'
import { DEFAULT_REDIS_URL, getEnv } from '#app/utils/env.server.ts'

export const CERTIFICATE_BATCH_QUEUE = 'certificate-batch'

export const certificateBatchPayload = z.object({ batchId: z.string().min(1) })
export type CertificateBatchPayload = z.infer<typeof certificateBatchPayload>

/** Key prefix of every queue (XX_QUEUE_PREFIX; tests set their own to keep their queues apart). */
export function queuePrefix(): string {
  return getEnv().XX_QUEUE_PREFIX
}

export function redisUrl(): string {
  return getEnv().REDIS_URL ?? DEFAULT_REDIS_URL
}
