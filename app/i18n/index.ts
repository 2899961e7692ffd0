import { zhCN, type MessageKey } from './zh-CN.ts'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: readonly Locale[] = ['zh-CN', 'en']
export const DEFAULT_LOCALE: Locale = 'zh-CN'
export const LOCALE_COOKIE = 'xx_locale'
export type { MessageKey }

export type Catalog = Record<MessageKey, string>

/**
 * Only the Chinese catalog is bundled for the browser (learner pages have a
 * 100 KB JS budget). The server registers English (locale.server.ts) and the
 * root loader sends it to the browser only to someone who chose English.
 */
const catalogs: Partial<Record<Locale, Catalog>> = { 'zh-CN': zhCN }

export function registerCatalog(locale: Locale, messages: Catalog) {
  catalogs[locale] = messages
}

export function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en'
}

export type Params = Record<string, string | number>

export function translate(locale: Locale, key: MessageKey, params?: Params, catalog?: Catalog): string {
  const template = (catalog ?? catalogs[locale])?.[key] ?? zhCN[key]
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
}

export type T = (key: MessageKey, params?: Params) => string

export function translator(locale: Locale, catalog?: Catalog): T {
  return (key, params) => translate(locale, key, params, catalog)
}
