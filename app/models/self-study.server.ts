/**
 * Self-study logs (DESIGN.md §3): a learner records date, minutes and what was
 * studied; a coordinator in scope approves (one ledger entry, in the same
 * transaction) or rejects with a reason the learner sees.
 */
import { groupScopeWhere, type Scope } from '#app/models/access.server.ts'
import { checkSelfStudyLog, type SelfStudyProblem } from '#app/domain/self-study.ts'
import type { Db } from '#app/utils/db.server.ts'
import { isUniqueViolation } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { recordAudit } from './audit.server.ts'
import { appendHourEntry } from './ledger.server.ts'
import { deleteUpload, storeImage } from './uploads.server.ts'
import { dateOnly } from '#app/domain/time.ts'
import { shortChineseDate } from '#app/domain/reminders.ts'
import { notifyDecision } from './notifications.server.ts'

export class SelfStudyError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid' | 'reason_required' | 'conflict',
    readonly problem?: SelfStudyProblem,
  ) {
    super(code)
    this.name = 'SelfStudyError'
  }
}

const day = (d: string) => new Date(`${d}T00:00:00Z`)

/** The learner's self-study page: the active enrollments a log may be for, and their own logs, newest first (nothing without a person). */
export async function loadSelfStudyPage(db: Db, personId: string | null) {
  if (!personId) return { enrollments: [], logs: [] }
  const [enrollments, logs] = await Promise.all([selfStudyEnrollments(db, personId), listLogsOfPerson(db, personId)])
  return { enrollments, logs }
}

/** The person's active enrollments, the ones self-study can be logged for. */
function selfStudyEnrollments(db: Db, personId: string) {
  return db.enrollment.findMany({
    where: { personId, status: 'active' },
    orderBy: { startDate: 'desc' },
    select: { id: true, startDate: true, periodEnd: true, group: { select: { name: true, code: true } } },
  })
}

/** The person's own logs, newest first. */
function listLogsOfPerson(db: Db, personId: string, take = 50) {
  return db.selfStudyLog.findMany({
    where: { personId },
    orderBy: [{ studiedOn: 'desc' }, { createdAt: 'desc' }],
    take,
    select: {
      id: true,
      studiedOn: true,
      minutes: true,
      content: true,
      status: true,
      rejectReason: true,
      photoKey: true,
      enrollment: { select: { group: { select: { name: true } } } },
    },
  })
}

export type SubmitSelfStudy = {
  personId: string
  enrollmentId: string
  date: string
  minutes: number
  content: string
  /** The optional photo, as readUploadForm (app/utils/uploads.server.ts) read it. */
  photo: File | null
  idempotencyKey: string
  /** Beijing date of today. */
  today: string
}

/**
 * Records one log with its optional photo. The photo is stored first, by its
 * content (UploadError for anything but a JPEG or PNG); a log refused, or one
 * that already existed, leaves no file behind.
 */
export async function submitSelfStudyLog(db: Db, input: SubmitSelfStudy) {
  const { photo, ...log } = input
  const photoKey = photo ? (await storeImage(photo, 'self-study')).key : null
  try {
    const result = await recordSelfStudyLog(db, { ...log, photoKey })
    if (!result.created && photoKey) await deleteUpload(photoKey)
    return result
  } catch (error) {
    if (photoKey) await deleteUpload(photoKey)
    throw error
  }
}

/**
 * Records one log. The same idempotency key of the same person always gives
 * the same log (a double submit, or an entry queued offline and sent again,
 * creates one). This person's logs are serialized by a lock on
 * the person row, so two forms at once cannot pass the 24-hours-a-day check
 * together.
 */
