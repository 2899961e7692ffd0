import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { conformProps, Field, SelectField } from '#app/components/ui/field.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { COURSE_KINDS } from '#app/domain/catalog-codes.ts'
import { courseCreateSchema } from '#app/domain/catalog-forms.ts'
import { CATALOG_MANAGERS } from '#app/domain/roles.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { CatalogEditError, catalogEditor, courseCatalog, createCourse } from '#app/models/catalog.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad, rethrowAsPage } from '#app/utils/page-errors.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'catalog.courses.title') }]

/** The course catalog (content courses and local ones) and a form for a new local course. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, CATALOG_MANAGERS)
  return courseCatalog(getDb(), user, { program: new URL(request.url).searchParams.get('program') ?? '' })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, CATALOG_MANAGERS)
  const editor = await pageLoad(async () => catalogEditor(user, context.ip))
  const t = serverT(request, user.locale)
  const submission = parseWithZod(await request.formData(), { schema: courseCreateSchema(t) })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 422 })
  const { intent: _intent, ...input } = submission.value
  try {
    const course = await createCourse(getDb(), editor, input)
    return redirect(`/coordinator/courses/${course.id}`)
  } catch (error) {
    if (error instanceof CatalogEditError && error.code === 'program_unknown') {
      return data({ result: submission.reply({ fieldErrors: { programId: [t('catalog.error.programRequired')] } }) }, { status: 422 })
    }
    if (error instanceof CatalogEditError && error.code === 'code_taken') {
      return data({ result: submission.reply({ fieldErrors: { code: [t('catalog.error.courseCodeTaken', { code: input.code })] } }) }, { status: 409 })
    }
    return rethrowAsPage(error)
  }
}

export default function Courses() {
  const { canEdit, program, programs, courses } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()?.result
  const t = useT()
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: courseCreateSchema(t) }),
    defaultValue: { credits: '2', programId: programs.find((p) => p.code === 'skills-credential')?.id },
  })
  return (
    <>
      <p>
        <Link to="/coordinator">← {t('common.back')}</Link>
      </p>
      <h1>{t('catalog.courses.title')}</h1>
      <p className="hint">{t('catalog.courses.intro')}</p>
      <Form method="get" className="row" role="search">
        <div className="field">
          <label htmlFor="program">{t('catalog.courses.program')}</label>
          <select id="program" name="program" defaultValue={program}>
            <option value="">{t('catalog.courses.filterAll')}</option>
            {programs.map((p) => (
              <option key={p.id} value={p.code}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <button type="submit" className="secondary">
            {t('catalog.courses.filter')}
          </button>
        </div>
      </Form>
      {courses.length === 0 ? (
        <p className="card">{t('catalog.courses.none')}</p>
      ) : (
        <Table
          headers={[
            t('catalog.courses.code'),
            t('catalog.courses.name'),
            t('catalog.courses.program'),
            t('catalog.courses.kind'),
            t('catalog.courses.credits'),
            t('catalog.courses.tasks'),
            t('catalog.courses.source'),
          ]}
        >
          {courses.map((c) => (
            <tr key={c.id}>
              <td className="mono">{c.code}</td>
              <td>
                <Link to={`/coordinator/courses/${c.id}`}>{c.name}</Link>
                {c.retired ? <span className="tag"> {t('catalog.courses.retired')}</span> : null}
              </td>
              <td>{c.program.name}</td>
              <td>{t(`catalog.courses.kind.${c.kind}`)}</td>
              <td>{c.credits}</td>
              <td>{c._count.tasks}</td>
              <td>{t(c.fromContent ? 'catalog.courses.fromContent' : 'catalog.courses.local')}</td>
            </tr>
          ))}
        </Table>
      )}

      <h2>{t('catalog.courses.new')}</h2>
      {canEdit ? null : (
        <p className="notice" role="note">
          {t('catalog.readOnly')}
        </p>
      )}
      <fieldset disabled={!canEdit} className="plain">
        <Form method="post" className="card" {...getFormProps(form)} style={{ maxWidth: 560 }}>
          <input type="hidden" name="intent" value="create" />
          <Field
            label={t('catalog.courses.code')}
            error={fields.code.errors}
            autoComplete="off"
            maxLength={40}
            {...conformProps(getInputProps(fields.code, { type: 'text' }))}
            id={fields.code.id}
          />
          <Field
            label={t('catalog.courses.name')}
            error={fields.name.errors}
            maxLength={50}
            {...conformProps(getInputProps(fields.name, { type: 'text' }))}
            id={fields.name.id}
          />
          <SelectField
            label={t('catalog.courses.program')}
            error={fields.programId.errors}
            {...conformProps(getSelectProps(fields.programId))}
            id={fields.programId.id}
          >
            <option value="">—</option>
            {programs.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <div className="row">
            <SelectField label={t('catalog.courses.kind')} error={fields.kind.errors} {...conformProps(getSelectProps(fields.kind))} id={fields.kind.id}>
              <option value="">—</option>
              {COURSE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`catalog.courses.kind.${k}`)}
                </option>
              ))}
            </SelectField>
            <Field
              label={t('catalog.courses.credits')}
              error={fields.credits.errors}
              inputMode="decimal"
              {...conformProps(getInputProps(fields.credits, { type: 'text' }))}
              id={fields.credits.id}
            />
          </div>
          <button type="submit" className="block">
            {t('catalog.courses.create')}
          </button>
        </Form>
      </fieldset>
    </>
  )
}
