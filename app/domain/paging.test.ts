import { describe, expect, test } from 'vitest'
import { decodeCursor, encodeCursor, pageOf } from './paging.ts'

describe('cursors', () => {
  test('a cursor gives back its key', () => {
    const cursor = encodeCursor(['2026-03-01', 'abc123'])
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeCursor(cursor, 2)).toEqual(['2026-03-01', 'abc123'])
  })

  test.each([
    ['not base64url', '%%%'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['the wrong size', encodeCursor(['only-one'])],
    ['numbers instead of strings', Buffer.from('[1,2]').toString('base64url')],
    ['empty', ''],
  ])('%s is refused', (_name, cursor) => {
    expect(decodeCursor(cursor, 2)).toBeNull()
  })

  test('a page of limit + 1 rows has a next cursor after its last item; the last page has none', () => {
    const rows = ['a', 'b', 'c']
    expect(pageOf(rows, 2, (r) => [r])).toEqual({ items: ['a', 'b'], nextCursor: encodeCursor(['b']) })
    expect(pageOf(rows, 3, (r) => [r])).toEqual({ items: rows, nextCursor: null })
    expect(pageOf([], 3, (r: string) => [r])).toEqual({ items: [], nextCursor: null })
  })
})
