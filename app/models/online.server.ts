/**
 * Online time (DESIGN.md §3): lesson-page heartbeats credited into
 * OnlineCredit (one row per person, lesson and Beijing day), later folded into
 * one ledger entry each. The rules are app/domain/online-credit.ts; this file
 * only reads what they need and stores what they decide.
 *
 * Hot path (DESIGN.md §7: ≥ 1,500 beats/s): one short transaction, four
 * statements: lock the person's presence row, read today's totals and the
 * active enrollment, then one statement writing the credit and the presence.
 * Lessons and policy caps are cached per process. The answer is given only
 * after COMMIT, so a crash never loses a second the page was told about.
 */
import { decideCredit, lessonCapSeconds, type CreditReason, type Presence } from '#app/domain/online-credit.ts'
import { beijingDate } from '#app/domain/time.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { appendHourEntry } from './ledger.server.ts'
import { getPolicy } from './policies.server.ts'
import { onlineMinutes } from './progress.server.ts'

export class OnlineError extends Error {
  constructor(
    readonly code: 'lesson_not_found' | 'no_active_enrollment',
    message: string,
  ) {
    super(message)
    this.name = 'OnlineError'
  }
}

const CACHE_MS = 60_000

type LessonInfo = { id: string; programId: string; nominalMinutes: number }
const lessonCache = new Map<string, { info: LessonInfo | null; until: number }>()

/** A lesson's program and nominal length (cached a minute; retired lessons credit nothing). */
async function lessonInfo(db: Db, lessonId: string): Promise<LessonInfo | null> {
  const hit = lessonCache.get(lessonId)
  if (hit && hit.until > Date.now()) return hit.info
  const rows = await db.$queryRaw<LessonInfo[]>`
    SELECT l."id", c."programId", l."nominalMinutes"
    FROM "Lesson" l JOIN "Course" c ON c."id" = l."courseId"
    WHERE l."id" = ${lessonId} AND l."retiredAt" IS NULL AND c."retiredAt" IS NULL`
  const info = rows[0] ?? null
  if (lessonCache.size > 10_000) lessonCache.clear()
  lessonCache.set(lessonId, { info, until: Date.now() + CACHE_MS })
  return info
}

const capCache = new Map<string, { minutes: number; until: number }>()

/** The daily online cap of a program's policy version (a stored version never changes; "current" is re-read each minute). */
async function dailyCapMinutes(db: Db, programId: string, version: string | null): Promise<number> {
  const key = `${programId}@${version ?? ''}`
  const hit = capCache.get(key)
  if (hit && hit.until > Date.now()) return hit.minutes
  const policy = await getPolicy(db, programId, version)
  capCache.set(key, { minutes: policy.dailyOnlineCapMinutes, until: version ? Infinity : Date.now() + CACHE_MS })
  return policy.dailyOnlineCapMinutes
}

export type HeartbeatInput = { personId: string; lessonId: string; tabToken: string; seq: number; sentAt: Date; now: Date }

export type HeartbeatResult = {
  /** Seconds this beat added, committed before this returns. */
  credited: number
  reason: CreditReason
  day: string
  lessonSecondsToday: number
  personSecondsToday: number
  lessonCapSeconds: number
  dailyCapSeconds: number
  /** The person's previous beat was on an earlier day: earlier days' credits can be folded now. */
  dayChanged: boolean
}

class PresenceRace extends Error {}

type PresenceRow = Presence
type TotalsRow = { enrollmentId: string | null; policyVersion: string | null; personSeconds: number; lessonSeconds: number }

/**
 * Credits one heartbeat. Throws OnlineError when the lesson does not exist or
 * the person has no active enrollment in the lesson's program.
 */
export async function recordHeartbeat(db: Db, beat: HeartbeatInput): Promise<HeartbeatResult> {
  const lesson = await lessonInfo(db, beat.lessonId)
  if (!lesson) throw new OnlineError('lesson_not_found', '找不到这节课')
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction((tx) => creditInTx(db, tx, lesson, beat))
    } catch (error) {
      // Two first-ever beats of one person at once: the loser retries and now finds the row to lock.
      if (error instanceof PresenceRace && attempt < 3) continue
      throw error
    }
  }
}

