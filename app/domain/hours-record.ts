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

/**
 * Download names: `学时档案-张三-2026-11-24.pdf` (UTF-8) and an ASCII fallback
 * for old clients. Characters a file system or a header would choke on are dropped.
 */
export function recordFileName(personName: string, date: string, ext: 'pdf' | 'xlsx') {
  const safeName = personName.replace(/[\\/:*?"<>|\p{Cc}\s]+/gu, '').slice(0, 40) || '未命名'
  return { utf8: `学时档案-${safeName}-${date}.${ext}`, ascii: `hours-record-${date}.${ext}` }
}
