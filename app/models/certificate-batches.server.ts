/**
 * 批量颁发 (DESIGN.md §4–§6): a CertificateBatch names the enrollments of a
 * group eligible for a certificate type when it was created; the
 * certificate-batch worker issues them one per transaction, in order, through
 * issueCertificate. Its unique key (enrollment + type) is what makes the work
 * idempotent: a worker killed half-way and started again skips what exists.
 */
import { CERTIFICATE_TYPES, certificateAllowed, type CertificateType } from '#app/domain/certificates.ts'
import { beijingDate } from '#app/domain/time.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { groupScopeWhere, type Scope } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { certificatePdf, CertificateError, issueCertificate } from './certificates.server.ts'
import { NotFoundError } from './errors.server.ts'
import { findGroupInScope } from './groups.server.ts'
import { loadProgress } from './progress.server.ts'

/** Per type, the enrollments of the group whose outcome allows it now and that have no such certificate yet, in a stable order. */
export async function eligibleByType(db: Db, opts: { groupId: string; asOf?: string }): Promise<Record<CertificateType, string[]>> {
  const enrollments = await db.enrollment.findMany({
    where: { groupId: opts.groupId },
    select: { id: true, certificates: { select: { type: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  })
  const progress = await loadProgress(
    db,
    enrollments.map((e) => e.id),
    opts.asOf ?? beijingDate(new Date()),
  )
  const result = Object.fromEntries(CERTIFICATE_TYPES.map((t) => [t, [] as string[]])) as Record<CertificateType, string[]>
  for (const e of enrollments) {
    const p = progress.get(e.id)
    if (!p) continue
    for (const type of CERTIFICATE_TYPES) {
      if (e.certificates.some((c) => c.type === type)) continue
      if (certificateAllowed(type, p.outcome.status, p.outcome.earlyGraduation)) result[type].push(e.id)
    }
  }
  return result
}

export async function eligibleEnrollmentIds(db: Db, opts: { groupId: string; type: CertificateType; asOf?: string }): Promise<string[]> {
  return (await eligibleByType(db, opts))[opts.type]
}

/**
 * Stores a batch of the eligible enrollments and enqueues its one job. When
 * Redis is down the batch stays `queued` with the error noted; the worker picks
 * up queued batches when it starts.
 */
export async function createBatch(
  db: Db,
  opts: { groupId: string; type: CertificateType; actorId: string | null; ip?: string | null; enqueue?: (batchId: string) => Promise<void> },
) {
  const group = await db.group.findUnique({ where: { id: opts.groupId }, select: { id: true, region: { select: { path: true } } } })
  if (!group) throw new CertificateError('not_found')
  const ids = await eligibleEnrollmentIds(db, opts)
  if (ids.length === 0) throw new CertificateError('not_eligible', ['没有可颁发证书的学员'])
  const batch = await db.$transaction(async (tx) => {
    const created = await tx.certificateBatch.create({
      data: { id: newId(), groupId: group.id, type: opts.type, enrollmentIds: ids, total: ids.length, createdById: opts.actorId },
    })
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: 'certificate.batch_create',
      entityType: 'CertificateBatch',
      entityId: created.id,
      after: { groupId: group.id, type: opts.type, total: ids.length },
      ip: opts.ip,
      scopePath: group.region.path,
    })
    return created
  })
  const enqueue = opts.enqueue ?? (async (id: string) => (await import('#app/jobs/queue.server.ts')).enqueueCertificateBatch(id))
  try {
    await enqueue(batch.id)
  } catch (error) {
    await db.certificateBatch.update({ where: { id: batch.id }, data: { error: error instanceof Error ? error.message : String(error) } })
  }
  return batch
}

export type BatchProgress = { issued: number; total: number; skipped: number }

/**
 * Issues every enrollment of the batch in order. Certificates that exist
 * already (an earlier run, a coordinator's single issue) count as issued;
 * enrollments no longer eligible are skipped and named in `error`.
 */
export async function runBatch(db: Db, batchId: string, opts: { onProgress?: (p: BatchProgress) => Promise<void> | void } = {}): Promise<BatchProgress> {
  const batch = await db.certificateBatch.findUnique({ where: { id: batchId } })
  if (!batch) throw new CertificateError('not_found')
  const ids = batch.enrollmentIds as string[]
  if (batch.status === 'done') return { issued: batch.issued, total: batch.total, skipped: batch.total - batch.issued }
  await db.certificateBatch.update({ where: { id: batchId }, data: { status: 'running', error: null } })
  let issued = 0
  const skipped: string[] = []
  for (const [i, enrollmentId] of ids.entries()) {
    try {
      await issueCertificate(db, { enrollmentId, type: batch.type, actorId: batch.createdById, batchId })
      issued++
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error
      skipped.push(enrollmentId)
    }
    if ((i + 1) % 5 === 0 || i === ids.length - 1) {
      await db.certificateBatch.update({ where: { id: batchId }, data: { issued } })
      await opts.onProgress?.({ issued, total: ids.length, skipped: skipped.length })
    }
  }
  await db.certificateBatch.update({
    where: { id: batchId },
    data: { status: 'done', issued, finishedAt: new Date(), error: skipped.length ? `${skipped.length} 名学员已不符合条件，未颁发` : null },
  })
  return { issued, total: ids.length, skipped: skipped.length }
}

/** Marks a batch failed (the worker's last attempt failed). */
export async function failBatch(db: Db, batchId: string, message: string) {
  await db.certificateBatch.updateMany({ where: { id: batchId, status: { not: 'done' } }, data: { status: 'failed', error: message, finishedAt: new Date() } })
}

/** Batches to (re)enqueue when a worker starts: a lost job must not strand one. */
export async function unfinishedBatchIds(db: Db): Promise<string[]> {
  const rows = await db.certificateBatch.findMany({ where: { status: { in: ['queued', 'running'] } }, select: { id: true }, orderBy: { createdAt: 'asc' } })
  return rows.map((r) => r.id)
}

/** A batch whose group lies inside the scopes, or null. */
export function findBatchInScope(db: Db, scopes: Scope[], batchId: string) {
  return db.certificateBatch.findFirst({
    where: { id: batchId, group: groupScopeWhere(scopes) },
    include: { group: { select: { id: true, name: true, code: true } } },
  })
}

/**
 * 批量颁发 for a group in scope: per certificate type how many of its
 * learners may get one now, and its ten most recent batches; NotFoundError
 * for a group outside the scopes.
 */
export async function groupBatchOverview(db: Db, scopes: Scope[], groupId: string) {
  const group = await findGroupInScope(db, scopes, groupId, { id: true, name: true })
  if (!group) throw new NotFoundError('group')
  const [eligible, batches] = await Promise.all([
    eligibleByType(db, { groupId: group.id }),
    db.certificateBatch.findMany({ where: { groupId: group.id }, orderBy: { createdAt: 'desc' }, take: 10 }),
  ])
  return {
    group,
    counts: CERTIFICATE_TYPES.map((type) => ({ type, count: eligible[type].length })),
    batches: batches.map((b) => ({ id: b.id, type: b.type, status: b.status, issued: b.issued, total: b.total, createdAt: b.createdAt.toISOString() })),
  }
}

/** The eligible list is no longer the one the coordinator confirmed (someone issued or the outcomes changed meanwhile). */
export class BatchListChanged extends Error {
  constructor() {
    super('the eligible list changed since it was confirmed')
    this.name = 'BatchListChanged'
  }
}

/**
 * What a batch of `type` would issue now, before it is started (issue 15: the coordinator sees
 * the names and confirms): the eligible enrollments' names, in the order the batch issues them.
 * NotFoundError for a group outside the scopes.
 */
export async function batchPreview(db: Db, scopes: Scope[], groupId: string, type: CertificateType) {
  const group = await findGroupInScope(db, scopes, groupId, { id: true })
  if (!group) throw new NotFoundError('group')
  const ids = await eligibleEnrollmentIds(db, { groupId: group.id, type })
  const rows = await db.enrollment.findMany({ where: { id: { in: ids } }, select: { id: true, person: { select: { id: true, name: true, idMasked: true } } } })
  const byId = new Map(rows.map((r) => [r.id, r]))
  return {
    type,
    people: ids.flatMap((id) => {
      const r = byId.get(id)
      return r ? [{ enrollmentId: r.id, personId: r.person.id, name: r.person.name, idMasked: r.person.idMasked }] : []
    }),
  }
}

/** Starts a batch for a group in scope (createBatch); NotFoundError for a group outside the scopes. */
export async function createBatchInScope(
  db: Db,
  scopes: Scope[],
  opts: {
    groupId: string
    type: CertificateType
    actorId: string
    ip?: string | null
    /** The count the coordinator confirmed: refused (list_changed) when the eligible list is no longer that long. */ expected?: number
  },
) {
  const group = await findGroupInScope(db, scopes, opts.groupId, { id: true })
  if (!group) throw new NotFoundError('group')
  if (opts.expected !== undefined && (await eligibleEnrollmentIds(db, { groupId: group.id, type: opts.type })).length !== opts.expected) {
    throw new BatchListChanged()
  }
  return createBatch(db, { ...opts, groupId: group.id })
}

/**
 * A finished batch in scope as the files of its ZIP: every certificate of the
 * batch's enrollments and type, in serial order, each PDF rendered only when
 * the next file is asked for (memory stays at one PDF, not 500).
 * NotFoundError for a batch outside the scopes or not yet done.
 */
export async function batchPdfFiles(db: Db, scopes: Scope[], batchId: string) {
  const batch = await findBatchInScope(db, scopes, batchId)
  if (!batch || batch.status !== 'done') throw new NotFoundError('record')
  const rows = await db.certificate.findMany({
    where: { enrollmentId: { in: batch.enrollmentIds as string[] }, type: batch.type },
    select: { id: true },
    orderBy: { sequence: 'asc' },
  })
  async function* files() {
    for (const { id } of rows) {
      const c = await db.certificate.findUniqueOrThrow({ where: { id } })
      yield { name: `${c.serial}.pdf`, bytes: await certificatePdf(c) }
    }
  }
  return { batch, fileName: `certificates-${batch.group.code}-${batch.type}.zip`, files: files() }
}
