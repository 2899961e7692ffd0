import { describe, expect, test } from 'vitest'
import { blocksOf, checkSchedule, type ScheduledSession } from './schedule-check.ts'

const MPH = 45
const H = (hours: number) => Math.round(hours * MPH)
/** One session on the 10th of each month from..to (YYYY-MM), each `hours` 学时. */
function monthly(fromMonth: string, toMonth: string, hours = 8, skip: string[] = []): ScheduledSession[] {
  const out: ScheduledSession[] = []
  let [y, m] = fromMonth.split('-').map(Number) as [number, number]
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`
    if (month > toMonth) break
    if (!skip.includes(month)) out.push({ date: `${month}-10`, plannedMinutes: H(hours) })
    m += 1
    if (m > 12) [y, m] = [y + 1, 1]
  }
  return out
}
/** `days` consecutive daily sessions from `date`, 8 学时 each (15 days = 120 学时). */
function block(date: string, days: number, minutesEach = H(8), stepDays = 1): ScheduledSession[] {
  return Array.from({ length: days }, (_, i) => ({
    date: new Date(new Date(`${date}T00:00:00Z`).getTime() + i * stepDays * 86_400_000).toISOString().slice(0, 10),
    plannedMinutes: minutesEach,
  }))
}

describe('month rule: one day (8 学时) each month', () => {
  const period = { from: '2026-03-01', to: '2026-08-31' }

  test('8 学时 in every month meets it', () => {
    const r = checkSchedule(monthly('2026-03', '2026-08'), period, MPH)
    expect(r.missingMonths).toEqual([])
    expect(r.monthlyMet).toBe(true)
    expect(r.met).toBe(true)
  })

  test.each([
    ['7.9 学时 (355 min) in May is missing', 355, ['2026-05'], false],
    ['8 学时 (360 min) in May is enough', 360, [], true],
    ['two 4-学时 sessions in May add up', 'split', [], true],
  ] as const)('%s', (_label, may, missing, met) => {
    const sessions = monthly('2026-03', '2026-08', 8, ['2026-05'])
    if (may === 'split') sessions.push({ date: '2026-05-03', plannedMinutes: 180 }, { date: '2026-05-31', plannedMinutes: 180 })
    else sessions.push({ date: '2026-05-20', plannedMinutes: may })
    const r = checkSchedule(sessions, period, MPH)
    expect(r.missingMonths).toEqual(missing)
    expect(r.monthlyMet).toBe(met)
  })

  test('the coordinator sees every missing month', () => {
    const r = checkSchedule(monthly('2026-03', '2026-08', 8, ['2026-04', '2026-07']), period, MPH)
    expect(r.missingMonths).toEqual(['2026-04', '2026-07'])
    expect(r.met).toBe(false)
    expect(r.months.find((m) => m.month === '2026-04')).toEqual({ month: '2026-04', minutes: 0, required: true, met: false })
  })

  test('partial months at either end are shown but not required', () => {
    const r = checkSchedule(monthly('2026-04', '2026-10'), { from: '2026-03-20', to: '2026-11-24' }, MPH)
    expect(r.months.map((m) => [m.month, m.required])).toEqual([
      ['2026-03', false],
      ['2026-04', true],
      ['2026-05', true],
      ['2026-06', true],
      ['2026-07', true],
      ['2026-08', true],
      ['2026-09', true],
      ['2026-10', true],
      ['2026-11', false],
    ])
    expect(r.monthlyMet).toBe(true)
  })

  test("a month ending on the period's last day is required; sessions after the period do not count", () => {
    const r = checkSchedule([...monthly('2026-03', '2026-07'), { date: '2026-09-01', plannedMinutes: H(8) }], period, MPH)
    expect(r.missingMonths).toEqual(['2026-08'])
  })

  test('a session on the last day of a month counts for that month (Beijing date)', () => {
    const sessions = monthly('2026-03', '2026-08', 8, ['2026-06']).concat({ date: '2026-06-30', plannedMinutes: H(8) })
    expect(checkSchedule(sessions, period, MPH).missingMonths).toEqual([])
    const july1 = monthly('2026-03', '2026-08', 8, ['2026-06']).concat({ date: '2026-07-01', plannedMinutes: H(8) })
    expect(checkSchedule(july1, period, MPH).missingMonths).toEqual(['2026-06'])
  })

  test('with no complete month yet the rule is not met (nothing to show for it)', () => {
    const r = checkSchedule([], { from: '2026-11-05', to: '2026-11-24' }, MPH)
    expect(r.monthlyMet).toBe(false)
    expect(r.met).toBe(false)
  })

  test('minutes per 学时 come from the program', () => {
    const sessions = [{ date: '2026-03-10', plannedMinutes: 400 }]
    expect(checkSchedule(sessions, { from: '2026-03-01', to: '2026-03-31' }, 45).monthlyMet).toBe(true)
    expect(checkSchedule(sessions, { from: '2026-03-01', to: '2026-03-31' }, 60).monthlyMet).toBe(false)
  })
})

describe('blocks: sessions at most 7 days apart', () => {
  test.each([
    [
      'consecutive days',
      [
        ['2026-04-01', 60],
        ['2026-04-02', 60],
      ],
      [['2026-04-01', '2026-04-02', 120]],
    ],
    [
      '7 days apart: one block',
      [
        ['2026-04-01', 60],
        ['2026-04-08', 60],
      ],
      [['2026-04-01', '2026-04-08', 120]],
    ],
    [
      '8 days apart: two blocks',
      [
        ['2026-04-01', 60],
        ['2026-04-09', 60],
      ],
      [
        ['2026-04-01', '2026-04-01', 60],
        ['2026-04-09', '2026-04-09', 60],
      ],
    ],
    [
      'a chain of weekly sessions is one block',
      [
        ['2026-04-01', 60],
        ['2026-04-08', 60],
        ['2026-04-15', 60],
      ],
      [['2026-04-01', '2026-04-15', 180]],
    ],
    [
      'unsorted input',
      [
        ['2026-04-08', 60],
        ['2026-04-01', 60],
      ],
      [['2026-04-01', '2026-04-08', 120]],
    ],
  ] as const)('%s', (_label, input, expected) => {
    const blocks = blocksOf(
      input.map(([date, plannedMinutes]) => ({ date, plannedMinutes })),
      5400,
    )
    expect(blocks.map((b) => [b.from, b.to, b.minutes])).toEqual(expected)
  })
})

describe('block rule: two blocks of ≥ 120 学时 a year', () => {
  const calendar2026 = { from: '2026-01-01', to: '2026-12-31' }

  test.each([
    ['two blocks of 120 学时', [...block('2026-03-02', 15), ...block('2026-09-01', 15)], 2, true],
    ['one block of 120 and one of 119 学时', [...block('2026-03-02', 15), ...block('2026-09-01', 14), { date: '2026-09-15', plannedMinutes: H(7) }], 1, false],
    ['one block of 240 学时 is still one block', block('2026-03-02', 30), 1, false],
    ['three blocks', [...block('2026-01-05', 15), ...block('2026-05-04', 15), ...block('2026-10-05', 15)], 3, true],
  ] as const)('%s', (_label, sessions, counting, met) => {
    const r = checkSchedule([...sessions], calendar2026, MPH)
    expect(r.years).toHaveLength(1)
    expect(r.years[0]!.complete).toBe(true)
    expect(r.years[0]!.countingBlocks).toBe(counting)
    expect(r.blocksMet).toBe(met)
  })

  test('119 vs 120 学时 decides whether a block counts', () => {
    const b119 = blocksOf([...block('2026-03-02', 14), { date: '2026-03-16', plannedMinutes: H(7) }], 120 * MPH)
    expect(b119.map((b) => [b.minutes, b.counts])).toEqual([[119 * MPH, false]])
    const b120 = blocksOf(block('2026-03-02', 15), 120 * MPH)
    expect(b120.map((b) => [b.minutes, b.counts])).toEqual([[120 * MPH, true]])
  })

  test('year edges: a block running over New Year is split by the calendar year', () => {
    // 15 days from 2026-12-24: 8 days in 2026, 7 in 2027: in a calendar-2026 check only 64 学时 count.
    const sessions = [...block('2026-03-02', 15), ...block('2026-12-24', 15)]
    const r = checkSchedule(sessions, calendar2026, MPH)
    expect(r.years[0]!.blocks.map((b) => [b.from, b.to, b.minutes / MPH])).toEqual([
      ['2026-03-02', '2026-03-16', 120],
      ['2026-12-24', '2026-12-31', 64],
    ])
    expect(r.blocksMet).toBe(false)
    // A block ending on 31 December counts for that year; one starting on 1 January does not.
    const dec31 = checkSchedule([...block('2026-03-02', 15), ...block('2026-12-17', 15)], calendar2026, MPH)
    expect(dec31.years[0]!.countingBlocks).toBe(2)
    const jan1 = checkSchedule([...block('2026-03-02', 15), ...block('2027-01-01', 15)], calendar2026, MPH)
    expect(jan1.years[0]!.countingBlocks).toBe(1)
  })

  test('study years run from the class start; the open year shows progress but cannot fail', () => {
    const sessions = [...block('2026-04-01', 15), ...block('2026-10-08', 15), ...block('2027-04-06', 15)]
    const r = checkSchedule(sessions, { from: '2026-03-01', to: '2027-11-24' }, MPH)
    expect(r.years.map((y) => [y.from, y.to, y.complete, y.countingBlocks])).toEqual([
      ['2026-03-01', '2027-02-28', true, 2],
      ['2027-03-01', '2028-02-29', false, 1],
    ])
    expect(r.blocksMet).toBe(true)
    expect(r.met).toBe(true)
    expect(r.monthlyMet).toBe(false)
  })

  test('with only an open year, the block rule is met once it already has two blocks', () => {
    const period = { from: '2026-03-01', to: '2026-11-24' }
    expect(checkSchedule(block('2026-04-01', 15), period, MPH).blocksMet).toBe(false)
    expect(checkSchedule([...block('2026-04-01', 15), ...block('2026-10-08', 15)], period, MPH).blocksMet).toBe(true)
  })

  test('a complete year without two blocks fails the block rule even if later years have them', () => {
    const sessions = [...block('2026-04-01', 15), ...block('2027-04-06', 15), ...block('2027-10-04', 15)]
    const r = checkSchedule(sessions, { from: '2026-03-01', to: '2028-02-29' }, MPH)
    expect(r.years.map((y) => y.met)).toEqual([false, true])
    expect(r.blocksMet).toBe(false)
  })
})

test('either rule is enough: monthly days without blocks', () => {
  const r = checkSchedule(monthly('2026-01', '2026-12'), { from: '2026-01-01', to: '2026-12-31' }, MPH)
  expect(r).toMatchObject({ monthlyMet: true, blocksMet: false, met: true })
})
