import { en } from './en.ts'
import { zhCN, type MessageKey } from './zh-CN.ts'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: readonly Locale[] = ['zh-CN', 'en']
export const DEFAULT_LOCALE: Locale = 'zh-CN'
export const LOCALE_COOKIE = 'xx_locale'
export type { MessageKey }

const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en }

export function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en'
}

export type Params = Record<string, string | number>

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = catalogs[locale][key] ?? zhCN[key]
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
}

export type T = (key: MessageKey, params?: Params) => string

export function translator(locale: Locale): T {
  return (key, params) => translate(locale, key, params)
}
