import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { Icon } from '#app/components/icons.tsx'
import { HomeRing } from '#app/components/learner-home.tsx'
import { ReadAloud } from '#app/components/read-aloud.tsx'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { loadLearnerHome } from '#app/models/learner-home.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'me.title') }]

/** Learner and teacher home (issue 13): how am I doing and what do I do next, in one model call. */
export const loader = withMessages(
  ['attendance', 'exemptions', 'home', 'learn', 'me', 'outcomes', 'progress', 'records'],
  async ({ request }: LoaderFunctionArgs) => {
    const user = await requireRole(request, SELF_ROLES)
    const home = await loadLearnerHome(getDb(), { user, now: new Date(), t: serverT(request), locale: getLocale(request) })
    return { name: user.displayName, ...home }
  },
)

export default function MyLearning() {
  const { name, enrollments, cards, nextSession, checkedIn, lastLesson, pending, notifications, certificates, rounds, offersExemptions } =
    useLoaderData<typeof loader>()
  const t = useT()
  const hasClass = cards.some((c) => c.kind === 'class')
  return (
    <div className="narrow home">
      <section id="home-summary" aria-labelledby="home-hello">
        <h1 id="home-hello" className="home-hello">
          {t('me.greeting', { name })}
        </h1>

        {checkedIn ? (
          <div className="home-banner" role="status" data-testid="checked-in">
            <p>
              <Icon name="clock" /> {t('home.checkedIn', { time: checkedIn.endsTime })}
            </p>
            <Link className="button block" to="/checkin">
              <Icon name="qr" /> {t('home.checkedIn.go')}
            </Link>
          </div>
        ) : null}

        {cards.map((c) => (
          <section key={c.id} className="card home-card" aria-label={c.groupName} data-testid={`progress-${c.id}`}>
            <div className="home-group">{c.groupName}</div>
            {c.rings.map((r) => (
              <HomeRing key={r.code} ring={r} />
            ))}
          </section>
        ))}

        <section className="card home-next" aria-labelledby="home-next" data-testid="next-session">
          <h2 id="home-next">
            <Icon name="calendar" /> {t('home.next.title')}
          </h2>
          {nextSession ? (
            <>
              <p className="home-when">{nextSession.when}</p>
              <p>
                <Icon name="place" /> {t('home.next.where', { venue: nextSession.venue })}
              </p>
              {nextSession.note ? (
                <p>
                  <Icon name="note" /> {t('home.next.note', { note: nextSession.note })}
                </p>
              ) : null}
              {cards.length > 1 ? <p className="home-sub">{nextSession.group}</p> : null}
            </>
          ) : (
            <p>{t('home.next.none')}</p>
          )}
        </section>
      </section>

      <nav className="home-actions" aria-label={t('home.actions')}>
        <Link className="button block home-wide" to={lastLesson ? `/learn/lessons/${lastLesson.id}` : '/learn'} data-testid="continue-learning">
          <Icon name="book" /> {lastLesson ? t('home.continueLesson', { title: lastLesson.title }) : t('home.startLearning')}
        </Link>
        {lastLesson ? (
          <Link className="button block secondary" to="/learn">
            <Icon name="list" /> {t('learn.title')}
          </Link>
        ) : null}
        {cards.length > 0 ? (
          <Link className="button block secondary" to="/me/self-study">
            <Icon name="pen" /> {t('home.selfStudy')}
          </Link>
        ) : null}
        <Link className="button block secondary" to="/checkin">
          <Icon name="qr" /> {t('attendance.me.entry')}
        </Link>
      </nav>

      <ReadAloud targetId="home-summary" label={t('home.readAloud.summary')} />

      {cards.some((c) => c.todo.length > 0 || c.tips.length > 0) ? (
        <section className="card" aria-labelledby="home-todo" data-testid="home-todo">
          <h2 id="home-todo">
            <Icon name="list" /> {t('home.todo.title')}
          </h2>
          <ul className="home-lines">
            {cards.flatMap((c) =>
              c.todo.map((line) => (
                <li key={`${c.id}-${line}`} data-testid="todo-line">
                  {line}
                </li>
              )),
            )}
          </ul>
          {cards.flatMap((c) =>
            c.tips.map((tip) => (
              <p key={`${c.id}-${tip}`} className="home-tip">
                {tip}
              </p>
            )),
          )}
          {hasClass ? (
            <Link className="home-link" to="/me/courses">
              {t('home.todo.courses')}
            </Link>
          ) : null}
        </section>
      ) : null}

      {rounds.length > 0 ? (
        <section aria-labelledby="home-rounds" data-testid="home-rounds">
          <h2 id="home-rounds">
            <Icon name="people" /> {t('home.rounds.title')}
          </h2>
          {rounds.map((r) => (
            <div key={r.id} className="card" data-testid="home-round">
              <strong>{r.name}</strong>
              <p className="home-sub">{r.datesText}</p>
              {r.plannedText ? (
                <p>
                  {t('home.rounds.plan')}
                  <span data-testid="planned-hours">{r.plannedText}</span>
                </p>
              ) : null}
              <p data-testid="round-earned">
                {t('home.rounds.earned')}
                {r.earnedText}
              </p>
              {r.sessions.length === 0 ? <p className="home-sub">{t('home.rounds.noSessions')}</p> : null}
              <ul className="home-lines">
                {r.sessions.map((s) => (
                  <li key={s.id}>
                    <Icon name="calendar" /> {s.when} · {s.venue}
                  </li>
                ))}
              </ul>
              <Link className="button block secondary" to={`/me/rounds/${r.id}`}>
                {t('home.rounds.open')}
              </Link>
            </div>
          ))}
        </section>
      ) : null}

      {pending.length > 0 ? (
        <section className="card" aria-labelledby="home-pending" data-testid="home-pending">
          <h2 id="home-pending">
            <Icon name="clock" /> {t('home.pending.title')}
          </h2>
          <ul className="home-lines">
            {pending.map((p) => (
              <li key={`${p.kind}-${p.id}`} data-testid="pending-item">
                <span className={`home-status home-status-${p.status}`}>{p.statusText}</span> {p.what}
                {p.status === 'rejected' && p.reason ? <div className="home-sub">{t('home.pending.reason', { reason: p.reason })}</div> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="home-notices" data-testid="latest-notification">
        <h2 id="home-notices">
          <Icon name="bell" /> {t('home.notifications.title')}
        </h2>
        {notifications.length === 0 ? <p>{t('home.notifications.none')}</p> : null}
        <ul className="home-lines">
          {notifications.map((n) => (
            <li key={n.id}>
              <strong>
                {n.read ? null : <span className="badge">{t('notifications.new')}</span>} {n.title}
              </strong>
              <div>{n.body}</div>
            </li>
          ))}
        </ul>
        <Link className="home-link" to="/me/notifications">
          {t('home.notifications.all')}
        </Link>
      </section>

      <section className="card" aria-labelledby="home-certs" data-testid="home-certificates">
        <h2 id="home-certs">
          <Icon name="award" /> {t('home.certificates.title')}
        </h2>
        {certificates.length === 0 ? <p>{t('home.certificates.none')}</p> : null}
        <ul className="home-lines">
          {certificates.map((c) => (
            <li key={c.id}>
              <strong>{c.typeText}</strong> · {c.group} · {c.statusText}
            </li>
          ))}
        </ul>
        <Link className="home-link" to="/me/certificates">
          {t('home.certificates.all')}
        </Link>
      </section>

      <h2>{t('me.title')}</h2>
      {enrollments.length === 0 ? <p className="card">{t('me.none')}</p> : null}
      <ul className="list">
        {enrollments.map((e) => (
          <li key={e.id}>
            <div className="muted">{e.kindText}</div>
            <strong>{e.href ? <Link to={e.href}>{e.name}</Link> : e.name}</strong>
            {e.majorText ? <div>{e.majorText}</div> : null}
            <div>{e.periodText}</div>
            <div>
              <span className="tag">{e.statusText}</span>
              {e.yearsText ? <span className="tag">{e.yearsText}</span> : null}
            </div>
          </li>
        ))}
      </ul>
      {enrollments.length > 0 ? (
        <nav className="home-actions home-stack" aria-label={t('home.more')}>
          <Link to="/me/records" className="button secondary block">
            {t('records.link')}
          </Link>
          {hasClass ? (
            <Link to="/me/courses" className="button secondary block">
              {t('home.todo.courses')}
            </Link>
          ) : null}
          {offersExemptions ? (
            <Link to="/me/exemptions" className="button secondary block">
              {t('exemptions.link')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  )
}
