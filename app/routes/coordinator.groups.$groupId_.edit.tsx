import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { GroupForm } from '#app/components/group-form.tsx'
import { groupFormSchema } from '#app/domain/catalog-forms.ts'
import { minutesToHours } from '#app/domain/requirements.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { CatalogEditError } from '#app/models/catalog.server.ts'
import { groupFormOptions, saveGroupFromForm } from '#app/models/group-form.server.ts'
import { findGroupForEdit } from '#app/models/groups.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad, rethrowAsPage } from '#app/utils/page-errors.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'catalog.groups.edit') }]

/** The class or round, only inside the caller's scope (404 otherwise, like one that does not exist). */
async function load(request: Request, groupId: string | undefined) {
  const user = await requireRole(request, ROLES)
  const scopes = scopesFor(user, ROLES)
  const db = getDb()
  const group = await pageLoad(() => findGroupForEdit(db, scopes, groupId ?? ''))
  return { user, scopes, db, group }
}

const hoursText = (minutes: number | null, minutesPerHour: number) => (minutes === null ? undefined : String(minutesToHours(minutes, minutesPerHour)))

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { scopes, db, group } = await load(request, params.groupId)
  const options = await groupFormOptions(db, scopes)
  return {
    group: { id: group.id, code: group.code, name: group.name, kind: group.kind, enrolled: group._count.enrollments },
    options,
    defaultValue: {
      name: group.name,
      majorId: group.majorId ?? undefined,
      regionId: group.regionId,
      organizationId: group.organizationId ?? undefined,
      startDate: beijingDate(group.startDate),
      endDate: group.endDate ? beijingDate(group.endDate) : undefined,
      requiredHours: group.requiredMinutes != null ? String(minutesToHours(group.requiredMinutes, group.program.minutesPerHour)) : undefined,
      plannedConcentratedHours: hoursText(group.plannedConcentratedMinutes, group.program.minutesPerHour),
      plannedOnlineHours: hoursText(group.plannedOnlineMinutes, group.program.minutesPerHour),
      plannedSchoolBasedHours: hoursText(group.plannedSchoolBasedMinutes, group.program.minutesPerHour),
      courseIds: group.roundCourses.map((c) => c.courseId),
      tags: group.tags,
    },
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, scopes, db, group } = await load(request, params.groupId)
  const t = serverT(request, user.locale)
  const formData = await request.formData()
  formData.set('kind', group.kind) // the kind never changes
  const submission = parseWithZod(formData, { schema: groupFormSchema(t, { creating: false }) })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 422 })
  try {
    const saved = await saveGroupFromForm(db, scopes, group.id, submission.value, t, { id: user.id, ip: context.ip })
    if (saved.errors) return data({ result: submission.reply({ fieldErrors: saved.errors }) }, { status: 422 })
  } catch (error) {
    if (error instanceof CatalogEditError && error.code === 'major_locked') {
      return data({ result: submission.reply({ fieldErrors: { majorId: [t('catalog.error.majorLocked')] } }) }, { status: 409 })
    }
    return rethrowAsPage(error)
  }
  return redirect(`/coordinator/groups/${group.id}`)
}

export default function EditGroup() {
  const { group, options, defaultValue } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()?.result
  const t = useT()
  return (
    <div className="narrow">
      <p>
        <Link to={`/coordinator/groups/${group.id}`}>← {t('common.back')}</Link>
      </p>
      <h1>{t('catalog.groups.editTitle', { name: group.name })}</h1>
      <p className="muted">
        {t(group.kind === 'class' ? 'group.kind.class' : 'group.kind.round')} · {t('catalog.groups.codeFixed', { code: group.code })} ·{' '}
        {t('catalog.groups.enrolled', { count: group.enrolled })}
      </p>
      <GroupForm mode="update" kind={group.kind} options={options} defaultValue={defaultValue} lastResult={lastResult} submitLabel={t('common.save')} />
    </div>
  )
}
