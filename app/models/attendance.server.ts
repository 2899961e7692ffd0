/**
 * Face-to-face sessions and attendance (DESIGN.md §3). A session belongs to a
 * class or round; learners check in and out by the rotating QR token or the
 * 6-digit code, or the coordinator ticks a roster. Each completed attendance
 * becomes exactly one ledger entry (source attendance, sourceRef = the
 * Attendance id), written in the same transaction as the Attendance row.
 *
 * Concurrency: an Attendance row is created with INSERT … ON CONFLICT DO
 * NOTHING (unique session + enrollment), then locked with SELECT … FOR UPDATE
 * before any change, so two scans, two coordinators or a scan and a tick
 * serialise on the row; the ledger's one-entry-per-source index is the last
 * guard. Roster ticks lock rows in enrollment-id order (no deadlocks).
 */
import { randomBytes } from 'node:crypto'
import {
  decideRosterTick,
  decideScan,
  earlyCheckout,
  rosterTickRefusal,
  undoCheckoutRefusal,
  validateSession,
  type SessionFormError,
  type UndoCheckoutRefusal,
} from '#app/domain/attendance.ts'
import {
  CODE_FAILURE_LIMIT,
  CODE_FAILURE_WINDOW_MS,
  checkinWindow,
  checkoutTicket,
  codeFailureDelaySeconds,
  verifyCheckoutTicket,
  currentCredentials,
  verifyCode,
  verifyQrToken,
  type CheckinFailure,
} from '#app/domain/checkin-code.ts'
import { checkSchedule } from '#app/domain/schedule-check.ts'
import { ENROLLMENT_ACTORS } from '#app/domain/roles.ts'
import { beijingDate, dateOnly } from '#app/domain/time.ts'
import { translator } from '#app/i18n/index.ts'
import { findEnrollmentInScope, groupScopeWhere, selfPersonId, type CurrentUser, type Scope } from '#app/models/access.server.ts'
import { findGroupInScope } from './groups.server.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { recordAudit } from './audit.server.ts'
import { appendHourEntry, correctHourEntry, LedgerError } from './ledger.server.ts'
import { claim, release, type ThrottleRule } from './login-throttle.server.ts'

export type AttendanceErrorCode =
  | CheckinFailure
  | 'not_found'
  | 'cancelled'
  | 'no_open_session'
  | 'throttled'
  | 'not_started'
  | 'has_attendance'
  | 'correction_invalid'
  | 'confirm_expired'
  | UndoCheckoutRefusal
  | SessionFormError

export class AttendanceError extends Error {
  constructor(
    readonly code: AttendanceErrorCode,
    message: string = code,
  ) {
    super(message)
    this.name = 'AttendanceError'
  }
}

const groupSelect = {
  id: true,
  code: true,
  name: true,
  kind: true,
  startDate: true,
  endDate: true,
  region: { select: { name: true, path: true } },
  program: { select: { code: true, minutesPerHour: true } },
} as const

/** The group page's class or round, in scope, or null (the route answers 404; see findGroupInScope). */
export function findScheduleGroup(db: Db, scopes: Scope[], groupId: string) {
  return findGroupInScope(db, scopes, groupId, groupSelect)
}

/** Row ids are short URL-safe tokens; anything else (a U+0000 from a URL, which PostgreSQL refuses in text) names no row. */
const plausibleId = (id: string) => /^[A-Za-z0-9_-]{1,64}$/.test(id)

/** A session whose group is inside the caller's scopes, or null. */
export async function findSessionInScope(db: Db, scopes: Scope[], sessionId: string) {
  if (!plausibleId(sessionId)) return null
  return db.classSession.findFirst({
    where: { id: sessionId, group: groupScopeWhere(scopes) },
    include: { group: { select: groupSelect } },
  })
}

export type SessionInput = {
  groupId: string
  startsAt: Date
  endsAt: Date
  venue: string
  plannedMinutes: number
  description: string
}

export async function createSession(db: Db, input: SessionInput & { actorId: string; ip?: string | null }) {
  const venue = input.venue.trim()
  const error = validateSession({ ...input, venue })
  if (error) throw new AttendanceError(error)
  return db.$transaction(async (tx) => {
    const group = await tx.group.findUnique({ where: { id: input.groupId }, select: { region: { select: { path: true } } } })
    if (!group) throw new AttendanceError('not_found')
    const session = await tx.classSession.create({
      data: {
        id: newId(),
        groupId: input.groupId,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        venue,
        plannedMinutes: input.plannedMinutes,
        description: input.description.trim(),
        checkinKey: new Uint8Array(randomBytes(32)),
        createdById: input.actorId,
      },
    })
    await recordAudit(tx, {
      actorId: input.actorId,
      action: 'session.create',
      entityType: 'ClassSession',
      entityId: session.id,
      after: publicSession(session),
      ip: input.ip,
      scopePath: group.region.path,
    })
    return session
  })
}

