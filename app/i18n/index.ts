import { bootZh } from './features/boot.ts'
// In the browser's bundle this import is an empty catalog (vite.config.ts, `serverOnlyCatalogs`):
// pages get their messages from the loaders (app/i18n/audiences.ts). The server, the workers and the tests get them all.
import { zhCN, type MessageKey } from './zh-CN.ts'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: readonly Locale[] = ['zh-CN', 'en']
export const DEFAULT_LOCALE: Locale = 'zh-CN'
export const LOCALE_COOKIE = 'xx_locale'
export type { MessageKey }

export type Catalog = Record<MessageKey, string>
/** Part of a catalog: what the loaders send a page (app/i18n/audiences.ts). */
export type Messages = Partial<Catalog>

/**
 * No catalog is bundled for the browser but the boot strings (learner pages
 * have a 90 KB JS budget, DESIGN.md §7): the loaders send the messages of
 * the viewer's audience and page (app/i18n/audiences.ts) with it. The server
 * registers English (locale.server.ts).
 */
const catalogs: Partial<Record<Locale, Catalog>> = { 'zh-CN': zhCN }

export function registerCatalog(locale: Locale, messages: Catalog) {
  catalogs[locale] = messages
}

export function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en'
}

export type Params = Record<string, string | number>

export function translate(locale: Locale, key: MessageKey, params?: Params, catalog?: Messages): string {
  const template: string = (catalog ?? catalogs[locale])?.[key] ?? zhCN[key] ?? (bootZh as Partial<Record<string, string>>)[key] ?? key
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
}

export type T = (key: MessageKey, params?: Params) => string

export function translator(locale: Locale, catalog?: Messages): T {
  return (key, params) => translate(locale, key, params, catalog)
}
