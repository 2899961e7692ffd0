import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { mayApplyForEarlyGraduation } from '#app/domain/outcomes.ts'
import { beijingDate } from '#app/domain/time.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { listEnrollmentsOfPerson } from '#app/models/enrollments.server.ts'
import { courseViews, outcomeView } from '#app/models/outcome-view.server.ts'
import { loadProgress } from '#app/models/progress.server.ts'
import { openTasksOf } from '#app/models/study-records.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { showDate } from '#app/utils/format.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'outcomes.myCourses') }]

/** The learner's own classes (and rounds): each course with its state, credits, and the outcome with its reasons. */
export const loader = withMessages(['outcomes'], async ({ request }: LoaderFunctionArgs) => {
  const user = await requireRole(request, SELF_ROLES)
  const db = getDb()
  const enrollments = user.personId ? await listEnrollmentsOfPerson(db, user.personId) : []
  const [progress, openTasks] = await Promise.all([
    loadProgress(
      db,
      enrollments.map((e) => e.id),
      beijingDate(new Date()),
    ),
    openTasksOf(
      db,
      enrollments.filter((e) => e.status === 'active').map((e) => ({ id: e.id, majorId: e.group.majorId })),
    ),
  ])
  const t = serverT(request)
  const locale = getLocale(request)
  const cards = enrollments.flatMap((e) => {
    const p = progress.get(e.id)
    if (!p) return []
    return [
      {
        id: e.id,
        groupName: e.group.name,
        isClass: e.group.kind === 'class',
        periodEnd: p.facts.periodEnd ?? null,
        outcome: outcomeView(p, t, locale),
        credits: p.credits,
        courses: courseViews(p, t),
        openTasks: openTasks.get(e.id) ?? [],
        // A learner who already meets every graduation condition may apply to graduate before the period ends.
        canApplyEarly: mayApplyForEarlyGraduation(p.outcome, e.status === 'active'),
      },
    ]
  })
  return { cards }
})

const STATE_CLASS: Record<string, string> = { passed: 'req-met', exempted: 'req-met', waived: 'req-met', failed: 'req-missing', pending: '' }

export default function MyCourses() {
  const { cards } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  const [params] = useSearchParams()
  const early = params.get('early')
  return (
    <div className="narrow">
      <p>
        <Link to="/me">{t('outcomes.back')}</Link>
      </p>
      <h1>{t('outcomes.myCourses')}</h1>
      {params.get('taskDone') ? (
        <p className="card notice" role="status">
          {t('outcomes.taskSubmitted')}
        </p>
      ) : null}
      {early ? (
        <p className="card notice" role="status">
          {t(early === 'applied' ? 'outcomes.earlyApplied' : early === 'rejected' ? 'outcomes.earlyRejectedFinal' : 'outcomes.earlyNotEligible')}
        </p>
      ) : null}
      {cards.length === 0 ? <p className="card">{t('outcomes.noEnrollment')}</p> : null}
      {cards.map((c) => (
        <section key={c.id} className="card" aria-label={c.groupName} data-testid={`courses-${c.id}`}>
          <h2 style={{ marginTop: 0 }}>{c.groupName}</h2>
          <p style={{ fontSize: '1.15rem', margin: '4px 0' }} data-testid="outcome">
            <strong
              className={
                c.outcome.status === 'eligible_for_graduation' || c.outcome.status === 'graduated' || c.outcome.status === 'round_complete' ? 'req-met' : ''
              }
            >
              {c.outcome.label}
            </strong>
            {c.periodEnd ? (
              <span className="muted">
                {' '}
                · {t('outcomes.board.periodEnd')} {showDate(c.periodEnd, locale)}
              </span>
            ) : null}
          </p>
          <ul data-testid="reasons">
            {c.outcome.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          {c.canApplyEarly ? (
            <Form method="post" action="/me/early-graduation">
              <input type="hidden" name="enrollmentId" value={c.id} />
              <input type="hidden" name="redirectTo" value="/me/courses" />
              <button type="submit" className="block">
                {t('outcomes.earlyApply')}
              </button>
            </Form>
          ) : null}
          {c.isClass ? (
            <>
              <p style={{ fontSize: '1.15rem' }} data-testid="credits">
                <strong>{t('outcomes.credits', { earned: c.credits.earned, required: c.credits.required })}</strong>
                {c.credits.fromAwards > 0 ? <span className="muted"> （{t('outcomes.creditsAwards', { credits: c.credits.fromAwards })}）</span> : null}
              </p>
              {c.courses.length === 0 ? <p className="muted">{t('outcomes.noCourses')}</p> : null}
              <ul className="list">
                {c.courses.map((course) => (
                  <li key={course.code} data-testid="course" data-state={course.state}>
                    <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'baseline' }}>
                      <strong style={{ fontSize: '1.1rem' }}>{course.name}</strong>
                      <span className={STATE_CLASS[course.state]} style={{ fontSize: '1.1rem', whiteSpace: 'nowrap' }} data-testid="course-state">
                        {course.stateLabel}
                      </span>
                    </div>
                    <div className="muted">
                      {course.kind} · {t('outcomes.courseCredits', { credits: course.credits })}
                      {' · '}
                      {course.tasksTotal > 0 ? t('outcomes.tasks', { done: course.tasksDone, total: course.tasksTotal }) : t('outcomes.noTasks')}
                      {course.score !== null ? ` · ${t('outcomes.score', { score: course.score })}` : null}
                    </div>
                    {c.openTasks
                      .filter((task) => task.courseCode === course.code)
                      .map((task) => (
                        <Form
                          key={task.id}
                          method="post"
                          action={`/me/tasks/${task.id}/complete`}
                          className="row"
                          style={{ alignItems: 'center', marginTop: 6 }}
                        >
                          <input type="hidden" name="enrollmentId" value={c.id} />
                          <input type="hidden" name="redirectTo" value="/me/courses" />
                          <span style={{ flex: '1 1 auto' }}>{task.name}</span>
                          <button type="submit" className="secondary">
                            {t('outcomes.taskSubmit')}
                          </button>
                        </Form>
                      ))}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ))}
    </div>
  )
}
