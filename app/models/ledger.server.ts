/**
 * The hour ledger (DESIGN.md §3): append-only HourEntry rows, each audited in
 * the same transaction. Nothing here updates or deletes an entry (a trigger
 * would refuse it); a correction is a new entry pointing at the one it
 * corrects, with a reason.
 */
import type { Prisma } from '#app/generated/prisma/client.ts'
import type { HourCategory, HourSource } from '#app/generated/prisma/client.ts'
import { ENROLLMENT_ACTORS } from '#app/domain/roles.ts'
import { beijingDate, isIsoDate, dateOnly } from '#app/domain/time.ts'
import { translator, type MessageKey, type T } from '#app/i18n/index.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { enrollmentAccessWhere, findEnrollmentInScope, plausibleId, type CurrentUser } from './access.server.ts'
import { recordAudit, recordAudits } from './audit.server.ts'
import { AppError, type AppErrorKind } from './errors.server.ts'

type LedgerProblem =
  | 'minutes'
  | 'date'
  | 'reasonRequired'
  | 'negativeOnlyAdjustment'
  | 'outsidePeriod'
  | 'futureDate'
  | 'entryNotFound'
  | 'alreadyCorrected'
  | 'exceedsRemaining'
  | 'externalIdReused'
  | 'enrollmentNotFound'

const zh = translator('zh-CN')

/** A refusal of the ledger; `field` is the request field of the API (minutes, date, reason). */
export class LedgerError extends AppError {
  constructor(
    readonly code: 'not_found' | 'validation_failed' | 'conflict',
    readonly problem: LedgerProblem,
    readonly params: Record<string, string | number> = {},
    readonly fieldName?: string,
  ) {
    super('')
    this.name = 'LedgerError'
    // The Chinese wording, for logs and callers that pass it on (attendance corrections).
    this.message = this.describe(zh)
  }
  get kind(): AppErrorKind {
    return this.code
  }
  override get field() {
    return this.fieldName
  }
  describe(t: T) {
    return this.problem === 'enrollmentNotFound' ? t('errors.notFound.enrollment') : t(`ledger.error.${this.problem}` as MessageKey, this.params)
  }
}

export type AppendHourEntryOptions = {
  enrollmentId: string
  category: HourCategory
  /** Whole minutes; negative only for corrections and adjustments. */
  minutes: number
  /** Beijing date YYYY-MM-DD the hours were earned on. */
  date: string
  source: HourSource
  /** The source row (attendance, online credit, self-study log id); one entry per source row. */
  sourceRef?: string | null
  correctsId?: bigint | null
  createdById: string | null
  reason?: string | null
  ip?: string | null
  /** Refuse dates outside the enrollment's period (API adjustments). */
  requireWithinPeriod?: boolean
}

export type HourEntryRow = Prisma.HourEntryGetPayload<object>

/**
 * Appends one entry and its audit event inside `tx`. For attendance, online
 * tracking and self-study logs the entry is unique per source row: asking
 * again returns the entry already there (`created: false`) and writes nothing.
 */
