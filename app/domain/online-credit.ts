/**
 * Online time (DESIGN.md §3, issue 3): how many seconds one lesson-page
 * heartbeat earns. Pure: the caller locks the person's presence row, reads
 * today's credit so far and hands everything in, with the server's `now`.
 *
 * Rules, in the order they are applied:
 * 1. `future`: a beat whose client `sentAt` is more than FUTURE_TOLERANCE_MS
 *    ahead of the server's clock credits nothing and changes nothing (not even
 *    the presence: a forged beat must not take over a tab).
 * 2. One active page per person. The presence names the tab (a random token
 *    per page load) that is credited now. A beat from another token:
 *    - takes over when it is a fresh page (seq 1), or when the presence is
 *      stale (no beat for more than MAX_BEAT_GAP_S): `started`, 0 s, a new
 *      interval begins (we cannot know the learner was there before);
 *    - otherwise it comes from a page another page has replaced:
 *      `other_tab_took_over`, 0 s, presence unchanged. The page says so and
 *      offers to continue here (a new token, seq 1).
 * 3. `replay`: seq ≤ the presence's lastSeq (a replayed or reordered beat)
 *    credits nothing and changes nothing.
 * 4. `gap_restart`: more than MAX_BEAT_GAP_S since the last beat: the page
 *    was hidden, asleep or offline, so nothing is credited and the interval
 *    restarts at this beat.
 * 5. `new_day`: the last beat was on an earlier Beijing day. Only the time
 *    since Beijing midnight counts, and it counts for the new day (at most
 *    60 s before midnight are dropped, once a day; one beat never splits
 *    across two days' credit rows).
 * 6. Otherwise the credit is min(server elapsed, MAX_BEAT_CREDIT_S, the client's
 *    own sentAt delta when it is not negative), rounded to whole seconds, then
 *    cut to what is left of the lesson's daily cap (nominal minutes + 20 %)
 *    and of the person's daily online cap across all lessons; a cut says
 *    `lesson_cap` or `daily_cap`.
 * Every beat that is not refused (1–3) moves the presence to this beat.
 */
import { beijingDate, startOfBeijingDay } from './time.ts'

/** Beats come every 30 s; one that comes later than this after the last one credits nothing. */
export const MAX_BEAT_GAP_S = 60
/** No single beat credits more than this. */
export const MAX_BEAT_CREDIT_S = 60
/** Client clocks may run a little ahead of ours; more than this and the beat is refused. */
export const FUTURE_TOLERANCE_MS = 5_000
/** A lesson credits at most its nominal length plus this share, per day. */
export const LESSON_CAP_MARGIN = 0.2

export type Presence = {
  tabToken: string
  lessonId: string
  lastSeq: number
  lastBeatAt: Date
  /** The client's sentAt of the last accepted beat (null for rows written before it was kept). */
  lastSentAt: Date | null
}

export type Beat = { tabToken: string; lessonId: string; seq: number; sentAt: Date }

export type CreditReason = 'started' | 'credited' | 'other_tab_took_over' | 'replay' | 'future' | 'gap_restart' | 'lesson_cap' | 'daily_cap' | 'new_day'

export type CreditInput = {
  presence: Presence | null
  beat: Beat
  now: Date
  /** Seconds already credited today (Beijing day of `now`) for this lesson, and for all of the person's lessons. */
  soFar: { lessonSeconds: number; personSeconds: number }
  caps: { lessonNominalMinutes: number; dailyOnlineCapMinutes: number }
}

export type CreditDecision = {
  seconds: number
  reason: CreditReason
  /** The presence to store; the same object as the input when nothing changes. */
  presence: Presence | null
  /** The Beijing day the seconds belong to (the day of `now`). */
  day: string
}

export const lessonCapSeconds = (nominalMinutes: number) => Math.round(nominalMinutes * 60 * (1 + LESSON_CAP_MARGIN))

