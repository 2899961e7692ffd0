import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { formatInstant } from '#app/domain/time.ts'
import { loadEarlyGraduationQueue } from '#app/models/coordinator-home.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'earlyQueue.title') }]

/** Pending early-graduation requests across the scope; each is decided on the learner's records of study (issue 15). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  return pageLoad(async () => ({ rows: await loadEarlyGraduationQueue(getDb(), user) }))
}

export default function EarlyGraduationQueue() {
  const { rows } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  return (
    <>
      <p>
        <Link to="/coordinator">{t('learnerQueue.back')}</Link>
      </p>
      <h1>{t('earlyQueue.title')}</h1>
      <p className="hint">{t('earlyQueue.intro')}</p>
      {rows.length === 0 ? (
        <p className="card">{t('earlyQueue.none')}</p>
      ) : (
        <ul className="list" data-testid="early-queue">
          {rows.map((r) => (
            <li key={r.id}>
              <div>
                <Link to={`/coordinator/people/${r.personId}`}>
                  <b>{r.name}</b>
                </Link>{' '}
                · <Link to={`/coordinator/groups/${r.groupId}`}>{r.groupName}</Link>
              </div>
              <div className="muted">
                {t('earlyQueue.at')}：{formatInstant(new Date(r.at), locale)}
              </div>
              <p>
                <Link className="button" to={`/coordinator/enrollments/${r.enrollmentId}`}>
                  {t('earlyQueue.decide')}
                </Link>
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
