import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { ProgressPanel } from '#app/components/progress-ring.tsx'
import { PlannedHours, RoundTags } from '#app/components/round-programme.tsx'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { beijingDate, formatDate, formatInstant } from '#app/domain/time.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { roundForTeacher } from '#app/models/rounds.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'rounds.me.title') }]

/**
 * A teacher's round (培训项目): its window and tags, the face-to-face sessions (date, time, venue,
 * checked in or not), the online modules with the minutes credited per lesson, and the round's 学时
 * progress. Only the teacher's own rounds (404 otherwise); an ended round reads as completed.
 */
export const loader = withMessages(['common', 'outcomes', 'progress', 'rounds'], async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireRole(request, SELF_ROLES)
  if (!user.personId) throw notFound()
  const round = await roundForTeacher(getDb(), {
    personId: user.personId,
    groupId: params.groupId ?? '',
    today: beijingDate(new Date()),
    t: serverT(request),
    locale: getLocale(request),
  })
  if (!round) throw notFound()
  return round
})

export default function MyRound() {
  const { round, status, sessions, requirements, pace, outcome } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  const when = (s: { startsAt: string; endsAt: string }) =>
    `${formatInstant(new Date(s.startsAt), locale)}–${formatInstant(new Date(s.endsAt), locale).slice(-5)}`
  return (
    <div className="narrow">
      <p>
        <Link to="/me">← {t('common.back')}</Link>
      </p>
      <h1>{round.name}</h1>
      <p className="muted">
        {round.endDate
          ? t('rounds.me.window', { start: formatDate(round.startDate, locale), end: formatDate(round.endDate, locale) })
          : formatDate(round.startDate, locale)}
        {round.organization ? ` · ${round.organization}` : ''} <span className="tag">{t(`enrollment.status.${status}`)}</span> <RoundTags tags={round.tags} />
      </p>
      {status === 'completed' && round.endDate ? <p className="notice">{t('rounds.me.closed', { date: formatDate(round.endDate, locale) })}</p> : null}

      <section className="card" aria-labelledby="round-progress">
        <h2 id="round-progress" style={{ marginTop: 0 }}>
          {t('rounds.me.progress')}
        </h2>
        <ProgressPanel requirements={requirements} pace={pace} />
        <p data-testid="outcome-line">
          <strong>{outcome.label}</strong>
          {outcome.reasons[0] ? ` · ${outcome.reasons[0]}` : null}
        </p>
        {Object.values(round.planned).some((h) => h !== null) ? (
          <p className="muted">
            {t('rounds.me.plan')}：<PlannedHours planned={round.planned} />
          </p>
        ) : null}
      </section>

      <section aria-labelledby="round-sessions">
        <h2 id="round-sessions">{t('rounds.me.sessions')}</h2>
        {sessions.length === 0 ? <p className="card">{t('rounds.me.noSessions')}</p> : null}
        <ul className="list" data-testid="round-sessions">
          {sessions.map((s) => (
            <li key={s.id}>
              <strong>{when(s)}</strong>
              <div>{s.venue}</div>
              {s.description ? <div className="muted">{s.description}</div> : null}
              <div>
                <span className="tag">{t('rounds.me.sessionHours', { hours: s.plannedHours.toFixed(1) })}</span>
                {s.attended ? <span className="tag">{t('rounds.me.attended')}</span> : s.past ? <span className="tag">{t('rounds.me.missed')}</span> : null}
              </div>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="round-modules">
        <h2 id="round-modules">{t('rounds.me.modules')}</h2>
        {round.modules.length === 0 ? <p className="card">{t('rounds.me.noModules')}</p> : null}
        {round.modules.map((m) => (
          <section key={m.id} className="card" aria-label={m.name} data-testid="round-module">
            <strong>{m.name}</strong>
            <div className="muted">{t('rounds.me.moduleProgress', { earned: m.earnedMinutes, total: m.nominalMinutes })}</div>
            <ul className="list">
              {m.lessons.map((l) =>
                status === 'active' ? (
                  <li key={l.id}>
                    <Link to={`/learn/lessons/${l.id}`} className="lesson-link">
                      {l.title}
                    </Link>
                    <div className="muted">{t('rounds.me.lessonProgress', { minutes: l.minutes, total: l.nominalMinutes })}</div>
                  </li>
                ) : (
                  <li key={l.id}>
                    {l.title}
                    <div className="muted">{t('rounds.me.lessonProgress', { minutes: l.minutes, total: l.nominalMinutes })}</div>
                  </li>
                ),
              )}
            </ul>
          </section>
        ))}
      </section>
    </div>
  )
}
