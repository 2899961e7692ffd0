/**
 * Online time (DESIGN.md §3): lesson-page heartbeats credited into
 * OnlineCredit (one row per person, lesson and Beijing day), later folded into
 * one ledger entry each. The rules are app/domain/online-credit.ts; this file
 * only reads what they need and stores what they decide.
 *
 * Hot path (DESIGN.md §7: ≥ 1,500 beats/s): one read and one write per
 * beat on a plain pg pool, optimistic (see recordHeartbeat), and the reads
 * and writes of concurrent beats coalesced into one statement each
 * (app/utils/pg-batch.server.ts). Lessons and policy caps are cached per
 * process. The answer is given only after the write has committed, so a
 * crash never loses a second the page was told about.
 */
import { createHash, randomBytes } from 'node:crypto'
import { renderLessonHtml } from '#app/domain/lesson-render.ts'
import { decideCredit, decideFinishCredit, lessonCapSeconds, type CreditReason, type FinishReason, type Presence } from '#app/domain/online-credit.ts'
import { beijingDate, dateOnly } from '#app/domain/time.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createBatcher } from '#app/utils/pg-batch.server.ts'
import { getPool } from '#app/utils/pg.server.ts'
import { NotFoundError } from './errors.server.ts'
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

type LessonInfo = { id: string; programId: string; courseId: string; nominalMinutes: number }
const lessonCache = new Map<string, { info: LessonInfo | null; until: number }>()