async function recordSelfStudyLog(db: Db, input: Omit<SubmitSelfStudy, 'photo'> & { photoKey: string | null }) {
  try {
    return await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT "id" FROM "Person" WHERE "id" = ${input.personId} FOR UPDATE`
      const existing = await tx.selfStudyLog.findUnique({
        where: { personId_idempotencyKey: { personId: input.personId, idempotencyKey: input.idempotencyKey } },
      })
      if (existing) return { log: existing, created: false }
      const enrollment = await tx.enrollment.findFirst({
        where: { id: input.enrollmentId, personId: input.personId, status: 'active' },
        select: { id: true, startDate: true, periodEnd: true },
      })
      if (!enrollment) throw new SelfStudyError('not_found')
      const logged = await tx.selfStudyLog.aggregate({
        where: { personId: input.personId, studiedOn: day(input.date), status: { in: ['pending', 'approved'] } },
        _sum: { minutes: true },
      })
      const problem = checkSelfStudyLog({
        date: input.date,
        minutes: input.minutes,
        today: input.today,
        periodStart: dateOnly(enrollment.startDate),
        periodEnd: enrollment.periodEnd ? dateOnly(enrollment.periodEnd) : null,
        loggedThatDay: logged._sum.minutes ?? 0,
      })
      if (problem) throw new SelfStudyError('invalid', problem)
      const log = await tx.selfStudyLog.create({
        data: {
          id: newId(),
          enrollmentId: enrollment.id,
          personId: input.personId,
          studiedOn: day(input.date),
          minutes: input.minutes,
          content: input.content,
          photoKey: input.photoKey,
          idempotencyKey: input.idempotencyKey,
        },
      })
      return { log, created: true }
    })
  } catch (error) {
    // A concurrent submit with the same key committed first.
    if (isUniqueViolation(error)) {
      const log = await db.selfStudyLog.findUnique({ where: { personId_idempotencyKey: { personId: input.personId, idempotencyKey: input.idempotencyKey } } })
      if (log) return { log, created: false }
    }
    throw error
  }
}

/** A log's scope filter: its class or round lies in one of the scopes. */
const logInScope = (scopes: Scope[]) => ({ enrollment: { group: groupScopeWhere(scopes) } })

/** Pending logs of classes and rounds in scope, oldest first. */
export function listPendingLogs(db: Db, scopes: Scope[], take = 200) {
  return db.selfStudyLog.findMany({
    where: { status: 'pending', ...logInScope(scopes) },
    orderBy: { createdAt: 'asc' },
    take,
    select: {
      id: true,
      studiedOn: true,
      minutes: true,
      content: true,
      photoKey: true,
      createdAt: true,
      enrollment: { select: { person: { select: { id: true, name: true } }, group: { select: { name: true, code: true } } } },
    },
  })
}

export function countPendingLogs(db: Db, scopes: Scope[]) {
  return db.selfStudyLog.count({ where: { status: 'pending', ...logInScope(scopes) } })
}

/**
 * Approves (→ one self-study entry in the ledger, same transaction) or rejects
 * (reason required, no entry). The log row is locked and its status read
 * again under the lock, so a second approval — even at the same moment —
 * changes nothing; the ledger's one-entry-per-log index backs this up.
 * Out-of-scope logs are not found.
 */
export async function reviewSelfStudyLog(
  db: Db,
  opts: { logId: string; scopes: Scope[]; reviewerId: string; decision: 'approve' | 'reject'; reason?: string | null; ip?: string | null },
): Promise<{ status: 'approved' | 'rejected'; changed: boolean }> {
  const reason = opts.reason?.trim() || null
  if (opts.decision === 'reject' && !reason) throw new SelfStudyError('reason_required')
  const visible = await db.selfStudyLog.findFirst({
    where: { id: opts.logId, ...logInScope(opts.scopes) },
    select: { id: true, enrollment: { select: { group: { select: { region: { select: { path: true } } } } } } },
  })
  if (!visible) throw new SelfStudyError('not_found')
  const scopePath = visible.enrollment.group.region.path

  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ status: 'pending' | 'approved' | 'rejected' }[]>`
      SELECT "status"::text AS "status" FROM "SelfStudyLog" WHERE "id" = ${opts.logId} FOR UPDATE`
    if (!row) throw new SelfStudyError('not_found')
    if (row.status !== 'pending') return { status: row.status, changed: false }
    const now = new Date()
    const log = await tx.selfStudyLog.update({
      where: { id: opts.logId },
      data:
        opts.decision === 'approve'
          ? { status: 'approved', reviewedById: opts.reviewerId, reviewedAt: now }
          : { status: 'rejected', reviewedById: opts.reviewerId, reviewedAt: now, rejectReason: reason },
    })
    let entryId: string | null = null
    if (opts.decision === 'approve') {
      const { entry } = await appendHourEntry(tx, {
        enrollmentId: log.enrollmentId,
        category: 'self_study',
        minutes: log.minutes,
        date: dateOnly(log.studiedOn),
        source: 'self_study_log',
        sourceRef: log.id,
        createdById: opts.reviewerId,
        ip: opts.ip ?? null,
      })
      entryId = entry.id.toString()
    }
    await recordAudit(tx, {
      actorId: opts.reviewerId,
      action: opts.decision === 'approve' ? 'self_study.approve' : 'self_study.reject',
      entityType: 'SelfStudyLog',
      entityId: log.id,
      before: { status: 'pending' },
      after: { status: log.status, minutes: log.minutes, studiedOn: dateOnly(log.studiedOn), rejectReason: log.rejectReason, hourEntryId: entryId },
      ip: opts.ip ?? null,
      scopePath,
    })
    // The learner hears the result and the reason (issue 11), in this transaction.
    await notifyDecision(tx, {
      kind: 'self_study',
      decisionId: log.id,
      enrollmentId: log.enrollmentId,
      approved: opts.decision === 'approve',
      reason,
      detail: `${shortChineseDate(dateOnly(log.studiedOn))}的自学`,
    })
    return { status: log.status as 'approved' | 'rejected', changed: true }
  })
}

/**
 * The photo key of a log, when `viewer` may see it: the learner whose log it
 * is, or staff whose scopes include the log's class or round. Null otherwise
 * (answer 404).
 */
export async function photoKeyForViewer(db: Db, logId: string, viewer: { personId: string | null; scopes: Scope[] }): Promise<string | null> {
  if (!viewer.personId && viewer.scopes.length === 0) return null
  const log = await db.selfStudyLog.findFirst({
    where: {
      id: logId,
      photoKey: { not: null },
      OR: [...(viewer.personId ? [{ personId: viewer.personId }] : []), ...(viewer.scopes.length > 0 ? [logInScope(viewer.scopes)] : [])],
    },
    select: { photoKey: true },
  })
  return log?.photoKey ?? null
}
