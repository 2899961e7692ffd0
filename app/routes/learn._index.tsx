import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { listLessonsForPerson } from '#app/models/online.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'online.title') }]

/** The online lessons of the learner's (or teacher's) active programs, with the minutes counted today. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  const courses = user.personId ? await listLessonsForPerson(getDb(), user.personId, beijingDate(new Date())) : []
  return { courses }
}

export default function Learn() {
  const { courses } = useLoaderData<typeof loader>()
  const t = useT()
  return (
    <div className="narrow">
      <h1>{t('online.title')}</h1>
      <p className="muted">{t('online.intro')}</p>
      {courses.length === 0 ? <p className="card">{t('online.none')}</p> : null}
      {courses.map((course) => (
        <section key={course.id}>
          <h2>{course.name}</h2>
          <ul className="list">
            {course.lessons.map((lesson) => (
              <li key={lesson.id}>
                <Link to={`/learn/lessons/${lesson.id}`} className="lesson-link">
                  <strong>{lesson.title}</strong>
                </Link>
                <div className="muted">
                  {t('online.lesson.minutes', { minutes: lesson.nominalMinutes })}
                  {lesson.minutesToday > 0 ? ` · ${t('online.lesson.today', { minutes: lesson.minutesToday })}` : ''}
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  )
}
