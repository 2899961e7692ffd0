import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { grantFields, formGrantNeedsScope, parseScope } from '#app/domain/grant-form.ts'
import type { T } from '#app/i18n/index.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { ACCOUNT_ADMINS, ASSIGNABLE_ROLES } from '#app/domain/roles.ts'
import { ScopeOptions } from '#app/components/scope-options.tsx'
import { conformProps, Field, SelectField } from '#app/components/ui/field.tsx'
import { serverT } from '#app/i18n/locale.server.ts'
import { listOrganizations, listRegions } from '#app/models/admin.server.ts'
import { createUser, UserError } from '#app/models/users.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { useT } from '#app/utils/i18n.ts'

const schema = (t: T) =>
  z
    .object({
      username: z
        .string({ error: t('admin.usernameInvalid') })
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9._]{3,32}$/, t('admin.usernameInvalid')),
      displayName: z
        .string({ error: t('person.nameRequired') })
        .trim()
        .min(2, t('person.nameRequired'))
        .max(30),
      ...grantFields(t),
    })
    .refine((v) => !formGrantNeedsScope(v.role, v.scope), { message: t('admin.scopeRequired'), path: ['scope'] })

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ACCOUNT_ADMINS)
  const db = getDb()
  const [regions, organizations] = await Promise.all([listRegions(db), listOrganizations(db)])
  return { regions, organizations }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, ACCOUNT_ADMINS)
  const t = serverT(request, admin.locale)
  const submission = parseWithZod(await request.formData(), { schema: schema(t) })
  if (submission.status !== 'success') return data({ result: submission.reply(), created: null }, { status: 422 })
  const v = submission.value
  try {
    const { user, initialPassword } = await createUser(getDb(), {
      actorId: admin.id,
      username: v.username,
      displayName: v.displayName,
      grant: { role: v.role, ...parseScope(v.scope), canVerifyGraduation: v.canVerifyGraduation === 'on' },
      ip: context.ip,
    })
    return { result: submission.reply({ resetForm: true }), created: { username: user.username, password: initialPassword } }
  } catch (error) {
    if (error instanceof UserError && error.code === 'scope_invalid') {
      return data({ result: submission.reply({ fieldErrors: { scope: [t('admin.scopeRequired')] } }), created: null }, { status: 422 })
    }
    if (error instanceof UserError && error.code === 'username_taken') {
      return data(
        { result: submission.reply({ fieldErrors: { username: [t('admin.usernameTaken', { username: v.username })] } }), created: null },
        { status: 409 },
      )
    }
    throw error
  }
}

export default function NewUser() {
  const { regions, organizations } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const t = useT()
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: schema(t) }),
  })
  const { key: verifyKey, ...verifyProps } = getInputProps(fields.canVerifyGraduation, { type: 'checkbox' })
  return (
    <div className="narrow">
      <p>
        <Link to="/admin">← {t('common.back')}</Link>
      </p>
      <h1>{t('admin.newUser')}</h1>
      {actionData?.created ? (
        <p className="notice" role="status">
          {t('admin.created', { username: actionData.created.username, password: actionData.created.password })}
        </p>
      ) : null}
      <Form method="post" className="card" {...getFormProps(form)}>
        <Field
          label={t('admin.username')}
          error={fields.username.errors}
          autoCapitalize="none"
          {...conformProps(getInputProps(fields.username, { type: 'text' }))}
          id={fields.username.id}
        />
        <Field
          label={t('admin.displayName')}
          error={fields.displayName.errors}
          {...conformProps(getInputProps(fields.displayName, { type: 'text' }))}
          id={fields.displayName.id}
        />
        <SelectField label={t('admin.role')} error={fields.role.errors} {...conformProps(getSelectProps(fields.role))} id={fields.role.id}>
          {ASSIGNABLE_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t('admin.scope')} error={fields.scope.errors} {...conformProps(getSelectProps(fields.scope))} id={fields.scope.id}>
          <ScopeOptions regions={regions} organizations={organizations} t={t} />
        </SelectField>
        <div className="field">
          <label>
            <input key={verifyKey} {...verifyProps} /> {t('admin.canVerifyGraduation')}
          </label>
        </div>
        <button type="submit" className="block">
          {t('admin.create')}
        </button>
      </Form>
    </div>
  )
}
