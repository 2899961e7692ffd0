import { useRouteLoaderData } from '@remix-run/react'
import { DEFAULT_LOCALE, translate, translator, type Locale, type MessageKey, type Messages } from '#app/i18n/index.ts'

/** The root loader's locale and the messages of the page's audience (no catalog is in the bundle: app/i18n/audiences.ts). */
type RootData = { locale: Locale; messages?: Messages }

export function useLocale(): Locale {
  const data = useRouteLoaderData('root') as RootData | undefined
  return data?.locale ?? DEFAULT_LOCALE
}

/** The translation function for the current request's locale. */
export function useT() {
  const data = useRouteLoaderData('root') as RootData | undefined
  return translator(data?.locale ?? DEFAULT_LOCALE, data?.messages)
}

/** A document title in the request's locale, for a route's `meta` (e.g. "登录 · 乡学"). */
export function pageTitle(matches: readonly { id: string; data?: unknown }[], key?: MessageKey): string {
  const root = matches.find((m) => m.id === 'root')?.data as RootData | undefined
  const locale = root?.locale ?? DEFAULT_LOCALE
  const app = translate(locale, 'app.name', undefined, root?.messages)
  return key ? `${translate(locale, key, undefined, root?.messages)} · ${app}` : app
}
