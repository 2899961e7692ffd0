/**
 * Reminders and notices (DESIGN.md §5, §11 "Reminders"): who is owed what,
 * written to PostgreSQL, and how one delivery is sent exactly once.
 *
 * - A Notification per account and dedup key (unique): a sweep run twice, or
 *   a job retried after a crash, inserts nothing twice (ON CONFLICT DO NOTHING).
 *   It is the in-app copy; SMS and email are NotificationDelivery rows.
 * - A delivery is claimed with one atomic UPDATE (pending → sending) before the
 *   gateway is called, and marked sent right after it answers. A worker killed
 *   in between leaves it `sending`; once the lease has passed, the gateway is
 *   asked whether it accepted that outId (SMS): yes → sent, no → pending again.
 *   A worker sends only within a third of the lease after its claim (the send
 *   timeout is a third too), so a slow but live worker is never mistaken for a
 *   dead one: the look-up comes after anything it sent has arrived.
 *   Where it cannot be asked (email, a gateway without look-up), the delivery
 *   becomes failed "结果未知" for the admin, never resent on its own.
 * - Sending re-checks eligibility: disabled account, withdrawn or completed
 *   enrollment, opted-out channel, no phone or address → skipped.
 */
import { decisionText, quarterlyReportDue, reminderText, type DecisionKind, type NoticeText } from '#app/domain/notices.ts'
import { DELIVERY_ATTEMPTS, dueSweepReminders, sendAfter, type ReminderRule, type SweepSubject } from '#app/domain/reminders.ts'
import { isSmsTemplateId } from '#app/domain/sms-templates.ts'
import { beijingDate } from '#app/domain/time.ts'
import { decryptField } from '#app/utils/crypto.server.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { groupScopeWhere, type Scope } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { eligibleByType } from './certificate-batches.server.ts'
import { loadProgress, type EnrollmentProgress } from './progress.server.ts'

export type Channel = 'sms' | 'email'

export type NewNotice = {
  userId: string
  rule: ReminderRule
  dedupKey: string
  enrollmentId: string | null
  text: NoticeText
  link: string | null
  /** Outside channels this notice goes to (in-app always). */
  sms: boolean
  email: boolean
}

export type QueuedDelivery = { id: string; attempts: number; sendAfter: Date }

/**
 * Inserts the notices not there yet (dedup key) and one delivery per outside
 * channel of each new one; returns the new deliveries (to enqueue).
 */
export async function createNotices(db: Db | Tx, notices: NewNotice[], now: Date): Promise<{ created: number; deliveries: QueuedDelivery[] }> {
  if (notices.length === 0) return { created: 0, deliveries: [] }
  const byKey = new Map(notices.map((n) => [n.dedupKey, n]))
  // One multi-row INSERT per table (unnest of arrays, the sweep's hot path): ON CONFLICT on the dedup key does nothing.
  const list = [...byKey.values()]
  const ids = list.map(() => newId())
  const created = await db.$queryRaw<{ id: string; dedupKey: string }[]>`
    INSERT INTO "Notification" ("id", "userId", "rule", "dedupKey", "enrollmentId", "title", "body", "template", "params", "link", "createdAt")
    SELECT u.*, ${now}::timestamptz FROM unnest(
      ${ids}::text[], ${list.map((n) => n.userId)}::text[], ${list.map((n) => n.rule)}::text[], ${list.map((n) => n.dedupKey)}::text[],
      ${list.map((n) => n.enrollmentId)}::text[], ${list.map((n) => n.text.title)}::text[], ${list.map((n) => n.text.body)}::text[],
      ${list.map((n) => n.text.template)}::text[], ${list.map((n) => JSON.stringify(n.text.params))}::text[]::jsonb[], ${list.map((n) => n.link)}::text[]
    ) AS u
    ON CONFLICT ("dedupKey") DO NOTHING
    RETURNING "id", "dedupKey"`
  const deliveries: { id: string; notificationId: string; channel: Channel; sendAfter: Date }[] = []
  for (const c of created) {
    const n = byKey.get(c.dedupKey)!
    for (const channel of ['sms', 'email'] as const) {
      if (n[channel]) deliveries.push({ id: newId(), notificationId: c.id, channel, sendAfter: sendAfter(now, channel) })
    }
  }
  if (deliveries.length > 0) {
    await db.$executeRaw`
      INSERT INTO "NotificationDelivery" ("id", "notificationId", "channel", "sendAfter", "createdAt")
      SELECT u.*, ${now}::timestamptz FROM unnest(
        ${deliveries.map((d) => d.id)}::text[], ${deliveries.map((d) => d.notificationId)}::text[],
        ${deliveries.map((d) => d.channel)}::text[]::"DeliveryChannel"[], ${deliveries.map((d) => d.sendAfter.toISOString())}::text[]::timestamptz[]
      ) AS u`
  }
  return { created: created.length, deliveries: deliveries.map((d) => ({ id: d.id, attempts: 0, sendAfter: d.sendAfter })) }
}

