/**
 * Dates in the domain are Beijing time (UTC+8, no daylight saving), explicitly:
 * a "date" is a YYYY-MM-DD string of the Beijing calendar.
 */

export const BEIJING_OFFSET_MINUTES = 8 * 60

/** The Beijing calendar date of an instant. */
export function beijingDate(instant: Date): string {
  return new Date(instant.getTime() + BEIJING_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10)
}

/** The instant at which a Beijing calendar date begins. */
export function startOfBeijingDay(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`)
}

/** YYYY-MM-DD + n years, clamping 29 Feb to 28 Feb. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const target = new Date(Date.UTC(y + years, m - 1, d))
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0)
  return target.toISOString().slice(0, 10)
}

/** Whole years between a birth date and a date (both YYYY-MM-DD). */
export function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number]
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}

/** 2026-11-24 → 2026年11月24日 (zh) or 2026-11-24 (en). */
export function formatDate(date: string, locale: 'zh-CN' | 'en'): string {
  if (locale !== 'zh-CN') return date
  const [y, m, d] = date.split('-').map(Number)
  return `${y}年${m}月${d}日`
}

/** An instant shown in Beijing time: 2026年11月24日 14:05 */
export function formatInstant(instant: Date, locale: 'zh-CN' | 'en'): string {
  const shifted = new Date(instant.getTime() + BEIJING_OFFSET_MINUTES * 60_000).toISOString()
  const time = shifted.slice(11, 16)
  return `${formatDate(shifted.slice(0, 10), locale)} ${time}`
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export const isIsoDate = (s: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/**
 * The calendar date a PostgreSQL `date` column holds (Prisma reads it as UTC
 * midnight): the date itself, never shifted to Beijing time.
 */
export function dateOnly(d: Date): string {
  return d.toISOString().slice(0, 10)
}
