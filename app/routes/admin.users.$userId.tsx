import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { grantFields, formGrantNeedsScope, parseScope } from '#app/domain/grant-form.ts'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { ACCOUNT_ADMINS, ASSIGNABLE_ROLES } from '#app/domain/roles.ts'
import { ScopeOptions } from '#app/components/scope-options.tsx'
import { SelectField } from '#app/components/ui/field.tsx'
import { serverT } from '#app/i18n/locale.server.ts'
import { getUserForEdit, listOrganizations, listRegions } from '#app/models/admin.server.ts'
import { AppError, APP_ERROR_STATUS } from '#app/models/errors.server.ts'
import { resetUserPassword, setUserDisabled, setUserGrant, UserError } from '#app/models/users.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { useT } from '#app/utils/i18n.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const admin = await requireRole(request, ACCOUNT_ADMINS)
  const db = getDb()
  const [user, regions, organizations] = await Promise.all([getUserForEdit(db, params.userId ?? ''), listRegions(db), listOrganizations(db)])
  if (!user) throw notFound()
  return { user, regions, organizations, isSelf: user.id === admin.id }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, ACCOUNT_ADMINS)
  const t = serverT(request, admin.locale)
  const db = getDb()
  const userId = params.userId ?? ''
  const target = await getUserForEdit(db, userId)
  if (!target) throw notFound()
  const form = Object.fromEntries(await request.formData())
  const Intent = z.discriminatedUnion('intent', [
    z.object({ intent: z.literal('save-grant'), ...grantFields(t) }),
    z.object({ intent: z.literal('disable') }),
    z.object({ intent: z.literal('enable') }),
    z.object({ intent: z.literal('reset-password') }),
  ])
  const parsed = Intent.safeParse(form)
  if (!parsed.success) return data({ message: null, error: t('admin.scopeRequired') }, { status: 422 })
  const v = parsed.data
  switch (v.intent) {
    case 'save-grant': {
      if (formGrantNeedsScope(v.role, v.scope)) return data({ message: null, error: t('admin.scopeRequired') }, { status: 422 })
      try {
        await setUserGrant(db, {
          actorId: admin.id,
          userId,
          grant: { role: v.role, ...parseScope(v.scope), canVerifyGraduation: v.canVerifyGraduation === 'on' },
          ip: context.ip,
        })
      } catch (error) {
        if (error instanceof UserError && error.code === 'scope_invalid') return data({ message: null, error: t('admin.scopeRequired') }, { status: 422 })
        if (error instanceof AppError) return data({ message: null, error: error.describe(t) }, { status: APP_ERROR_STATUS[error.kind] })
        throw error
      }
      return { message: t('admin.roleSaved'), error: null }
    }
    case 'disable':
    case 'enable':
      try {
        await setUserDisabled(db, { actorId: admin.id, userId, disabled: v.intent === 'disable', ip: context.ip })
      } catch (error) {
        if (error instanceof AppError) return data({ message: null, error: error.describe(t) }, { status: APP_ERROR_STATUS[error.kind] })
        throw error
      }
      return { message: t('admin.userStatusChanged'), error: null }
    case 'reset-password': {
      const password = await resetUserPassword(db, { actorId: admin.id, userId, ip: context.ip })
      return { message: t('admin.passwordReset', { username: target.username, password }), error: null }
    }
  }
}

export default function EditUser() {
  const { user, regions, organizations, isSelf } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const t = useT()
  return (
    <div className="narrow">
      <p>
        <Link to="/admin">← {t('common.back')}</Link>
      </p>
      <h1>
        {user.displayName} <span className="muted mono">{user.username}</span>
      </h1>
      {result?.message ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      <Form method="post" className="card">
        <SelectField id="role" name="role" label={t('admin.role')} defaultValue={user.role}>
          {ASSIGNABLE_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </SelectField>
        <SelectField id="scope" name="scope" label={t('admin.scope')} defaultValue={user.scope}>
          <ScopeOptions regions={regions} organizations={organizations} t={t} />
        </SelectField>
        <div className="field">
          <label>
            <input type="checkbox" name="canVerifyGraduation" defaultChecked={user.canVerifyGraduation} /> {t('admin.canVerifyGraduation')}
          </label>
        </div>
        <button type="submit" name="intent" value="save-grant">
          {t('admin.saveRole')}
        </button>
      </Form>
      <div className="card row">
        <Form method="post">
          <button type="submit" name="intent" value="reset-password" className="secondary">
            {t('admin.resetPassword')}
          </button>
        </Form>
        <Form method="post">
          {user.disabled ? (
            <button type="submit" name="intent" value="enable" className="secondary">
              {t('admin.enable')}
            </button>
          ) : isSelf ? (
            <span className="muted">{t('admin.selfNoDisable')}</span>
          ) : (
            <button type="submit" name="intent" value="disable" className="danger">
              {t('admin.disable')}
            </button>
          )}
        </Form>
      </div>
    </div>
  )
}
