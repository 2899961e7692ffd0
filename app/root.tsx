import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useLoaderData, useLocation, useRouteError } from '@remix-run/react'
import type { ReactNode } from 'react'
import { getCurrentUser, homePath, primaryRole } from '#app/auth/permissions.server.ts'
import { STAFF_ROLES } from '#app/domain/roles.ts'
import { clientCatalog, getLocale } from '#app/i18n/locale.server.ts'
import { graduationVerifierPaths } from '#app/models/certificates.server.ts'
import { unreadCount } from '#app/models/notifications.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { useNonce } from '#app/utils/nonce-provider.ts'
import appCss from './styles/app.css?url'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: appCss },
  // public/: the ICO for browsers that ask for /favicon.ico anyway, the SVG for the rest (no 404 on every page).
  { rel: 'icon', href: '/favicon.ico', sizes: '16x16 32x32 48x48' },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches) }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request)
  const locale = getLocale(request, user?.locale)
  // The header's badge: unread notifications (issue 11).
  const unread = user && !user.mustChangePassword ? await unreadCount(getDb(), user.id) : 0
  return {
    locale,
    // Staff pages get every message; learners, teachers and visitors only theirs (app/i18n/audiences.ts).
    messages: clientCatalog(locale, user && user.grants.some((g) => STAFF_ROLES.includes(g.role)) ? 'staff' : 'learner'),
    unread,
    user:
      user && !user.mustChangePassword
        ? {
            displayName: user.displayName,
            role: primaryRole(user),
            home: homePath(user),
            canAudit: user.grants.some((g) => g.role === 'admin' || g.role === 'bureau'),
            canVerify: graduationVerifierPaths(user.grants).length > 0,
          }
        : user
          ? { displayName: user.displayName, role: primaryRole(user), home: '/password', canAudit: false, canVerify: false }
          : null,
  }
}

function TopBar() {
  const data = useLoaderData<typeof loader>()
  const t = useT()
  const location = useLocation()
  const user = data?.user
  const back = `${location.pathname}${location.search}`
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link to={user?.home ?? '/'} className="brand">
          {t('app.name')}
        </Link>
        {user ? (
          <span className="whoami">
            {user.displayName}
            {/* A role account named after its role ("系统管理员") reads once, not "系统管理员 · 系统管理员". */}
            {user.role && t(`role.${user.role}`) !== user.displayName ? ` · ${t(`role.${user.role}`)}` : ''}
          </span>
        ) : null}
        {user && user.home !== '/password' ? (
          <Link
            to="/me/notifications"
            className="whoami"
            data-testid="notifications-link"
            aria-label={data.unread > 0 ? `${t('notifications.nav')} · ${t('notifications.unread', { count: data.unread })}` : t('notifications.nav')}
          >
            {t('notifications.nav')}
            {data.unread > 0 ? (
              <span className="badge" data-testid="unread-badge">
                {data.unread}
              </span>
            ) : null}
          </Link>
        ) : null}
        {user?.canVerify ? (
          <Link to="/bureau/verification" className="whoami">
            {t('certificates.queue.title')}
          </Link>
        ) : null}
        {user?.canAudit ? (
          <Link to="/audit" className="whoami">
            {t('nav.audit')}
          </Link>
        ) : null}
        <Form method="post" action="/locale" className="inline-form">
          <input type="hidden" name="locale" value={data?.locale === 'en' ? 'zh-CN' : 'en'} />
          <input type="hidden" name="redirectTo" value={back} />
          <button type="submit" className="linkish" lang={data?.locale === 'en' ? 'zh-CN' : 'en'}>
            {t('locale.switch')}
          </button>
        </Form>
        {user ? (
          <Link to="/password" className="whoami">
            {t('nav.password')}
          </Link>
        ) : null}
        {user ? (
          <Form method="post" action="/logout" className="inline-form">
            <button type="submit" className="linkish">
              {t('nav.signOut')}
            </button>
          </Form>
        ) : null}
      </div>
    </header>
  )
}

function Document({ children }: { children: ReactNode }) {
  const locale = useLocale()
  return (
    <html lang={locale === 'en' ? 'en' : 'zh-CN'}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#1f6f50" />
        <Meta />
        <Links />
      </head>
      <body>{children}</body>
    </html>
  )
}

export default function App() {
  const t = useT()
  // The CSP nonce (app/entry.server.tsx): Remix's inline scripts run only with it.
  const nonce = useNonce()
  return (
    <Document>
      <a href="#main" className="skip">
        {t('nav.skip')}
      </a>
      <TopBar />
      <main id="main">
        <Outlet />
      </main>
      <ScrollRestoration nonce={nonce} />
      <Scripts nonce={nonce} />
    </Document>
  )
}

export function ErrorBoundary() {
  const error = useRouteError()
  const t = useT()
  const nonce = useNonce()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const [title, body] =
    status === 403
      ? [t('error.forbidden.title'), t('error.forbidden.body')]
      : status === 404
        ? [t('error.notFound.title'), t('error.notFound.body')]
        : [t('error.generic.title'), t('error.generic.body')]
  if (status >= 500) console.error(error)
  return (
    <Document>
      <main id="main">
        <div className="card narrow" role="alert">
          <h1>{title}</h1>
          <p>{body}</p>
          <a className="button" href="/">
            {t('error.backHome')}
          </a>
        </div>
      </main>
      <Scripts nonce={nonce} />
    </Document>
  )
}
