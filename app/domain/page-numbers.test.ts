import { describe, expect, test } from 'vitest'
import { pageOf, parsePage } from './page-numbers.ts'

const items = Array.from({ length: 70 }, (_, i) => i + 1)

describe('pageOf', () => {
  test.each([
    // [page, size, first, last, page, pages, from]
    [1, 30, 1, 30, 1, 3, 1],
    [2, 30, 31, 60, 2, 3, 31],
    [3, 30, 61, 70, 3, 3, 61],
    [9, 30, 61, 70, 3, 3, 61],
    [0, 30, 1, 30, 1, 3, 1],
    [-4, 30, 1, 30, 1, 3, 1],
    [Number.NaN, 30, 1, 30, 1, 3, 1],
    [1, 100, 1, 70, 1, 1, 1],
  ])('page %s of size %s holds %s…%s (page %s of %s, from %s)', (page, size, first, last, p, pages, from) => {
    const r = pageOf(items, page, size)
    expect([r.rows[0], r.rows.at(-1), r.page, r.pages, r.from, r.matching]).toEqual([first, last, p, pages, from, 70])
  })

  test('an empty list is one empty page', () => {
    expect(pageOf([], 3)).toMatchObject({ rows: [], page: 1, pages: 1, from: 0, matching: 0 })
  })
})

describe('parsePage', () => {
  test.each([
    ['2', 2],
    [null, 1],
    ['', 1],
    ['abc', 1],
    ['0', 1],
    ['-3', 1],
    ['4.7', 4],
  ])('%s is page %s', (value, page) => expect(parsePage(value)).toBe(page))
})
