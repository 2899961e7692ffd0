import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { personFormSchema } from '#app/domain/person-form.ts'
import { beijingDate } from '#app/domain/time.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { conformProps, Field, SelectField } from '#app/components/ui/field.tsx'
import { serverT } from '#app/i18n/locale.server.ts'
import { APP_ERROR_STATUS } from '#app/models/errors.server.ts'
import { PersonError, placementRegions, registerPerson } from '#app/models/people.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const regions = await placementRegions(getDb(), user)
  return { regions, today: beijingDate(new Date()) }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const today = beijingDate(new Date())
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: personFormSchema(t, today) })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 422 })
  const { regionId, ...input } = submission.value
  try {
    const person = await registerPerson(getDb(), user, { input: { ...input, region: { id: regionId } }, ip: context.ip, today })
    return redirect(`/coordinator/people/${person.id}`)
  } catch (error) {
    // The model's refusal beside the field it concerns (the region outside the scope, a duplicate ID number).
    if (!(error instanceof PersonError)) throw error
    return data({ result: submission.reply({ fieldErrors: { [error.field]: [error.describe(t)] } }) }, { status: APP_ERROR_STATUS[error.kind] })
  }
}

export default function NewPerson() {
  const { regions, today } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()?.result
  const t = useT()
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: personFormSchema(t, today) }),
  })
  return (
    <div className="narrow">
      <p>
        <Link to="/coordinator">← {t('common.back')}</Link>
      </p>
      <h1>{t('person.new')}</h1>
      <Form method="post" className="card" {...getFormProps(form)}>
        <Field label={t('person.name')} error={fields.name.errors} {...conformProps(getInputProps(fields.name, { type: 'text' }))} id={fields.name.id} />
        <Field
          label={t('person.idNumber')}
          error={fields.idNumber.errors}
          inputMode="text"
          autoComplete="off"
          maxLength={20}
          {...conformProps(getInputProps(fields.idNumber, { type: 'text' }))}
          id={fields.idNumber.id}
        />
        <Field
          label={`${t('person.phone')}（${t('common.optional')}）`}
          error={fields.phone.errors}
          inputMode="tel"
          {...conformProps(getInputProps(fields.phone, { type: 'tel' }))}
          id={fields.phone.id}
        />
        <SelectField label={t('person.region')} error={fields.regionId.errors} {...conformProps(getSelectProps(fields.regionId))} id={fields.regionId.id}>
          <option value="">—</option>
          {regions.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </SelectField>
        <SelectField label={t('person.kind')} error={fields.kind.errors} {...conformProps(getSelectProps(fields.kind))} id={fields.kind.id}>
          <option value="">—</option>
          <option value="adult_learner">{t('person.kind.adult_learner')}</option>
          <option value="teacher">{t('person.kind.teacher')}</option>
        </SelectField>
        <SelectField
          label={`${t('person.priorEducation')}（${t('common.optional')}）`}
          error={fields.priorEducation.errors}
          {...conformProps(getSelectProps(fields.priorEducation))}
          id={fields.priorEducation.id}
        >
          <option value="">—</option>
          {(['none', 'primary', 'junior', 'senior', 'vocational'] as const).map((e) => (
            <option key={e} value={e}>
              {t(`person.priorEducation.${e}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="block">
          {t('person.create')}
        </button>
      </Form>
    </div>
  )
}