/** A lesson's program and nominal length (cached a minute; retired lessons credit nothing). */
async function lessonInfo(db: Db, lessonId: string): Promise<LessonInfo | null> {
  const hit = lessonCache.get(lessonId)
  if (hit && hit.until > Date.now()) return hit.info
  const rows = await db.$queryRaw<LessonInfo[]>`
    SELECT l."id", c."programId", l."courseId", l."nominalMinutes"
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
 * The rule, written once, of what a learner is offered (issue 13: their own lessons only): per
 * active enrollment, the courses of its class's teaching plan (the major's PlanItems not retired)
 * or of its round's programme (its RoundCourses) while the round has not ended on `day` (a round
 * ends after its end date, app/domain/rounds.ts `roundHasEnded`). One row per enrollment and
 * course. The lesson list, the lesson page and 学完了 (lessonSources) and the heartbeats
 * (READ_SQL) all read it, so time is credited exactly where the list offers a lesson.
 * `person` and `day` are SQL expressions (parameters or columns of the query around it).
 */
function offeredCoursesSql(person: string, day: string) {
  return `
    SELECT e."id" AS "enrollmentId", e."programId", e."policyVersion", e."createdAt", e."startDate",
      g."id" AS "groupId", g."name" AS "groupName", g."kind" AS "groupKind",
      o."courseId", o."position", o."itemCreatedAt"
    FROM "Enrollment" e
    JOIN "Group" g ON g."id" = e."groupId"
    JOIN LATERAL (
      SELECT rc."courseId", rc."position", NULL::timestamptz AS "itemCreatedAt" FROM "RoundCourse" rc
       WHERE g."kind" = 'round' AND rc."groupId" = g."id"
      UNION ALL
      SELECT pi."courseId", pi."position", pi."createdAt" FROM "PlanItem" pi
       WHERE g."kind" <> 'round' AND pi."majorId" = g."majorId" AND pi."retiredAt" IS NULL
    ) o ON true
    WHERE e."personId" = ${person} AND e."status" = 'active'
      AND (g."kind" <> 'round' OR g."endDate" IS NULL OR g."endDate" >= ${day})`
}

/**
 * Presence, today's totals and the active enrollment of (person, lesson,
 * day, program, course) tuples, one row per tuple in order; one snapshot.
 * Concurrent beats' reads are coalesced into one statement
 * (app/utils/pg-batch.server.ts). The enrollment credited is an active one of
 * the lesson's program that offers the lesson's course (offeredCoursesSql, the
 * newest such); a lesson the list does not offer credits nothing.
 */
const READ_SQL = `
  SELECT k."i", p."tabToken", p."lessonId", p."lastSeq", p."lastBeatAt", p."lastSentAt",
    e."enrollmentId", e."policyVersion",
    (SELECT COALESCE(SUM(c."seconds"), 0)::int FROM "OnlineCredit" c WHERE c."personId" = k."person" AND c."day" = k."day") AS "personSeconds",
    (SELECT COALESCE(SUM(c."seconds"), 0)::int FROM "OnlineCredit" c WHERE c."personId" = k."person" AND c."lessonId" = k."lesson" AND c."day" = k."day") AS "lessonSeconds"
  FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[]) WITH ORDINALITY AS k("person", "lesson", "day", "program", "course", "i")
  LEFT JOIN "OnlinePresence" p ON p."personId" = k."person"
  LEFT JOIN LATERAL (SELECT x."enrollmentId", x."policyVersion" FROM (${offeredCoursesSql('k."person"', 'k."day"')}) x
                     WHERE x."programId" = k."program" AND x."courseId" = k."course"
                     ORDER BY x."createdAt" DESC
                     LIMIT 1) e ON true
  ORDER BY k."i"`

type ReadKey = { personId: string; lessonId: string; day: string; programId: string; courseId: string }

const readTotals = createBatcher<ReadKey, TotalsRow>({
  run: async (keys) => {
    const { rows } = await getPool().query<TotalsRow>({
      name: 'xx_heartbeat_read',
      text: READ_SQL,
      values: [keys.map((k) => k.personId), keys.map((k) => k.lessonId), keys.map((k) => k.day), keys.map((k) => k.programId), keys.map((k) => k.courseId)],
    })
    return rows
  },
})

/**
 * The writes of concurrent beats (at most one per person), in ONE statement,
 * so one transaction and one commit for all of them. Per beat:
 * - a first presence ("oldTab" null) is inserted only if still absent;
 * - otherwise the presence moves only if it is still the version read
 *   ("oldTab", "oldSeq", "oldBeatAt": compare and swap), and the credit is
 *   added only for a presence that moved; a credit row already folded into
 *   the ledger takes no more seconds.
 * Answers per beat, in order: did the presence move (or get inserted), and
 * was the credit written.
 */
const WRITE_SQL = `
  WITH k AS (
    SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[],
                         $8::text[], $9::int[], $10::timestamptz[], $11::text[], $12::text[], $13::date[], $14::int[])
      AS k("i", "person", "tab", "lesson", "seq", "beatAt", "sentAt", "oldTab", "oldSeq", "oldBeatAt", "creditId", "enrollment", "day", "seconds")
  ), first AS (
    INSERT INTO "OnlinePresence" ("personId", "tabToken", "lessonId", "lastSeq", "lastBeatAt", "lastSentAt")
    SELECT "person", "tab", "lesson", "seq", "beatAt", "sentAt" FROM k WHERE "oldTab" IS NULL
    ON CONFLICT ("personId") DO NOTHING
    RETURNING "personId"
  ), moved AS (
    UPDATE "OnlinePresence" p
    SET "tabToken" = k."tab", "lessonId" = k."lesson", "lastSeq" = k."seq", "lastBeatAt" = k."beatAt", "lastSentAt" = k."sentAt"
    FROM k
    WHERE k."oldTab" IS NOT NULL AND p."personId" = k."person"
      AND p."tabToken" = k."oldTab" AND p."lastSeq" = k."oldSeq" AND p."lastBeatAt" = k."oldBeatAt"
    RETURNING k."i", k."creditId", k."person", k."lesson", k."enrollment", k."day", k."seconds", k."beatAt"
  ), credit AS (
    INSERT INTO "OnlineCredit" ("id", "personId", "lessonId", "enrollmentId", "day", "seconds", "lastBeatAt")
    SELECT "creditId", "person", "lesson", "enrollment", "day", "seconds", "beatAt" FROM moved WHERE "seconds" > 0
    ON CONFLICT ("personId", "lessonId", "day") DO UPDATE
      SET "seconds" = "OnlineCredit"."seconds" + EXCLUDED."seconds", "lastBeatAt" = EXCLUDED."lastBeatAt"
      WHERE "OnlineCredit"."foldedAt" IS NULL
    RETURNING "personId"
  )
  SELECT k."i",
    EXISTS (SELECT 1 FROM first f WHERE f."personId" = k."person" AND k."oldTab" IS NULL)
      OR EXISTS (SELECT 1 FROM moved m WHERE m."i" = k."i") AS "moved",
    EXISTS (SELECT 1 FROM credit c WHERE c."personId" = k."person") AS "credited"
  FROM k ORDER BY k."i"`

type WriteKey = {
  personId: string
  next: Presence
  /** The presence read (null: insert the first one). */
  old: Presence | null
  enrollmentId: string
  day: string
  seconds: number
}

const writeBeat = createBatcher<WriteKey, { moved: boolean; credited: boolean }>({
  // One beat per person per statement: the credit of a person is then identified by the person.
  conflictKey: (k) => k.personId,
  run: async (keys) => {
    const col = <T>(f: (k: WriteKey) => T) => keys.map(f)
    const { rows } = await getPool().query<{ moved: boolean; credited: boolean }>({
      name: 'xx_heartbeat_write',
      text: WRITE_SQL,
      values: [
        keys.map((_k, i) => i),
        col((k) => k.personId),
        col((k) => k.next.tabToken),
        col((k) => k.next.lessonId),
        col((k) => k.next.lastSeq),
        col((k) => k.next.lastBeatAt),
        col((k) => k.next.lastSentAt),
        col((k) => k.old?.tabToken ?? null),
        col((k) => k.old?.lastSeq ?? null),
        col((k) => k.old?.lastBeatAt ?? null),
        col(() => newId()),
        col((k) => k.enrollmentId),
        col((k) => k.day),
        col((k) => k.seconds),
      ],
    })
    return rows
  },
})

/**
 * Credits one heartbeat. Throws OnlineError when the lesson does not exist or
 * the person has no active enrollment in the lesson's program.
 *
 * Two statements, no explicit transaction, optimistic instead of a row lock
 * (the lock version costs five round trips; DESIGN.md §7 wants ≥ 1,500/s):
 * 1. read the presence, today's totals and the active enrollment in one
 *    snapshot (READ_SQL, shared with the other beats of this event-loop turn);
 * 2. decide (app/domain/online-credit.ts);
 * 3. one statement (WRITE_SQL, shared with the other beats of this turn, at
 *    most one per person; one atomic transaction, committed before this
 *    returns) moves the presence only if it is still the version read, and
 *    adds the credit only if the presence moved. Every credit of a person is written
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
  const day = beijingDate(beat.now)
  for (let attempt = 0; attempt < 20; attempt++) {
    const totals = await readTotals({ personId: beat.personId, lessonId: lesson.id, day, programId: lesson.programId, courseId: lesson.courseId })
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
      const w = await writeBeat({
        personId: beat.personId,
        next,
        old: presence,
        enrollmentId: totals.enrollmentId,
        day: decision.day,
        seconds: decision.seconds,
      })
      if (!w.moved) continue // a concurrent beat got there first (moved or inserted the presence): decide again on fresh data
      if (w.credited) credited = decision.seconds
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
export async function foldOnlineCredits(db: Db, opts: { beforeDay: string; personId?: string; now?: Date }): Promise<{ folded: number; entries: number }> {
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
          date: dateOnly(credit.day),
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

type OfferedRow = {
  enrollmentId: string
  startDate: Date
  createdAt: Date
  groupId: string
  groupName: string
  groupKind: 'class' | 'round'
  courseId: string
  position: number
  itemCreatedAt: Date | null
}

/**
 * Where the person's online lessons come from, as of `today` (offeredCoursesSql): the teaching
 * plan of each active class's major (in plan order; never the whole program, so a 种植 learner
 * sees no 烹饪 lessons) and their current rounds (the courses of each round's programme, in its
 * order; rounds as the person joined them).
 */
async function lessonSources(db: Db | Tx, personId: string, today: string) {
  const rows = await db.$queryRawUnsafe<OfferedRow[]>(
    `SELECT * FROM (${offeredCoursesSql('$1', '$2::date')}) x
      ORDER BY x."startDate", x."createdAt", x."enrollmentId", x."position", x."itemCreatedAt" NULLS FIRST, x."courseId"`,
    personId,
    today,
  )
  const planCourseIds = [...new Set(rows.filter((r) => r.groupKind !== 'round').map((r) => r.courseId))]
  const rounds = new Map<string, { id: string; name: string; courseIds: string[] }>()
  for (const r of rows.filter((row) => row.groupKind === 'round')) {
    const round = rounds.get(r.groupId) ?? { id: r.groupId, name: r.groupName, courseIds: [] }
    if (!round.courseIds.includes(r.courseId)) round.courseIds.push(r.courseId)
    rounds.set(r.groupId, round)
  }
  return { planCourseIds, rounds: [...rounds.values()] }
}

const LESSON_COURSE_SELECT = {
  id: true,
  name: true,
  lessons: {
    where: { retiredAt: null },
    orderBy: [{ position: 'asc' as const }, { code: 'asc' as const }],
    select: { id: true, title: true, nominalMinutes: true },
  },
}

export type LessonState = 'done' | 'in_progress' | 'not_started'

/**
 * 已学完 when the learner said so (学完了) or the credited time reached the lesson's nominal minutes,
 * 学习中 when the page was opened or some time was credited, 未开始 otherwise.
 */
export function lessonState(l: { nominalMinutes: number }, creditedSeconds: number, progress: { completedAt: Date | null } | undefined): LessonState {
  if (progress?.completedAt || creditedSeconds >= l.nominalMinutes * 60) return 'done'
  if (progress || creditedSeconds > 0) return 'in_progress'
  return 'not_started'
}

/** Per lesson of the person: all seconds credited (every day) and the reading row. */
async function lessonStates(db: Db | Tx, personId: string, lessonIds: string[]) {
  if (lessonIds.length === 0) return { total: new Map<string, number>(), progress: new Map<string, { completedAt: Date | null; lastOpenedAt: Date }>() }
  const [sums, rows] = await Promise.all([
    db.onlineCredit.groupBy({ by: ['lessonId'], where: { personId, lessonId: { in: lessonIds } }, _sum: { seconds: true } }),
    db.lessonProgress.findMany({ where: { personId, lessonId: { in: lessonIds } }, select: { lessonId: true, completedAt: true, lastOpenedAt: true } }),
  ])
  return {
    total: new Map(sums.map((r) => [r.lessonId, r._sum.seconds ?? 0])),
    progress: new Map(rows.map((r) => [r.lessonId, { completedAt: r.completedAt, lastOpenedAt: r.lastOpenedAt }])),
  }
}

/**
 * The person's own online lessons with today's credited minutes and each lesson's state, in
 * sections: one per current round (its modules, in the programme's order) and one for the plans of
 * their classes (`round` null, in plan order). Sections without lessons are left out.
 */
export async function listLessonsForPerson(db: Db, personId: string, today: string) {
  const { planCourseIds, rounds } = await lessonSources(db, personId, today)
  const courseIds = [...new Set([...rounds.flatMap((r) => r.courseIds), ...planCourseIds])]
  if (courseIds.length === 0) return []
  const live = { retiredAt: null, lessons: { some: { retiredAt: null } } }
  const [courses, seconds] = await Promise.all([
    db.course.findMany({ where: { id: { in: courseIds }, ...live }, select: LESSON_COURSE_SELECT }),
    lessonSecondsOn(db, personId, today),
  ])
  const states = await lessonStates(
    db,
    personId,
    courses.flatMap((c) => c.lessons.map((l) => l.id)),
  )
  const view = (c: (typeof courses)[number]) => ({
    id: c.id,
    name: c.name,
    lessons: c.lessons.map((l) => ({
      ...l,
      minutesToday: onlineMinutes(seconds.get(l.id) ?? 0),
      state: lessonState(l, states.total.get(l.id) ?? 0, states.progress.get(l.id)),
    })),
  })
  const byId = new Map(courses.map((c) => [c.id, c]))
  const inOrder = (ids: string[]) => ids.flatMap((id) => (byId.has(id) ? [view(byId.get(id)!)] : []))
  const sections: { round: { id: string; name: string } | null; courses: ReturnType<typeof view>[] }[] = rounds.map((r) => ({
    round: { id: r.id, name: r.name },
    courses: inOrder(r.courseIds),
  }))
  sections.push({ round: null, courses: inOrder(planCourseIds) })
  return sections.filter((section) => section.courses.length > 0)
}

/** One lesson, when the person's lesson list offers it (their class's plan, a current round's module; null otherwise: a 404). */
export async function findLessonForPerson(db: Db, personId: string, lessonId: string, today: string) {
  const { planCourseIds, rounds } = await lessonSources(db, personId, today)
  const courseIds = [...new Set([...rounds.flatMap((r) => r.courseIds), ...planCourseIds])]
  if (courseIds.length === 0 || !/^[A-Za-z0-9_-]{1,64}$/.test(lessonId)) return null
  const lesson = await db.lesson.findFirst({
    where: { id: lessonId, retiredAt: null, course: { retiredAt: null, id: { in: courseIds } } },
    select: { id: true, title: true, content: true, nominalMinutes: true, course: { select: { id: true, name: true } } },
  })
  if (!lesson) return null
  const seconds = (await lessonSecondsOn(db, personId, today, [lesson.id])).get(lesson.id) ?? 0
  // The page gets the server-rendered HTML, not the JSON (no renderer in the learner's bundle).
  const { content, ...rest } = lesson
  return { ...rest, html: renderLessonHtml(content), secondsToday: seconds, capSeconds: lessonCapSeconds(lesson.nominalMinutes) }
}

const sha256 = (token: string) => new Uint8Array(createHash('sha256').update(token).digest())

/**
 * The lesson page is served (issue 13): the lesson (as findLessonForPerson; null: 404) and a new
 * one-time token for its "学完了" form. Records when the page was served and the lesson's seconds
 * credited today at that moment; a newer page of the same lesson replaces the token (one page at a
 * time, like the heartbeats).
 */
export async function openLessonForPerson(db: Db, opts: { personId: string; lessonId: string; now: Date }) {
  const lesson = await findLessonForPerson(db, opts.personId, opts.lessonId, beijingDate(opts.now))
  if (!lesson) return null
  const finishToken = randomBytes(24).toString('base64url')
  const data = { lastOpenedAt: opts.now, openTokenHash: sha256(finishToken), secondsAtOpen: lesson.secondsToday }
  const progress = await db.lessonProgress.upsert({
    where: { personId_lessonId: { personId: opts.personId, lessonId: lesson.id } },
    create: { personId: opts.personId, lessonId: lesson.id, firstOpenedAt: opts.now, ...data },
    update: data,
    select: { completedAt: true },
  })
  return { ...lesson, finishToken, completed: progress.completedAt !== null }
}

export type FinishResult = {
  /** `already`: this page's 学完了 was taken before (a double submit, or a newer page of the lesson was opened). */
  status: 'credited' | 'already'
  seconds: number
  reason: FinishReason | null
  lessonSecondsToday: number
}

/**
 * "学完了" (issue 13): credits the time since the page was served, capped like the heartbeats
 * (decideFinishCredit), once per page served: the token is taken under the row's lock, so a second
 * submit credits nothing. Marks the lesson done. NotFoundError for a lesson not the person's.
 * The seconds go into today's OnlineCredit row (folded into the ledger like the heartbeats').
 * Not serialised against a heartbeat of another tab arriving in the same instant (at most one beat, ≤ 60 s, over the caps).
 */
export async function finishLessonReading(db: Db, opts: { personId: string; lessonId: string; token: string; now: Date }): Promise<FinishResult> {
  const day = beijingDate(opts.now)
  const lesson = await findLessonForPerson(db, opts.personId, opts.lessonId, day)
  if (!lesson) throw new NotFoundError()
  const info = await lessonInfo(db, lesson.id)
  if (!info) throw new NotFoundError()
  const totals = await readTotals({ personId: opts.personId, lessonId: lesson.id, day, programId: info.programId, courseId: info.courseId })
  const capMinutes = await dailyCapMinutes(db, info.programId, totals.policyVersion)
  return db.$transaction(async (tx) => {
    const taken = await tx.$queryRaw<{ lastOpenedAt: Date; secondsAtOpen: number }[]>`
      UPDATE "LessonProgress" SET "openTokenHash" = NULL, "completedAt" = COALESCE("completedAt", ${opts.now.toISOString()}::timestamptz)
      WHERE "personId" = ${opts.personId} AND "lessonId" = ${lesson.id} AND "openTokenHash" = ${sha256(opts.token.slice(0, 200))}
      RETURNING "lastOpenedAt", "secondsAtOpen"`
    const row = taken[0]
    if (!row) return { status: 'already' as const, seconds: 0, reason: null, lessonSecondsToday: totals.lessonSeconds }
    const decision = decideFinishCredit({
      openedAt: row.lastOpenedAt,
      now: opts.now,
      secondsAtOpen: row.secondsAtOpen,
      soFar: { lessonSeconds: totals.lessonSeconds, personSeconds: totals.personSeconds },
      caps: { lessonNominalMinutes: info.nominalMinutes, dailyOnlineCapMinutes: capMinutes },
    })
    let seconds = 0
    if (decision.seconds > 0 && totals.enrollmentId) {
      const written = await tx.$executeRaw`
        INSERT INTO "OnlineCredit" ("id", "personId", "lessonId", "enrollmentId", "day", "seconds", "lastBeatAt")
        VALUES (${newId()}, ${opts.personId}, ${lesson.id}, ${totals.enrollmentId}, ${decision.day}::date, ${decision.seconds}, ${opts.now.toISOString()}::timestamptz)
        ON CONFLICT ("personId", "lessonId", "day") DO UPDATE
          SET "seconds" = "OnlineCredit"."seconds" + EXCLUDED."seconds"
          WHERE "OnlineCredit"."foldedAt" IS NULL`
      if (written > 0) {
        seconds = decision.seconds
        await tx.lessonProgress.update({
          where: { personId_lessonId: { personId: opts.personId, lessonId: lesson.id } },
          data: { finishedSeconds: { increment: seconds } },
        })
      }
    }
    return { status: 'credited' as const, seconds, reason: decision.reason, lessonSecondsToday: totals.lessonSeconds + seconds }
  })
}

/** The lesson the person opened last that is still one of theirs (继续学习 on the home), or null. */
export async function lastOpenedLesson(db: Db, personId: string, today: string) {
  const recent = await db.lessonProgress.findMany({
    where: { personId },
    orderBy: { lastOpenedAt: 'desc' },
    take: 5,
    select: { lessonId: true, completedAt: true },
  })
  for (const r of recent) {
    const lesson = await findLessonForPerson(db, personId, r.lessonId, today)
    if (lesson) return { id: lesson.id, title: lesson.title, course: lesson.course.name, completed: r.completedAt !== null }
  }
  return null
}
