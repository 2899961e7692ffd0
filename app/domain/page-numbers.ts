/**
 * Plain page-numbered paging of an in-memory list (the coordinator's board and progress roster,
 * 30 people a page: 98 cards at once made a 57,000-px phone page). Pages count from 1; a page
 * out of range (or not a number) is the nearest one.
 */
export const PEOPLE_PAGE_SIZE = 30

export type Paged<T> = { rows: T[]; page: number; pages: number; pageSize: number; matching: number; from: number }

export function parsePage(value: string | null): number {
  const n = Number.parseInt(value ?? '', 10)
  return Number.isFinite(n) && n >= 1 ? n : 1
}

export function pageOf<T>(items: readonly T[], page: number, pageSize = PEOPLE_PAGE_SIZE): Paged<T> {
  const size = Math.max(1, Math.floor(pageSize))
  const pages = Math.max(1, Math.ceil(items.length / size))
  const p = Math.min(Math.max(1, Math.floor(Number.isFinite(page) ? page : 1)), pages)
  const start = (p - 1) * size
  return { rows: items.slice(start, start + size), page: p, pages, pageSize: size, matching: items.length, from: items.length === 0 ? 0 : start + 1 }
}
