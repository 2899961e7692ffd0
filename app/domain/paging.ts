/**
 * Cursor paging of lists that can grow (api-v1.md: `?cursor&limit`, default
 * 50, at most 500, the cursor opaque). A cursor is the sort key of the last
 * item of a page, as base64url JSON: the next page starts after it, so rows
 * added or removed meanwhile never shift a page (unlike an offset).
 */
export const DEFAULT_PAGE_SIZE = 50
export const MAX_PAGE_SIZE = 500

/** The cursor after an item whose sort key is `key` (e.g. [startDate, id]). */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/** The sort key in a cursor of `size` strings, or null when it is not one of ours. */
export function decodeCursor(cursor: string, size: number): string[] | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (!Array.isArray(value) || value.length !== size || !value.every((v) => typeof v === 'string' && v.length <= 100)) return null
    return value as string[]
  } catch {
    return null
  }
}

/** One page from `limit + 1` rows read: the page and the cursor after its last item (null on the last page). */
export function pageOf<T>(rows: readonly T[], limit: number, keyOf: (row: T) => readonly string[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null }
}
