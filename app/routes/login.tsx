import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { serializeSessionCookie } from '#app/auth/cookie.server.ts'
import { getCurrentUser, homePath } from '#app/auth/permissions.server.ts'
import { CardWay, parseWay, SmsCodeForms, WayTiles, wayHref, type SignInWay, type SmsStep } from '#app/components/sign-in-ways.tsx'
import { Field } from '#app/components/ui/field.tsx'
import { serverT } from '#app/i18n/locale.server.ts'
import { signIn } from '#app/models/sign-in.server.ts'
import { smsStepAfterRefusal, smsStepAfterRequest } from '#app/utils/sms-form.server.ts'
import { requestSignInCode, signInWithSmsCode } from '#app/models/sms-sign-in.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { safeRedirect } from '#app/utils/http.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'login.title') }]

export const loader = withMessages(['login', 'signin', 'sms'], async ({ request }: LoaderFunctionArgs) => {
  const user = await getCurrentUser(request)
  if (user) throw redirect(user.mustChangePassword ? '/password' : homePath(user))
  const url = new URL(request.url)
  return { signedOut: url.searchParams.has('signedOut') }
})

const SignInSchema = z.object({
  identifier: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  redirectTo: z.string().optional(),
})

const SmsSchema = z.object({
  intent: z.enum(['sms-request', 'sms-verify']),
  phone: z.string().max(40).default(''),
  code: z.string().max(20).default(''),
  redirectTo: z.string().optional(),
})

type ActionData = { way: SignInWay; error?: string; sms?: SmsStep }

/** Signs in with the new session's cookie, to the page asked for (same-origin only) or the password page. */
function signedIn(result: { token: string; session: { expiresAt: Date }; mustChangePassword: boolean }, redirectTo: string | undefined) {
  const to = result.mustChangePassword ? '/password' : safeRedirect(redirectTo, '/')
  return redirect(to, { headers: { 'Set-Cookie': serializeSessionCookie(result.token, result.session.expiresAt) } })
}

/** 短信验证码: step 1 asks for a code (the same answer for every well-formed number), step 2 signs in with it. */
async function smsAction(request: Request, form: Record<string, FormDataEntryValue>, ip: string) {
  const t = serverT(request)
  const parsed = SmsSchema.safeParse(form)
  if (!parsed.success) return data<ActionData>({ way: 'sms', sms: { step: 'phone', error: t('sms.error.invalidPhone') } }, { status: 400 })
  const { intent, phone, code, redirectTo } = parsed.data
  try {
    if (intent === 'sms-request') {
      await requestSignInCode(getDb(), { phone, ip })
      return data<ActionData>({ way: 'sms', sms: smsStepAfterRequest(phone) })
    }
    const result = await signInWithSmsCode(getDb(), { phone, code, ip, userAgent: request.headers.get('user-agent') })
    return signedIn(result, redirectTo)
  } catch (error) {
    const { step, status, headers } = smsStepAfterRefusal(error, t, { intent: intent === 'sms-request' ? 'request' : 'verify', phone })
    return data<ActionData>({ way: 'sms', sms: step }, { status, headers })
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const t = serverT(request)
  const form = Object.fromEntries(await request.formData())
  if (form.intent === 'sms-request' || form.intent === 'sms-verify') return smsAction(request, form, context.ip)
  const parsed = SignInSchema.safeParse(form)
  if (!parsed.success) return data<ActionData>({ way: 'password', error: t('login.required') }, { status: 400 })
  const result = await signIn(getDb(), {
    identifier: parsed.data.identifier,
    password: parsed.data.password,
    ip: context.ip,
    userAgent: request.headers.get('user-agent'),
  })
  if (!result.ok) {
    if (result.reason === 'locked') {
      const s = result.retryAfterSeconds
      const error = s >= 120 ? t('login.lockedMinutes', { minutes: Math.ceil(s / 60) }) : t('login.locked', { seconds: s })
      return data<ActionData>({ way: 'password', error }, { status: 429, headers: { 'Retry-After': String(s) } })
    }
    return data<ActionData>({ way: 'password', error: t('login.invalid') }, { status: 401 })
  }
  return signedIn(result, parsed.data.redirectTo)
}

export default function Login() {
  const t = useT()
  const { signedOut } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const [params] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  const redirectTo = params.get('redirectTo')
  const way = actionData?.way ?? parseWay(params.get('way'))
  const here = wayHref(way, redirectTo)
  return (
    <div className="narrow signin">
      <h1>{t('login.title')}</h1>
      {signedOut ? <p className="notice">{t('login.signedOut')}</p> : null}
      <WayTiles way={way} redirectTo={redirectTo} />
      {way === 'card' ? <CardWay /> : null}
      {way === 'sms' ? (
        <SmsCodeForms
          state={actionData?.sms ?? { step: 'phone' }}
          action={here}
          redirectTo={redirectTo}
          requestIntent="sms-request"
          verifyIntent="sms-verify"
          submitLabel={t('login.submit')}
          restartHref={wayHref('sms', redirectTo)}
        />
      ) : null}
      {way === 'password' ? (
        <>
          {actionData?.error ? (
            <p className="form-error" role="alert">
              {actionData.error}
            </p>
          ) : null}
          <Form method="post" action={here} className="card signin-way" replace data-testid="way-password">
            <input type="hidden" name="redirectTo" value={redirectTo ?? ''} />
            <Field id="identifier" name="identifier" label={t('login.identifier')} autoComplete="username" autoCapitalize="none" required maxLength={64} />
            <Field id="password" name="password" type="password" label={t('login.password')} autoComplete="current-password" required />
            <button type="submit" className="block" disabled={busy}>
              {t('login.submit')}
            </button>
            <p className="signin-forgot">
              <Link to="/password/forgot">{t('signin.forgot')}</Link>
            </p>
          </Form>
        </>
      ) : null}
      <p className="muted">{t('app.tagline')}</p>
    </div>
  )
}
