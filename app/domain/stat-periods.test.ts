import { describe, expect, it } from 'vitest'
import { bucketsOf, nextDay, parsePeriod, periodOf, splitRange } from './stat-periods.ts'

describe('periods', () => {
  it.each([
    ['2026', { grain: 'year', from: '2026-01-01', to: '2026-12-31' }],
    ['2026q3', { grain: 'quarter', key: '2026Q3', from: '2026-07-01', to: '2026-09-30' }],
    ['2024-02', { grain: 'month', from: '2024-02-01', to: '2024-02-29' }],
    ['2026-13', null],
    ['1999', null],
    ['26', null],
    ['2026Q5', null],
  ] as const)('%s', (text, expected) => {
    const p = parsePeriod(text)
    if (expected === null) expect(p).toBeNull()
    else expect(p).toMatchObject(expected)
  })

  it('periodOf and buckets clipped to the range', () => {
    expect(periodOf('2026-08-15', 'quarter')).toBe('2026Q3')
    expect(periodOf('2026-08-15', 'month')).toBe('2026-08')
    expect(bucketsOf({ from: '2026-02-15', to: '2026-04-10' }, 'month')).toEqual([
      { key: '2026-02', from: '2026-02-15', to: '2026-02-28' },
      { key: '2026-03', from: '2026-03-01', to: '2026-03-31' },
      { key: '2026-04', from: '2026-04-01', to: '2026-04-10' },
    ])
    expect(bucketsOf({ from: '2026-01-01', to: '2026-12-31' }, 'quarter').map((b) => b.key)).toEqual(['2026Q1', '2026Q2', '2026Q3', '2026Q4'])
  })
})

describe('splitRange', () => {
  it.each([
    [
      'a year, a quarter, months and edge days',
      { from: '2025-11-15', to: '2027-05-10' },
      {
        years: ['2026-01-01'],
        quarters: ['2027-01-01'],
        months: ['2025-12-01', '2027-04-01'],
        days: [
          { from: '2025-11-15', to: '2025-11-30' },
          { from: '2027-05-01', to: '2027-05-10' },
        ],
      },
    ],
    ['a whole year', { from: '2026-01-01', to: '2026-12-31' }, { years: ['2026-01-01'], quarters: [], months: [], days: [] }],
    ['a whole quarter', { from: '2026-07-01', to: '2026-09-30' }, { years: [], quarters: ['2026-07-01'], months: [], days: [] }],
    ['the fourth quarter', { from: '2026-10-01', to: '2026-12-31' }, { years: [], quarters: ['2026-10-01'], months: [], days: [] }],
    ['three quarters', { from: '2026-01-01', to: '2026-09-30' }, { years: [], quarters: ['2026-01-01', '2026-04-01', '2026-07-01'], months: [], days: [] }],
    [
      'months not starting a quarter',
      { from: '2026-02-01', to: '2026-04-30' },
      { years: [], quarters: [], months: ['2026-02-01', '2026-03-01', '2026-04-01'], days: [] },
    ],
    [
      'a quarter short by a day',
      { from: '2026-07-01', to: '2026-09-29' },
      { years: [], quarters: [], months: ['2026-07-01', '2026-08-01'], days: [{ from: '2026-09-01', to: '2026-09-29' }] },
    ],
    [
      'days inside a month',
      { from: '2026-03-05', to: '2026-03-09' },
      { years: [], quarters: [], months: [], days: [{ from: '2026-03-05', to: '2026-03-09' }] },
    ],
    ['an empty range', { from: '2026-03-09', to: '2026-03-05' }, { years: [], quarters: [], months: [], days: [] }],
  ])('%s', (_, range, parts) => {
    expect(splitRange(range)).toEqual(parts)
  })

  it('covers every day of random ranges exactly once', () => {
    let seed = 7
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n
    for (let i = 0; i < 200; i++) {
      const start = new Date(Date.UTC(2024, 0, 1) + rand(900) * 86_400_000).toISOString().slice(0, 10)
      const end = new Date(Date.parse(`${start}T00:00:00Z`) + rand(800) * 86_400_000).toISOString().slice(0, 10)
      const parts = splitRange({ from: start, to: end })
      const covered: string[] = []
      for (const y of parts.years) for (let d = y; d.slice(0, 4) === y.slice(0, 4); d = nextDay(d)) covered.push(d)
      for (const q of parts.quarters)
        for (let d = q; bucketsOf({ from: q, to: d }, 'quarter').length === 1 && d.slice(0, 4) === q.slice(0, 4); d = nextDay(d)) covered.push(d)
      for (const m of parts.months) for (let d = m; d.slice(0, 7) === m.slice(0, 7); d = nextDay(d)) covered.push(d)
      for (const r of parts.days) for (let d = r.from; d <= r.to; d = nextDay(d)) covered.push(d)
      const expected: string[] = []
      for (let d = start; d <= end; d = nextDay(d)) expected.push(d)
      expect(covered.sort()).toEqual(expected)
    }
  })
})
