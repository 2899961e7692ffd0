import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { listLessonsForPerson } from '#app/models/online.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { Icon } from '#app/components/icons.tsx'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'learn.title') }]

/**
 * The learner's own lessons (issue 13): the courses of their class's teaching plan and of the teacher's current
 * rounds (each round's own modules), in plan order, each lesson marked 已学完 / 学习中 / 未开始, with the minutes counted today.
 */
export const loader = withMessages(['learn', 'online', 'outcomes', 'rounds'], async ({ request }: LoaderFunctionArgs) => {
  const user = await requireRole(request, SELF_ROLES)
  const sections = user.personId ? await listLessonsForPerson(getDb(), user.personId, beijingDate(new Date())) : []
  return { sections }
})

export default function Learn() {
  const { sections } = useLoaderData<typeof loader>()
  const t = useT()
  const titled = sections.length > 1 || sections.some((s) => s.round)
  return (
    <div className="narrow">
      <h1>{t('learn.title')}</h1>
      <p>{t('learn.intro')}</p>
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
              <li key={lesson.id} className="lesson-item" data-testid="lesson-item">
                <Link to={`/learn/lessons/${lesson.id}`} className="lesson-link">
                  <Icon name="book" /> <strong>{lesson.title}</strong>
                </Link>
                <div className="lesson-meta">
                  <span className={`lesson-state lesson-state-${lesson.state}`} data-testid="lesson-state">
                    {lesson.state === 'done' ? <Icon name="check" /> : null}
                    {t(`learn.state.${lesson.state}`)}
                  </span>{' '}
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
