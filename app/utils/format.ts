import { dateOnly, formatDate } from '#app/domain/time.ts'
import type { Locale } from '#app/i18n/index.ts'

/** A DATE column (UTC midnight) or ISO string shown as a Beijing calendar date. */
export function showDate(value: Date | string | null | undefined, locale: Locale): string {
  if (!value) return '—'
  const iso = typeof value === 'string' ? value.slice(0, 10) : dateOnly(value)
  return formatDate(iso, locale)
}
