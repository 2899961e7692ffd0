/**
 * The learner's and teacher's home (/me, issue 13) in one call: "how am I doing and what do I do
 * next". For the caller's own person only (a user without a person gets an empty home):
 * - one ring per blocking hour requirement of each active enrollment, with what is missing and the
 *   pace in plain words (app/domain/study-pace.ts), and plain tips for unmet advisory ones;
 * - the other things still to do before graduating (plain words for the outcome's reasons);
 * - the next face-to-face session of any active class or round, and today's check-in not yet
 *   checked out ("remember to check out");
 * - the last lesson opened (继续学习), self-study logs and exemptions under review or decided in
 *   the last 14 days, the latest notifications and the certificates;
 * - for teachers, their current rounds: dates, planned split and upcoming sessions.
 */
import { formatReason, type OutcomeReason } from '#app/domain/outcomes.ts'
import { minutesToHours, type RequirementResult } from '#app/domain/requirements.ts'
import { plainHours, studyPace, type StudyPace } from '#app/domain/study-pace.ts'
import { BEIJING_OFFSET_MINUTES, beijingDate, dateOnly, formatDate } from '#app/domain/time.ts'
import type { Locale, MessageKey, T } from '#app/i18n/index.ts'
import type { Db } from '#app/utils/db.server.ts'
import type { CurrentUser } from './access.server.ts'
import { listOwnCertificates } from './certificate-holder.server.ts'
import { listEnrollmentsOfPerson } from './enrollments.server.ts'
import { offersExemptions } from './exemptions.server.ts'
import { listNotifications, unreadCount } from './notifications.server.ts'
import { lastOpenedLesson } from './online.server.ts'
import { loadProgress, type EnrollmentProgress } from './progress.server.ts'
import { roundProgramme } from './rounds.server.ts'

/** Decided items stay on the home this long, so the learner sees the result. */
const DECIDED_DAYS = 14

/** Plain names of the requirements a learner or teacher meets on the home (the policy's label otherwise). */
const PLAIN_REQUIREMENT: Record<string, MessageKey> = {
  'self-study-and-online': 'home.req.self-study-and-online',
  'round-hours': 'home.req.round-hours',
  'cycle-hours': 'home.req.cycle-hours',
}

/** Plain words for the outcome's reasons that are not about hours (the rings say those). */
const PLAIN_REASON: Partial<Record<string, MessageKey>> = {
  'outcomes.reason.moralMissing': 'home.todo.moralMissing',
  'outcomes.reason.moralFailed': 'home.todo.moralFailed',
  'outcomes.reason.coursesOpen': 'home.todo.coursesOpen',
  'outcomes.reason.coursesOpenMany': 'home.todo.coursesOpenMany',
  'outcomes.reason.coursesFailed': 'home.todo.coursesFailed',
  'outcomes.reason.eligible': 'home.todo.eligible',
  'outcomes.reason.earlyNeeded': 'home.todo.earlyNeeded',
  'outcomes.reason.earlyPending': 'home.todo.earlyPending',
  'outcomes.reason.earlyApproved': 'home.todo.earlyApproved',
  'outcomes.reason.earlyRejected': 'home.todo.earlyRejected',
  'outcomes.reason.periodEnded': 'home.todo.periodEnded',
  'outcomes.reason.roundEnded': 'home.todo.roundEnded',
}
const HOUR_REASONS = new Set(['outcomes.reason.hoursShort', 'outcomes.reason.minutesShort', 'outcomes.reason.countShort'])

export type HomeRing = {
  code: string
  label: string
  percent: number
  met: boolean
  earnedHours: number
  requiredHours: number
  pace: StudyPace
  /** 还差 269 学时，每周学 3 学时就能按时完成 */
  missingText: string
  /** 已学 91.1 / 360 学时 · 2029年3月1日前学完 */
  earnedText: string
}

function paceText(t: T, pace: StudyPace): string {
  switch (pace.kind) {
    case 'met':
      return t('home.pace.met')
    case 'open':
      return t('home.pace.open', { hours: plainHours(pace.missingHours) })
    case 'ended':
      return t('home.pace.ended', { hours: plainHours(pace.missingHours) })
    case 'weekly':
      return t('home.pace.weekly', { hours: plainHours(pace.missingHours), perWeek: plainHours(pace.perWeekHours) })
    case 'daily':
      return t('home.pace.daily', { hours: plainHours(pace.missingHours), days: pace.daysLeft, perDay: plainHours(pace.perDayHours) })
  }
}