export function decideCredit(input: CreditInput): CreditDecision {
  const { presence, beat, now, soFar, caps } = input
  const day = beijingDate(now)
  const unchanged = (reason: CreditReason): CreditDecision => ({ seconds: 0, reason, presence, day })
  const moved: Presence = { tabToken: beat.tabToken, lessonId: beat.lessonId, lastSeq: beat.seq, lastBeatAt: now, lastSentAt: beat.sentAt }

  if (beat.sentAt.getTime() - now.getTime() > FUTURE_TOLERANCE_MS) return unchanged('future')

  const elapsedMs = presence ? now.getTime() - presence.lastBeatAt.getTime() : Infinity
  const stale = elapsedMs > MAX_BEAT_GAP_S * 1000
  const samePage = presence !== null && presence.tabToken === beat.tabToken && presence.lessonId === beat.lessonId
  if (!samePage) {
    if (presence === null || stale || beat.seq === 1) return { seconds: 0, reason: 'started', presence: moved, day }
    return unchanged('other_tab_took_over')
  }

  if (beat.seq <= presence.lastSeq) return unchanged('replay')
  // A server clock that stepped back (or a beat handled out of order across
  // instances): keep the later instant, credit nothing.
  if (elapsedMs < 0) return { seconds: 0, reason: 'replay', presence: { ...moved, lastBeatAt: presence.lastBeatAt }, day }
  if (stale) return { seconds: 0, reason: 'gap_restart', presence: moved, day }

  let reason: CreditReason = 'credited'
  let creditMs = Math.min(elapsedMs, MAX_BEAT_CREDIT_S * 1000)
  if (presence.lastSentAt) {
    const clientMs = beat.sentAt.getTime() - presence.lastSentAt.getTime()
    if (clientMs >= 0) creditMs = Math.min(creditMs, clientMs)
  }
  if (beijingDate(presence.lastBeatAt) !== day) {
    reason = 'new_day'
    creditMs = Math.min(creditMs, now.getTime() - startOfBeijingDay(day).getTime())
  }
  let seconds = Math.round(creditMs / 1000)

  const lessonLeft = Math.max(0, lessonCapSeconds(caps.lessonNominalMinutes) - soFar.lessonSeconds)
  const dayLeft = Math.max(0, caps.dailyOnlineCapMinutes * 60 - soFar.personSeconds)
  if (seconds > dayLeft && dayLeft <= lessonLeft) {
    seconds = dayLeft
    reason = 'daily_cap'
  } else if (seconds > lessonLeft) {
    seconds = lessonLeft
    reason = 'lesson_cap'
  }
  return { seconds, reason, presence: moved, day }
}

/**
 * The "学完了" form (issue 13): a lesson read without heartbeats (JavaScript
 * off, or a page that could not send them) credits the time since the page was
 * served, capped like the heartbeats:
 * 1. the elapsed time since the page was served (`openedAt`, server clock),
 *    only since Beijing midnight when the page was served on an earlier day
 *    (like `new_day`), never negative;
 * 2. at most the lesson's nominal minutes;
 * 3. less what heartbeats credited this lesson since the page was served
 *    (today's seconds now minus those at serving time, when served today;
 *    all of today's otherwise), so reading with JavaScript on is not counted twice;
 * 4. cut to what is left of the lesson's daily cap and the person's daily online cap.
 * The caller makes it happen once per page served (a one-time token).
 */
export type FinishReason = 'credited' | 'already_counted' | 'lesson_cap' | 'daily_cap'

export function decideFinishCredit(input: {
  openedAt: Date
  now: Date
  /** The lesson's seconds credited today when the page was served (same Beijing day as openedAt, else ignored). */
  secondsAtOpen: number
  soFar: { lessonSeconds: number; personSeconds: number }
  caps: { lessonNominalMinutes: number; dailyOnlineCapMinutes: number }
}): { seconds: number; reason: FinishReason; day: string } {
  const { openedAt, now, soFar, caps } = input
  const day = beijingDate(now)
  const sameDay = beijingDate(openedAt) === day
  const from = sameDay ? openedAt.getTime() : Math.max(openedAt.getTime(), startOfBeijingDay(day).getTime())
  const elapsed = Math.max(0, Math.floor((now.getTime() - from) / 1000))
  const reading = Math.min(elapsed, caps.lessonNominalMinutes * 60)
  const byHeartbeats = sameDay ? Math.max(0, soFar.lessonSeconds - input.secondsAtOpen) : soFar.lessonSeconds
  let seconds = Math.max(0, reading - byHeartbeats)
  if (seconds === 0) return { seconds: 0, reason: 'already_counted', day }
  const lessonLeft = Math.max(0, lessonCapSeconds(caps.lessonNominalMinutes) - soFar.lessonSeconds)
  const dayLeft = Math.max(0, caps.dailyOnlineCapMinutes * 60 - soFar.personSeconds)
  let reason: FinishReason = 'credited'
  if (seconds > dayLeft && dayLeft <= lessonLeft) {
    seconds = dayLeft
    reason = 'daily_cap'
  } else if (seconds > lessonLeft) {
    seconds = lessonLeft
    reason = 'lesson_cap'
  }
  return { seconds, reason, day }
}
