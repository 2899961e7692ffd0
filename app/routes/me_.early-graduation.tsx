import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { beijingDate } from '#app/domain/time.ts'
import { graduationCheck, requestEarlyGraduation } from '#app/models/study-records.server.ts'
import { getDb } from '#app/utils/db.server.ts'

/**
 * POST /me/early-graduation — a learner applies to graduate early (works
 * with JavaScript off). Form fields: `enrollmentId` (their own active
 * enrollment) and `redirectTo` (a /me path; default /me/courses). Only when
 * the outcome is eligible_for_graduation (otherwise back with
 * `?early=not_eligible`); a repeat keeps the one pending application.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ['learner'])
  if (!user.personId) throw notFound()
  const form = await request.formData()
  const db = getDb()
  const enrollment = await db.enrollment.findFirst({
    where: { id: String(form.get('enrollmentId') ?? ''), personId: user.personId, status: 'active', program: { code: 'skills-credential' } },
    select: { id: true },
  })
  if (!enrollment) throw notFound()
  const to = String(form.get('redirectTo') ?? '')
  const url = new URL(/^\/me(\/|\?|$)/.test(to) ? to : '/me/courses', 'http://x')
  const check = await graduationCheck(db, enrollment.id, beijingDate(new Date()))
  if (!check.eligible) {
    url.searchParams.set('early', 'not_eligible')
  } else {
    await requestEarlyGraduation(db, { enrollmentId: enrollment.id, actorId: user.id, ip: context.ip })
    url.searchParams.set('early', 'applied')
  }
  return redirect(`${url.pathname}${url.search}`)
}

/** POST only: a GET goes back to the course page. */
export async function loader() {
  return redirect('/me/courses')
}
