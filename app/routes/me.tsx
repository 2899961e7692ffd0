import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { EnrollmentList } from '#app/components/enrollment-list.tsx'
import { ProgressPanel } from '#app/components/progress-ring.tsx'
import { paceView, requirementViews } from '#app/domain/progress-display.ts'
import { beijingDate } from '#app/domain/time.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { listEnrollmentsOfPerson } from '#app/models/enrollments.server.ts'
import { latestNotification } from '#app/models/notifications.server.ts'
import { outcomeView } from '#app/models/outcome-view.server.ts'
import { loadProgress } from '#app/models/progress.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'me.title') }]

/** Learner and teacher home: their own enrollments and, for active ones, every requirement's progress. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  const db = getDb()
  const enrollments = user.personId ? await listEnrollmentsOfPerson(db, user.personId) : []
  const active = enrollments.filter((e) => e.status === 'active')
  const progress = await loadProgress(
    db,
    active.map((e) => e.id),
    beijingDate(new Date()),
  )
  const [t, locale] = [serverT(request), getLocale(request)]
  const progressCards = active.flatMap((e) => {
    const p = progress.get(e.id)
    if (!p) return []
    return [
      {
        id: e.id,
        groupName: e.group.name,
        roundId: e.group.kind === 'round' ? e.groupId : null,
        requirements: requirementViews(p.evaluation.requirements, p.policy.minutesPerHour),
        pace: paceView(p.evaluation.pace, p.policy.minutesPerHour),
        outcome: outcomeView(p, t, locale),
      },
    ]
  })
  const latest = await latestNotification(db, user.id)
  return {
    name: user.displayName,
    enrollments,
    progressCards,
    latest: latest ? { title: latest.title, body: latest.body, read: latest.readAt !== null } : null,
  }
}

export default function MyLearning() {
  const { name, enrollments, progressCards, latest } = useLoaderData<typeof loader>()
  const t = useT()
  return (
    <div className="narrow">
      <h1>{t('me.greeting', { name })}</h1>
      {latest ? (
        <section className="card" aria-label={t('notifications.latest')} data-testid="latest-notification">
          <strong>
            {latest.read ? null : <span className="badge">{t('notifications.new')}</span>} {latest.title}
          </strong>
          <p style={{ fontSize: '1.1rem' }}>{latest.body}</p>
          <Link to="/me/notifications">{t('notifications.all')}</Link>
        </section>
      ) : null}
      <p>
        <Link className="button block" to="/checkin" style={{ fontSize: '1.3rem' }}>
          {t('attendance.me.entry')}
        </Link>
      </p>
      <p>
        <Link className="button block secondary" to="/learn">
          {t('online.nav')}
        </Link>
      </p>
      {progressCards.length > 0 ? (
        <>
          <h2>{t('progress.heading')}</h2>
          {progressCards.map((c) => (
            <section key={c.id} className="card" aria-label={c.groupName} data-testid={`progress-${c.id}`}>
              <strong>{c.groupName}</strong>
              <ProgressPanel requirements={c.requirements} pace={c.pace} />
              <p data-testid="outcome-line">
                <strong>{c.outcome.label}</strong>
                {c.outcome.reasons[0] ? ` · ${c.outcome.reasons[0]}` : null} <Link to="/me/courses">{t('outcomes.coursesLink')}</Link>
              </p>
              {c.roundId ? (
                <p>
                  <Link className="button secondary block" to={`/me/rounds/${c.roundId}`}>
                    {t('rounds.me.link')}
                  </Link>
                </p>
              ) : null}
            </section>
          ))}
          <p>
            <Link className="button block" to="/me/self-study">
              {t('progress.selfStudyLink')}
            </Link>
          </p>
        </>
      ) : null}
      <h2>{t('me.title')}</h2>
      {enrollments.length === 0 ? <p className="card">{t('me.none')}</p> : null}
      <EnrollmentList enrollments={enrollments} hrefOf={(e) => (e.group.kind === 'round' ? `/me/rounds/${e.groupId}` : null)} />
      {enrollments.length > 0 ? (
        <p>
          <Link to="/me/records" className="button secondary block">
            {t('records.link')}
          </Link>
          <Link to="/me/exemptions" className="button secondary block">
            {t('exemptions.link')}
          </Link>
          <Link to="/me/certificates" className="button secondary block">
            {t('certificates.me.link')}
          </Link>
        </p>
      ) : null}
    </div>
  )
}
