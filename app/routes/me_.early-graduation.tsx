import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { LEARNERS } from '#app/domain/roles.ts'
import { enrollmentToActOn, requestEarlyGraduation, StudyRecordError } from '#app/models/study-records.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { safeRedirect } from '#app/utils/http.ts'
import { pageLoad, rethrowAsPage } from '#app/utils/page-errors.server.ts'

/** What the course page says after a refused application (`?early=`), by the model's refusal. */
const NOTICE: Partial<Record<string, string>> = { not_eligible: 'not_eligible', not_active: 'not_eligible', early_rejected: 'rejected' }

/**
 * POST /me/early-graduation — a learner applies to graduate early (works
 * with JavaScript off). Form fields: `enrollmentId` (their own enrollment)
 * and `redirectTo` (a /me path; default /me/courses). The rule is the
 * model's (requestEarlyGraduation): applied → `?early=applied` (a repeat
 * keeps the one pending application); not eligible → `?early=not_eligible`;
 * after a rejection → `?early=rejected` (a rejection is final).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, LEARNERS)
  const form = await request.formData()
  const db = getDb()
  const enrollment = await pageLoad(() => enrollmentToActOn(db, user, String(form.get('enrollmentId') ?? ''), { allowSelf: true }))
  // A same-origin path (safeRedirect) that is one of the learner's own pages once normalised ("/me/../..//x" is "//x").
  let url = new URL(safeRedirect(form.get('redirectTo'), '/me/courses'), 'http://x')
  if (url.origin !== 'http://x' || !/^\/me(\/|$)/.test(url.pathname)) url = new URL('/me/courses', 'http://x')
  try {
    await requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: user.id, ip: context.ip })
    url.searchParams.set('early', 'applied')
  } catch (error) {
    const notice = error instanceof StudyRecordError ? NOTICE[error.problem.code] : undefined
    if (!notice) rethrowAsPage(error)
    url.searchParams.set('early', notice)
  }
  return redirect(`${url.pathname}${url.search}`)
}

/** POST only: a GET goes back to the course page. */
export async function loader() {
  return redirect('/me/courses')
}
