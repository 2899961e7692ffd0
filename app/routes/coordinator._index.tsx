import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { formatInstant } from '#app/domain/time.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { loadCoordinatorHome } from '#app/models/coordinator-home.server.ts'
import { listPeople, scopeLabel } from '#app/models/directory.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { showDate } from '#app/utils/format.ts'
import { useLocale, useT } from '#app/utils/i18n.ts'
import coordinatorCss from '../styles/coordinator.css?url'

const ROLES = PEOPLE_MANAGERS

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: coordinatorCss }]

/** The coordinator's home (issue 15): the search and its results first, then today's and tomorrow's sessions, the work queues, the classes and rounds. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const scopes = scopesFor(user, ROLES)
  const url = new URL(request.url)
  const q = url.searchParams.get('q')?.trim().slice(0, 30) || undefined
  const all = url.searchParams.get('people') === 'all'
  const page = Number(url.searchParams.get('page')) || 1
  const db = getDb()
  return pageLoad(async () => {
    const [people, home] = await Promise.all([q || all ? listPeople(db, { scopes, q, page }) : Promise.resolve(null), loadCoordinatorHome(db, user)])
    return { q: q ?? '', all, people, home, scope: scopeLabel(scopes, serverT(request, user.locale)) }
  })
}

const MATCH_LABEL = {
  name: 'coordHome.matchedBy.name',
  phone: 'coordHome.matchedBy.phone',
  id_number: 'coordHome.matchedBy.idNumber',
  tail: 'coordHome.matchedBy.tail',
  digits: 'coordHome.matchedBy.tail',
} as const

export default function CoordinatorHome() {
  const { q, people, home, scope } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  const time = (iso: string) => formatInstant(new Date(iso), locale).slice(-5)
  const pageLink = (page: number) => `?${new URLSearchParams({ ...(q ? { q } : { people: 'all' }), page: String(page) })}`
  const queues = [
    { key: 'selfStudy', to: '/coordinator/self-study', label: t('coordHome.queue.selfStudy'), count: home.counts.selfStudy, unit: 'items' },
    { key: 'exemptions', to: '/coordinator/exemptions', label: t('coordHome.queue.exemptions'), count: home.counts.exemptions, unit: 'items' },
    { key: 'early', to: '/coordinator/early-graduation', label: t('coordHome.queue.earlyGraduation'), count: home.counts.earlyGraduation, unit: 'items' },
    { key: 'eligible', to: '/coordinator/learners/eligible', label: t('coordHome.queue.eligible'), count: home.counts.eligible, unit: 'people' },
    { key: 'behind', to: '/coordinator/learners/behind', label: t('coordHome.queue.behind'), count: home.counts.behind, unit: 'people' },
  ] as const
  return (
    <>
      <h1>{t('coordinator.title')}</h1>
      <p className="muted">{t('coordinator.scope', { scope })}</p>

      <Form method="get" role="search" className="card home-search" aria-label={t('coordHome.search')}>
        <label htmlFor="q">{t('coordHome.searchLabel')}</label>
        <div className="home-search-row">
          <input id="q" name="q" type="search" defaultValue={q} maxLength={30} aria-describedby="q-hint" autoComplete="off" />
          <button type="submit">{t('coordinator.searchSubmit')}</button>
        </div>
        <p className="hint" id="q-hint">
          {t('coordHome.searchHint')}
        </p>
      </Form>

      {people ? (
        <section aria-labelledby="results-title" className="home-results">
          <h2 id="results-title">{q ? t('coordHome.results') : t('coordHome.allPeople')}</h2>
          {q ? (
            <p className="muted">
              {t('coordHome.resultsCount', { q, count: people.total })}
              {people.match && people.match !== 'digits' ? ` · ${t(MATCH_LABEL[people.match])}` : ''} ·{' '}
              <Link to="/coordinator">{t('coordHome.clearSearch')}</Link>
            </p>
          ) : null}
          {people.match === 'digits' ? <p className="form-error">{t('coordHome.searchDigits')}</p> : null}
          {people.people.length === 0 ? (
            people.match === 'digits' ? null : (
              <p className="card">{t('coordinator.noPeople')}</p>
            )
          ) : (
            <ul className="list" data-testid="search-results">
              {people.people.map((p) => (
                <li key={p.id} className="person-hit">
                  <Link to={`/coordinator/people/${p.id}`} className="person-hit-name">
                    {p.name}
                  </Link>{' '}
                  <span className="tag">{t(`person.kind.${p.kind}`)}</span>
                  <div className="muted">
                    <span className="mono">{p.idMasked}</span>
                    {p.phoneMasked ? (
                      <>
                        {' · '}
                        <span className="mono">{p.phoneMasked}</span>
                      </>
                    ) : null}
                    {' · '}
                    {p.region.name}
                  </div>
                  {p.enrollments.length > 0 ? (
                    <div className="muted">
                      {p.enrollments.map((e, i) => (
                        <span key={e.group.id}>
                          {i > 0 ? '、' : ''}
                          <Link to={`/coordinator/groups/${e.group.id}`}>{e.group.name}</Link>
                        </span>
                      ))}
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
          {people.pages > 1 ? (
            <p className="row">
              {people.page > 1 ? <Link to={pageLink(people.page - 1)}>{t('common.prev')}</Link> : null}
              <span className="muted">
                {people.page} / {people.pages}
              </span>
              {people.page < people.pages ? <Link to={pageLink(people.page + 1)}>{t('common.next')}</Link> : null}
            </p>
          ) : null}
        </section>
      ) : null}

      <h2>{t('coordHome.sessions')}</h2>
      {home.sessions.length === 0 ? (
        <p className="card muted">{t('coordHome.noSessions')}</p>
      ) : (
        <ul className="list" data-testid="home-sessions">
          {home.sessions.map((s) => (
            <li key={s.id} className="session-item">
              <div className="session-when">
                <b>{t(s.day === 'today' ? 'coordHome.today' : 'coordHome.tomorrow')}</b> {time(s.startsAt)}–{time(s.endsAt)}
                {s.ended ? <span className="tag">{t('coordHome.sessionEnded')}</span> : null}
              </div>
              <div>
                <Link to={`/coordinator/groups/${s.groupId}`}>{s.groupName}</Link>
              </div>
              <div>{t('coordHome.venue', { venue: s.venue })}</div>
              <div className="muted">{t('coordHome.present', { present: s.present, expected: s.expected })}</div>
              <div className="row session-actions">
                {s.ended ? null : (
                  <Link className="button" to={`/coordinator/sessions/${s.id}/checkin`}>
                    {t('coordHome.openCheckin')}
                  </Link>
                )}
                <Link className="button secondary" to={`/coordinator/sessions/${s.id}`}>
                  {t('coordHome.session')}
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}

      <h2>{t('coordHome.queues')}</h2>
      <nav aria-label={t('coordHome.queues')}>
        <ul className="queue-grid" data-testid="home-queues">
          {queues.map((queue) => (
            <li key={queue.key}>
              <Link className={`queue-tile${queue.count > 0 ? ' has-work' : ''}`} to={queue.to} data-queue={queue.key}>
                <b>{queue.count}</b>
                <span>{queue.label}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <h2>{t('coordHome.groups')}</h2>
      <p className="row">
        <Link className="button secondary" to="/coordinator/groups/new">
          {t('catalog.groups.new')}
        </Link>
        <Link className="button secondary" to="/coordinator/people/new">
          {t('person.new')}
        </Link>
        <Link className="button secondary" to="/coordinator/imports">
          {t('rosterImport.link')}
        </Link>
        <Link className="button secondary" to="/coordinator?people=all">
          {t('coordHome.allPeople')}
        </Link>
      </p>
      <ul className="list" data-testid="home-groups">
        {home.groups.map((g) => (
          <li key={g.id} className="group-item">
            <div className="group-head">
              <Link to={`/coordinator/groups/${g.id}`} className="group-name">
                {g.name}
              </Link>
              <span className="group-count" data-testid="group-participants">
                {g.ended ? t('coordHome.participantsEnded', { count: g.participants }) : t('coordHome.participantsActive', { count: g.active })}
                {g.withdrawn > 0 ? <span className="muted"> {t('coordHome.participantsWithdrawn', { count: g.withdrawn })}</span> : null}
              </span>
            </div>
            <div className="muted">
              {t(g.kind === 'class' ? 'group.kind.class' : 'group.kind.round')}
              {g.major ? ` · ${g.major}` : ''} · {g.region} · {showDate(g.startDate, locale)}
              {g.endDate ? ` – ${showDate(g.endDate, locale)}` : ''} · <span className="mono">{g.code}</span>
            </div>
            <div className="row group-links">
              <Link to={`/coordinator/groups/${g.id}/board`}>{t('coordHome.board')}</Link>
              <Link to={`/coordinator/groups/${g.id}/progress`}>{t('roster.link')}</Link>
            </div>
          </li>
        ))}
      </ul>

      <p className="row">
        <Link className="button secondary" to="/coordinator/courses">
          {t('catalog.courses.link')}
        </Link>
        <Link className="button secondary" to="/coordinator/dashboard">
          {t('coordHome.dashboard')}
        </Link>
      </p>
    </>
  )
}
