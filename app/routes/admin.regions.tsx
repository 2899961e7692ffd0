import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { ACCOUNT_ADMINS } from '#app/domain/roles.ts'
import { Field, SelectField } from '#app/components/ui/field.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { serverT } from '#app/i18n/locale.server.ts'
import { listRegions } from '#app/models/admin.server.ts'
import { createRegion, renameRegion } from '#app/models/regions.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { useT } from '#app/utils/i18n.ts'
import { refusal } from '#app/utils/page-errors.server.ts'

/** The region tree, editable (issue 15): add a township or village, rename any region. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ACCOUNT_ADMINS)
  return { regions: await listRegions(getDb()) }
}

const text = (form: FormData, name: string) => {
  const v = form.get(name)
  return typeof v === 'string' ? v : ''
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, ACCOUNT_ADMINS)
  const t = serverT(request, admin.locale)
  const form = await request.formData()
  const db = getDb()
  try {
    if (text(form, 'intent') === 'rename') {
      const regionId = text(form, 'regionId')
      const r = await renameRegion(db, { actorId: admin.id, regionId, name: text(form, 'name'), ip: context.ip })
      return { ok: true as const, message: t('admin.regions.renamed', r), field: null, regionId }
    }
    const row = await createRegion(db, {
      actorId: admin.id,
      parentId: text(form, 'parentId'),
      code: text(form, 'code'),
      name: text(form, 'name'),
      ip: context.ip,
    })
    return { ok: true as const, message: t('admin.regions.created', { name: row.name, code: row.code }), field: null, regionId: null }
  } catch (error) {
    const r = refusal(error, t)
    return data({ ...r.data, regionId: text(form, 'intent') === 'rename' ? text(form, 'regionId') : null }, r.init ?? undefined)
  }
}

export default function Regions() {
  const { regions } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const t = useT()
  const indent = (path: string) => '\u3000'.repeat(Math.max(0, path.split('/').length - 3))
  const parents = regions.filter((r) => r.level === 'county' || r.level === 'township')
  const createError = result && !result.ok && !result.regionId ? result : null
  return (
    <>
      <p>
        <Link to="/admin">← {t('admin.title')}</Link>
      </p>
      <h1>{t('admin.regions.title')}</h1>
      <p className="muted">{t('admin.regions.intro')}</p>
      {result?.ok ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      <Form method="post" className="card narrow">
        <h2>{t('admin.regions.add')}</h2>
        <input type="hidden" name="intent" value="create" />
        <SelectField id="parentId" name="parentId" label={t('admin.regions.parent')} error={createError?.field === 'parentId' ? createError.message : null}>
          {parents.map((r) => (
            <option key={r.id} value={r.id}>
              {indent(r.path)}
              {r.name}（{r.code}）
            </option>
          ))}
        </SelectField>
        <Field
          id="code"
          name="code"
          label={t('admin.regions.code')}
          hint={t('admin.regions.codeHint')}
          inputMode="numeric"
          maxLength={12}
          required
          error={createError?.field === 'code' ? createError.message : null}
        />
        <Field
          id="name"
          name="name"
          label={t('admin.regions.name')}
          maxLength={40}
          required
          error={createError?.field === 'name' ? createError.message : null}
        />
        {createError && !createError.field ? (
          <p className="form-error" role="alert">
            {createError.message}
          </p>
        ) : null}
        <button type="submit">{t('admin.regions.create')}</button>
      </Form>
      <Table headers={[t('group.name'), t('admin.code'), t('admin.level'), t('admin.regions.rename')]}>
        {regions.map((r) => {
          const error = result && !result.ok && result.regionId === r.id ? result.message : null
          return (
            <tr key={r.id}>
              <td>
                {indent(r.path)}
                {r.name}
              </td>
              <td className="mono">{r.code}</td>
              <td>{t(`admin.level.${r.level}`)}</td>
              <td>
                <Form method="post" className="row">
                  <input type="hidden" name="intent" value="rename" />
                  <input type="hidden" name="regionId" value={r.id} />
                  <input
                    name="name"
                    defaultValue={r.name}
                    maxLength={40}
                    required
                    aria-label={t('admin.regions.renameLabel', { name: r.name })}
                    aria-invalid={error ? true : undefined}
                  />
                  <button type="submit" className="secondary">
                    {t('admin.regions.rename')}
                  </button>
                  {error ? (
                    <span className="field-error" role="alert">
                      {error}
                    </span>
                  ) : null}
                </Form>
              </td>
            </tr>
          )
        })}
      </Table>
    </>
  )
}