/** Beijing date, weekday and H:MM of an instant. */
function beijingParts(instant: Date) {
  const shifted = new Date(instant.getTime() + BEIJING_OFFSET_MINUTES * 60_000).toISOString()
  return { date: shifted.slice(0, 10), weekday: new Date(shifted).getUTCDay(), time: shifted.slice(11, 16).replace(/^0/, '') }
}

/** 12月10日（星期四）9:00–17:30: the year is left out (a session is soon), the weekday is said. */
function sessionWhen(t: T, locale: Locale, startsAt: Date, endsAt: Date): string {
  const s = beijingParts(startsAt)
  const date = locale === 'zh-CN' ? formatDate(s.date, locale).replace(/^\d+年/, '') : s.date
  return t('home.next.when', { date, weekday: t(`home.weekday.${s.weekday}` as MessageKey), start: s.time, end: beijingParts(endsAt).time })
}

function ringOf(r: RequirementResult, mph: number, asOf: string, t: T, locale: Locale): HomeRing {
  const required = r.requiredMinutes ?? 0
  const earned = Math.max(0, r.earnedMinutes ?? 0)
  const met = earned >= required
  const percent = met ? 100 : Math.min(99, Math.max(earned > 0 ? 1 : 0, Math.floor((earned / Math.max(1, required)) * 100)))
  const plain = PLAIN_REQUIREMENT[r.code]
  const pace = studyPace({ missingMinutes: required - earned, endDate: r.window.end, asOf, minutesPerHour: mph })
  const earnedHours = minutesToHours(earned, mph)
  const requiredHours = minutesToHours(required, mph)
  const deadline = pace.kind === 'weekly' || pace.kind === 'daily' ? pace.endDate : null
  return {
    code: r.code,
    label: plain ? t(plain) : r.label,
    percent,
    met,
    earnedHours,
    requiredHours,
    pace,
    missingText: paceText(t, pace),
    earnedText:
      t('home.ring.earned', { earned: plainHours(earnedHours), required: plainHours(requiredHours) }) +
      (deadline ? ` · ${t('home.pace.deadline', { date: formatDate(deadline, locale) })}` : ''),
  }
}

/** Unmet advisory rules in plain words (the 自学 ≥ 集中授课 one; others by their label). */
function tipsOf(p: EnrollmentProgress, t: T): string[] {
  const mph = p.policy.minutesPerHour
  return p.evaluation.requirements
    .filter((r) => !r.blocking && !r.met && r.kind === 'not_below')
    .map((r) =>
      r.code === 'self-study-not-below-concentrated'
        ? t('home.tip.selfStudyNotBelow', {
            selfStudy: plainHours(minutesToHours(r.earnedMinutes ?? 0, mph)),
            concentrated: plainHours(minutesToHours(r.requiredMinutes ?? 0, mph)),
          })
        : r.label,
    )
}

function todoOf(p: EnrollmentProgress, t: T, locale: Locale): string[] {
  const plainT = ((key: string, params?: Record<string, string | number>) => t((PLAIN_REASON[key] ?? key) as MessageKey, params)) as T
  return p.outcome.reasonData
    .filter((r: OutcomeReason) => !HOUR_REASONS.has(r.key))
    .map((r) => formatReason(r, plainT as Parameters<typeof formatReason>[1], locale))
}

type Split = { concentrated: number | null; online: number | null; school_based: number | null }

/** 集中面授 24 学时 · 线上学习 3 学时 · 校本研修 13 学时 (kinds without a number left out; null when none has one). */
function splitText(t: T, split: Split): string | null {
  const parts = (['concentrated', 'online', 'school_based'] as const).flatMap((kind) =>
    split[kind] === null ? [] : [t('rounds.plan.line', { kind: t(`rounds.kind.${kind}`), hours: plainHours(split[kind]!) })],
  )
  return parts.length ? parts.join(' · ') : null
}