async function creditInTx(db: Db, tx: Tx, lesson: LessonInfo, beat: HeartbeatInput): Promise<HeartbeatResult> {
  const day = beijingDate(beat.now)
  const locked = await tx.$queryRaw<PresenceRow[]>`
    SELECT "tabToken", "lessonId", "lastSeq", "lastBeatAt", "lastSentAt"
    FROM "OnlinePresence" WHERE "personId" = ${beat.personId} FOR UPDATE`
  const presence = locked[0] ?? null
  // Read after the lock: every credit of this person is written under it, so these totals are exact.
  const [totals] = await tx.$queryRaw<TotalsRow[]>`
    SELECT
      (SELECT e."id" FROM "Enrollment" e WHERE e."personId" = ${beat.personId} AND e."programId" = ${lesson.programId}
         AND e."status" = 'active' ORDER BY e."createdAt" DESC LIMIT 1) AS "enrollmentId",
      (SELECT e."policyVersion" FROM "Enrollment" e WHERE e."personId" = ${beat.personId} AND e."programId" = ${lesson.programId}
         AND e."status" = 'active' ORDER BY e."createdAt" DESC LIMIT 1) AS "policyVersion",
      (SELECT COALESCE(SUM(c."seconds"), 0)::int FROM "OnlineCredit" c WHERE c."personId" = ${beat.personId} AND c."day" = ${day}::date) AS "personSeconds",
      (SELECT COALESCE(SUM(c."seconds"), 0)::int FROM "OnlineCredit" c WHERE c."personId" = ${beat.personId} AND c."lessonId" = ${lesson.id} AND c."day" = ${day}::date) AS "lessonSeconds"`
  if (!totals?.enrollmentId) throw new OnlineError('no_active_enrollment', '你没有参加这门课所属的培训，不能计时')
  const capMinutes = await dailyCapMinutes(db, lesson.programId, totals.policyVersion)

  const decision = decideCredit({
    presence,
    beat: { tabToken: beat.tabToken, lessonId: lesson.id, seq: beat.seq, sentAt: beat.sentAt },
    now: beat.now,
    soFar: { lessonSeconds: totals.lessonSeconds, personSeconds: totals.personSeconds },
    caps: { lessonNominalMinutes: lesson.nominalMinutes, dailyOnlineCapMinutes: capMinutes },
  })

  let credited = 0
  const next = decision.presence
  if (next && next !== presence && !presence) {
    const inserted = await tx.$executeRaw`
      INSERT INTO "OnlinePresence" ("personId", "tabToken", "lessonId", "lastSeq", "lastBeatAt", "lastSentAt")
      VALUES (${beat.personId}, ${next.tabToken}, ${next.lessonId}, ${next.lastSeq}, ${next.lastBeatAt.toISOString()}::timestamptz,
              ${next.lastSentAt?.toISOString() ?? null}::timestamptz)
      ON CONFLICT ("personId") DO NOTHING`
    if (inserted === 0) throw new PresenceRace()
  } else if (next && next !== presence && decision.seconds === 0) {
    await tx.$executeRaw`
      UPDATE "OnlinePresence" SET "tabToken" = ${next.tabToken}, "lessonId" = ${next.lessonId}, "lastSeq" = ${next.lastSeq},
        "lastBeatAt" = ${next.lastBeatAt.toISOString()}::timestamptz, "lastSentAt" = ${next.lastSentAt?.toISOString() ?? null}::timestamptz
      WHERE "personId" = ${beat.personId}`
  } else if (next && decision.seconds > 0) {
    // One statement: the presence moves and the credit grows. A credit row
    // already folded into the ledger (its day closed) takes no more seconds.
    const rows = await tx.$queryRaw<{ seconds: number }[]>`
      WITH moved AS (
        UPDATE "OnlinePresence" SET "tabToken" = ${next.tabToken}, "lessonId" = ${next.lessonId}, "lastSeq" = ${next.lastSeq},
          "lastBeatAt" = ${next.lastBeatAt.toISOString()}::timestamptz, "lastSentAt" = ${next.lastSentAt?.toISOString() ?? null}::timestamptz
        WHERE "personId" = ${beat.personId}
      )
      INSERT INTO "OnlineCredit" ("id", "personId", "lessonId", "enrollmentId", "day", "seconds", "lastBeatAt")
      VALUES (${newId()}, ${beat.personId}, ${lesson.id}, ${totals.enrollmentId}, ${decision.day}::date, ${decision.seconds},
              ${beat.now.toISOString()}::timestamptz)
      ON CONFLICT ("personId", "lessonId", "day") DO UPDATE
        SET "seconds" = "OnlineCredit"."seconds" + EXCLUDED."seconds", "lastBeatAt" = EXCLUDED."lastBeatAt"
        WHERE "OnlineCredit"."foldedAt" IS NULL
      RETURNING "seconds"`
    if (rows.length > 0) credited = decision.seconds
  }

  return {
    credited,
    reason: decision.reason,
    day: decision.day,
    lessonSecondsToday: totals.lessonSeconds + credited,
    personSecondsToday: totals.personSeconds + credited,
    lessonCapSeconds: lessonCapSeconds(lesson.nominalMinutes),
    dailyCapSeconds: capMinutes * 60,
    dayChanged: presence !== null && beijingDate(presence.lastBeatAt) < decision.day,
  }
}

