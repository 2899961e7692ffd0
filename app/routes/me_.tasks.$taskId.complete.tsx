import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { completeTask, StudyRecordError } from '#app/models/study-records.server.ts'
import { getDb } from '#app/utils/db.server.ts'

/**
 * POST /me/tasks/:taskId/complete — a learner submits one of their own
 * tasks (作业/实操) as done; works with JavaScript off (a plain form post).
 * Form fields: `enrollmentId` (optional: the learner's active enrollment
 * whose plan has the task is found otherwise) and `redirectTo` (a /me path;
 * default /me/courses). Answers with a redirect to it carrying
 * `?taskDone=<taskId>`; a task outside the learner's plan is 404.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ['learner', 'teacher'])
  if (!user.personId) throw notFound()
  const form = await request.formData()
  const wanted = String(form.get('enrollmentId') ?? '')
  const db = getDb()
  const taskId = params.taskId ?? ''
  const enrollment = await db.enrollment.findFirst({
    where: {
      personId: user.personId,
      status: 'active',
      ...(wanted ? { id: wanted } : {}),
      group: { major: { planItems: { some: { retiredAt: null, course: { tasks: { some: { id: taskId, retiredAt: null } } } } } } },
    },
    select: { id: true },
  })
  if (!enrollment) throw notFound()
  try {
    await completeTask(db, { enrollmentId: enrollment.id, taskId, source: 'learner', actorId: user.id, ip: context.ip })
  } catch (error) {
    if (error instanceof StudyRecordError) throw notFound()
    throw error
  }
  const to = String(form.get('redirectTo') ?? '')
  const target = /^\/me(\/|\?|$)/.test(to) ? to : '/me/courses'
  const url = new URL(target, 'http://x')
  url.searchParams.set('taskDone', taskId)
  return redirect(`${url.pathname}${url.search}`)
}

/** POST only: a GET goes back to the course page. */
export async function loader() {
  return redirect('/me/courses')
}
