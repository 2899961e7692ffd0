import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useLoaderData, useLocation, useRouteError } from '@remix-run/react'
import type { ReactNode } from 'react'
import { getCurrentUser, homePath, primaryRole } from '#app/auth/permissions.server.ts'
import { audienceOf, clientCatalog, getLocale } from '#app/i18n/locale.server.ts'
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
  // PWA (issue 13): installable as 乡学; public/sw.js keeps the app shell and opened lessons for offline reading.
  { rel: 'manifest', href: '/manifest.webmanifest' },
]

/** Registers public/sw.js once the page has loaded (inline, with this response's CSP nonce; no extra request). */
const REGISTER_SW =
  "if('serviceWorker' in navigator)addEventListener('load',function(){navigator.serviceWorker.register('/sw.js',{scope:'/'}).catch(function(){})})"

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches) }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request)
  const locale = getLocale(request, user?.locale)
  // The header's badge: unread notifications (issue 11).
  const unread = user && !user.mustChangePassword ? await unreadCount(getDb(), user.id) : 0
  return {
    locale,
    // Staff pages get every message; learners, teachers and visitors only theirs (app/i18n/audiences.ts).
    messages: clientCatalog(locale, audienceOf(user?.grants)),
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
  const localeSwitch = (
    <Form method="post" action="/locale" className="inline-form">
      <input type="hidden" name="locale" value={data?.locale === 'en' ? 'zh-CN' : 'en'} />
      <input type="hidden" name="redirectTo" value={back} />
      <button type="submit" className="linkish topbar-item" lang={data?.locale === 'en' ? 'zh-CN' : 'en'}>
        {t('locale.switch')}
      </button>
    </Form>
  )
  // What is not needed on every visit: inline on a wide screen, behind 菜单 on a phone (a <details>: no JavaScript needed).
  const extras = user ? (
    <>
      <span className="whoami topbar-item">
        {user.displayName}
        {/* A role account named after its role ("系统管理员") reads once, not "系统管理员 · 系统管理员". */}
        {user.role && t(`role.${user.role}`) !== user.displayName ? ` · ${t(`role.${user.role}`)}` : ''}
      </span>
      {user.canVerify ? (
        <Link to="/bureau/verification" className="whoami topbar-item">
          {t('nav.verification')}
        </Link>
      ) : null}
      {user.canAudit ? (
        <Link to="/audit" className="whoami topbar-item">
          {t('nav.audit')}
        </Link>
      ) : null}
      {localeSwitch}
      <Link to="/password" className="whoami topbar-item">
        {t('nav.password')}
      </Link>
    </>
  ) : null
  return (
    <header className="topbar">
      <nav className="topbar-inner" aria-label={t('nav.menu')}>
        <Link to={user?.home ?? '/'} className="brand topbar-item">
          {t('app.name')}
        </Link>
        {user && user.home !== '/password' ? (
          <Link
            to="/me/notifications"
            className="whoami topbar-item"
            data-testid="notifications-link"
            aria-label={data.unread > 0 ? `${t('notifications.nav')} · ${t('notifications.unread', { count: data.unread })}` : t('notifications.nav')}
          >
            <svg
              width="20"
              height="20"
              viewBox="0 0 24 24"
              aria-hidden="true"
              focusable="false"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              strokeLinecap="round"
            >
              <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15zM10 20.5a2.2 2.2 0 0 0 4 0" />
            </svg>
            <span className="topbar-label">{t('notifications.nav')}</span>
            {data.unread > 0 ? (
              <span className="badge" data-testid="unread-badge">
                {data.unread}
              </span>
            ) : null}
          </Link>
        ) : null}
        {extras ? (
          <>
            <div className="topbar-wide">{extras}</div>
            <details className="topbar-menu">
              <summary className="topbar-item">
                <svg
                  width="20"
                  height="20"
                  viewBox="0 0 24 24"
                  aria-hidden="true"
                  focusable="false"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="2"
                  strokeLinecap="round"
                >
                  <path d="M4 7h16M4 12h16M4 17h16" />
                </svg>
                {t('nav.menu')}
              </summary>
              <div className="topbar-menu-panel">{extras}</div>
            </details>
          </>
        ) : (
          localeSwitch
        )}
        {user ? (
          <Form method="post" action="/logout" className="inline-form">
            <button type="submit" className="linkish topbar-item">
              {t('nav.signOut')}
            </button>
          </Form>
        ) : null}
      </nav>
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
      <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: REGISTER_SW }} />
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
