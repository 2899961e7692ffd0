import { useRouteLoaderData } from '@remix-run/react'
import { DEFAULT_LOCALE, translate, translator, type Locale, type MessageKey } from '#app/i18n/index.ts'

type RootData = { locale: Locale }

export function useLocale(): Locale {
  const data = useRouteLoaderData('root') as RootData | undefined
  return data?.locale ?? DEFAULT_LOCALE
}

/** The translation function for the current request's locale. */
export function useT() {
  return translator(useLocale())
}

/** A document title in the request's locale, for a route's `meta` (e.g. "登录 · 乡学"). */
export function pageTitle(matches: readonly { id: string; data?: unknown }[], key?: MessageKey): string {
  const locale = (matches.find((m) => m.id === 'root')?.data as RootData | undefined)?.locale ?? DEFAULT_LOCALE
  const app = translate(locale, 'app.name')
  return key ? `${translate(locale, key)} · ${app}` : app
}