export async function loadLearnerHome(db: Db, opts: { user: CurrentUser; now: Date; t: T; locale: Locale }) {
  const { user, now, t, locale } = opts
  const personId = user.personId
  const today = beijingDate(now)
  const [notifications, unread, certificates] = await Promise.all([listNotifications(db, user.id, 3), unreadCount(db, user.id), listOwnCertificates(db, user)])
  const notices = notifications.map((n) => ({ id: n.id, title: n.title, body: n.body, link: n.link, read: n.readAt !== null, at: n.createdAt.toISOString() }))
  const certs = certificates.map((c) => ({
    id: c.id,
    type: c.type,
    status: c.status,
    group: c.group,
    issuedOn: c.issuedOn,
    typeText: t(`certificates.type.${c.type}` as MessageKey),
    statusText: t(`certificates.status.${c.status}` as MessageKey),
  }))
  if (!personId) {
    return {
      enrollments: [],
      cards: [],
      nextSession: null,
      checkedIn: null,
      lastLesson: null,
      pending: [],
      notifications: notices,
      unread,
      certificates: certs,
      rounds: [],
    }
  }

  const enrollments = await listEnrollmentsOfPerson(db, personId)
  const active = enrollments.filter((e) => e.status === 'active')
  const activeIds = active.map((e) => e.id)
  const groupIds = active.map((e) => e.groupId)
  const decidedSince = new Date(now.getTime() - DECIDED_DAYS * 86_400_000)
  const [progress, sessions, openAttendance, lastLesson, logs, exemptions] = await Promise.all([
    loadProgress(db, activeIds, today),
    groupIds.length === 0
      ? Promise.resolve([])
      : db.classSession.findMany({
          where: { groupId: { in: groupIds }, cancelledAt: null, endsAt: { gt: now } },
          orderBy: { startsAt: 'asc' },
          take: 12,
          select: { id: true, groupId: true, startsAt: true, endsAt: true, venue: true, description: true, group: { select: { name: true } } },
        }),
    db.attendance.findFirst({
      where: { enrollment: { personId }, checkedInAt: { not: null }, checkedOutAt: null, session: { cancelledAt: null, startsAt: { lte: now } } },
      orderBy: { checkedInAt: 'desc' },
      select: { session: { select: { id: true, startsAt: true, endsAt: true, venue: true, group: { select: { name: true } } } } },
    }),
    lastOpenedLesson(db, personId, today),
    db.selfStudyLog.findMany({
      where: { personId, OR: [{ status: 'pending' }, { reviewedAt: { gte: decidedSince } }] },
      // Newest first; logs written together (a batch, an offline queue sent at once) by the day studied.
      orderBy: [{ createdAt: 'desc' }, { studiedOn: 'desc' }, { id: 'desc' }],
      take: 6,
      select: { id: true, studiedOn: true, minutes: true, content: true, status: true, rejectReason: true },
    }),
    db.exemption.findMany({
      where: { enrollment: { personId }, OR: [{ status: 'pending' }, { reviewedAt: { gte: decidedSince } }] },
      orderBy: { createdAt: 'desc' },
      take: 6,
      select: { id: true, status: true, reviewReason: true, mode: true, course: { select: { name: true } } },
    }),
  ])

  const cards = active.flatMap((e) => {
    const p = progress.get(e.id)
    if (!p) return []
    const mph = p.policy.minutesPerHour
    return [
      {
        id: e.id,
        groupName: e.group.name,
        kind: e.group.kind,
        rings: p.evaluation.requirements.filter((r) => r.blocking && r.kind === 'min_hours').map((r) => ringOf(r, mph, today, t, locale)),
        tips: tipsOf(p, t),
        todo: todoOf(p, t, locale),
        outcome: p.outcome.status,
      },
    ]
  })

  // Today's check-in that has not been checked out (a session of today, not of an earlier day).
  const open = openAttendance && beijingDate(openAttendance.session.startsAt) === today ? openAttendance.session : null
  const upcoming = sessions.filter((s) => s.id !== open?.id)
  const next = upcoming[0] ?? null

  const roundEnrollments = active.filter((e) => e.group.kind === 'round')
  const programmes = await Promise.all(roundEnrollments.map((e) => roundProgramme(db, e.groupId)))
  const rounds = roundEnrollments.map((e, i) => {
    const g = programmes[i]
    const p = progress.get(e.id)
    const earnedOf = (category: 'concentrated' | 'online' | 'school_based') =>
      p
        ? minutesToHours(
            Math.max(
              0,
              p.facts.entries.filter((f) => f.category === category).reduce((sum, f) => sum + f.minutes, 0),
            ),
            p.policy.minutesPerHour,
          )
        : 0
    return {
      id: e.groupId,
      name: e.group.name,
      startDate: dateOnly(e.startDate),
      endDate: e.periodEnd ? dateOnly(e.periodEnd) : null,
      datesText: e.periodEnd
        ? t('home.rounds.dates', { start: formatDate(dateOnly(e.startDate), locale), end: formatDate(dateOnly(e.periodEnd), locale) })
        : formatDate(dateOnly(e.startDate), locale),
      /** 集中面授 24 学时 · 线上学习 3 学时 · 校本研修 13 学时, or null without a programme. */
      plannedText: splitText(t, g?.planned ?? { concentrated: null, online: null, school_based: null }),
      /** 学时 earned so far in this round, per kind (the split a teacher asks about even when no programme is planned). */
      earnedText: splitText(t, { concentrated: earnedOf('concentrated'), online: earnedOf('online'), school_based: earnedOf('school_based') })!,
      sessions: upcoming
        .filter((s) => s.groupId === e.groupId)
        .slice(0, 3)
        .map((s) => ({ id: s.id, when: sessionWhen(t, locale, s.startsAt, s.endsAt), venue: s.venue })),
    }
  })

  const pending = [
    ...logs.map((l) => ({
      kind: 'self_study' as const,
      id: l.id,
      status: l.status,
      statusText: t(`home.pending.status.${l.status}`),
      what: t('home.pending.selfStudy', { date: dateOnly(l.studiedOn), minutes: l.minutes, content: l.content }),
      reason: l.rejectReason,
    })),
    ...exemptions.map((x) => ({
      kind: 'exemption' as const,
      id: x.id,
      status: x.status,
      statusText: t(`home.pending.status.${x.status}`),
      what: t(x.mode === 'exempt_exam' ? 'home.pending.exemptExam' : 'home.pending.exemptStudy', { course: x.course?.name ?? '' }),
      reason: x.reviewReason,
    })),
  ]

  // The list of all classes and rounds at the bottom, in words made here (the page carries no formatting code).
  const enrollmentLines = enrollments.map((e) => ({
    id: e.id,
    name: e.group.name,
    href: e.group.kind === 'round' ? `/me/rounds/${e.groupId}` : null,
    kindText: `${t(`program.${e.program.code}` as MessageKey)} · ${t(e.group.kind === 'class' ? 'me.class' : 'me.round')}`,
    majorText: e.group.major ? `${t('group.major')}：${e.group.major.name}` : null,
    periodText: t('enrollment.period', {
      start: formatDate(dateOnly(e.startDate), locale),
      end: e.periodEnd ? formatDate(dateOnly(e.periodEnd), locale) : '—',
    }),
    statusText: t(`enrollment.status.${e.status}` as MessageKey),
    yearsText: e.studyYears ? t('enrollment.studyYears', { years: e.studyYears }) : null,
  }))

  return {
    enrollments: enrollmentLines,
    cards,
    nextSession: next
      ? {
          id: next.id,
          startsAt: next.startsAt.toISOString(),
          endsAt: next.endsAt.toISOString(),
          when: sessionWhen(t, locale, next.startsAt, next.endsAt),
          venue: next.venue,
          note: next.description,
          group: next.group.name,
        }
      : null,
    checkedIn: open
      ? { sessionId: open.id, endsAt: open.endsAt.toISOString(), endsTime: beijingParts(open.endsAt).time, venue: open.venue, group: open.group.name }
      : null,
    lastLesson,
    pending,
    notifications: notices,
    unread,
    certificates: certs,
    rounds,
    // Teachers in rounds have no 免修免考 (issue 15): the link shows only where the program offers it.
    offersExemptions: await offersExemptions(db, personId),
  }
}
