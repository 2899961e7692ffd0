import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { loadLearnerQueue } from '#app/models/coordinator-home.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { showDate } from '#app/utils/format.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import coordinatorCss from '../styles/coordinator.css?url'

const ROLES = PEOPLE_MANAGERS

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: coordinatorCss }]

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => [
  { title: pageTitle(matches, data?.queue === 'behind' ? 'learnerQueue.behind.title' : 'learnerQueue.eligible.title') },
]

/** The home's 可发证未发证 and 进度落后 counts, as lists across the coordinator's scope (issue 15). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const queue = params.queue
  if (queue !== 'eligible' && queue !== 'behind') throw notFound()
  return pageLoad(async () => ({ queue, ...(await loadLearnerQueue(getDb(), user, queue)) }))
}

export default function LearnerQueue() {
  const { queue, rows } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  const eligible = queue === 'eligible'
  // One section per class or round, in the order of the rows (by class, then name).
  const groups: { id: string; name: string; rows: typeof rows }[] = []
  for (const r of rows) {
    const last = groups.at(-1)
    if (last?.id === r.groupId) last.rows.push(r)
    else groups.push({ id: r.groupId, name: r.groupName, rows: [r] })
  }
  return (
    <>
      <p>
        <Link to="/coordinator">{t('learnerQueue.back')}</Link>
      </p>
      <h1>{t(eligible ? 'learnerQueue.eligible.title' : 'learnerQueue.behind.title')}</h1>
      <p className="hint">{t(eligible ? 'learnerQueue.eligible.intro' : 'learnerQueue.behind.intro')}</p>
      <p className="muted" data-testid="queue-total">
        {t('learnerQueue.count', { count: rows.length })}
      </p>
      {rows.length === 0 ? (
        <p className="card">{t('learnerQueue.none')}</p>
      ) : (
        groups.map((g) => (
          <section key={g.id} className="card queue-group" data-testid="queue-group">
            <h2>
              <Link to={`/coordinator/groups/${g.id}`}>{g.name}</Link> <span className="muted">{t('learnerQueue.count', { count: g.rows.length })}</span>
            </h2>
            <p className="row">
              {eligible ? (
                <Link className="button" to={`/coordinator/groups/${g.id}/certificate-batches`}>
                  {t('learnerQueue.batch')}
                </Link>
              ) : null}
              <Link className="button secondary" to={`/coordinator/groups/${g.id}/board${eligible ? '' : '?show=at_risk'}`}>
                {t('learnerQueue.board')}
              </Link>
            </p>
            <details open={g.rows.length <= 10}>
              <summary>{t('learnerQueue.names', { count: g.rows.length })}</summary>
              <ul className="list" data-testid="learner-queue">
                {g.rows.map((r) => (
                  <li key={r.enrollmentId}>
                    <div>
                      <Link to={`/coordinator/people/${r.personId}`}>
                        <b>{r.name}</b>
                      </Link>{' '}
                      <span className="tag">{t(`outcomes.status.${r.status}`)}</span>
                      {r.periodEnd ? (
                        <span className="muted">
                          {' '}
                          · {t('learnerQueue.periodEnd')} {showDate(r.periodEnd, locale)}
                        </span>
                      ) : null}
                    </div>
                    {eligible ? (
                      <div className="row queue-row-action">
                        <span>
                          {t('learnerQueue.types')}：{r.types.map((type) => t(`certificates.type.${type}`)).join('、')}
                        </span>
                        <Link className="button secondary" to={`/coordinator/enrollments/${r.enrollmentId}/certificates`}>
                          {t('learnerQueue.issue')}
                        </Link>
                      </div>
                    ) : r.reasons.length > 0 ? (
                      <div>{r.reasons.join('；')}</div>
                    ) : null}
                  </li>
                ))}
              </ul>
            </details>
          </section>
        ))
      )}
    </>
  )
}
