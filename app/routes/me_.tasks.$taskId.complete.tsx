import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { completeOwnTask } from '#app/models/study-records.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { safeRedirect } from '#app/utils/http.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

/**
 * POST /me/tasks/:taskId/complete — a learner submits one of their own
 * tasks (作业/实操) as done; works with JavaScript off (a plain form post).
 * Form fields: `enrollmentId` (optional: the learner's active enrollment
 * whose plan has the task is found otherwise) and `redirectTo` (a /me path;
 * default /me/courses). Answers with a redirect to it carrying
 * `?taskDone=<taskId>`; a task outside the learner's plan is 404.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  const form = await request.formData()
  const taskId = params.taskId ?? ''
  await pageLoad(() => completeOwnTask(getDb(), user, { taskId, enrollmentId: String(form.get('enrollmentId') ?? '') || null, ip: context.ip }))
  // A same-origin path (safeRedirect) that is one of the learner's own pages once normalised ("/me/../..//x" is "//x").
  let url = new URL(safeRedirect(form.get('redirectTo'), '/me/courses'), 'http://x')
  if (url.origin !== 'http://x' || !/^\/me(\/|$)/.test(url.pathname)) url = new URL('/me/courses', 'http://x')
  url.searchParams.set('taskDone', taskId)
  return redirect(`${url.pathname}${url.search}`)
}

/** POST only: a GET goes back to the course page. */
export async function loader() {
  return redirect('/me/courses')
}
