/**
 * The certificate-batch queue (DESIGN.md §5): one job per CertificateBatch,
 * jobId = batchId. The job only names the batch; what to issue and how far it
 * got live in PostgreSQL, so a lost or repeated job never loses or doubles a
 * certificate (issueCertificate is idempotent per enrollment and type).
 */
import { z } from 'zod'

export const CERTIFICATE_BATCH_QUEUE = 'certificate-batch'

export const certificateBatchPayload = z.object({ batchId: z.string().min(1) })
export type CertificateBatchPayload = z.infer<typeof certificateBatchPayload>

/** Key prefix of every queue (tests set XX_QUEUE_PREFIX to keep their queues apart). */
export function queuePrefix(): string {
  return process.env.XX_QUEUE_PREFIX || 'xx'
}

export function redisUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379'
}
