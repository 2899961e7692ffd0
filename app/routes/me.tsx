import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { EnrollmentList } from '#app/components/enrollment-list.tsx'
import { HomeRing, Icon, SessionWhen, beijingParts } from '#app/components/learner-home.tsx'
import { ReadAloud } from '#app/components/read-aloud.tsx'
import { PlannedHours } from '#app/components/round-programme.tsx'
import type { CertificateType } from '#app/domain/certificates.ts'
import { plainHours } from '#app/domain/study-pace.ts'
import { formatDate } from '#app/domain/time.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { loadLearnerHome } from '#app/models/learner-home.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'me.title') }]

/** Learner and teacher home (issue 13): how am I doing and what do I do next, in one model call. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  const home = await loadLearnerHome(getDb(), { user, now: new Date(), t: serverT(request), locale: getLocale(request) })
  return { name: user.displayName, ...home }
}

export default function MyLearning() {
  const { name, enrollments, cards, nextSession, checkedIn, lastLesson, pending, notifications, certificates, rounds } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
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
              <Icon name="clock" /> {t('home.checkedIn', { time: beijingParts(checkedIn.endsAt).time })}
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
              <p className="home-when">
                <SessionWhen startsAt={nextSession.startsAt} endsAt={nextSession.endsAt} />
              </p>
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
          <Icon name="qr" /> {t('home.checkin')}
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
              <p className="home-sub">
                {r.endDate
                  ? t('home.rounds.dates', { start: formatDate(r.startDate, locale), end: formatDate(r.endDate, locale) })
                  : formatDate(r.startDate, locale)}
              </p>
              {Object.values(r.planned).some((h) => h !== null) ? (
                <p>
                  {t('home.rounds.plan')}
                  <PlannedHours planned={r.planned} />
                </p>
              ) : null}
              <p data-testid="round-earned">
                {t('home.rounds.earned')}
                {(['concentrated', 'online', 'school_based'] as const)
                  .map((kind) => t('rounds.plan.line', { kind: t(`rounds.kind.${kind}`), hours: plainHours(r.earned[kind]) }))
                  .join(' · ')}
              </p>
              {r.sessions.length === 0 ? <p className="home-sub">{t('home.rounds.noSessions')}</p> : null}
              <ul className="home-lines">
                {r.sessions.map((s) => (
                  <li key={s.id}>
                    <Icon name="calendar" /> <SessionWhen startsAt={s.startsAt} endsAt={s.endsAt} /> · {s.venue}
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
                <span className={`home-status home-status-${p.status}`}>{t(`home.pending.status.${p.status}`)}</span> {p.what}
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
              <strong>{t(`certificates.type.${c.type as CertificateType}`)}</strong> · {c.group} · {t(`certificates.status.${c.status}`)}
            </li>
          ))}
        </ul>
        <Link className="home-link" to="/me/certificates">
          {t('home.certificates.all')}
        </Link>
      </section>

      <h2>{t('me.title')}</h2>
      {enrollments.length === 0 ? <p className="card">{t('me.none')}</p> : null}
      <EnrollmentList enrollments={enrollments} hrefOf={(e) => (e.group.kind === 'round' ? `/me/rounds/${e.groupId}` : null)} />
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
          <Link to="/me/exemptions" className="button secondary block">
            {t('exemptions.link')}
          </Link>
        </nav>
      ) : null}
    </div>
  )
}
