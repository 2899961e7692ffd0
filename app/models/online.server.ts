/**
 * Online time (DESIGN.md §3): lesson-page heartbeats credited into
 * OnlineCredit (one row per person, lesson and Beijing day), later folded into
 * one ledger entry each. The rules are app/domain/online-credit.ts; this file
 * only reads what they need and stores what they decide.
 *
 * Hot path (DESIGN.md §7: ≥ 1,500 beats/s): two statements on a plain pg
 * pool, optimistic (see recordHeartbeat). Lessons and policy caps are cached
 * per process. The answer is given only after the write has committed, so a
 * crash never loses a second the page was told about.
 */
import { decideCredit, lessonCapSeconds, type CreditReason, type Presence } from '#app/domain/online-credit.ts'
import { beijingDate } from '#app/domain/time.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createReadBatcher } from '#app/utils/pg-batch.server.ts'
import { getPool } from '#app/utils/pg.server.ts'
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

type TotalsRow = {
  tabToken: string | null
  lessonId: string | null
  lastSeq: number | null
  lastBeatAt: Date | null
  lastSentAt: Date | null
  enrollmentId: string | null
  policyVersion: string | null
  personSeconds: number
  lessonSeconds: number
}

/**
 * Presence, today's totals and the active enrollment of (person, lesson,
 * day, program) tuples, one row per tuple in order; one snapshot. Concurrent
 * beats' reads are coalesced into one statement (app/utils/pg-batch.server.ts).
 */
const READ_SQL = `
  SELECT k."i", p."tabToken", p."lessonId", p."lastSeq", p."lastBeatAt", p."lastSentAt",
    e."id" AS "enrollmentId", e."policyVersion",
    (SELECT COALESCE(SUM(c."seconds"), 0)::int FROM "OnlineCredit" c WHERE c."personId" = k."person" AND c."day" = k."day") AS "personSeconds",
    (SELECT COALESCE(SUM(c."seconds"), 0)::int FROM "OnlineCredit" c WHERE c."personId" = k."person" AND c."lessonId" = k."lesson" AND c."day" = k."day") AS "lessonSeconds"
  FROM unnest($1::text[], $2::text[], $3::date[], $4::text[]) WITH ORDINALITY AS k("person", "lesson", "day", "program", "i")
  LEFT JOIN "OnlinePresence" p ON p."personId" = k."person"
  LEFT JOIN LATERAL (SELECT "id", "policyVersion" FROM "Enrollment" WHERE "personId" = k."person" AND "programId" = k."program" AND "status" = 'active'
                     ORDER BY "createdAt" DESC LIMIT 1) e ON true
  ORDER BY k."i"`

type ReadKey = { personId: string; lessonId: string; day: string; programId: string }

const readTotals = createReadBatcher<ReadKey, TotalsRow>({
  run: async (keys) => {
    const { rows } = await getPool().query<TotalsRow>({
      name: 'xx_heartbeat_read',
      text: READ_SQL,
      values: [keys.map((k) => k.personId), keys.map((k) => k.lessonId), keys.map((k) => k.day), keys.map((k) => k.programId)],
    })
    return rows
  },
})

/** First presence of a person: inserted only if still absent. */
const INSERT_PRESENCE_SQL = `
  INSERT INTO "OnlinePresence" ("personId", "tabToken", "lessonId", "lastSeq", "lastBeatAt", "lastSentAt")
  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("personId") DO NOTHING RETURNING 1 AS ok`

/**
 * Moves the presence only if it is still the version read ($7–$9: compare and
 * swap), and in the same statement (one transaction) adds the credit; a credit
 * row already folded into the ledger takes no more seconds.
 */
const MOVE_AND_CREDIT_SQL = `
  WITH moved AS (
    UPDATE "OnlinePresence" SET "tabToken" = $2, "lessonId" = $3, "lastSeq" = $4, "lastBeatAt" = $5, "lastSentAt" = $6
    WHERE "personId" = $1 AND "tabToken" = $7 AND "lastSeq" = $8 AND "lastBeatAt" = $9
    RETURNING 1
  ), credit AS (
    INSERT INTO "OnlineCredit" ("id", "personId", "lessonId", "enrollmentId", "day", "seconds", "lastBeatAt")
    SELECT $10, $1, $3, $11, $12::date, $13, $5 FROM moved WHERE $13::int > 0
    ON CONFLICT ("personId", "lessonId", "day") DO UPDATE
      SET "seconds" = "OnlineCredit"."seconds" + EXCLUDED."seconds", "lastBeatAt" = EXCLUDED."lastBeatAt"
      WHERE "OnlineCredit"."foldedAt" IS NULL
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM credit)::int AS credited`

/**
 * Credits one heartbeat. Throws OnlineError when the lesson does not exist or
 * the person has no active enrollment in the lesson's program.
 *
 * Two statements, no explicit transaction, optimistic instead of a row lock
 * (the lock version costs five round trips; DESIGN.md §7 wants ≥ 1,500/s):
 * 1. read the presence, today's totals and the active enrollment in one snapshot;
 * 2. decide (app/domain/online-credit.ts);
 * 3. one statement (one atomic transaction, committed before this returns)
 *    moves the presence only if it is still the version read, and adds the
 *    credit only if the presence moved. Every credit of a person is written
 *    together with a move of the person's presence, so a concurrent beat that
 *    changed the totals also changed the presence: the swap fails and the beat
 *    is decided again on fresh data. Two tabs can therefore never both credit
 *    the same interval, and the caps hold exactly.
 * `db` serves cache misses (lesson, policy); the hot statements use the pg
 * pool of the same database (app/utils/pg.server.ts).
 */
export async function recordHeartbeat(db: Db, beat: HeartbeatInput): Promise<HeartbeatResult> {
  const lesson = await lessonInfo(db, beat.lessonId)
  if (!lesson) throw new OnlineError('lesson_not_found', '找不到这节课')
  const pool = getPool()
  const day = beijingDate(beat.now)
  for (let attempt = 0; attempt < 20; attempt++) {
    const totals = await readTotals({ personId: beat.personId, lessonId: lesson.id, day, programId: lesson.programId })
    if (!totals.enrollmentId) throw new OnlineError('no_active_enrollment', '你没有参加这门课所属的培训，不能计时')
    const presence: Presence | null =
      totals.tabToken !== null
        ? { tabToken: totals.tabToken, lessonId: totals.lessonId!, lastSeq: totals.lastSeq!, lastBeatAt: totals.lastBeatAt!, lastSentAt: totals.lastSentAt }
        : null
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
    if (next && next !== presence) {
      const values = [beat.personId, next.tabToken, next.lessonId, next.lastSeq, next.lastBeatAt, next.lastSentAt]
      if (!presence) {
        const inserted = await pool.query({ name: 'xx_heartbeat_first', text: INSERT_PRESENCE_SQL, values })
        if (inserted.rowCount === 0) continue // another first beat got there: decide again
      } else {
        const { rows: w } = await pool.query<{ moved: number; credited: number }>({ name: 'xx_heartbeat_write', text: MOVE_AND_CREDIT_SQL, values: [
          ...values, presence.tabToken, presence.lastSeq, presence.lastBeatAt,
          newId(), totals.enrollmentId, decision.day, decision.seconds,
        ] })
        if (w[0]!.moved === 0) continue // a concurrent beat moved the presence: decide again on fresh data
        if (w[0]!.credited > 0) credited = decision.seconds
      }
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
  throw new Error('heartbeat: too much contention on one person')
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