type SessionRow = {
  id: string
  groupId: string
  startsAt: Date
  endsAt: Date
  venue: string
  plannedMinutes: number
  description: string
  cancelledAt: Date | null
}

/** A session without its key (for audit events and pages). */
function publicSession(s: SessionRow) {
  return {
    id: s.id,
    groupId: s.groupId,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    venue: s.venue,
    plannedMinutes: s.plannedMinutes,
    description: s.description,
    cancelledAt: s.cancelledAt?.toISOString() ?? null,
  }
}

/** Cancels a session nobody attended yet (a session with attendance keeps its history; correct the hours instead). */
export async function cancelSession(db: Db, opts: { sessionId: string; actorId: string; ip?: string | null }) {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "ClassSession" WHERE "id" = ${opts.sessionId} FOR UPDATE`
    if (rows.length === 0) throw new AttendanceError('not_found')
    const session = await tx.classSession.findUniqueOrThrow({
      where: { id: opts.sessionId },
      include: { group: { select: { region: { select: { path: true } } } } },
    })
    if (session.cancelledAt) return session
    const attended = await tx.attendance.count({ where: { sessionId: session.id } })
    if (attended > 0) throw new AttendanceError('has_attendance')
    const cancelled = await tx.classSession.update({ where: { id: session.id }, data: { cancelledAt: new Date() } })
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: 'session.cancel',
      entityType: 'ClassSession',
      entityId: session.id,
      before: publicSession(session),
      after: publicSession(cancelled),
      ip: opts.ip,
      scopePath: session.group.region.path,
    })
    return cancelled
  })
}

/** A group's sessions, oldest first, with how many attended each. */
export function listSessionsOfGroup(db: Db, groupId: string) {
  return db.classSession.findMany({
    where: { groupId },
    orderBy: { startsAt: 'asc' },
    select: {
      id: true,
      startsAt: true,
      endsAt: true,
      venue: true,
      plannedMinutes: true,
      description: true,
      cancelledAt: true,
      _count: { select: { attendances: true } },
    },
  })
}

/** The class schedule check over the group's non-cancelled sessions, from the class start through `asOf`. */
export async function groupScheduleCheck(db: Db, group: { id: string; startDate: Date; program: { minutesPerHour: number } }, asOf: Date) {
  const sessions = await db.classSession.findMany({ where: { groupId: group.id, cancelledAt: null }, select: { startsAt: true, plannedMinutes: true } })
  const from = group.startDate.toISOString().slice(0, 10)
  const to = beijingDate(asOf)
  if (to < from) return null
  return checkSchedule(
    sessions.map((s) => ({ date: beijingDate(s.startsAt), plannedMinutes: s.plannedMinutes })),
    { from, to },
    group.program.minutesPerHour,
  )
}

/** What the check-in screen shows now: token, code, URL path and the count checked in. */
export async function checkinScreen(db: Db, session: { id: string; checkinKey: Uint8Array }, now: Date) {
  const creds = currentCredentials(new Uint8Array(session.checkinKey), session.id, now)
  const [checkedIn, checkedOut] = await Promise.all([
    db.attendance.count({ where: { sessionId: session.id, checkedInAt: { not: null } } }),
    db.attendance.count({ where: { sessionId: session.id, checkedOutAt: { not: null } } }),
  ])
  return { ...creds, path: `/checkin/${session.id}?t=${creds.token}`, checkedIn, checkedOut }
}

// ---------------------------------------------------------------------------
// Learners: scans by QR token or code

export type ScanResult =
  | { kind: 'checked_in'; at: Date }
  | { kind: 'checked_out'; at: Date; creditedMinutes: number; undoable: boolean }
  /** An early check-out: nothing written; the learner is asked first and answers with `ticket` (confirmEarlyCheckout). */
  | { kind: 'confirm_early'; at: Date; creditedMinutes: number; fullMinutes: number; endsAt: Date; ticket: string }
  | { kind: 'too_soon'; checkedInAt: Date }
  | { kind: 'already_done'; creditedMinutes: number }

type ScanSession = { id: string; groupId: string; startsAt: Date; endsAt: Date; plannedMinutes: number; cancelledAt: Date | null; checkinKey: Uint8Array }

/** The session and the learner's active enrollment in its group; null when either is missing. */
export async function findLearnerSession(db: Db, personId: string, sessionId: string) {
  if (!plausibleId(sessionId)) return null
  const session = await db.classSession.findUnique({
    where: { id: sessionId },
    include: { group: { select: { name: true, program: { select: { minutesPerHour: true } } } } },
  })
  if (!session) return null
  const enrollment = await db.enrollment.findFirst({ where: { personId, groupId: session.groupId, status: 'active' }, select: { id: true } })
  if (!enrollment) return null
  const attendance = await db.attendance.findUnique({
    where: { sessionId_enrollmentId: { sessionId, enrollmentId: enrollment.id } },
    select: { id: true, checkedInAt: true, checkedOutAt: true, creditedMinutes: true, method: true, recordedById: true },
  })
  return { session, enrollment, attendance }
}

/** Check in or out by the QR token of `sessionId`. Throws AttendanceError with a reason the page can say plainly. */
export type ScanOutcome = ScanResult & { sessionId: string; groupName: string; minutesPerHour: number }

export async function scanByToken(db: Db, opts: { personId: string; userId: string; sessionId: string; token: string; now?: Date }): Promise<ScanOutcome> {
  const now = opts.now ?? new Date()
  const found = await findLearnerSession(db, opts.personId, opts.sessionId)
  if (!found) throw new AttendanceError('not_found')
  const { session, enrollment } = found
  if (session.cancelledAt) throw new AttendanceError('cancelled')
  const verdict = verifyQrToken({ ...session, key: new Uint8Array(session.checkinKey) }, opts.token, now)
  if (!verdict.ok) throw new AttendanceError(verdict.reason)
  const result = await scan(db, { session, enrollmentId: enrollment.id, method: 'qr', userId: opts.userId, now })
  return { ...result, sessionId: session.id, groupName: session.group.name, minutesPerHour: session.group.program.minutesPerHour }
}

/**
 * For the learner's confirm page (a GET, which writes nothing): is the token
 * good now, and would a scan check in or check out?
 */
export async function previewScan(db: Db, opts: { personId: string; sessionId: string; token: string; now?: Date }) {
  const now = opts.now ?? new Date()
  const found = await findLearnerSession(db, opts.personId, opts.sessionId)
  if (!found) return null
  const { session, attendance, enrollment } = found
  const verdict: { ok: true } | { ok: false; reason: AttendanceErrorCode } = session.cancelledAt
    ? { ok: false, reason: 'cancelled' }
    : verifyQrToken({ ...session, key: new Uint8Array(session.checkinKey) }, opts.token, now)
  const decision = decideScan(session, attendance, now)
  // An early check-out is asked about on this page already (the answer is a ticket; a GET still writes nothing).
  const early =
    verdict.ok && decision.kind === 'check_out' && attendance?.checkedInAt
      ? await earlyQuestion(db, { session, enrollmentId: enrollment.id, attendanceId: attendance.id, checkedInAt: attendance.checkedInAt, now })
      : null
  const undoable = !session.cancelledAt && undoCheckoutRefusal(session, attendance, now) === null
  return { session, verdict, decision, early, undoable }
}

/** Ledger rows of an attendance so far (its credit and corrections): the version a confirmation names. */
async function attendanceVersion(db: Db | Tx, attendanceId: string) {
  return db.hourEntry.count({
    where: { OR: [{ source: 'attendance', sourceRef: attendanceId }, { corrects: { source: 'attendance', sourceRef: attendanceId } }] },
  })
}

async function earlyQuestion(
  db: Db | Tx,
  opts: { session: ScanSession; enrollmentId: string; attendanceId: string; checkedInAt: Date; now: Date },
): Promise<Extract<ScanResult, { kind: 'confirm_early' }> | null> {
  const early = earlyCheckout(opts.session, opts.checkedInAt, opts.now)
  if (!early) return null
  const version = await attendanceVersion(db, opts.attendanceId)
  const ticket = checkoutTicket(new Uint8Array(opts.session.checkinKey), { sessionId: opts.session.id, enrollmentId: opts.enrollmentId, version }, opts.now)
  return { kind: 'confirm_early', at: opts.now, ...early, endsAt: opts.session.endsAt, ticket }
}

/**
 * The learner's "yes, check me out now" to an early check-out: the ticket
 * the question carried proves they showed a good QR token or code at most
 * CONFIRM_TTL_MS ago; the check-out is written at that moment, crediting what
 * the question said. A ticket from before an undo, for another person or
 * session, or too old is refused ('invalid', 'confirm_expired').
 */
export async function confirmEarlyCheckout(
  db: Db,
  opts: { personId: string; userId: string; sessionId: string; ticket: string; now?: Date },
): Promise<ScanOutcome> {
  const now = opts.now ?? new Date()
  const found = await findLearnerSession(db, opts.personId, opts.sessionId)
  if (!found) throw new AttendanceError('not_found')
  const { session, enrollment } = found
  if (session.cancelledAt) throw new AttendanceError('cancelled')
  const result = await db.$transaction(async (tx): Promise<ScanResult> => {
    const row = await lockAttendance(tx, session.id, enrollment.id)
    if (!row) throw new AttendanceError('not_found')
    const version = await attendanceVersion(tx, row.id)
    const verdict = verifyCheckoutTicket(
      new Uint8Array(session.checkinKey),
      { sessionId: session.id, enrollmentId: enrollment.id, version },
      opts.ticket.slice(0, 60),
      now,
    )
    if (!verdict.ok) {
      // Already checked out (a second tap): say so rather than "expired".
      const decision = decideScan(session, row, now)
      if (decision.kind === 'already_done') return decision
      throw new AttendanceError(verdict.reason === 'expired' ? 'confirm_expired' : 'invalid')
    }
    const decision = decideScan(session, row, verdict.issuedAt)
    if (decision.kind === 'check_out') {
      return checkOut(tx, { row, session, enrollmentId: enrollment.id, at: verdict.issuedAt, minutes: decision.creditedMinutes, userId: opts.userId, now })
    }
    if (decision.kind === 'already_done') return decision
    return { kind: 'too_soon', checkedInAt: row.checkedInAt ?? verdict.issuedAt }
  })
  return { ...result, sessionId: session.id, groupName: session.group.name, minutesPerHour: session.group.program.minutesPerHour }
}

async function checkOut(
  tx: Tx,
  opts: { row: { id: string }; session: ScanSession; enrollmentId: string; at: Date; minutes: number; userId: string; now: Date },
): Promise<ScanResult> {
  await tx.attendance.update({ where: { id: opts.row.id }, data: { checkedOutAt: opts.at, creditedMinutes: opts.minutes } })
  await creditAttendance(tx, { attendanceId: opts.row.id, enrollmentId: opts.enrollmentId, session: opts.session, minutes: opts.minutes, userId: opts.userId })
  const undoable = undoCheckoutRefusal(opts.session, { checkedOutAt: opts.at, method: 'qr', recordedById: null }, opts.now) === null
  return { kind: 'checked_out', at: opts.at, creditedMinutes: opts.minutes, undoable }
}

const zh = translator('zh-CN')

/**
 * Undo of a mistaken check-out by the learner themself (their own
 * attendance of `sessionId`): see reopenAttendance. Not theirs: 'not_found'.
 */
export async function undoOwnCheckout(db: Db, user: CurrentUser, opts: { sessionId: string; now?: Date; ip?: string | null }) {
  const personId = selfPersonId(user)
  const found = personId ? await findLearnerSession(db, personId, opts.sessionId) : null
  if (!found || !found.attendance) throw new AttendanceError('not_found')
  return reopenAttendance(db, {
    session: found.session,
    attendanceId: found.attendance.id,
    actorId: user.id,
    reason: zh('checkout.reason.undoSelf'),
    now: opts.now ?? new Date(),
    ip: opts.ip,
  })
}

/**
 * Undo of a learner's mistaken check-out by a coordinator or admin who may
 * act on the enrollment (its class or round in scope); anything else is
 * NotFoundError (404), like any out-of-scope record.
 */
export async function undoCheckoutInScope(db: Db, user: CurrentUser, opts: { sessionId: string; attendanceId: string; now?: Date; ip?: string | null }) {
  if (!plausibleId(opts.attendanceId) || !plausibleId(opts.sessionId)) throw new AttendanceError('not_found')
  const attendance = await db.attendance.findFirst({ where: { id: opts.attendanceId, sessionId: opts.sessionId }, select: { id: true, enrollmentId: true } })
  await findEnrollmentInScope(db, user, attendance?.enrollmentId ?? '', { roles: ENROLLMENT_ACTORS, mode: 'act' }, { id: true })
  const session = await db.classSession.findUniqueOrThrow({
    where: { id: opts.sessionId },
    include: { group: { select: { name: true, program: { select: { minutesPerHour: true } } } } },
  })
  return reopenAttendance(db, {
    session,
    attendanceId: attendance!.id,
    actorId: user.id,
    reason: zh('checkout.reason.undoStaff'),
    now: opts.now ?? new Date(),
    ip: opts.ip,
  })
}

/**
 * Opens a checked-out attendance again while its session runs (refusals:
 * undoCheckoutRefusal): the check-out time and credited minutes are cleared,
 * and what the attendance had credited is reversed by a correction entry
 * (negative, with a reason, pointing at the attendance's entry: the ledger
 * is never changed). Audited as attendance.checkout_undo (the correction is
 * audited as hours.correct). The next check-out credits again, once.
 */
async function reopenAttendance(
  db: Db,
  opts: {
    session: ScanSession & { group: { name: string; program: { minutesPerHour: number } } }
    attendanceId: string
    actorId: string
    reason: string
    now: Date
    ip?: string | null
  },
) {
  const { session } = opts
  if (session.cancelledAt) throw new AttendanceError('cancelled')
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      {
        id: string
        enrollmentId: string
        checkedOutAt: Date | null
        creditedMinutes: number | null
        method: 'qr' | 'code' | 'roster'
        recordedById: string | null
      }[]
    >`SELECT "id", "enrollmentId", "checkedOutAt", "creditedMinutes", "method"::text AS "method", "recordedById" FROM "Attendance" WHERE "id" = ${opts.attendanceId} FOR UPDATE`
    const row = rows[0]
    if (!row) throw new AttendanceError('not_found')
    const refusal = undoCheckoutRefusal(session, row, opts.now)
    if (refusal) throw new AttendanceError(refusal)
    const entry = await tx.hourEntry.findFirst({
      where: { source: 'attendance', sourceRef: row.id, correctsId: null },
      include: { correctedBy: { select: { minutes: true } } },
    })
    const net = entry ? entry.minutes + entry.correctedBy.reduce((sum, c) => sum + c.minutes, 0) : 0
    if (entry && net > 0) {
      await appendHourEntry(tx, {
        enrollmentId: row.enrollmentId,
        category: entry.category,
        minutes: -net,
        date: dateOnly(entry.occurredOn),
        source: 'adjustment',
        correctsId: entry.id,
        createdById: opts.actorId,
        reason: opts.reason,
        ip: opts.ip,
      })
    }
    await tx.attendance.update({ where: { id: row.id }, data: { checkedOutAt: null, creditedMinutes: null } })
    const group = await tx.group.findUniqueOrThrow({ where: { id: session.groupId }, select: { region: { select: { path: true } } } })
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: 'attendance.checkout_undo',
      entityType: 'Attendance',
      entityId: row.id,
      before: { checkedOutAt: row.checkedOutAt?.toISOString() ?? null, creditedMinutes: row.creditedMinutes },
      after: { checkedOutAt: null, creditedMinutes: null, reversedMinutes: Math.max(0, net), reason: opts.reason },
      ip: opts.ip ?? null,
      scopePath: group.region.path,
    })
    return { attendanceId: row.id, reversedMinutes: Math.max(0, net), groupName: session.group.name, minutesPerHour: session.group.program.minutesPerHour }
  })
}

export { CODE_FAILURE_LIMIT, CODE_FAILURE_WINDOW_MS }

/** The wrong-code throttle of one learner (the shared, atomic throttle: app/models/login-throttle.server.ts). */
function codeThrottle(userId: string): ThrottleRule {
  return { key: `checkin-code:${userId}`, memorySeconds: CODE_FAILURE_WINDOW_MS / 1000, delayFor: codeFailureDelaySeconds }
}

/**
 * Check in or out by a typed 6-digit code: tried against the sessions of the
 * learner's own groups that are open now. Each try is claimed against the
 * learner's throttle before any code is compared (one atomic statement, so
 * concurrent tries are counted one after the other); after CODE_FAILURE_LIMIT
 * wrong codes the learner waits 10 minutes. Wrong and refused tries are
 * audited; a right code gives its try back.
 */
export async function scanByCode(db: Db, opts: { personId: string; userId: string; code: string; now?: Date; ip?: string | null }): Promise<ScanOutcome> {
  const now = opts.now ?? new Date()
  const margin = checkinWindow({ startsAt: now, endsAt: now })
  const sessions = await db.classSession.findMany({
    where: {
      cancelledAt: null,
      // open now: startsAt − 30 min ≤ now ≤ endsAt + 30 min
      startsAt: { lte: margin.closesAt },
      endsAt: { gte: margin.opensAt },
      group: { enrollments: { some: { personId: opts.personId, status: 'active' } } },
    },
    orderBy: { startsAt: 'asc' },
    include: { group: { select: { name: true, program: { select: { minutesPerHour: true } } } } },
  })
  // Nothing to check a code against (says nothing about any code): not a try.
  if (sessions.length === 0) throw new AttendanceError('no_open_session')
  const throttle = codeThrottle(opts.userId)
  const claimed = await claim(db, [throttle], now)
  if (!claimed.ok) {
    await recordAudit(db, { actorId: opts.userId, action: 'attendance.code_throttled', entityType: 'User', entityId: opts.userId, ip: opts.ip ?? null })
    throw new AttendanceError('throttled')
  }
  let failure: CheckinFailure = 'invalid'
  for (const session of sessions) {
    const verdict = verifyCode({ ...session, key: new Uint8Array(session.checkinKey) }, opts.code.trim(), now)
    if (verdict.ok) {
      await release(db, throttle)
      const enrollment = await db.enrollment.findFirstOrThrow({
        where: { personId: opts.personId, groupId: session.groupId, status: 'active' },
        select: { id: true },
      })
      const result = await scan(db, { session, enrollmentId: enrollment.id, method: 'code', userId: opts.userId, now })
      return { ...result, sessionId: session.id, groupName: session.group.name, minutesPerHour: session.group.program.minutesPerHour }
    }
    if (verdict.reason === 'expired') failure = 'expired'
  }
  await recordAudit(db, { actorId: opts.userId, action: 'attendance.code_failed', entityType: 'User', entityId: opts.userId, ip: opts.ip ?? null })
  throw new AttendanceError(failure)
}

async function lockAttendance(tx: Tx, sessionId: string, enrollmentId: string) {
  const rows = await tx.$queryRaw<{ id: string; checkedInAt: Date | null; checkedOutAt: Date | null; creditedMinutes: number | null }[]>`
    SELECT "id", "checkedInAt", "checkedOutAt", "creditedMinutes" FROM "Attendance"
    WHERE "sessionId" = ${sessionId} AND "enrollmentId" = ${enrollmentId} FOR UPDATE`
  return rows[0]!
}

async function creditAttendance(
  tx: Tx,
  opts: { attendanceId: string; enrollmentId: string; session: { startsAt: Date }; minutes: number; userId: string | null },
) {
  if (opts.minutes <= 0) return
  const { entry, created } = await appendHourEntry(tx, {
    enrollmentId: opts.enrollmentId,
    category: 'concentrated',
    minutes: opts.minutes,
    date: beijingDate(opts.session.startsAt),
    source: 'attendance',
    sourceRef: opts.attendanceId,
    createdById: opts.userId,
  })
  if (created) return
  // Credited before and its check-out undone (reopenAttendance): the entry stays; a correction brings its net to the new minutes.
  const corrections = await tx.hourEntry.aggregate({ where: { correctsId: entry.id }, _sum: { minutes: true } })
  const delta = opts.minutes - (entry.minutes + (corrections._sum.minutes ?? 0))
  if (delta === 0) return
  await appendHourEntry(tx, {
    enrollmentId: opts.enrollmentId,
    category: entry.category,
    minutes: delta,
    date: dateOnly(entry.occurredOn),
    // More minutes are attendance again; fewer (not reached today) would be an adjustment, the only negative source.
    source: delta > 0 ? 'attendance' : 'adjustment',
    sourceRef: delta > 0 ? opts.attendanceId : null,
    correctsId: entry.id,
    createdById: opts.userId,
    reason: zh('checkout.reason.recredit'),
  })
}

/** A scan: checks in, or checks out (an early check-out only asks: 'confirm_early'). */
async function scan(db: Db, opts: { session: ScanSession; enrollmentId: string; method: 'qr' | 'code'; userId: string; now: Date }): Promise<ScanResult> {
  const { session, enrollmentId, now } = opts
  return db.$transaction(async (tx) => {
    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO "Attendance" ("id", "sessionId", "enrollmentId", "checkedInAt", "method")
      VALUES (${newId()}, ${session.id}, ${enrollmentId}, ${now}, ${opts.method}::"AttendanceMethod")
      ON CONFLICT ("sessionId", "enrollmentId") DO NOTHING
      RETURNING "id"`
    if (inserted.length > 0) return { kind: 'checked_in', at: now }
    const row = await lockAttendance(tx, session.id, enrollmentId)
    const decision = decideScan(session, row, now)
    switch (decision.kind) {
      case 'check_in':
        // A row without a check-in time (not written by this module today, but harmless): check in now.
        await tx.attendance.update({ where: { id: row.id }, data: { checkedInAt: now, method: opts.method } })
        return { kind: 'checked_in', at: now }
      case 'check_out': {
        const question = await earlyQuestion(tx, { session, enrollmentId, attendanceId: row.id, checkedInAt: row.checkedInAt!, now })
        if (question) return question
        return checkOut(tx, { row, session, enrollmentId, at: now, minutes: decision.creditedMinutes, userId: opts.userId, now })
      }
      case 'too_soon':
        return { kind: 'too_soon', checkedInAt: decision.checkedInAt }
      case 'already_done':
        return { kind: 'already_done', creditedMinutes: decision.creditedMinutes }
    }
  })
}

