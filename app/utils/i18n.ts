import { useMatches, useRouteLoaderData } from '@remix-run/react'
import { useMemo } from 'react'
import { DEFAULT_LOCALE, translate, translator, type Locale, type MessageKey, type Messages } from '#app/i18n/index.ts'

/** The root loader's locale and messages (no catalog is in the bundle: app/i18n/audiences.ts). */
type RootData = { locale: Locale; messages?: Messages }

type Match = { id: string; data?: unknown }

/**
 * The messages of the page: the root's (all of them for staff; the core
 * namespaces for a learner) and those each matched route's loader sent
 * (`withMessages`, app/i18n/page-messages.server.ts).
 */
function pageCatalog(matches: readonly Match[]): Messages | undefined {
  let merged: Messages | undefined
  for (const m of matches) {
    const messages = (m.data as { messages?: Messages } | null | undefined)?.messages
    if (messages && typeof messages === 'object') merged = merged ? { ...merged, ...messages } : messages
  }
  return merged
}

export function useLocale(): Locale {
  const data = useRouteLoaderData('root') as RootData | undefined
  return data?.locale ?? DEFAULT_LOCALE
}

/** The translation function for the current request's locale. */
export function useT() {
  const locale = useLocale()
  const matches = useMatches()
  const catalog = useMemo(() => pageCatalog(matches), [matches])
  return useMemo(() => translator(locale, catalog), [locale, catalog])
}

/** A document title in the request's locale, for a route's `meta` (e.g. "登录 · 乡学"). */
export function pageTitle(matches: readonly Match[], key?: MessageKey): string {
  const root = matches.find((m) => m.id === 'root')?.data as RootData | undefined
  const locale = root?.locale ?? DEFAULT_LOCALE
  const catalog = pageCatalog(matches)
  const app = translate(locale, 'app.name', undefined, catalog)
  return key ? `${translate(locale, key, undefined, catalog)} · ${app}` : app
}