/** Marks deliveries as handed to the queue (the dispatcher leaves them alone for a while). */
export async function markEnqueued(db: Db, ids: string[], now = new Date()) {
  if (ids.length > 0) await db.notificationDelivery.updateMany({ where: { id: { in: ids } }, data: { enqueuedAt: now } })
}

// ─── The daily sweep ───────────────────────────────────────────────────────

/** The domain's view of one evaluated enrollment. */
export function sweepSubject(p: EnrollmentProgress): SweepSubject {
  return {
    enrollmentId: p.enrollment.id,
    personId: p.enrollment.personId,
    status: p.enrollment.status,
    minutesPerHour: p.policy.minutesPerHour,
    periodEnd: p.facts.periodEnd ?? null,
    requirements: p.evaluation.requirements,
    pace: p.evaluation.pace,
    cycleRequirementCodes: p.policy.requirements.filter((r) => r.window.kind === 'cycle').map((r) => r.code),
  }
}

const SWEEP_LINK = '/me'

/**
 * Evaluates every active enrollment whose person has an account (loadProgress,
 * `batchSize` at a time) and writes the reminders due `today` (Beijing).
 * `onDeliveries` gets each batch's new deliveries (the worker enqueues them).
 */
export async function runDailySweep(
  db: Db,
  opts: { today: string; now: Date; batchSize?: number; onDeliveries?: (d: QueuedDelivery[]) => Promise<void> },
): Promise<{ enrollments: number; notifications: number; deliveries: number }> {
  const batchSize = opts.batchSize ?? 500
  let cursor = ''
  const totals = { enrollments: 0, notifications: 0, deliveries: 0 }
  for (;;) {
    const batch = await db.enrollment.findMany({
      where: { status: 'active', id: { gt: cursor }, person: { user: { is: { disabled: false } } } },
      orderBy: { id: 'asc' },
      take: batchSize,
      select: { id: true, person: { select: { phoneCipher: true, user: { select: { id: true, email: true } } } } },
    })
    if (batch.length === 0) break
    cursor = batch[batch.length - 1]!.id
    totals.enrollments += batch.length
    const progress = await loadProgress(
      db,
      batch.map((e) => e.id),
      opts.today,
    )
    const notices: NewNotice[] = []
    for (const e of batch) {
      const p = progress.get(e.id)
      const user = e.person.user
      if (!p || !user) continue
      for (const r of dueSweepReminders(sweepSubject(p), opts.today)) {
        if (r.rule === 'decision' || r.rule === 'session_tomorrow' || r.rule === 'coordinator_digest' || r.rule === 'quarterly_report_due') continue
        notices.push({
          userId: user.id,
          rule: r.rule,
          dedupKey: r.dedupKey,
          enrollmentId: r.enrollmentId,
          text: reminderText(r.rule, r.params),
          link: SWEEP_LINK,
          sms: e.person.phoneCipher !== null,
          email: user.email !== null,
        })
      }
    }
    const { created, deliveries } = await createNotices(db, notices, opts.now)
    totals.notifications += created
    totals.deliveries += deliveries.length
    if (deliveries.length > 0) await opts.onDeliveries?.(deliveries)
  }
  return totals
}

// ─── Face-to-face sessions within 24 h ────────────────────────────────────

const beijingTime = (d: Date) => {
  const b = new Date(d.getTime() + 8 * 3600_000)
  return `${b.getUTCHours()}:${String(b.getUTCMinutes()).padStart(2, '0')}`
}

