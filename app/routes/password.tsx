import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { homePath, requireUser } from '#app/auth/permissions.server.ts'
import { Field } from '#app/components/ui/field.tsx'
import { serverT } from '#app/i18n/locale.server.ts'
import { APP_ERROR_STATUS, AppError } from '#app/models/errors.server.ts'
import { phoneOfRecord, requestSensitiveChangeCode } from '#app/models/sensitive-change.server.ts'
import { changePassword, UserError } from '#app/models/users.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'password.title') }]

export const loader = withMessages(['login', 'password', 'sensitiveChange'], async ({ request }: LoaderFunctionArgs) => {
  const user = await requireUser(request, { allowPasswordChange: true })
  // A card session changes the password with an SMS code to the own phone of record instead of the current password (issue 17).
  const smsCodeRequired = user.signInMethod === 'card'
  const phone = smsCodeRequired ? await phoneOfRecord(getDb(), user.id) : null
  return { mustChange: user.mustChangePassword, smsCodeRequired, phoneMasked: phone?.masked ?? null }
})

// Bounded so nobody can make the server hash megabytes; the policy's own limits come after.
const Schema = z.object({
  current: z.string().max(1024).optional(),
  smsCode: z.string().max(32).optional(),
  next: z.string().min(1).max(1024),
  confirm: z.string().min(1).max(1024),
})

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, { allowPasswordChange: true })
  const t = serverT(request, user.locale)
  const form = Object.fromEntries(await request.formData())
  if (form.intent === 'send-code') {
    try {
      const { phoneMasked } = await requestSensitiveChangeCode(getDb(), { userId: user.id, ip: context.ip })
      return data({ errors: {} as Record<string, string>, sentTo: phoneMasked })
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      return data({ errors: { smsCode: error.describe(t) } as Record<string, string> }, { status: APP_ERROR_STATUS[error.kind] })
    }
  }
  const parsed = Schema.safeParse(form)
  const card = user.signInMethod === 'card'
  if (!parsed.success || !(parsed.data.current || parsed.data.smsCode)) {
    return data({ errors: card ? { smsCode: t('password.card.required') } : ({ current: t('password.required') } as Record<string, string>) }, { status: 400 })
  }
  const { current, smsCode, next, confirm } = parsed.data
  if (next !== confirm) return data({ errors: { confirm: t('password.mismatch') } as Record<string, string> }, { status: 400 })
  try {
    await changePassword(getDb(), { userId: user.id, keepSessionId: user.sessionId, current, smsCode, next, ip: context.ip })
  } catch (error) {
    // The SMS code's refusals (wrong or used code, a wait, no phone of record, a card session without a code).
    if (error instanceof AppError) return data({ errors: { smsCode: error.describe(t) } as Record<string, string> }, { status: APP_ERROR_STATUS[error.kind] })
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
  const { mustChange, smsCodeRequired, phoneMasked } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors = actionData?.errors
  const sentTo = actionData && 'sentTo' in actionData ? String(actionData.sentTo) : null
  return (
    <div className="narrow">
      <h1>{t('password.title')}</h1>
      {mustChange ? <p className="notice">{t('password.mustChange')}</p> : null}
      {smsCodeRequired && !phoneMasked ? (
        <p className="form-error" role="alert">
          {t('sensitiveChange.error.no_phone')}
        </p>
      ) : null}
      {smsCodeRequired && phoneMasked ? (
        <Form method="post" className="card">
          <p>{t('password.card.lead')}</p>
          <input type="hidden" name="intent" value="send-code" />
          <button type="submit" className="secondary block">
            {t('password.card.send', { phone: phoneMasked })}
          </button>
          {sentTo ? (
            <p className="notice" role="status">
              {t('password.card.sent', { phone: sentTo })}
            </p>
          ) : null}
        </Form>
      ) : null}
      <Form method="post" className="card" hidden={smsCodeRequired && !phoneMasked}>
        {smsCodeRequired ? (
          <Field
            id="smsCode"
            name="smsCode"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            label={t('password.card.code')}
            error={errors?.smsCode}
            required
          />
        ) : (
          <Field id="current" name="current" type="password" autoComplete="current-password" label={t('password.current')} error={errors?.current} required />
        )}
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
