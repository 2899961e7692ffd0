import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { loadLearnerQueue } from '#app/models/coordinator-home.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { showDate } from '#app/utils/format.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

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
  return (
    <>
      <p>
        <Link to="/coordinator">{t('learnerQueue.back')}</Link>
      </p>
      <h1>{t(eligible ? 'learnerQueue.eligible.title' : 'learnerQueue.behind.title')}</h1>
      <p className="hint">{t(eligible ? 'learnerQueue.eligible.intro' : 'learnerQueue.behind.intro')}</p>
      <p className="muted">{t('learnerQueue.count', { count: rows.length })}</p>
      {rows.length === 0 ? (
        <p className="card">{t('learnerQueue.none')}</p>
      ) : (
        <ul className="list" data-testid="learner-queue">
          {rows.map((r) => (
            <li key={`${r.enrollmentId}`}>
              <div>
                <Link to={`/coordinator/people/${r.personId}`}>
                  <b>{r.name}</b>
                </Link>{' '}
                <span className="tag">{t(`outcomes.status.${r.status}`)}</span>
              </div>
              <div className="muted">
                {t('learnerQueue.group')}：<Link to={`/coordinator/groups/${r.groupId}/board${eligible ? '' : '?show=at_risk'}`}>{r.groupName}</Link>
                {r.periodEnd ? ` · ${t('learnerQueue.periodEnd')} ${showDate(r.periodEnd, locale)}` : ''}
              </div>
              {eligible ? (
                <>
                  <div>
                    {t('learnerQueue.types')}：{r.types.map((type) => t(`certificates.type.${type}`)).join('、')}
                  </div>
                  <div className="row">
                    <Link className="button" to={`/coordinator/enrollments/${r.enrollmentId}/certificates`}>
                      {t('learnerQueue.issue')}
                    </Link>
                    <Link className="button secondary" to={`/coordinator/groups/${r.groupId}/certificate-batches`}>
                      {t('learnerQueue.batch')}
                    </Link>
                  </div>
                </>
              ) : r.reasons.length > 0 ? (
                <div>
                  {t('learnerQueue.missing')}：{r.reasons.join('；')}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
