import { useRouteLoaderData } from '@remix-run/react'
import { DEFAULT_LOCALE, translator, type Locale } from '#app/i18n/index.ts'

type RootData = { locale: Locale }

export function useLocale(): Locale {
  const data = useRouteLoaderData('root') as RootData | undefined
  return data?.locale ?? DEFAULT_LOCALE
}

/** The translation function for the current request's locale. */
export function useT() {
  return translator(useLocale())
}