/** One reminder per session starting within 24 h and enrolled person (keyed by both), with day, time and venue. */
export async function runSessionSweep(db: Db, opts: { now: Date; onDeliveries?: (d: QueuedDelivery[]) => Promise<void> }) {
  const sessions = await db.classSession.findMany({
    where: { cancelledAt: null, startsAt: { gt: opts.now, lte: new Date(opts.now.getTime() + 24 * 3600_000) } },
    select: { id: true, startsAt: true, venue: true, groupId: true },
  })
  let notifications = 0
  let deliveries = 0
  for (const s of sessions) {
    const enrollments = await db.enrollment.findMany({
      where: { groupId: s.groupId, status: 'active', person: { user: { is: { disabled: false } } } },
      select: { id: true, personId: true, person: { select: { phoneCipher: true, user: { select: { id: true, email: true } } } } },
    })
    const day = beijingDate(s.startsAt) === beijingDate(opts.now) ? '今天' : '明天'
    const text = reminderText('session_tomorrow', { day, time: beijingTime(s.startsAt), venue: s.venue })
    const notices = enrollments.flatMap((e): NewNotice[] =>
      e.person.user
        ? [
            {
              userId: e.person.user.id,
              rule: 'session_tomorrow',
              dedupKey: `session_tomorrow:${s.id}:${e.personId}`,
              enrollmentId: e.id,
              text,
              link: '/checkin',
              sms: e.person.phoneCipher !== null,
              email: e.person.user.email !== null,
            },
          ]
        : [],
    )
    const r = await createNotices(db, notices, opts.now)
    notifications += r.created
    deliveries += r.deliveries.length
    if (r.deliveries.length > 0) await opts.onDeliveries?.(r.deliveries)
  }
  return { sessions: sessions.length, notifications, deliveries }
}

// ─── Decisions ─────────────────────────────────────────────────────────────

const DECISION_LINKS: Record<DecisionKind, string> = { exemption: '/me/exemptions', self_study: '/me/self-study', early_graduation: '/me/early-graduation' }

/**
 * The learner hears a decision (the result and the reason), keyed by the
 * decision: call it in the deciding transaction. The deliveries are picked up
 * by the dispatcher (within a minute). Nothing when the person has no account.
 */
export async function notifyDecision(
  tx: Db | Tx,
  d: { kind: DecisionKind; decisionId: string; enrollmentId: string; approved: boolean; reason: string | null; detail?: string | null; now?: Date },
) {
  const e = await tx.enrollment.findUnique({
    where: { id: d.enrollmentId },
    select: { person: { select: { phoneCipher: true, user: { select: { id: true, email: true } } } } },
  })
  const user = e?.person.user
  if (!e || !user) return null
  const { created } = await createNotices(
    tx,
    [
      {
        userId: user.id,
        rule: 'decision',
        dedupKey: `decision:${d.kind}:${d.decisionId}`,
        enrollmentId: d.enrollmentId,
        text: decisionText(d.kind, d.approved, d.reason, d.detail ?? null),
        link: DECISION_LINKS[d.kind],
        sms: e.person.phoneCipher !== null,
        email: user.email !== null,
      },
    ],
    d.now ?? new Date(),
  )
  return { created }
}

// ─── Staff: coordinator digest, bureau quarterly report ────────────────────

type StaffGrant = {
  role: string
  scopeRegion: { id: string; code: string; name: string; path: string } | null
  scopeOrganization: { id: string; name: string; region: { path: string } } | null
}

function scopeOf(g: StaffGrant): Scope {
  if (g.scopeRegion) return { kind: 'region', regionId: g.scopeRegion.id, code: g.scopeRegion.code, name: g.scopeRegion.name, path: g.scopeRegion.path }
  if (g.scopeOrganization)
    return { kind: 'organization', organizationId: g.scopeOrganization.id, name: g.scopeOrganization.name, regionPath: g.scopeOrganization.region.path }
  return g.role === 'admin' ? { kind: 'all' } : { kind: 'none' }
}

async function staffWithRole(db: Db, role: 'coordinator' | 'bureau') {
  return db.user.findMany({
    where: { disabled: false, roles: { some: { role } } },
    select: {
      id: true,
      email: true,
      person: { select: { phoneCipher: true } },
      roles: { where: { role }, select: { role: true, scopeRegion: true, scopeOrganization: { include: { region: { select: { path: true } } } } } },
    },
  })
}

/**
 * Each coordinator's digest for `today`: pending exemptions, self-study logs
 * and early-graduation requests in scope, and learners eligible for a
 * certificate they do not have yet. Nothing when all are zero.
 */
