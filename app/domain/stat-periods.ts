/**
 * Periods of the bureau's figures (issue 12): a year, a quarter or a month of
 * the Beijing calendar, written `2026`, `2026Q3`, `2026-07`; the buckets of a
 * trend; and the decomposition of any date range into whole years, whole
 * quarters, whole months and leftover days, so the person-time figures can
 * read the yearly, quarterly and monthly rollups (HourRollup) for the whole
 * parts and the ledger itself only for the days at the edges — the same net
 * minutes either way.
 */
export type Grain = 'year' | 'quarter' | 'month'
export const GRAINS: readonly Grain[] = ['year', 'quarter', 'month']

export type DateRange = { from: string; to: string }

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
const lastDayOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate()
const ymd = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`

/** `2026` / `2026Q3` / `2026-07` → its grain and date range; null for anything else (years 2000–2100). */
export function parsePeriod(text: string): ({ grain: Grain; key: string } & DateRange) | null {
  const s = text.trim().toUpperCase()
  let m = /^(\d{4})$/.exec(s)
  const okYear = (y: number) => y >= 2000 && y <= 2100
  if (m) {
    const y = Number(m[1])
    return okYear(y) ? { grain: 'year', key: s, from: ymd(y, 1, 1), to: ymd(y, 12, 31) } : null
  }
  m = /^(\d{4})Q([1-4])$/.exec(s)
  if (m) {
    const y = Number(m[1])
    const q = Number(m[2])
    return okYear(y) ? { grain: 'quarter', key: s, from: ymd(y, q * 3 - 2, 1), to: ymd(y, q * 3, lastDayOfMonth(y, q * 3)) } : null
  }
  m = /^(\d{4})-(\d{2})$/.exec(s)
  if (m) {
    const y = Number(m[1])
    const mo = Number(m[2])
    return okYear(y) && mo >= 1 && mo <= 12 ? { grain: 'month', key: s, from: ymd(y, mo, 1), to: ymd(y, mo, lastDayOfMonth(y, mo)) } : null
  }
  return null
}

/** The period of a grain that holds a date (`2026-08-15`, quarter → `2026Q3`). */
export function periodOf(date: string, grain: Grain): string {
  const y = date.slice(0, 4)
  const mo = Number(date.slice(5, 7))
  return grain === 'year' ? y : grain === 'quarter' ? `${y}Q${Math.ceil(mo / 3)}` : `${y}-${pad(mo)}`
}

/** The periods of `grain` that cover [from, to], in order, each clipped to the range. */
export function bucketsOf(range: DateRange, grain: Grain): ({ key: string } & DateRange)[] {
  const out: ({ key: string } & DateRange)[] = []
  let cursor = range.from
  while (cursor <= range.to) {
    const p = parsePeriod(periodOf(cursor, grain))
    if (!p) break
    out.push({ key: p.key, from: cursor, to: p.to < range.to ? p.to : range.to })
    cursor = nextDay(p.to)
  }
  return out
}

export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

/** A trend's grain for a period: a year by month, a quarter by month, a month by itself; longer ranges by year. */
export function trendGrain(range: DateRange): Grain {
  const days = (Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / 86_400_000 + 1
  return days > 400 ? 'year' : 'month'
}

export type RangeParts = {
  /** First days (YYYY-01-01) of whole years inside the range. */
  years: string[]
  /** First days (YYYY-01-01, -04-01, -07-01, -10-01) of whole quarters inside the range, not inside one of `years`. */
  quarters: string[]
  /** First days (YYYY-MM-01) of whole months inside the range, not inside one of `years` or `quarters`. */
  months: string[]
  /** Leftover days at the edges (at most two ranges). */
  days: DateRange[]
}

/**
 * [from, to] as whole years, whole quarters, whole months and leftover
 * days, disjoint and covering the range exactly: e.g. 2025-11-15…2027-05-10
 * is the days 2025-11-15…30, the month 2025-12, the year 2026, the quarter
 * 2027Q1, the month 2027-04 and the days 2027-05-01…10.
 */
export function splitRange(range: DateRange): RangeParts {
  const parts: RangeParts = { years: [], quarters: [], months: [], days: [] }
  if (range.from > range.to) return parts
  let cursor = range.from
  const addDays = (to: string) => {
    const last = parts.days.at(-1)
    if (last && nextDay(last.to) === cursor) last.to = to
    else parts.days.push({ from: cursor, to })
  }
  while (cursor <= range.to) {
    const y = Number(cursor.slice(0, 4))
    const mo = Number(cursor.slice(5, 7))
    const d = Number(cursor.slice(8, 10))
    const monthEnd = ymd(y, mo, lastDayOfMonth(y, mo))
    const yearEnd = ymd(y, 12, 31)
    const quarterEnd = ymd(y, mo + 2, mo + 2 <= 12 ? lastDayOfMonth(y, mo + 2) : 1)
    if (d === 1 && mo === 1 && yearEnd <= range.to) {
      parts.years.push(cursor)
      cursor = nextDay(yearEnd)
    } else if (d === 1 && mo % 3 === 1 && quarterEnd <= range.to) {
      parts.quarters.push(cursor)
      cursor = nextDay(quarterEnd)
    } else if (d === 1 && monthEnd <= range.to) {
      parts.months.push(cursor)
      cursor = nextDay(monthEnd)
    } else {
      const to = monthEnd < range.to ? monthEnd : range.to
      addDays(to)
      cursor = nextDay(to)
    }
  }
  return parts
}
