import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { serializeSessionCookie } from '#app/auth/cookie.server.ts'
import { getCurrentUser, homePath } from '#app/auth/permissions.server.ts'
import { Field } from '#app/components/ui/field.tsx'
import { serverT } from '#app/i18n/locale.server.ts'
import { signIn } from '#app/models/sign-in.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { safeRedirect } from '#app/utils/http.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'login.title') }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request)
  if (user) throw redirect(user.mustChangePassword ? '/password' : homePath(user))
  const url = new URL(request.url)
  return { signedOut: url.searchParams.has('signedOut') }
}

const SignInSchema = z.object({
  identifier: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  redirectTo: z.string().optional(),
})

export async function action({ request, context }: ActionFunctionArgs) {
  const t = serverT(request)
  const parsed = SignInSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return data({ error: t('login.required') }, { status: 400 })
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
      return data({ error }, { status: 429, headers: { 'Retry-After': String(s) } })
    }
    return data({ error: t('login.invalid') }, { status: 401 })
  }
  const to = result.mustChangePassword ? '/password' : safeRedirect(parsed.data.redirectTo, '/')
  return redirect(to, { headers: { 'Set-Cookie': serializeSessionCookie(result.token, result.session.expiresAt) } })
}

export default function Login() {
  const t = useT()
  const { signedOut } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="narrow">
      <h1>{t('login.title')}</h1>
      <p className="muted">{t('app.tagline')}</p>
      {signedOut ? <p className="notice">{t('login.signedOut')}</p> : null}
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      <Form method="post" className="card" replace>
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
        <Field
          id="identifier"
          name="identifier"
          label={t('login.identifier')}
          autoComplete="username"
          autoCapitalize="none"
          required
          maxLength={64}
        />
        <Field id="password" name="password" type="password" label={t('login.password')} autoComplete="current-password" required />
        <button type="submit" className="block" disabled={busy}>
          {t('login.submit')}
        </button>
      </Form>
    </div>
  )
}