export async function runCoordinatorDigest(db: Db, opts: { today: string; now: Date; onDeliveries?: (d: QueuedDelivery[]) => Promise<void> }) {
  const coordinators = await staffWithRole(db, 'coordinator')
  const notices: NewNotice[] = []
  for (const c of coordinators) {
    const scopes = c.roles.map(scopeOf)
    const inScope = { group: groupScopeWhere(scopes) }
    const [exemptions, selfStudy, early, groups] = await Promise.all([
      db.exemption.count({ where: { status: 'pending', enrollment: inScope } }),
      db.selfStudyLog.count({ where: { status: 'pending', enrollment: inScope } }),
      db.earlyGraduationRequest.count({ where: { status: 'pending', enrollment: inScope } }),
      db.group.findMany({ where: { ...groupScopeWhere(scopes), enrollments: { some: {} } }, select: { id: true } }),
    ])
    const eligible = new Set<string>()
    for (const g of groups) {
      const byType = await eligibleByType(db, { groupId: g.id, asOf: opts.today })
      for (const type of ['graduation', 'completion', 'training'] as const) for (const id of byType[type]) eligible.add(id)
    }
    if (exemptions + selfStudy + early + eligible.size === 0) continue
    notices.push({
      userId: c.id,
      rule: 'coordinator_digest',
      dedupKey: `coordinator_digest:${c.id}:${opts.today}`,
      enrollmentId: null,
      text: reminderText('coordinator_digest', {
        exemptions: String(exemptions),
        selfStudy: String(selfStudy),
        early: String(early),
        certificates: String(eligible.size),
      }),
      link: '/coordinator',
      sms: c.person?.phoneCipher != null,
      email: c.email !== null,
    })
  }
  const r = await createNotices(db, notices, opts.now)
  if (r.deliveries.length > 0) await opts.onDeliveries?.(r.deliveries)
  return { notifications: r.created }
}

/** From the 1st to the 10th of January, April, July and October: each bureau account hears once that the quarter's report is due. */
export async function runQuarterlyReportNotice(db: Db, opts: { today: string; now: Date; onDeliveries?: (d: QueuedDelivery[]) => Promise<void> }) {
  const due = quarterlyReportDue(opts.today)
  if (!due) return { notifications: 0 }
  const bureau = await staffWithRole(db, 'bureau')
  const notices = bureau.map((u): NewNotice => ({
    userId: u.id,
    rule: 'quarterly_report_due',
    dedupKey: `quarterly_report_due:${u.id}:${due.quarterKey}`,
    enrollmentId: null,
    text: reminderText('quarterly_report_due', { quarter: due.quarter, deadline: due.deadline }),
    link: '/bureau',
    sms: u.person?.phoneCipher != null,
    email: u.email !== null,
  }))
  const r = await createNotices(db, notices, opts.now)
  if (r.deliveries.length > 0) await opts.onDeliveries?.(r.deliveries)
  return { notifications: r.created }
}

// ─── Sending one delivery ──────────────────────────────────────────────────

export type SendResult = { ok: true; providerId: string } | { ok: false; retryable: boolean; error: string }

export type Senders = {
  sms?: (m: { phone: string; template: string; params: Record<string, string>; outId: string }) => Promise<SendResult>
  /** Did the SMS gateway accept this outId? (after a crash between sending and recording) */
  smsAccepted?: (outId: string, phone: string) => Promise<'yes' | 'no' | 'unknown'>
  email?: (m: { to: string; subject: string; text: string; messageId: string }) => Promise<SendResult>
}

export type DeliverOutcome =
  { outcome: 'sent' | 'skipped' | 'failed' | 'done' | 'missing'; reason?: string } | { outcome: 'retry' | 'wait'; at: Date; reason?: string }

type Claimed = {
  channel: Channel
  attempts: number
  title: string
  body: string
  template: string | null
  params: Record<string, string>
  rule: string
  email: string | null
  disabled: boolean
  phoneCipher: string | null
  prefSms: boolean | null
  prefEmail: boolean | null
  enrollmentStatus: string | null
  /** Set by a batched claim: the claim's time. */
  claimedAt?: Date
}

/** Rules that concern an enrollment's progress or schedule: only an active enrollment gets them. */
const NEEDS_ACTIVE = new Set(['behind_pace', 'period_ending_30', 'period_ending_7', 'cycle_behind', 'session_tomorrow'])

function skipReason(c: Claimed): string | null {
  if (c.disabled) return 'account_disabled'
  if (c.enrollmentStatus === 'withdrawn' || c.enrollmentStatus === 'completed') return `enrollment_${c.enrollmentStatus}`
  if (NEEDS_ACTIVE.has(c.rule) && c.enrollmentStatus !== null && c.enrollmentStatus !== 'active') return `enrollment_${c.enrollmentStatus}`
  if (c.channel === 'sms') {
    if (c.prefSms === false) return 'opted_out'
    if (!c.phoneCipher) return 'no_phone'
    if (!c.template || !isSmsTemplateId(c.template)) return 'no_template'
  } else {
    if (c.prefEmail === false) return 'opted_out'
    if (!c.email) return 'no_email'
  }
  return null
}

