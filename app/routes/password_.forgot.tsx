import { data, redirect, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData } from '@remix-run/react'
import { z } from 'zod'
import { serializeSessionCookie } from '#app/auth/cookie.server.ts'
import { SmsCodeForms, type SmsStep } from '#app/components/sign-in-ways.tsx'
import { Field } from '#app/components/ui/field.tsx'
import { serverT } from '#app/i18n/locale.server.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'
import { NewPasswordError, requestSignInCode, resetPasswordWithSmsCode } from '#app/models/sms-sign-in.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { smsStepAfterRefusal, smsStepAfterRequest } from '#app/utils/sms-form.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

/**
 * 忘记密码 (issue 17): the phone of record → an SMS code → a new password
 * (the password policy). Every other session ends and this browser is signed
 * in. Learners and teachers only: no code is ever sent to a staff account.
 */
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'forgot.title') }]

/** Nothing to load but the page's messages (a visitor's page gets only the root's: app/i18n/audiences.ts). */
export const loader = withMessages(['forgot', 'password', 'signin', 'sms'], async () => ({}))

// Bounded so nobody can make the server hash megabytes; the policy's own limits come after.
const Schema = z.object({
  intent: z.enum(['reset-request', 'reset-verify']),
  phone: z.string().max(40).default(''),
  code: z.string().max(20).default(''),
  next: z.string().max(1024).default(''),
  confirm: z.string().max(1024).default(''),
})

type ActionData = { sms: SmsStep; next?: string; confirm?: string }

const ACTION = '/password/forgot'

export async function action({ request, context }: ActionFunctionArgs) {
  const t = serverT(request)
  const parsed = Schema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return data<ActionData>({ sms: { step: 'phone', error: t('sms.error.invalidPhone') } }, { status: 400 })
  const { intent, phone, code, next, confirm } = parsed.data
  const db = getDb()
  try {
    if (intent === 'reset-request') {
      await requestSignInCode(db, { phone, purpose: 'password_reset', ip: context.ip })
      return data<ActionData>({ sms: smsStepAfterRequest(phone) })
    }
    // The new password is judged on what was typed before the code is used up.
    if (!next) return data<ActionData>({ sms: smsStepAfterRequest(phone), next: t('forgot.newRequired') }, { status: 422 })
    if (next !== confirm) return data<ActionData>({ sms: smsStepAfterRequest(phone), confirm: t('password.mismatch') }, { status: 422 })
    const result = await resetPasswordWithSmsCode(db, { phone, code, next, ip: context.ip, userAgent: request.headers.get('user-agent') })
    return redirect('/', { headers: { 'Set-Cookie': serializeSessionCookie(result.token, result.session.expiresAt) } })
  } catch (error) {
    if (error instanceof NewPasswordError) return data<ActionData>({ sms: smsStepAfterRequest(phone), next: error.describe(t) }, { status: 422 })
    const { step, status, headers } = smsStepAfterRefusal(error, t, { intent: intent === 'reset-request' ? 'request' : 'verify', phone })
    return data<ActionData>({ sms: step }, { status, headers })
  }
}

export default function ForgotPassword() {
  const t = useT()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  return (
    <div className="narrow signin">
      <h1>{t('forgot.title')}</h1>
      <p className="signin-lead">{t('forgot.intro')}</p>
      <SmsCodeForms
        state={actionData?.sms ?? { step: 'phone' }}
        action={ACTION}
        redirectTo={null}
        requestIntent="reset-request"
        verifyIntent="reset-verify"
        submitLabel={t('forgot.submit')}
        restartHref={ACTION}
      >
        <Field
          id="next"
          name="next"
          type="password"
          autoComplete="new-password"
          label={t('password.new')}
          hint={t('password.hint')}
          error={actionData?.next}
          required
          minLength={8}
          maxLength={128}
        />
        <Field id="confirm" name="confirm" type="password" autoComplete="new-password" label={t('password.confirm')} error={actionData?.confirm} required />
      </SmsCodeForms>
      <p className="signin-hint">{t('forgot.staff')}</p>
      <p>
        <Link to="/login?way=password">← {t('forgot.back')}</Link>
      </p>
    </div>
  )
}
