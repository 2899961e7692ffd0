import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { listEnrollmentsOfPerson } from '#app/models/enrollments.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { showDate } from '#app/utils/format.ts'
import { useLocale, useT } from '#app/utils/i18n.ts'

/** Learner and teacher home: their own enrollments, nothing else. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ['learner', 'teacher'])
  const enrollments = user.personId ? await listEnrollmentsOfPerson(getDb(), user.personId) : []
  return { name: user.displayName, enrollments }
}

export default function MyLearning() {
  const { name, enrollments } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  return (
    <div className="narrow">
      <h1>{t('me.greeting', { name })}</h1>
      <h2>{t('me.title')}</h2>
      {enrollments.length === 0 ? <p className="card">{t('me.none')}</p> : null}
      <ul className="list">
        {enrollments.map((e) => (
          <li key={e.id}>
            <div className="muted">
              {t(`program.${e.program.code as 'skills-credential' | 'teacher-training'}`)} ·{' '}
              {t(e.group.kind === 'class' ? 'me.class' : 'me.round')}
            </div>
            <strong>{e.group.name}</strong>
            {e.group.major ? <div>{t('group.major')}：{e.group.major.name}</div> : null}
            <div>{t('enrollment.period', { start: showDate(e.startDate, locale), end: showDate(e.periodEnd, locale) })}</div>
            <div>
              <span className="tag">{t(`enrollment.status.${e.status}`)}</span>
              {e.studyYears ? <span className="tag">{t('enrollment.studyYears', { years: e.studyYears })}</span> : null}
            </div>
          </li>
        ))}
      </ul>
    </div>
  )
}
