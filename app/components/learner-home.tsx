/**
 * Pieces of the learner's home (issue 13): a ring per requirement with the
 * missing hours and the pace in words, simple line icons beside words, and
 * date/time in Beijing time. Server-rendered SVG; nothing here needs JavaScript.
 */
import type { ReactNode } from 'react'
import { plainHours, type StudyPace } from '#app/domain/study-pace.ts'
import { BEIJING_OFFSET_MINUTES, formatDate } from '#app/domain/time.ts'
import type { MessageKey } from '#app/i18n/index.ts'
import { useLocale, useT } from '#app/utils/i18n.ts'

const R = 30
const C = 2 * Math.PI * R

export function Ring({ percent, met }: { percent: number; met: boolean }) {
  const clamped = Math.min(100, Math.max(0, percent))
  return (
    <svg className="ring" width="76" height="76" viewBox="0 0 72 72" aria-hidden="true" focusable="false">
      <circle cx="36" cy="36" r={R} fill="none" stroke="#d5dbe1" strokeWidth="8" />
      {clamped > 0 ? (
        <circle
          cx="36"
          cy="36"
          r={R}
          fill="none"
          stroke={met ? '#1e7a36' : '#1857a8'}
          strokeWidth="8"
          strokeLinecap={clamped < 100 ? 'round' : 'butt'}
          strokeDasharray={`${((C * clamped) / 100).toFixed(2)} ${C.toFixed(2)}`}
          transform="rotate(-90 36 36)"
        />
      ) : null}
      <text x="36" y="42" textAnchor="middle" fontSize="17" fontWeight="700" fill="#1c2430">
        {clamped}%
      </text>
    </svg>
  )
}

export function paceText(t: ReturnType<typeof useT>, pace: StudyPace): string {
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

export type HomeRingView = { code: string; label: string; percent: number; met: boolean; earnedHours: number; requiredHours: number; pace: StudyPace }

export function HomeRing({ ring }: { ring: HomeRingView }) {
  const t = useT()
  const locale = useLocale()
  const deadline = ring.pace.kind === 'weekly' || ring.pace.kind === 'daily' ? ring.pace.endDate : null
  return (
    <div className="home-ring" data-testid={`requirement-${ring.code}`}>
      <Ring percent={ring.percent} met={ring.met} />
      <div className="home-ring-text">
        <strong>{ring.label}</strong>
        <div className={ring.met ? 'req-met' : 'req-missing'} data-testid="missing">
          {ring.met ? <Icon name="check" /> : null}
          {paceText(t, ring.pace)}
        </div>
        <div className="home-sub" data-testid="earned">
          {t('home.ring.earned', { earned: plainHours(ring.earnedHours), required: plainHours(ring.requiredHours) })}
          {deadline ? ` · ${t('home.pace.deadline', { date: formatDate(deadline, locale) })}` : null}
        </div>
      </div>
    </div>
  )
}

/** Beijing date, weekday and HH:MM of an ISO instant. */
export function beijingParts(iso: string) {
  const shifted = new Date(new Date(iso).getTime() + BEIJING_OFFSET_MINUTES * 60_000)
  return { date: shifted.toISOString().slice(0, 10), weekday: shifted.getUTCDay(), time: shifted.toISOString().slice(11, 16) }
}

/** 9:00 rather than 09:00. */
const clock = (hhmm: string) => hhmm.replace(/^0/, '')

/** 12月10日（星期四）9:00–17:30: the year is left out (a session is soon), the weekday is said. */
export function SessionWhen({ startsAt, endsAt }: { startsAt: string; endsAt: string }) {
  const t = useT()
  const locale = useLocale()
  const s = beijingParts(startsAt)
  const e = beijingParts(endsAt)
  const date = locale === 'zh-CN' ? formatDate(s.date, locale).replace(/^\d+年/, '') : s.date
  return <>{t('home.next.when', { date, weekday: t(`home.weekday.${s.weekday}` as MessageKey), start: clock(s.time), end: clock(e.time) })}</>
}

type IconName = 'calendar' | 'place' | 'note' | 'book' | 'pen' | 'qr' | 'bell' | 'award' | 'check' | 'clock' | 'list' | 'people'

const PATHS: Record<IconName, ReactNode> = {
  calendar: (
    <>
      <rect x="3.5" y="5" width="17" height="15" rx="2" />
      <path d="M3.5 10h17M8 3v4M16 3v4" />
    </>
  ),
  place: (
    <>
      <path d="M12 21s-6.5-6.2-6.5-11.2a6.5 6.5 0 0 1 13 0C18.5 14.8 12 21 12 21z" />
      <circle cx="12" cy="9.8" r="2.3" />
    </>
  ),
  note: <path d="M6 3.5h9l3 3v14H6zM9 10h6M9 14h6M9 18h4" />,
  book: <path d="M4 5.5c3-1 5.5-.8 8 1 2.5-1.8 5-2 8-1v13c-3-1-5.5-.8-8 1-2.5-1.8-5-2-8-1zM12 6.5v13" />,
  pen: <path d="M4 20l1-4.5L15.5 5l3.5 3.5L8.5 19zM13.5 7l3.5 3.5" />,
  qr: <path d="M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2v2h-2zM18 14h2v2M14 18h2M18 18h2v2h-2" />,
  bell: <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15zM10 20.5a2.2 2.2 0 0 0 4 0" />,
  award: (
    <>
      <circle cx="12" cy="9" r="5.5" />
      <path d="M8.5 13.5 7 21l5-2.5 5 2.5-1.5-7.5" />
    </>
  ),
  check: <path d="M5 12.5l4.5 4.5L19 7.5" />,
  clock: (
    <>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M12 7v5.5l3.5 2" />
    </>
  ),
  list: <path d="M9 6h11M9 12h11M9 18h11M4.5 6h.01M4.5 12h.01M4.5 18h.01" />,
  people: (
    <>
      <circle cx="9" cy="8" r="3.2" />
      <path d="M3 20c0-3.5 2.7-6 6-6s6 2.5 6 6M15.5 4.8a3.2 3.2 0 0 1 0 6.4M17 14.3c2.4.6 4 2.8 4 5.7" />
    </>
  ),
}

/** A simple line icon beside a word (never alone: the word carries the meaning). */
export function Icon({ name }: { name: IconName }) {
  return (
    <svg
      className="icon"
      width="22"
      height="22"
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {PATHS[name]}
    </svg>
  )
}