// ---------------------------------------------------------------------------
// Coordinators: roster and corrections

/**
 * Ticks learners present for the whole session (planned minutes). Only
 * active enrollments of the session's group are accepted; anyone already
 * credited is left as is; a session that has not started is refused
 * ('not_started'). One transaction; rows locked in id order.
 */
export async function tickRoster(db: Db, opts: { sessionId: string; enrollmentIds: string[]; actorId: string; ip?: string | null; now?: Date }) {
  const asked = new Set(opts.enrollmentIds)
  const ids = [...asked].filter(plausibleId).sort()
  const now = opts.now ?? new Date()
  return db.$transaction(async (tx) => {
    const session = await tx.classSession.findUnique({ where: { id: opts.sessionId } })
    if (!session) throw new AttendanceError('not_found')
    if (session.cancelledAt) throw new AttendanceError('cancelled')
    const refusal = rosterTickRefusal(session, now)
    if (refusal) throw new AttendanceError(refusal)
    const valid = await tx.enrollment.findMany({ where: { id: { in: ids }, groupId: session.groupId, status: 'active' }, select: { id: true } })
    const validIds = new Set(valid.map((e) => e.id))
    let credited = 0
    let already = 0
    for (const enrollmentId of ids) {
      if (!validIds.has(enrollmentId)) continue
      const minutes = session.plannedMinutes
      const inserted = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO "Attendance" ("id", "sessionId", "enrollmentId", "checkedInAt", "checkedOutAt", "method", "creditedMinutes", "recordedById")
        VALUES (${newId()}, ${session.id}, ${enrollmentId}, ${session.startsAt}, ${session.endsAt}, 'roster'::"AttendanceMethod", ${minutes}, ${opts.actorId})
        ON CONFLICT ("sessionId", "enrollmentId") DO NOTHING
        RETURNING "id"`
      let attendanceId = inserted[0]?.id
      if (!attendanceId) {
        const row = await lockAttendance(tx, session.id, enrollmentId)
        const decision = decideRosterTick(session, row)
        if (decision.kind === 'already_credited') {
          already++
          continue
        }
        // Checked in by QR and never out: the coordinator vouches for the whole session.
        await tx.attendance.update({
          where: { id: row.id },
          data: { checkedOutAt: session.endsAt, creditedMinutes: decision.creditedMinutes, recordedById: opts.actorId },
        })
        attendanceId = row.id
      }
      await creditAttendance(tx, { attendanceId, enrollmentId, session, minutes, userId: opts.actorId })
      credited++
    }
    return { credited, already, ignored: asked.size - validIds.size }
  })
}

export type RosterStatus = 'absent' | 'checked_in' | 'checked_out'

/** Every active enrollee of the session's group (and anyone who attended it), with status and net credited minutes. */
export async function getRoster(db: Db, session: { id: string; groupId: string; endsAt?: Date; cancelledAt?: Date | null }, now = new Date()) {
  const enrollments = await db.enrollment.findMany({
    where: { groupId: session.groupId, OR: [{ status: 'active' }, { attendances: { some: { sessionId: session.id } } }] },
    select: {
      id: true,
      status: true,
      person: { select: { id: true, name: true, idMasked: true } },
      attendances: {
        where: { sessionId: session.id },
        select: { id: true, checkedInAt: true, checkedOutAt: true, method: true, creditedMinutes: true, recordedById: true },
      },
    },
  })
  const attendanceIds = enrollments.flatMap((e) => e.attendances.map((a) => a.id))
  const entries = attendanceIds.length
    ? await db.hourEntry.findMany({
        where: { source: 'attendance', sourceRef: { in: attendanceIds }, correctsId: null },
        select: { id: true, sourceRef: true, minutes: true, correctedBy: { select: { minutes: true, reason: true } } },
      })
    : []
  const byAttendance = new Map(entries.map((e) => [e.sourceRef!, e]))
  return enrollments
    .map((e) => {
      const a = e.attendances[0] ?? null
      const entry = a ? byAttendance.get(a.id) : undefined
      const corrections = entry?.correctedBy ?? []
      const status: RosterStatus = !a?.checkedInAt ? 'absent' : a.checkedOutAt ? 'checked_out' : 'checked_in'
      return {
        enrollmentId: e.id,
        enrollmentStatus: e.status,
        person: e.person,
        attendanceId: a?.id ?? null,
        status,
        method: a?.method ?? null,
        checkedInAt: a?.checkedInAt ?? null,
        checkedOutAt: a?.checkedOutAt ?? null,
        creditedMinutes: entry ? entry.minutes + corrections.reduce((s, c) => s + c.minutes, 0) : 0,
        originalMinutes: entry?.minutes ?? 0,
        corrections: corrections.map((c) => ({ minutes: c.minutes, reason: c.reason })),
        /** A learner's own check-out the coordinator may still undo (the session runs). */
        undoable: Boolean(a && session.endsAt && !session.cancelledAt && undoCheckoutRefusal({ endsAt: session.endsAt }, a, now) === null),
      }
    })
    .sort((x, y) => x.person.name.localeCompare(y.person.name, 'zh-CN'))
}

/**
 * Reduces or reverses one person's credit for a session: a correction entry
 * (negative minutes, reason required) pointing at the attendance entry.
 * Returns the entry and whose credit it corrected.
 */
export async function correctAttendance(
  db: Db,
  opts: { sessionId: string; attendanceId: string; minutesToRemove: number; reason: string; actorId: string; ip?: string | null },
) {
  if (!plausibleId(opts.attendanceId)) throw new AttendanceError('not_found')
  const attendance = await db.attendance.findFirst({
    where: { id: opts.attendanceId, sessionId: opts.sessionId },
    select: { id: true, enrollment: { select: { person: { select: { name: true } } } } },
  })
  if (!attendance) throw new AttendanceError('not_found')
  const entry = await db.hourEntry.findFirst({ where: { source: 'attendance', sourceRef: attendance.id, correctsId: null }, select: { id: true } })
  if (!entry) throw new AttendanceError('not_found')
  if (!Number.isInteger(opts.minutesToRemove) || opts.minutesToRemove <= 0) throw new AttendanceError('correction_invalid')
  try {
    const correction = await correctHourEntry(db, {
      entryId: entry.id,
      minutes: -opts.minutesToRemove,
      reason: opts.reason,
      createdById: opts.actorId,
      ip: opts.ip,
    })
    return { entry: correction, personName: attendance.enrollment.person.name }
  } catch (error) {
    if (error instanceof LedgerError) throw new AttendanceError('correction_invalid', error.message)
    throw error
  }
}

/** A scan outcome as plain JSON for the learner's result page. */
export function scanAnswer(outcome: ScanOutcome) {
  const at =
    outcome.kind === 'checked_in' || outcome.kind === 'checked_out' || outcome.kind === 'confirm_early'
      ? outcome.at
      : outcome.kind === 'too_soon'
        ? outcome.checkedInAt
        : null
  return {
    ok: true as const,
    kind: outcome.kind,
    at: at?.toISOString() ?? null,
    creditedMinutes: 'creditedMinutes' in outcome ? outcome.creditedMinutes : 0,
    minutesPerHour: outcome.minutesPerHour,
    groupName: outcome.groupName,
    sessionId: outcome.sessionId,
    undoable: outcome.kind === 'checked_out' ? outcome.undoable : false,
    early: outcome.kind === 'confirm_early' ? { ticket: outcome.ticket, fullMinutes: outcome.fullMinutes, endsAt: outcome.endsAt.toISOString() } : null,
  }
}
