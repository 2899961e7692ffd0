/**
 * Attendance rules of a face-to-face session (DESIGN.md §3).
 *
 * - Credited minutes = the time present within the session
 *   ([checkedIn, checkedOut] ∩ [startsAt, endsAt]) in whole minutes (rounded
 *   down), never more than the session's planned minutes.
 * - A roster tick by the coordinator credits the whole session: the planned
 *   minutes; not before the session has started.
 * - Scans: the first scan checks in; a later scan at least one minute after
 *   checking in checks out (and credits); a scan within that minute, or one
 *   that would credit nothing (before the start), changes nothing ("already
 *   checked in at 14:02"); a scan after checking out (or
 *   after the coordinator credited the session) changes nothing and says so.
 * - An early check-out (before the end, crediting less than staying to the
 *   end would) is asked about once before it is written (issue 13).
 * - A learner's own check-out (QR or code, not a roster tick) may be undone
 *   while the session runs: the attendance is open again and its credit is
 *   reversed by a correction entry; a later check-out credits once more.
 */

export type SessionTimes = { startsAt: Date; endsAt: Date; plannedMinutes: number }

/** Minimum time between check-in and check-out. */
export const MIN_CHECKOUT_GAP_MS = 60_000

export function creditedMinutes(session: SessionTimes, checkedInAt: Date, checkedOutAt: Date): number {
  const from = Math.max(checkedInAt.getTime(), session.startsAt.getTime())
  const to = Math.min(checkedOutAt.getTime(), session.endsAt.getTime())
  if (to <= from) return 0
  return Math.min(Math.floor((to - from) / 60_000), Math.max(0, session.plannedMinutes))
}

/** Minutes a roster tick credits: the whole session. */
export function rosterMinutes(session: SessionTimes): number {
  return session.plannedMinutes
}

export type AttendanceState = { checkedInAt: Date | null; checkedOutAt: Date | null; creditedMinutes: number | null }

export type ScanDecision =
  | { kind: 'check_in' }
  | { kind: 'check_out'; creditedMinutes: number }
  /** Scanned again within a minute of checking in: nothing changes. */
  | { kind: 'too_soon'; checkedInAt: Date }
  /** Already checked out or credited by the coordinator: nothing changes. */
  | { kind: 'already_done'; creditedMinutes: number }

/** What a learner's scan at `now` does, given their attendance so far (null: none). */
export function decideScan(session: SessionTimes, state: AttendanceState | null, now: Date): ScanDecision {
  if (!state || !state.checkedInAt) return { kind: 'check_in' }
  if (state.checkedOutAt || state.creditedMinutes !== null) return { kind: 'already_done', creditedMinutes: state.creditedMinutes ?? 0 }
  if (now.getTime() - state.checkedInAt.getTime() < MIN_CHECKOUT_GAP_MS) return { kind: 'too_soon', checkedInAt: state.checkedInAt }
  const minutes = creditedMinutes(session, state.checkedInAt, now)
  // A check-out worth nothing (say, a second scan before the session starts) would end the day at 0: ignore it.
  if (minutes === 0) return { kind: 'too_soon', checkedInAt: state.checkedInAt }
  return { kind: 'check_out', creditedMinutes: minutes }
}

/** What checking out at `now` would credit, and what staying to the end would. */
export type EarlyCheckout = { creditedMinutes: number; fullMinutes: number }

/**
 * A check-out the learner is asked about first: before the session's end,
 * and crediting fewer minutes than staying to the end would (both by
 * creditedMinutes, the rule that credits). Null when checking out now loses
 * nothing (after the end, or already at the planned minutes).
 */
export function earlyCheckout(session: SessionTimes, checkedInAt: Date, now: Date): EarlyCheckout | null {
  if (now.getTime() >= session.endsAt.getTime()) return null
  const credited = creditedMinutes(session, checkedInAt, now)
  const full = creditedMinutes(session, checkedInAt, session.endsAt)
  return credited < full ? { creditedMinutes: credited, fullMinutes: full } : null
}

export type UndoCheckoutState = { checkedOutAt: Date | null; method: 'qr' | 'code' | 'roster'; recordedById: string | null }
export type UndoCheckoutRefusal = 'not_checked_out' | 'by_roster' | 'session_ended'

/**
 * Whether a check-out may be undone at `now`: only a check-out the learner
 * made (QR or code; a roster tick is the coordinator's word, corrected as
 * hours instead), only while the session still runs (before its end).
 */
export function undoCheckoutRefusal(session: Pick<SessionTimes, 'endsAt'>, state: UndoCheckoutState | null, now: Date): UndoCheckoutRefusal | null {
  if (!state || !state.checkedOutAt) return 'not_checked_out'
  if (state.method === 'roster' || state.recordedById !== null) return 'by_roster'
  if (now.getTime() >= session.endsAt.getTime()) return 'session_ended'
  return null
}

export type RosterDecision = { kind: 'credit'; creditedMinutes: number } | { kind: 'already_credited'; creditedMinutes: number }

/**
 * A roster tick: credits the whole session unless the person is already
 * credited (checked out or ticked before). A person who checked in by QR and
 * never checked out is completed by the tick (the coordinator vouches for the
 * whole session); that is still one credit.
 */
export function decideRosterTick(session: SessionTimes, state: AttendanceState | null): RosterDecision {
  if (state && (state.checkedOutAt || state.creditedMinutes !== null)) return { kind: 'already_credited', creditedMinutes: state.creditedMinutes ?? 0 }
  return { kind: 'credit', creditedMinutes: rosterMinutes(session) }
}

/**
 * A roster tick vouches for a session that took place: a session that has
 * not started yet credits nobody (like the API, which refuses hours dated in
 * the future). Once it has started the coordinator may tick it.
 */
export function rosterTickRefusal(session: Pick<SessionTimes, 'startsAt'>, now: Date): 'not_started' | null {
  return now.getTime() < session.startsAt.getTime() ? 'not_started' : null
}

export type SessionFormInput = { startsAt: Date; endsAt: Date; plannedMinutes: number; venue: string }
export type SessionFormError = 'end_before_start' | 'planned_not_positive' | 'planned_too_long' | 'venue_required' | 'too_long'

/** Checks a session's schedule: end after start, 0 < planned ≤ length, a venue, at most 24 hours. */
export function validateSession(input: SessionFormInput): SessionFormError | null {
  const length = (input.endsAt.getTime() - input.startsAt.getTime()) / 60_000
  if (!input.venue.trim()) return 'venue_required'
  if (!(length > 0)) return 'end_before_start'
  if (length > 24 * 60) return 'too_long'
  if (!Number.isInteger(input.plannedMinutes) || input.plannedMinutes <= 0) return 'planned_not_positive'
  if (input.plannedMinutes > length) return 'planned_too_long'
  return null
}
