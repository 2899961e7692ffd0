import { describe, expect, test } from 'vitest'
import { categoryTotals, cycleLabel, cycleStatus, cyclesTouched, groupEntries, numberEntries, recordFileName, type LedgerRow } from './hours-record.ts'

const row = (over: Partial<LedgerRow> & Pick<LedgerRow, 'id'>): LedgerRow => ({
  date: '2026-04-02',
  groupName: '测试种植班',
  groupCode: 'T-1',
  programCode: 'skills-credential',
  minutesPerHour: 45,
  category: 'self_study',
  source: 'self_study_log',
  minutes: 90,
  reason: null,
  correctsId: null,
  ...over,
})

describe('numberEntries', () => {
  test('numbers entries in order, converts to 学时 with one decimal, and points corrections at their original', () => {
    const entries = numberEntries([
      row({ id: '10', minutes: 90 }),
      row({ id: '11', minutes: 68, category: 'online', source: 'online_tracking' }),
      row({ id: '12', minutes: -30, source: 'adjustment', correctsId: '10', reason: '多记了半小时' }),
      // A correction of an entry the record does not hold (never expected) shows no number rather than a wrong one.
      row({ id: '13', minutes: -5, source: 'adjustment', correctsId: '999', reason: '?' }),
    ])
    expect(entries.map((e) => [e.no, e.hours, e.correctsNo])).toEqual([
      [1, 2, null],
      [2, 1.5, null],
      [3, -0.7, 1],
      [4, -0.1, null],
    ])
    expect(entries[2]).toMatchObject({ id: '12', reason: '多记了半小时', source: 'adjustment' })
  })
})

describe('categoryTotals', () => {
  test.each([
    { name: 'empty record', entries: [], expected: { categories: [], minutes: 0, hours: 0 } },
    {
      name: 'ledger category order, corrections subtract',
      entries: [
        { category: 'online' as const, minutes: 60 },
        { category: 'concentrated' as const, minutes: 360 },
        { category: 'online' as const, minutes: -15 },
      ],
      expected: {
        categories: [
          { category: 'concentrated', minutes: 360, hours: 8 },
          { category: 'online', minutes: 45, hours: 1 },
        ],
        minutes: 405,
        hours: 9,
      },
    },
    {
      name: 'a fully reversed category still shows, at 0',
      entries: [
        { category: 'practical' as const, minutes: 45 },
        { category: 'practical' as const, minutes: -45 },
      ],
      expected: { categories: [{ category: 'practical', minutes: 0, hours: 0 }], minutes: 0, hours: 0 },
    },
  ])('$name', ({ entries, expected }) => {
    expect(categoryTotals(entries, 45)).toEqual(expected)
  })
})

describe('cyclesTouched (5-year cycles anchored on 2021)', () => {
  const cycle = { kind: 'cycle' as const, years: 5, anchorYear: 2021 }
  test.each([
    { dates: [], asOf: '2026-11-24', expected: ['2026–2030'] },
    { dates: ['2025-12-31', '2026-01-01'], asOf: '2026-11-24', expected: ['2021–2025', '2026–2030'] },
    { dates: ['2021-01-01', '2023-06-01'], asOf: '2025-12-31', expected: ['2021–2025'] },
    // Entries dated after asOf do not open a future cycle.
    { dates: ['2031-01-01'], asOf: '2026-11-24', expected: ['2026–2030'] },
    { dates: ['2016-05-01'], asOf: '2026-11-24', expected: ['2016–2020', '2026–2030'] },
  ])('$dates as of $asOf → $expected', ({ dates, asOf, expected }) => {
    expect(cyclesTouched(cycle, dates, asOf).map(cycleLabel)).toEqual(expected)
  })
  test('windows run from 1 January of the first year to 31 December of the last', () => {
    expect(cyclesTouched(cycle, [], '2030-12-31')).toEqual([{ start: '2026-01-01', end: '2030-12-31' }])
  })
})

describe('download file names', () => {
  test.each([
    ['张三', '学时档案-张三-2026-11-24.pdf'],
    ['阿依古丽·买买提', '学时档案-阿依古丽·买买提-2026-11-24.pdf'],
    ['王 五/"x"', '学时档案-王五x-2026-11-24.pdf'],
    ['   ', '学时档案-未命名-2026-11-24.pdf'],
  ])('%s → %s', (name, expected) => {
    expect(recordFileName(name, '2026-11-24', 'pdf').utf8).toBe(expected)
  })

  test('an ASCII fallback names the date and the format', () => {
    expect(recordFileName('张三', '2026-11-24', 'xlsx')).toEqual({ utf8: '学时档案-张三-2026-11-24.xlsx', ascii: 'hours-record-2026-11-24.xlsx' })
  })
})

describe('cycleStatus', () => {
  const asOf = '2026-12-01'
  test.each([
    ['an ended cycle short of 360 学时', { end: '2025-12-31', met: false, requiredHours: 360, earnedHours: 68.4 }, { kind: 'ended_missed' }],
    ['an ended cycle that reached 360 学时', { end: '2025-12-31', met: true, requiredHours: 360, earnedHours: 372 }, { kind: 'ended_met' }],
    ['the current cycle, short', { end: '2030-12-31', met: false, requiredHours: 360, earnedHours: 68.4 }, { kind: 'missing', hours: 291.6 }],
    ['the current cycle, reached', { end: '2030-12-31', met: true, requiredHours: 360, earnedHours: 360 }, { kind: 'met' }],
    ['a cycle ending today is still current', { end: '2026-12-01', met: false, requiredHours: 360, earnedHours: 359.9 }, { kind: 'missing', hours: 0.1 }],
    ['a cycle that ended yesterday', { end: '2026-11-30', met: false, requiredHours: 360, earnedHours: 359.9 }, { kind: 'ended_missed' }],
    ['an open-ended window', { end: null, met: false, requiredHours: 10, earnedHours: 12 }, { kind: 'missing', hours: 0 }],
  ] as const)('%s', (_label, cycle, expected) => {
    expect(cycleStatus(cycle, asOf)).toEqual(expected)
  })
})

describe('groupEntries', () => {
  const e = (no: number, date: string) => ({ no, date })
  const cycles = [
    { cycle: '2021–2025', start: '2021-01-01', end: '2025-12-31' },
    { cycle: '2026–2030', start: '2026-01-01', end: '2030-12-31' },
  ]
  test('by cycle and year, newest first; entries outside every cycle last', () => {
    const groups = groupEntries(
      [e(1, '2019-05-01'), e(2, '2024-03-02'), e(3, '2025-11-20'), e(4, '2026-02-01'), e(5, '2026-09-15'), e(6, '2026-09-15')],
      cycles,
    )
    expect(groups.map((g) => [g.cycle, g.years.map((y) => [y.year, y.entries.map((x) => x.no)])])).toEqual([
      ['2026–2030', [['2026', [6, 5, 4]]]],
      [
        '2021–2025',
        [
          ['2025', [3]],
          ['2024', [2]],
        ],
      ],
      [null, [['2019', [1]]]],
    ])
  })
  test('without cycles (a learner): years only; cycles without entries are left out', () => {
    expect(groupEntries([e(1, '2025-05-01'), e(2, '2026-01-02')], []).map((g) => [g.cycle, g.years.map((y) => y.year)])).toEqual([[null, ['2026', '2025']]])
    expect(groupEntries([e(1, '2026-05-01')], cycles).map((g) => g.cycle)).toEqual(['2026–2030'])
    expect(groupEntries([], cycles)).toEqual([])
  })
})