export async function appendHourEntry(tx: Tx, opts: AppendHourEntryOptions): Promise<{ entry: HourEntryRow; created: boolean }> {
  if (!Number.isInteger(opts.minutes) || opts.minutes === 0) {
    throw new LedgerError('validation_failed', 'minutes', {}, 'minutes')
  }
  if (!isIsoDate(opts.date)) throw new LedgerError('validation_failed', 'date', {}, 'date')
  const reason = opts.reason?.trim() || null
  const isCorrection = opts.correctsId != null || opts.minutes < 0
  if ((isCorrection || opts.source === 'adjustment') && !reason) {
    throw new LedgerError('validation_failed', 'reasonRequired', {}, 'reason')
  }
  if (opts.minutes < 0 && opts.source !== 'adjustment') {
    throw new LedgerError('validation_failed', 'negativeOnlyAdjustment', {}, 'minutes')
  }

  const enrollment = await tx.enrollment.findUnique({
    where: { id: opts.enrollmentId },
    select: { id: true, personId: true, groupId: true, startDate: true, periodEnd: true, group: { select: { region: { select: { path: true } } } } },
  })
  if (!enrollment) throw new LedgerError('not_found', 'enrollmentNotFound')
  if (opts.requireWithinPeriod) {
    const start = dateOnly(enrollment.startDate)
    const end = enrollment.periodEnd ? dateOnly(enrollment.periodEnd) : null
    if (opts.date < start || (end !== null && opts.date > end)) {
      throw new LedgerError('validation_failed', 'outsidePeriod', { start, end: end ?? '—' }, 'date')
    }
  }
  if (opts.correctsId != null) {
    const original = await tx.hourEntry.findUnique({ where: { id: opts.correctsId }, select: { enrollmentId: true } })
    if (!original || original.enrollmentId !== enrollment.id) throw new LedgerError('not_found', 'entryNotFound')
  }

  const data = {
    enrollmentId: enrollment.id,
    personId: enrollment.personId,
    groupId: enrollment.groupId,
    category: opts.category,
    minutes: opts.minutes,
    occurredOn: new Date(`${opts.date}T00:00:00Z`),
    source: opts.source,
    sourceRef: opts.sourceRef ?? null,
    correctsId: opts.correctsId ?? null,
    createdById: opts.createdById,
    reason,
  }

  if (data.sourceRef && data.correctsId === null && ONE_PER_SOURCE.has(data.source)) {
    // ON CONFLICT DO NOTHING keeps the transaction usable when a concurrent
    // writer got there first (a unique violation would abort it).
    const inserted = await tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO "HourEntry" ("enrollmentId", "personId", "groupId", "category", "minutes", "occurredOn", "source", "sourceRef", "createdById", "reason")
      VALUES (${data.enrollmentId}, ${data.personId}, ${data.groupId}, ${data.category}::"HourCategory", ${data.minutes},
              ${opts.date}::date, ${data.source}::"HourSource", ${data.sourceRef}, ${data.createdById}, ${data.reason})
      ON CONFLICT ("source", "sourceRef") WHERE "correctsId" IS NULL AND "sourceRef" IS NOT NULL
        AND "source" IN ('attendance', 'online_tracking', 'self_study_log')
      DO NOTHING
      RETURNING "id"`
    if (inserted.length === 0) {
      const existing = await tx.hourEntry.findFirstOrThrow({ where: { source: data.source, sourceRef: data.sourceRef, correctsId: null } })
      return { entry: existing, created: false }
    }
    const entry = await tx.hourEntry.findUniqueOrThrow({ where: { id: inserted[0]!.id } })
    await auditEntry(tx, entry, opts, enrollment.group.region.path)
    return { entry, created: true }
  }

  const entry = await tx.hourEntry.create({ data })
  await auditEntry(tx, entry, opts, enrollment.group.region.path)
  return { entry, created: true }
}

const ONE_PER_SOURCE = new Set<HourSource>(['attendance', 'online_tracking', 'self_study_log'])

function auditEntry(tx: Tx, entry: HourEntryRow, opts: AppendHourEntryOptions, scopePath: string) {
  return recordAudit(tx, {
    actorId: opts.createdById,
    action: entry.correctsId ? 'hours.correct' : 'hours.credit',
    entityType: 'HourEntry',
    entityId: entry.id.toString(),
    after: serializeEntry(entry),
    ip: opts.ip ?? null,
    scopePath,
  })
}

/** An entry as plain JSON (bigint ids as strings, dates as YYYY-MM-DD). */
export function serializeEntry(e: HourEntryRow) {
  return {
    id: e.id.toString(),
    enrollmentId: e.enrollmentId,
    category: e.category,
    minutes: e.minutes,
    date: dateOnly(e.occurredOn),
    source: e.source,
    sourceRef: e.sourceRef,
    correctsId: e.correctsId?.toString() ?? null,
    createdById: e.createdById,
    reason: e.reason,
    createdAt: e.createdAt.toISOString(),
  }
}

/** Who may adjust hours by hand (the API's hours endpoint): the acting rule of DESIGN.md §11. */
const ADJUSTING = { roles: ENROLLMENT_ACTORS, mode: 'act' } as const

export type HourAdjustment = {
  enrollmentId: unknown
  category: HourCategory
  minutes: number
  /** Beijing date YYYY-MM-DD; within the enrollment's period and not after today. */
  date: string
  reason: string
  ip?: string | null
  today?: string
}

/**
 * An audited adjustment of hours (POST /api/v1/enrollments/{id}/hours): the
 * enrollment must be one the caller may act on (its class or round in scope;
 * NotFoundError otherwise), the date within its period and not after today.
 * Retries of one request are the API's Idempotency-Key (app/api/idempotency.server.ts).
 */
export async function recordHourAdjustment(db: Db, user: CurrentUser, opts: HourAdjustment) {
  const enrollment = await findEnrollmentInScope(db, user, opts.enrollmentId, ADJUSTING, { id: true, program: { select: { minutesPerHour: true } } })
  const today = opts.today ?? beijingDate(new Date())
  if (opts.date > today) throw new LedgerError('validation_failed', 'futureDate', { today }, 'date')
  const { entry, created } = await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: enrollment.id,
      category: opts.category,
      minutes: opts.minutes,
      date: opts.date,
      source: 'adjustment',
      createdById: user.id,
      reason: opts.reason,
      ip: opts.ip,
      requireWithinPeriod: true,
    }),
  )
  return { entry, created, minutesPerHour: enrollment.program.minutesPerHour }
}

/** One entry of POST /api/v1/hours/batch, already checked for shape (app/api/schemas-hours.ts): one day's study of one enrollment. */
export type SyncedDay = {
  /** Its position in the request (errors name it). */
  index: number
  enrollmentId: string
  category: HourCategory
  /** 1–1,440, or a negative correction. */
  minutes: number
  date: string
  reason: string
  /** The other platform's id of this day's record: unique per enrollment. */
  externalId: string
}

export type SyncedDayError = { index: number; code: 'not_found' | 'validation_failed' | 'conflict'; field: string; message: string }

/** The content that makes a synced day "the same" when its externalId comes again. */
const sameDay = (a: Pick<HourEntryRow, 'category' | 'minutes' | 'occurredOn' | 'reason'>, b: SyncedDay) =>
  a.category === b.category && a.minutes === b.minutes && dateOnly(a.occurredOn) === b.date && (a.reason ?? '') === b.reason

/**
 * Another platform's days, synced (POST /api/v1/hours/batch): each entry one
 * day's study of one enrollment, recorded as a ledger entry of source
 * `transfer` with the externalId as its sourceRef, unique per enrollment
 * (HourEntry_transfer_external_id), so sending the same batch twice records
 * nothing twice: the same externalId with the same content is `unchanged`,
 * with other content an entry error `conflict`. Good entries are kept when
 * others are refused. Access is recordHourAdjustment's (coordinators and
 * admins; ForbiddenError for any other role); an enrollment outside the
 * caller's acting scope is an entry error with the same message as an
 * unknown id. Dates as for adjustments: within the enrollment's period, not
 * after today. One transaction: every new entry and its audit event, in
 * multi-row inserts.
 */
export async function recordSyncedDays(db: Db, user: CurrentUser, days: readonly SyncedDay[], opts: { ip?: string | null; today?: string } = {}) {
  const access = enrollmentAccessWhere(user, ADJUSTING)
  const today = opts.today ?? beijingDate(new Date())
  const errors: SyncedDayError[] = []
  const refuse = (day: SyncedDay, error: LedgerError, field: string) => errors.push({ index: day.index, code: error.code, field, message: error.message })

  const ids = [...new Set(days.map((d) => d.enrollmentId).filter(plausibleId))]
  const enrollments = new Map(
    (
      await db.enrollment.findMany({
        where: { AND: [{ id: { in: ids } }, access] },
        select: { id: true, personId: true, groupId: true, startDate: true, periodEnd: true, group: { select: { region: { select: { path: true } } } } },
      })
    ).map((e) => [e.id, e]),
  )

  // Checked one by one; the first of an externalId within the batch stands for the others.
  const first = new Map<string, SyncedDay>()
  const candidates: SyncedDay[] = []
  const repeats: { day: SyncedDay; of: SyncedDay }[] = []
  for (const day of days) {
    const e = enrollments.get(day.enrollmentId)
    if (!e) {
      refuse(day, new LedgerError('not_found', 'enrollmentNotFound'), 'enrollmentId')
      continue
    }
    if (day.date > today) {
      refuse(day, new LedgerError('validation_failed', 'futureDate', { today }, 'date'), 'date')
      continue
    }
    const start = dateOnly(e.startDate)
    const end = e.periodEnd ? dateOnly(e.periodEnd) : null
    if (day.date < start || (end !== null && day.date > end)) {
      refuse(day, new LedgerError('validation_failed', 'outsidePeriod', { start, end: end ?? '—' }, 'date'), 'date')
      continue
    }
    const key = `${e.id}\u0000${day.externalId}`
    const earlier = first.get(key)
    if (earlier) repeats.push({ day, of: earlier })
    else {
      first.set(key, day)
      candidates.push(day)
    }
  }

  return longTransaction(db, async (tx) => {
    const findExisting = async (list: readonly SyncedDay[]) => {
      if (list.length === 0) return new Map<string, HourEntryRow>()
      const rows = await tx.hourEntry.findMany({
        where: {
          source: 'transfer',
          correctsId: null,
          enrollmentId: { in: [...new Set(list.map((d) => d.enrollmentId))] },
          sourceRef: { in: [...new Set(list.map((d) => d.externalId))] },
        },
      })
      return new Map(rows.map((r) => [`${r.enrollmentId}\u0000${r.sourceRef}`, r]))
    }
    let created = 0
    let unchanged = 0
    const judge = (day: SyncedDay, existing: Pick<HourEntryRow, 'category' | 'minutes' | 'occurredOn' | 'reason'>) => {
      if (sameDay(existing, day)) unchanged++
      else refuse(day, new LedgerError('conflict', 'externalIdReused', {}, 'externalId'), 'externalId')
    }

    const before = await findExisting(candidates)
    const fresh = candidates.filter((d) => {
      const existing = before.get(`${d.enrollmentId}\u0000${d.externalId}`)
      if (existing) judge(d, existing)
      return !existing
    })
    const inserted = await tx.hourEntry.createManyAndReturn({
      data: fresh.map((d) => {
        const e = enrollments.get(d.enrollmentId)!
        return {
          enrollmentId: e.id,
          personId: e.personId,
          groupId: e.groupId,
          category: d.category,
          minutes: d.minutes,
          occurredOn: new Date(`${d.date}T00:00:00Z`),
          source: 'transfer' as const,
          sourceRef: d.externalId,
          createdById: user.id,
          reason: d.reason,
        }
      }),
      // A concurrent sync of the same days got there first: judged below like any repeat.
      skipDuplicates: true,
    })
    created = inserted.length
    const insertedKeys = new Set(inserted.map((r) => `${r.enrollmentId}\u0000${r.sourceRef}`))
    const raced = fresh.filter((d) => !insertedKeys.has(`${d.enrollmentId}\u0000${d.externalId}`))
    const after = await findExisting(raced)
    for (const d of raced) judge(d, after.get(`${d.enrollmentId}\u0000${d.externalId}`)!)
    for (const { day, of } of repeats) {
      judge(day, { category: of.category, minutes: of.minutes, occurredOn: new Date(`${of.date}T00:00:00Z`), reason: of.reason })
    }
    await recordAudits(
      tx,
      inserted.map((entry) => ({
        actorId: user.id,
        action: 'hours.credit',
        entityType: 'HourEntry',
        entityId: entry.id.toString(),
        after: serializeEntry(entry),
        ip: opts.ip ?? null,
        scopePath: enrollments.get(entry.enrollmentId)!.group.region.path,
      })),
    )
    return { created, unchanged, errors: errors.sort((a, b) => a.index - b.index) }
  })
}

/** A transaction for a full batch: 1,000 days and their audit events take longer than Prisma's default 5 s on a busy server. */
function longTransaction<T>(db: Db, run: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(run, { timeout: 60_000, maxWait: 10_000 })
}

/**
 * Reverses (fully or partly) an earlier entry: a new adjustment entry of the
 * same category with negative minutes, pointing at the original.
 */
export async function correctHourEntry(
  db: Db,
  opts: { entryId: bigint; minutes?: number; reason: string; createdById: string; ip?: string | null },
): Promise<HourEntryRow> {
  return db.$transaction(async (tx) => {
    const original = await tx.hourEntry.findUnique({ where: { id: opts.entryId } })
    if (!original) throw new LedgerError('not_found', 'entryNotFound')
    const corrected = await tx.hourEntry.aggregate({ where: { correctsId: original.id }, _sum: { minutes: true } })
    const remaining = original.minutes + (corrected._sum.minutes ?? 0)
    const minutes = opts.minutes ?? -remaining
    if (minutes === 0) throw new LedgerError('conflict', 'alreadyCorrected')
    if (original.minutes > 0 && (minutes > 0 || remaining + minutes < 0)) {
      throw new LedgerError('validation_failed', 'exceedsRemaining', { remaining }, 'minutes')
    }
    const { entry } = await appendHourEntry(tx, {
      enrollmentId: original.enrollmentId,
      category: original.category,
      minutes,
      date: dateOnly(original.occurredOn),
      source: 'adjustment',
      correctsId: original.id,
      createdById: opts.createdById,
      reason: opts.reason,
      ip: opts.ip,
    })
    return entry
  })
}

/** Every entry of an enrollment, oldest first (学时档案 and the API). */
export function listHourEntries(db: Db | Tx, where: { enrollmentId?: string; personId?: string }) {
  return db.hourEntry.findMany({
    where,
    orderBy: [{ occurredOn: 'asc' }, { id: 'asc' }],
    include: { enrollment: { select: { group: { select: { code: true, name: true } } } } },
  })
}