export type DeliverOptions = {
  now?: Date
  senders: Senders
  leaseMs: number
  retryBaseMs: number
  maxAttempts?: number
  /** The delivery worker's batcher: concurrent claims and "sent" records share one statement each (DESIGN §7: ≥ 1,000/s). */
  batcher?: DeliveryBatcher
}

type ClaimedRow = Claimed & { id: string }

/**
 * Coalesces what concurrent deliveries do to the database into one statement
 * per kind and 2 ms: the claims (with what to send) and the
 * "sent" records. Each caller still waits for its own row's statement to
 * commit before it goes on, so a delivery is recorded exactly as before; only
 * the round trips are shared (a statement waits at most 2 ms for company). A failing statement fails every caller in it
 * (their jobs retry as they would have alone).
 */
export type DeliveryBatcher = {
  claim: (deliveryId: string, now: Date) => Promise<Claimed | undefined>
  recordSent: (deliveryId: string, providerId: string, sentAt: Date) => Promise<void>
}

function coalesce<K, R>(run: (keys: K[]) => Promise<Map<K, R> | void>, max = 200, windowMs = 2) {
  let pending: { key: K; resolve: (r: R | undefined) => void; reject: (e: unknown) => void }[] = []
  let scheduled = false
  const flush = async () => {
    scheduled = false
    const batch = pending
    pending = []
    try {
      const results = await run(batch.map((b) => b.key))
      for (const b of batch) b.resolve(results ? results.get(b.key) : undefined)
    } catch (error) {
      for (const b of batch) b.reject(error)
    }
  }
  return (key: K) =>
    new Promise<R | undefined>((resolve, reject) => {
      pending.push({ key, resolve, reject })
      if (pending.length >= max) void flush()
      else if (!scheduled) {
        scheduled = true
        setTimeout(() => void flush(), windowMs)
      }
    })
}

export function createDeliveryBatcher(db: Db): DeliveryBatcher {
  // Claims made in the same turn share one "now": keyed by id, each remembers it.
  const claimAt = new Map<string, Date>()
  const claimMany = coalesce<string, Claimed>(async (ids) => {
    const now = claimAt.get(ids[0]!) ?? new Date()
    for (const id of ids) claimAt.delete(id)
    const rows = await db.$queryRaw<ClaimedRow[]>`
      WITH c AS (
        UPDATE "NotificationDelivery" SET "status" = 'sending', "claimedAt" = ${now}, "attempts" = "attempts" + 1
        WHERE "id" = ANY(${ids}::text[]) AND "status" = 'pending' AND "sendAfter" <= ${now}
        RETURNING "id", "notificationId", "channel", "attempts"
      )
      SELECT c."id", c."channel"::text AS "channel", c."attempts", n."title", n."body", n."template", n."params", n."rule",
             u."email", u."disabled", p."phoneCipher", pr."sms" AS "prefSms", pr."email" AS "prefEmail", e."status"::text AS "enrollmentStatus"
      FROM c JOIN "Notification" n ON n."id" = c."notificationId" JOIN "User" u ON u."id" = n."userId"
      LEFT JOIN "Person" p ON p."id" = u."personId" LEFT JOIN "NotificationPreference" pr ON pr."userId" = u."id"
      LEFT JOIN "Enrollment" e ON e."id" = n."enrollmentId"`
    return new Map(rows.map((r) => [r.id, { ...r, claimedAt: now } as Claimed]))
  })
  const sentInfo = new Map<string, { providerId: string; sentAt: Date }>()
  const recordMany = coalesce<string, true>(async (ids) => {
    const providerIds = ids.map((id) => sentInfo.get(id)!.providerId)
    const sentAts = ids.map((id) => sentInfo.get(id)!.sentAt)
    for (const id of ids) sentInfo.delete(id)
    await db.$executeRaw`
      UPDATE "NotificationDelivery" d SET "status" = 'sent', "sentAt" = v."sentAt", "providerId" = v."providerId", "lastError" = NULL
      FROM unnest(${ids}::text[], ${providerIds}::text[], ${sentAts}::timestamptz[]) AS v("id", "providerId", "sentAt")
      WHERE d."id" = v."id" AND d."status" = 'sending'`
  })
  return {
    claim: (id, now) => {
      claimAt.set(id, now)
      return claimMany(id)
    },
    recordSent: async (id, providerId, sentAt) => {
      sentInfo.set(id, { providerId, sentAt })
      await recordMany(id)
    },
  }
}

