import { readCookieHeader } from '#app/auth/cookie.server.ts'
import { STAFF_ROLES, type RoleName } from '#app/domain/roles.ts'
import { en } from './en.ts'
import { messagesFor, type Audience } from './audiences.ts'
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, type Locale, type Messages, registerCatalog, translator } from './index.ts'
import { zhCN } from './zh-CN.ts'

registerCatalog('en', en)

/** Whose messages a viewer gets: staff (any staff grant) the whole catalog, everyone else (learners, teachers, visitors) a page's. */
export function audienceOf(grants: readonly { role: RoleName }[] | undefined): Audience {
  return grants?.some((g) => STAFF_ROLES.includes(g.role)) ? 'staff' : 'learner'
}

/** The whole catalog of a locale (the server's; the browser gets parts of it). */
export const catalogFor = (locale: Locale): Messages => (locale === 'en' ? en : zhCN)

/** The messages the root loader sends for this locale and audience (a learner page's own come from its loader: page-messages.server.ts). */
export function clientCatalog(locale: Locale, audience: Audience): Messages {
  return messagesFor(catalogFor(locale), audience)
}

/** The locale cookie wins (a switch that sticks), then the signed-in user's choice, then Chinese. */
export function getLocale(request: Request, userLocale?: string | null): Locale {
  return getLocaleFromCookies(request.headers.get('cookie'), userLocale)
}

/** getLocale from a Cookie header (for handlers without a Fetch Request: app/server/heartbeat.server.ts). */
export function getLocaleFromCookies(cookieHeader: string | null | undefined, userLocale?: string | null): Locale {
  let fromCookie: string | null = null
  try {
    fromCookie = readCookieHeader(cookieHeader, LOCALE_COOKIE)
  } catch {
    fromCookie = null // not valid percent-encoding
  }
  if (isLocale(fromCookie)) return fromCookie
  if (isLocale(userLocale)) return userLocale
  return DEFAULT_LOCALE
}

export function localeCookie(locale: Locale) {
  return `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=${365 * 86400}; SameSite=Lax`
}

export function serverT(request: Request, userLocale?: string | null) {
  return translator(getLocale(request, userLocale))
}
