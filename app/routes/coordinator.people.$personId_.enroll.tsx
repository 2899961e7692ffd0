import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { requirePersonInScope, requireRole } from '#app/auth/permissions.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate, formatDate, isIsoDate } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { enrollPersonAs, groupsToEnrollIn } from '#app/models/enrollments.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { refusal } from '#app/utils/page-errors.server.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'enroll.onePerson') }]

/** Enroll one person (from their page) in a class or round of the caller's scope. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const person = await requirePersonInScope(user, params.personId ?? '', ROLES)
  return {
    person: { id: person.id, name: person.name },
    groups: await groupsToEnrollIn(getDb(), user, person.id),
    today: beijingDate(new Date()),
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const person = await requirePersonInScope(user, params.personId ?? '', ROLES)
  const t = serverT(request, user.locale)
  const form = await request.formData()
  const groupId = String(form.get('groupId') ?? '')
  const startDate = String(form.get('startDate') ?? '')
  if (!groupId) return data({ field: 'groupId', error: t('enroll.groupRequired') }, { status: 422 })
  if (!isIsoDate(startDate)) return data({ field: 'startDate', error: t('enroll.startDateInvalid') }, { status: 422 })
  try {
    const { enrollment } = await enrollPersonAs(getDb(), user, { personId: person.id, group: { id: groupId }, startDate, ip: context.ip })
    return redirect(`/coordinator/enrollments/${enrollment.id}`)
  } catch (error) {
    // The model's refusal, shown above the form (a class outside the scope is the 404 page).
    const { data: refused, init } = refusal(error, t)
    return data({ field: 'groupId', error: refused.message }, init ?? undefined)
  }
}

export default function EnrollOnePerson() {
  const { person, groups, today } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const t = useT()
  const locale = useLocale()
  return (
    <div className="narrow">
      <p>
        <Link to={`/coordinator/people/${person.id}`}>← {person.name}</Link>
      </p>
      <h1>{t('enroll.oneTitle', { name: person.name })}</h1>
      {groups.length === 0 ? (
        <p className="card">{t('enroll.noGroups')}</p>
      ) : (
        <Form method="post" className="card">
          {result?.error ? (
            <p className="form-error" role="alert">
              {result.error}
            </p>
          ) : null}
          <div className="field">
            <label htmlFor="groupId">{t('enroll.group')}</label>
            <select id="groupId" name="groupId" required defaultValue="">
              <option value="">—</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}（{t(g.kind === 'class' ? 'group.kind.class' : 'group.kind.round')}，{formatDate(g.startDate, locale)}
                  {g.endDate ? ` – ${formatDate(g.endDate, locale)}` : ''}）
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="startDate">{t('enroll.startDate')}</label>
            <input id="startDate" name="startDate" type="date" defaultValue={today} required />
          </div>
          <button type="submit" className="block" disabled={busy}>
            {t('enroll.onePerson')}
          </button>
        </Form>
      )}
    </div>
  )
}