/**
 * Sends one delivery at most once. Claims it (pending → sending, attempts + 1)
 * in the same statement that reads what to send; re-checks eligibility; calls
 * the channel; records the answer at once. A retryable failure puts it back to
 * pending with `sendAfter` = now + retryBaseMs · 2^(attempts−1) (the same delays
 * as the job's exponential backoff) until `maxAttempts`.
 */
export async function deliverOne(db: Db, deliveryId: string, opts: DeliverOptions): Promise<DeliverOutcome> {
  const now = opts.now ?? new Date()
  const maxAttempts = opts.maxAttempts ?? DELIVERY_ATTEMPTS
  const c = opts.batcher
    ? await opts.batcher.claim(deliveryId, now)
    : (
        await db.$queryRaw<Claimed[]>`
    WITH c AS (
      UPDATE "NotificationDelivery" SET "status" = 'sending', "claimedAt" = ${now}, "attempts" = "attempts" + 1
      WHERE "id" = ${deliveryId} AND "status" = 'pending' AND "sendAfter" <= ${now}
      RETURNING "notificationId", "channel", "attempts"
    )
    SELECT c."channel"::text AS "channel", c."attempts", n."title", n."body", n."template", n."params", n."rule",
           u."email", u."disabled", p."phoneCipher", pr."sms" AS "prefSms", pr."email" AS "prefEmail", e."status"::text AS "enrollmentStatus"
    FROM c JOIN "Notification" n ON n."id" = c."notificationId" JOIN "User" u ON u."id" = n."userId"
    LEFT JOIN "Person" p ON p."id" = u."personId" LEFT JOIN "NotificationPreference" pr ON pr."userId" = u."id"
    LEFT JOIN "Enrollment" e ON e."id" = n."enrollmentId"`
      )[0]
  const claimedAtMs = Date.now()
  if (!c) return notClaimed(db, deliveryId, now, opts)
  // A batched claim shares its statement's time; the hand-back below must name it.
  const claimedAt = c.claimedAt ?? now

  const skip = skipReason(c) ?? (c.channel === 'sms' ? (opts.senders.sms ? null : 'sms_not_configured') : opts.senders.email ? null : 'email_not_configured')
  if (skip) {
    await db.$executeRaw`UPDATE "NotificationDelivery" SET "status" = 'skipped', "lastError" = ${skip} WHERE "id" = ${deliveryId} AND "status" = 'sending'`
    return { outcome: 'skipped', reason: skip }
  }
  // Never put a request on the wire late: past a third of the lease since the claim (a stalled process), the
  // claim is handed back instead. So by the time the lease runs out and the gateway is asked, what was sent has arrived.
  if (Date.now() - claimedAtMs > opts.leaseMs / 3) {
    await db.$executeRaw`UPDATE "NotificationDelivery" SET "status" = 'pending', "claimedAt" = NULL, "attempts" = "attempts" - 1
      WHERE "id" = ${deliveryId} AND "status" = 'sending' AND "claimedAt" = ${claimedAt}`
    return { outcome: 'wait', at: new Date(), reason: 'stalled_before_send' }
  }
  let result: SendResult
  try {
    result =
      c.channel === 'sms'
        ? await opts.senders.sms!({ phone: decryptField(c.phoneCipher!), template: c.template!, params: c.params, outId: deliveryId })
        : await opts.senders.email!({ to: c.email!, subject: `【乡学】${c.title}`, text: c.body, messageId: deliveryId })
  } catch (error) {
    result = { ok: false, retryable: true, error: (error as Error).message }
  }
  if (result.ok) {
    // The only window for a doubt: the gateway accepted, this UPDATE has not run yet (one statement).
    if (opts.batcher) await opts.batcher.recordSent(deliveryId, result.providerId, new Date())
    else
      await db.$executeRaw`UPDATE "NotificationDelivery" SET "status" = 'sent', "sentAt" = ${new Date()}, "providerId" = ${result.providerId}, "lastError" = NULL
      WHERE "id" = ${deliveryId} AND "status" = 'sending'`
    return { outcome: 'sent' }
  }
  if (result.retryable && c.attempts < maxAttempts) {
    const at = new Date(now.getTime() + opts.retryBaseMs * 2 ** Math.max(0, c.attempts - 1))
    await db.$executeRaw`UPDATE "NotificationDelivery" SET "status" = 'pending', "sendAfter" = ${at}, "claimedAt" = NULL, "lastError" = ${result.error}
      WHERE "id" = ${deliveryId} AND "status" = 'sending'`
    return { outcome: 'retry', at, reason: result.error }
  }
  await db.$executeRaw`UPDATE "NotificationDelivery" SET "status" = 'failed', "lastError" = ${result.error} WHERE "id" = ${deliveryId} AND "status" = 'sending'`
  return { outcome: 'failed', reason: result.error }
}

