import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { requirePersonInScope, requireRole } from '#app/auth/permissions.server.ts'
import { groupScopeWhere, scopesFor } from '#app/models/access.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate, formatDate, isIsoDate, dateOnly } from '#app/domain/time.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { ENROLL_GROUP_SELECT, enrollPerson, EnrollmentError, enrollRefusalMessage } from '#app/models/enrollments.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { findGroupInScope } from '#app/models/directory.server.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'enroll.onePerson') }]


/** Enroll one person (from their page) in a class or round of the caller's scope. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const person = await requirePersonInScope(user, params.personId ?? '', ROLES)
  const groups = await getDb().group.findMany({
    where: { AND: [groupScopeWhere(scopesFor(user, ROLES)), { enrollments: { none: { personId: person.id } } }] },
    orderBy: [{ startDate: 'desc' }, { code: 'asc' }],
    select: { id: true, code: true, name: true, kind: true, startDate: true, endDate: true },
    take: 200,
  })
  return {
    person: { id: person.id, name: person.name },
    groups: groups.map((g) => ({ id: g.id, code: g.code, name: g.name, kind: g.kind, startDate: dateOnly(g.startDate), endDate: g.endDate ? dateOnly(g.endDate) : null })),
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
  const db = getDb()
  const group = await findGroupInScope(db, scopesFor(user, ROLES), groupId, ENROLL_GROUP_SELECT)
  if (!group) return data({ field: 'groupId', error: t('enroll.groupRequired') }, { status: 422 })
  try {
    const enrollment = await enrollPerson(db, { personId: person.id, group, startDate, actorId: user.id, ip: context.ip })
    return redirect(`/coordinator/enrollments/${enrollment.id}`)
  } catch (error) {
    if (error instanceof EnrollmentError) {
      return data({ field: 'groupId', error: enrollRefusalMessage(t, error.refusal, getLocale(request, user.locale)) }, { status: 409 })
    }
    throw error
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
