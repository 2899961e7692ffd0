import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { GroupForm } from '#app/components/group-form.tsx'
import { groupFormSchema } from '#app/domain/catalog-forms.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { CatalogEditError } from '#app/models/catalog.server.ts'
import { createGroupFromForm, groupFormOptions, templateDefaults } from '#app/models/group-form.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'catalog.groups.new') }]

const plusDays = (d: string, n: number) => new Date(new Date(`${d}T00:00:00Z`).getTime() + n * 86_400_000).toISOString().slice(0, 10)

/**
 * A new class (班级) or round (培训项目); a round may start from a template (?template=XCJS), which
 * works without JavaScript: its name, 学时 and window, and for a template with a programme the
 * planned 学时 per kind and the online modules.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const options = await groupFormOptions(getDb(), scopesFor(user, ROLES))
  const url = new URL(request.url)
  const kind: 'class' | 'round' = url.searchParams.get('kind') === 'round' ? 'round' : 'class'
  const today = beijingDate(new Date())
  const template = kind === 'round' ? options.templates.find((x) => x.code === url.searchParams.get('template')) : undefined
  const defaultValue: Partial<Record<'startDate' | 'regionId' | 'requiredHours' | 'template' | 'name' | 'endDate', string>> &
    ReturnType<typeof templateDefaults> = {
    startDate: today,
    regionId: options.regions.length === 1 ? options.regions[0]!.id : undefined,
    ...(kind === 'round' ? { requiredHours: '40' } : {}),
    ...(template
      ? {
          template: template.code,
          name: `${today.slice(0, 4)}年${template.name}`,
          requiredHours: String(template.requiredHours),
          endDate: plusDays(today, template.days - 1),
          ...templateDefaults(options, template.code),
        }
      : {}),
  }
  return { kind, options, defaultValue, template: template?.code ?? '' }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const submission = parseWithZod(await request.formData(), { schema: groupFormSchema(t, { creating: true }) })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 422 })
  try {
    const saved = await createGroupFromForm(getDb(), scopesFor(user, ROLES), { ...submission.value, code: submission.value.code! }, t, {
      id: user.id,
      ip: context.ip,
    })
    if (saved.errors) return data({ result: submission.reply({ fieldErrors: saved.errors }) }, { status: 422 })
    return redirect(`/coordinator/groups/${saved.group.id}`)
  } catch (error) {
    if (error instanceof CatalogEditError && error.code === 'code_taken') {
      return data({ result: submission.reply({ fieldErrors: { code: [t('catalog.error.codeTaken', { code: submission.value.code! })] } }) }, { status: 409 })
    }
    throw error
  }
}

export default function NewGroup() {
  const { kind, options, defaultValue, template } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()?.result
  const t = useT()
  return (
    <div className="narrow">
      <p>
        <Link to="/coordinator">← {t('common.back')}</Link>
      </p>
      <h1>{t(kind === 'class' ? 'catalog.groups.newClass' : 'catalog.groups.newRound')}</h1>
      <p className="row">
        <Link className={kind === 'class' ? 'button' : 'button secondary'} to="?kind=class" aria-current={kind === 'class' ? 'page' : undefined}>
          {t('group.kind.class')}
        </Link>
        <Link className={kind === 'round' ? 'button' : 'button secondary'} to="?kind=round" aria-current={kind === 'round' ? 'page' : undefined}>
          {t('group.kind.round')}
        </Link>
      </p>
      <p className="hint">{t(kind === 'class' ? 'catalog.groups.classHint' : 'catalog.groups.roundHint')}</p>
      {kind === 'round' && options.templates.length > 0 ? (
        <Form method="get" className="card row" key={template}>
          <input type="hidden" name="kind" value="round" />
          <div className="field" style={{ flex: '1 1 260px' }}>
            <label htmlFor="template">{t('catalog.groups.template')}</label>
            <select id="template" name="template" defaultValue={template}>
              <option value="">{t('catalog.groups.templateNone')}</option>
              {options.templates.map((x) => (
                <option key={x.code} value={x.code}>
                  {t('catalog.groups.templateLine', { name: x.name, hours: x.requiredHours, days: x.days })}
                </option>
              ))}
            </select>
            {template ? (
              <div className="hint">{t('catalog.groups.templateHint', { days: options.templates.find((x) => x.code === template)!.days })}</div>
            ) : null}
          </div>
          <div className="field">
            <button type="submit" className="secondary">
              {t('catalog.groups.templateApply')}
            </button>
          </div>
        </Form>
      ) : null}
      <GroupForm
        key={`${kind}:${template}`}
        mode="create"
        kind={kind}
        options={options}
        defaultValue={defaultValue}
        lastResult={lastResult}
        submitLabel={t('catalog.groups.create')}
      />
    </div>
  )
}