async function notClaimed(db: Db, deliveryId: string, now: Date, opts: DeliverOptions): Promise<DeliverOutcome> {
  const row = await db.notificationDelivery.findUnique({ where: { id: deliveryId }, select: { status: true, sendAfter: true, claimedAt: true } })
  if (!row) return { outcome: 'missing' }
  if (row.status === 'pending') return { outcome: 'wait', at: row.sendAfter }
  if (row.status === 'sending' && row.claimedAt) {
    const staleAt = new Date(row.claimedAt.getTime() + opts.leaseMs)
    if (staleAt > now) return { outcome: 'wait', at: staleAt, reason: 'claimed' }
    const r = await reconcileDelivery(db, deliveryId, row.claimedAt, opts.senders)
    if (r === 'pending') return deliverOne(db, deliveryId, opts)
    return { outcome: 'done', reason: r }
  }
  return { outcome: 'done', reason: row.status }
}

export const RESULT_UNKNOWN = '发送结果未知：发送时程序中断，请核实对方是否收到后再重试'

/**
 * A delivery claimed by a worker that died before recording the answer: the
 * SMS gateway is asked whether it accepted that outId (sent, or pending again
 * to be sent); where it cannot say, failed with RESULT_UNKNOWN for the admin.
 */
export async function reconcileDelivery(db: Db, deliveryId: string, claimedAt: Date, senders: Senders): Promise<'sent' | 'pending' | 'failed' | 'changed'> {
  const rows = await db.$queryRaw<{ channel: Channel; phoneCipher: string | null }[]>`
    SELECT d."channel"::text AS "channel", p."phoneCipher" FROM "NotificationDelivery" d
    JOIN "Notification" n ON n."id" = d."notificationId" JOIN "User" u ON u."id" = n."userId" LEFT JOIN "Person" p ON p."id" = u."personId"
    WHERE d."id" = ${deliveryId}`
  const row = rows[0]
  if (!row) return 'changed'
  const answer =
    row.channel === 'sms' && row.phoneCipher && senders.smsAccepted ? await senders.smsAccepted(deliveryId, decryptField(row.phoneCipher)) : 'unknown'
  const same = { id: deliveryId, status: 'sending' as const, claimedAt }
  const data =
    answer === 'yes'
      ? { status: 'sent' as const, sentAt: new Date(), providerId: 'confirmed-after-crash' }
      : answer === 'no'
        ? { status: 'pending' as const, claimedAt: null, lastError: 'worker_crashed_before_send' }
        : { status: 'failed' as const, lastError: RESULT_UNKNOWN }
  const { count } = await db.notificationDelivery.updateMany({ where: same, data })
  if (count === 0) return 'changed'
  return answer === 'yes' ? 'sent' : answer === 'no' ? 'pending' : 'failed'
}

/**
 * What the dispatcher (every minute) hands to the queue: pending deliveries
 * due now that were never enqueued (decision notices, a sweep whose enqueue
 * failed) or not for `requeueAfterMs` (a job lost with Redis), and deliveries
 * stuck `sending` past the lease, reconciled first.
 */
export async function dueDeliveries(
  db: Db,
  opts: { now: Date; leaseMs: number; senders: Senders; requeueAfterMs?: number; limit?: number },
): Promise<QueuedDelivery[]> {
  const stale = await db.notificationDelivery.findMany({
    where: { status: 'sending', claimedAt: { lte: new Date(opts.now.getTime() - opts.leaseMs) } },
    select: { id: true, claimedAt: true },
    take: opts.limit ?? 5000,
  })
  for (const s of stale) await reconcileDelivery(db, s.id, s.claimedAt!, opts.senders)
  const requeueBefore = new Date(opts.now.getTime() - (opts.requeueAfterMs ?? 5 * 60_000))
  return db.notificationDelivery.findMany({
    where: { status: 'pending', sendAfter: { lte: opts.now }, OR: [{ enqueuedAt: null }, { enqueuedAt: { lt: requeueBefore } }] },
    select: { id: true, attempts: true, sendAfter: true },
    orderBy: { sendAfter: 'asc' },
    take: opts.limit ?? 5000,
  })
}