/**
 * Folds every credit of a day before `beforeDay` (YYYY-MM-DD, Beijing) that is
 * not folded yet into one ledger entry (category online, source
 * online_tracking, sourceRef = the credit's id, whole minutes; under a minute
 * writes no entry) and marks it folded. One transaction per credit; running
 * it twice, or on two processes at once, writes each entry once.
 */
export async function foldOnlineCredits(
  db: Db,
  opts: { beforeDay: string; personId?: string; now?: Date },
): Promise<{ folded: number; entries: number }> {
  const now = opts.now ?? new Date()
  const pending = await db.onlineCredit.findMany({
    where: { foldedAt: null, day: { lt: new Date(`${opts.beforeDay}T00:00:00Z`) }, ...(opts.personId ? { personId: opts.personId } : {}) },
    select: { id: true },
    orderBy: [{ day: 'asc' }, { id: 'asc' }],
  })
  let folded = 0
  let entries = 0
  for (const { id } of pending) {
    await db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ enrollmentId: string; day: Date; seconds: number }[]>`
        SELECT "enrollmentId", "day", "seconds" FROM "OnlineCredit" WHERE "id" = ${id} AND "foldedAt" IS NULL FOR UPDATE`
      const credit = rows[0]
      if (!credit) return
      const minutes = onlineMinutes(credit.seconds)
      if (minutes >= 1) {
        const { created } = await appendHourEntry(tx, {
          enrollmentId: credit.enrollmentId,
          category: 'online',
          minutes,
          date: credit.day.toISOString().slice(0, 10),
          source: 'online_tracking',
          sourceRef: id,
          createdById: null,
        })
        if (created) entries++
      }
      await tx.$executeRaw`UPDATE "OnlineCredit" SET "foldedAt" = ${now.toISOString()}::timestamptz WHERE "id" = ${id}`
      folded++
    })
  }
  return { folded, entries }
}

/** Seconds credited today per lesson for a person (the /learn list and the lesson page). */
export async function lessonSecondsOn(db: Db | Tx, personId: string, day: string, lessonIds?: string[]): Promise<Map<string, number>> {
  const rows = await db.onlineCredit.findMany({
    where: { personId, day: new Date(`${day}T00:00:00Z`), ...(lessonIds ? { lessonId: { in: lessonIds } } : {}) },
    select: { lessonId: true, seconds: true },
  })
  return new Map(rows.map((r) => [r.lessonId, r.seconds]))
}

/** Whole minutes shown for credited seconds (the same rounding the ledger uses). */
export { onlineMinutes }

/** The programs the person is actively enrolled in. */
async function activeProgramIds(db: Db | Tx, personId: string): Promise<string[]> {
  const rows = await db.enrollment.findMany({ where: { personId, status: 'active' }, select: { programId: true }, distinct: ['programId'] })
  return rows.map((r) => r.programId)
}

/** Courses with their lessons, of the person's active programs, with today's credited seconds per lesson. */
export async function listLessonsForPerson(db: Db, personId: string, today: string) {
  const programIds = await activeProgramIds(db, personId)
  if (programIds.length === 0) return []
  const courses = await db.course.findMany({
    where: { programId: { in: programIds }, retiredAt: null, lessons: { some: { retiredAt: null } } },
    orderBy: [{ code: 'asc' }],
    select: {
      id: true,
      name: true,
      lessons: { where: { retiredAt: null }, orderBy: [{ position: 'asc' }, { code: 'asc' }], select: { id: true, title: true, nominalMinutes: true } },
    },
  })
  const seconds = await lessonSecondsOn(db, personId, today)
  return courses.map((c) => ({
    id: c.id,
    name: c.name,
    lessons: c.lessons.map((l) => ({ ...l, minutesToday: onlineMinutes(seconds.get(l.id) ?? 0) })),
  }))
}

/** One lesson, when it belongs to one of the person's active programs (null otherwise: a 404). */
export async function findLessonForPerson(db: Db, personId: string, lessonId: string, today: string) {
  const programIds = await activeProgramIds(db, personId)
  const lesson = await db.lesson.findFirst({
    where: { id: lessonId, retiredAt: null, course: { retiredAt: null, programId: { in: programIds } } },
    select: { id: true, title: true, content: true, nominalMinutes: true, course: { select: { id: true, name: true } } },
  })
  if (!lesson) return null
  const seconds = (await lessonSecondsOn(db, personId, today, [lesson.id])).get(lesson.id) ?? 0
  return { ...lesson, secondsToday: seconds, capSeconds: lessonCapSeconds(lesson.nominalMinutes) }
}
