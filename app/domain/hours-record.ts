/**
 * The 学时档案 (hours record): every ledger entry of a person, numbered, with
 * what each correction corrects, totals per category, and the download file
 * names. Pure: the data comes from app/models/hours-record.server.ts.
 */
import { HOUR_CATEGORIES, type HourCategory, type RequirementWindow } from './policy.ts'
import { minutesToHours, windowFor, type DateWindow } from './requirements.ts'

export const HOUR_SOURCES = ['attendance', 'online_tracking', 'self_study_log', 'transfer', 'adjustment'] as const
export type HourSource = (typeof HOUR_SOURCES)[number]

/** One entry as the record shows it. `no` is its 1-based position in the person's record. */
export type RecordEntry = {
  id: string
  no: number
  date: string
  groupName: string
  groupCode: string
  programCode: string
  category: HourCategory
  source: HourSource
  minutes: number
  hours: number
  reason: string | null
  /** The record number (`no`) of the entry this one corrects. */
  correctsNo: number | null
}

export type LedgerRow = {
  id: string
  date: string
  groupName: string
  groupCode: string
  programCode: string
  minutesPerHour: number
  category: HourCategory
  source: HourSource
  minutes: number
  reason: string | null
  correctsId: string | null
}

/** Rows (oldest first) → numbered record entries, each correction pointing at its original's number. */
export function numberEntries(rows: readonly LedgerRow[]): RecordEntry[] {
  const noOf = new Map<string, number>()
  rows.forEach((r, i) => noOf.set(r.id, i + 1))
  return rows.map((r, i) => ({
    id: r.id,
    no: i + 1,
    date: r.date,
    groupName: r.groupName,
    groupCode: r.groupCode,
    programCode: r.programCode,
    category: r.category,
    source: r.source,
    minutes: r.minutes,
    hours: minutesToHours(r.minutes, r.minutesPerHour),
    reason: r.reason,
    correctsNo: r.correctsId ? (noOf.get(r.correctsId) ?? null) : null,
  }))
}

export type CategoryTotal = { category: HourCategory; minutes: number; hours: number }

/**
 * Signed minutes per category (corrections subtract), in the ledger's category
 * order, only categories that have entries; plus the grand total.
 */
export function categoryTotals(entries: readonly { category: HourCategory; minutes: number }[], minutesPerHour: number) {
  const sums = new Map<HourCategory, number>()
  for (const e of entries) sums.set(e.category, (sums.get(e.category) ?? 0) + e.minutes)
  const categories: CategoryTotal[] = HOUR_CATEGORIES.filter((c) => sums.has(c)).map((category) => {
    const minutes = sums.get(category)!
    return { category, minutes, hours: minutesToHours(minutes, minutesPerHour) }
  })
  const minutes = categories.reduce((n, c) => n + c.minutes, 0)
  return { categories, minutes, hours: minutesToHours(minutes, minutesPerHour) }
}

/**
 * The windows of a cycle requirement that the record touches: every cycle
 * holding an entry dated on or before `asOf`, and the current one. Oldest first.
 */
export function cyclesTouched(window: Extract<RequirementWindow, { kind: 'cycle' }>, dates: readonly string[], asOf: string): DateWindow[] {
  const facts = { startDate: asOf, entries: [] }
  const byStart = new Map<string, DateWindow>()
  for (const date of [...dates.filter((d) => d <= asOf), asOf]) {
    const w = windowFor(window, facts, date)
    byStart.set(w.start, w)
  }
  return [...byStart.values()].sort((a, b) => a.start.localeCompare(b.start))
}

/** "2021–2025" for a cycle window of whole years. */
export function cycleLabel(w: DateWindow): string {
  return `${w.start.slice(0, 4)}–${(w.end ?? '').slice(0, 4)}`
}

export type CycleStatus =
  | { kind: 'met' }
  | { kind: 'missing'; hours: number }
  /** Ended (its last day before today) and reached. */
  | { kind: 'ended_met' }
  /** Ended without reaching the hours: nothing more can be earned in it. */
  | { kind: 'ended_missed' }

/**
 * What a cycle's line says: an ended cycle (its last day before `asOf`)
 * says 已结束，已达标 / 已结束，未达标, never "还差 …" (no hour can be added to it
 * any more); the current or a later one says 已达到 or how many 学时 are missing.
 */
export function cycleStatus(c: { end: string | null; met: boolean; requiredHours: number; earnedHours: number }, asOf: string): CycleStatus {
  const ended = c.end !== null && c.end < asOf
  if (ended) return c.met ? { kind: 'ended_met' } : { kind: 'ended_missed' }
  if (c.met) return { kind: 'met' }
  return { kind: 'missing', hours: Math.max(0, Math.round((c.requiredHours - c.earnedHours) * 10) / 10) }
}

export type YearGroup<E> = { year: string; entries: E[] }
export type CycleGroup<E> = { cycle: string | null; start: string | null; end: string | null; years: YearGroup<E>[] }

/**
 * The record's entries grouped for reading: by 5-year cycle (newest first;
 * entries outside every cycle, or a record without cycles, in one group with
 * `cycle: null`, last), within it by calendar year (newest first), within a
 * year newest first (date, then record number).
 */
export function groupEntries<E extends { no: number; date: string }>(
  entries: readonly E[],
  cycles: readonly { cycle: string; start: string; end: string | null }[],
): CycleGroup<E>[] {
  const windows = [...new Map(cycles.map((c) => [c.cycle, c])).values()].sort((a, b) => b.start.localeCompare(a.start))
  const inWindow = (date: string, w: { start: string; end: string | null }) => w.start <= date && (w.end === null || date <= w.end)
  const newestFirst = [...entries].sort((a, b) => b.date.localeCompare(a.date) || b.no - a.no)
  const byYear = (list: E[]): YearGroup<E>[] => {
    const years = new Map<string, E[]>()
    for (const e of list) {
      const y = e.date.slice(0, 4)
      years.set(y, [...(years.get(y) ?? []), e])
    }
    return [...years.entries()].map(([year, es]) => ({ year, entries: es }))
  }
  const groups: CycleGroup<E>[] = windows
    .map((w) => ({ cycle: w.cycle, start: w.start, end: w.end, years: byYear(newestFirst.filter((e) => inWindow(e.date, w))) }))
    .filter((g) => g.years.length > 0)
  const outside = newestFirst.filter((e) => !windows.some((w) => inWindow(e.date, w)))
  if (outside.length > 0) groups.push({ cycle: null, start: null, end: null, years: byYear(outside) })
  return groups
}

/**
 * Download names: `学时档案-张三-2026-11-24.pdf` (UTF-8) and an ASCII fallback
 * for old clients. Characters a file system or a header would choke on are dropped.
 */
export function recordFileName(personName: string, date: string, ext: 'pdf' | 'xlsx') {
  const safeName = personName.replace(/[\\/:*?"<>|\p{Cc}\s]+/gu, '').slice(0, 40) || '未命名'
  return { utf8: `学时档案-${safeName}-${date}.${ext}`, ascii: `hours-record-${date}.${ext}` }
}