// ─── The notification centre, preferences, the admin's failed list ─────────

export function listNotifications(db: Db, userId: string, take = 50) {
  return db.notification.findMany({
    where: { userId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: { id: true, title: true, body: true, link: true, readAt: true, createdAt: true, rule: true },
  })
}

export function unreadCount(db: Db, userId: string) {
  return db.notification.count({ where: { userId, readAt: null } })
}

export function latestNotification(db: Db, userId: string) {
  return db.notification.findFirst({
    where: { userId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { id: true, title: true, body: true, link: true, readAt: true, createdAt: true },
  })
}

/** Marks one of the user's notifications read (another's: nothing); returns it, or null. */
export async function markRead(db: Db, userId: string, notificationId: string, now = new Date()) {
  await db.notification.updateMany({ where: { id: notificationId, userId, readAt: null }, data: { readAt: now } })
  return db.notification.findFirst({ where: { id: notificationId, userId }, select: { id: true, link: true } })
}

export async function markAllRead(db: Db, userId: string, now = new Date()) {
  const { count } = await db.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: now } })
  return count
}

export async function getPreferences(db: Db, userId: string): Promise<{ sms: boolean; email: boolean }> {
  const p = await db.notificationPreference.findUnique({ where: { userId }, select: { sms: true, email: true } })
  return p ?? { sms: true, email: true }
}

/** Turns SMS and email on or off for the account (in-app cannot be turned off). Audited. */
export async function setPreferences(db: Db, userId: string, prefs: { sms: boolean; email: boolean }, ip?: string | null) {
  return db.$transaction(async (tx) => {
    const before = await tx.notificationPreference.findUnique({ where: { userId }, select: { sms: true, email: true } })
    const after = await tx.notificationPreference.upsert({ where: { userId }, create: { userId, ...prefs }, update: prefs, select: { sms: true, email: true } })
    await recordAudit(tx, {
      actorId: userId,
      action: 'notification.preferences',
      entityType: 'NotificationPreference',
      entityId: userId,
      before: before ?? { sms: true, email: true },
      after,
      ip,
    })
    return after
  })
}

export function listFailedDeliveries(db: Db, take = 200) {
  return db.notificationDelivery.findMany({
    where: { status: 'failed' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: {
      id: true,
      channel: true,
      attempts: true,
      lastError: true,
      createdAt: true,
      notification: { select: { title: true, rule: true, createdAt: true, user: { select: { username: true, displayName: true } } } },
    },
  })
}

export function countFailedDeliveries(db: Db) {
  return db.notificationDelivery.count({ where: { status: 'failed' } })
}

/** The admin sends a failed delivery again (from attempt 1, quiet hours respected). Audited; returns it to enqueue, or null. */
export async function retryDelivery(db: Db, deliveryId: string, actorId: string, opts: { now?: Date; ip?: string | null } = {}) {
  const now = opts.now ?? new Date()
  return db.$transaction(async (tx) => {
    const row = await tx.notificationDelivery.findUnique({
      where: { id: deliveryId },
      select: { id: true, status: true, channel: true, lastError: true, attempts: true },
    })
    if (!row || row.status !== 'failed') return null
    const at = sendAfter(now, row.channel)
    await tx.notificationDelivery.update({ where: { id: row.id }, data: { status: 'pending', attempts: 0, sendAfter: at, claimedAt: null, enqueuedAt: now } })
    await recordAudit(tx, {
      actorId,
      action: 'notification.retry',
      entityType: 'NotificationDelivery',
      entityId: row.id,
      before: { status: 'failed', attempts: row.attempts, lastError: row.lastError },
      after: { status: 'pending', sendAfter: at.toISOString() },
      ip: opts.ip ?? null,
    })
    return { id: row.id, attempts: 0, sendAfter: at }
  })
}

/** Delivery counts by status (the admin's queue page). */
export async function deliveryCounts(db: Db) {
  const rows = await db.notificationDelivery.groupBy({ by: ['status'], _count: { _all: true } })
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all])) as Partial<Record<'pending' | 'sending' | 'sent' | 'failed' | 'skipped', number>>
}
