import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { serializeSessionCookie } from '#app/auth/cookie.server.ts'
import { previewCard, signInWithCard, type CardCheck } from '#app/models/sign-in-cards.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import cardCss from '../styles/sign-in-card.css?url'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cardCss }]

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'cards.page.title') }, { name: 'robots', content: 'noindex' }]

/**
 * The URL holds the card's secret: never cached. (It goes nowhere else: the
 * app's Referrer-Policy is same-origin. Not no-referrer: with it a browser
 * sends `Origin: null` on the form's POST, which Remix refuses as CSRF.)
 */
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

type PageState = { state: 'ok'; maskedName: string; groupLine: string } | { state: 'invalid' } | { state: 'locked'; minutes: number }

function answer(check: CardCheck) {
  if (check.ok) return data<PageState>({ state: 'ok', ...check.view })
  if (check.reason === 'locked') {
    return data<PageState>(
      { state: 'locked', minutes: Math.max(1, Math.ceil(check.retryAfterSeconds / 60)) },
      { status: 429, headers: { 'Retry-After': String(check.retryAfterSeconds) } },
    )
  }
  return data<PageState>({ state: 'invalid' }, { status: 404 })
}

/**
 * GET /c/:token — what a card's QR code opens: the learner's masked name,
 * their class or round and one large 登录 button. Looking signs nobody in;
 * only the button's POST does. An unknown, malformed or revoked card: 404
 * with a plain sentence saying to ask for a new card.
 */
export const loader = withMessages(['cards'], async ({ params, context }: LoaderFunctionArgs) => {
  return answer(await previewCard(getDb(), { token: params.token ?? '', ip: context.ip }))
})

/** POST /c/:token — signs in with the card (session method 'card') and goes to /me. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const result = await signInWithCard(getDb(), { token: params.token ?? '', ip: context.ip, userAgent: request.headers.get('user-agent') })
  if (!result.ok) return answer(result)
  return redirect(result.mustChangePassword ? '/password' : '/me', {
    headers: { 'Set-Cookie': serializeSessionCookie(result.token, result.session.expiresAt) },
  })
}

export default function CardSignIn() {
  const t = useT()
  const loaded = useLoaderData<typeof loader>()
  const acted = useActionData<typeof action>()
  const busy = useNavigation().state !== 'idle'
  const page = acted ?? loaded
  if (page.state !== 'ok') {
    return (
      <div className="narrow card-signin">
        <div className="card" role="alert">
          <h1>{page.state === 'locked' ? t('cards.page.lockedTitle') : t('cards.page.invalidTitle')}</h1>
          <p className="card-signin-text">{page.state === 'locked' ? t('cards.page.locked', { minutes: page.minutes }) : t('cards.page.invalid')}</p>
        </div>
        <p className="card-signin-text">
          <Link to="/login">{t('cards.page.otherWays')}</Link>
        </p>
      </div>
    )
  }
  // "这是 {name} 的学习卡", with the (masked) name set in bold.
  const [before, after] = t('cards.page.for', { name: '\u0000' }).split('\u0000') as [string, string]
  return (
    <div className="narrow card-signin">
      <h1>{t('cards.page.title')}</h1>
      <div className="card">
        <p className="card-signin-name">
          {before}
          <strong data-testid="card-holder">{page.maskedName}</strong>
          {after}
        </p>
        {page.groupLine ? <p className="card-signin-text">{page.groupLine}</p> : null}
        <Form method="post" replace>
          <button type="submit" className="block card-signin-button" disabled={busy}>
            {t('cards.page.submit')}
          </button>
        </Form>
      </div>
      <p className="card-signin-text muted">{t('cards.page.notYou')}</p>
    </div>
  )
}
