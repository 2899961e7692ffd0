import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { homePath, requireUser } from '#app/auth/permissions.server.ts'
import { Field } from '#app/components/ui/field.tsx'
import { serverT } from '#app/i18n/locale.server.ts'
import { changePassword, UserError } from '#app/models/users.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { useT } from '#app/utils/i18n.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { allowPasswordChange: true })
  return { mustChange: user.mustChangePassword }
}

// Bounded so nobody can make the server hash megabytes; the policy's own limits come after.
const Schema = z.object({ current: z.string().min(1).max(1024), next: z.string().min(1).max(1024), confirm: z.string().min(1).max(1024) })

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, { allowPasswordChange: true })
  const t = serverT(request, user.locale)
  const parsed = Schema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return data({ errors: { current: t('password.required') } as Record<string, string> }, { status: 400 })
  const { current, next, confirm } = parsed.data
  if (next !== confirm) return data({ errors: { confirm: t('password.mismatch') } as Record<string, string> }, { status: 400 })
  try {
    await changePassword(getDb(), { userId: user.id, keepSessionId: user.sessionId, current, next, ip: context.ip })
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    if (error.code === 'locked') {
      // The sign-in throttle's answer, in the sign-in page's words: the right password waits too.
      const s = error.retryAfterSeconds ?? 1
      const message = s >= 120 ? t('login.lockedMinutes', { minutes: Math.ceil(s / 60) }) : t('login.locked', { seconds: s })
      return data({ errors: { current: message } as Record<string, string> }, { status: 429, headers: { 'Retry-After': String(s) } })
    }
    const field = error.code === 'wrong_current' ? 'current' : 'next'
    const message =
      error.code === 'wrong_current'
        ? t('password.wrongCurrent')
        : error.code === 'same_password'
          ? t('password.same')
          : t(`password.${error.code as 'too_short' | 'too_long' | 'common'}`)
    return data({ errors: { [field]: message } as Record<string, string> }, { status: 400 })
  }
  return redirect(homePath(user))
}

export default function PasswordPage() {
  const t = useT()
  const { mustChange } = useLoaderData<typeof loader>()
  const errors = useActionData<typeof action>()?.errors
  return (
    <div className="narrow">
      <h1>{t('password.title')}</h1>
      {mustChange ? <p className="notice">{t('password.mustChange')}</p> : null}
      <Form method="post" className="card">
        <Field id="current" name="current" type="password" autoComplete="current-password" label={t('password.current')} error={errors?.current} required />
        <Field
          id="next"
          name="next"
          type="password"
          autoComplete="new-password"
          label={t('password.new')}
          hint={t('password.hint')}
          error={errors?.next}
          required
          minLength={8}
          maxLength={128}
        />
        <Field id="confirm" name="confirm" type="password" autoComplete="new-password" label={t('password.confirm')} error={errors?.confirm} required />
        <button type="submit" className="block">
          {t('password.submit')}
        </button>
      </Form>
      <Form method="post" action="/logout" className="card">
        <p className="muted">{t('nav.signOutEverywhereHint')}</p>
        <button type="submit" name="intent" value="everywhere" className="secondary block">
          {t('nav.signOutEverywhere')}
        </button>
      </Form>
    </div>
  )
}
