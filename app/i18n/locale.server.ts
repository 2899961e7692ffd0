import { readCookie } from '#app/auth/cookie.server.ts'
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, type Locale, translator } from './index.ts'

/** The locale cookie wins (a switch that sticks), then the signed-in user's choice, then Chinese. */
export function getLocale(request: Request, userLocale?: string | null): Locale {
  const fromCookie = readCookie(request, LOCALE_COOKIE)
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
