import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { listLessonsForPerson } from '#app/models/online.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'online.title') }]

/** The online lessons of the learner's classes and the teacher's current rounds (each round's own modules), with the minutes counted today. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  const sections = user.personId ? await listLessonsForPerson(getDb(), user.personId, beijingDate(new Date())) : []
  return { sections }
}

export default function Learn() {
  const { sections } = useLoaderData<typeof loader>()
  const t = useT()
  const titled = sections.length > 1 || sections.some((s) => s.round)
  return (
    <div className="narrow">
      <h1>{t('online.title')}</h1>
      <p className="muted">{t('online.intro')}</p>
      {sections.length === 0 ? <p className="card">{t('online.none')}</p> : null}
      {sections.map((section) => (
        <section key={section.round?.id ?? 'classes'} aria-label={section.round?.name ?? t('rounds.learn.classes')}>
          {titled ? <h2>{section.round ? <Link to={`/me/rounds/${section.round.id}`}>{section.round.name}</Link> : t('rounds.learn.classes')}</h2> : null}
          <Courses courses={section.courses} nested={titled} />
        </section>
      ))}
    </div>
  )
}

type CourseList = ReturnType<typeof useLoaderData<typeof loader>>['sections'][number]['courses']

/** A section's courses and their lessons; headings one level down when the sections are titled. */
function Courses({ courses, nested }: { courses: CourseList; nested: boolean }) {
  const t = useT()
  const Heading = nested ? 'h3' : 'h2'
  return (
    <>
      {courses.map((course) => (
        <section key={course.id}>
          <Heading>{course.name}</Heading>
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
    </>
  )
}
