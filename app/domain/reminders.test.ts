import { describe, expect, it } from 'vitest'
import { dueSweepReminders, isoWeek, retryDelayMs, sendAfter, shortChineseDate, type SweepSubject } from './reminders.ts'

const H = 45
const subject = (over: Partial<SweepSubject> = {}): SweepSubject => ({
  enrollmentId: 'e1',
  personId: 'p1',
  status: 'active',
  minutesPerHour: H,
  periodEnd: '2027-09-01',
  requirements: [
    {
      code: 'self-study-and-online',
      kind: 'min_hours',
      blocking: true,
      met: false,
      requiredMinutes: 360 * H,
      earnedMinutes: 100 * H,
      window: { start: '2026-09-01', end: '2027-09-01' },
    },
  ],
  pace: { behind: false, requirementCode: 'self-study-and-online', expectedMinutes: 90 * H, earnedMinutes: 100 * H },
  ...over,
})

describe('ISO weeks and dates', () => {
  it.each([
    ['2026-12-01', '2026-W49'],
    ['2026-12-28', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2024-12-30', '2025-W01'],
    ['2021-01-01', '2020-W53'],
  ])('%s is in %s', (date, week) => expect(isoWeek(date)).toBe(week))

  it('says a deadline as month and day', () => expect(shortChineseDate('2027-03-01')).toBe('3月1日'))
})

describe('daily sweep rules', () => {
  const behind = { behind: true, requirementCode: 'self-study-and-online', expectedMinutes: 150 * H, earnedMinutes: 100 * H }
  it.each<[string, Partial<SweepSubject>, string, { rule: string; params?: Record<string, string> }[]]>([
    ['on pace: nothing', {}, '2026-12-01', []],
    ['behind pace: how far behind and what a week needs', { pace: behind }, '2026-12-01', [{ rule: 'behind_pace', params: { hours: '50', perWeek: '6.5' } }]],
    ['withdrawn: nothing, even behind', { status: 'withdrawn', pace: behind }, '2026-12-01', []],
    ['completed: nothing', { status: 'completed', pace: behind }, '2026-12-01', []],
    ['31 days left: not yet "ending"', { periodEnd: '2027-01-01' }, '2026-12-01', []],
    [
      '30 days left with hours missing',
      { periodEnd: '2026-12-31' },
      '2026-12-01',
      [{ rule: 'period_ending_30', params: { hours: '260', deadline: '12月31日' } }],
    ],
    ['8 days left: still the 30-day one', { periodEnd: '2026-12-09' }, '2026-12-01', [{ rule: 'period_ending_30' }]],
    ['7 days left', { periodEnd: '2026-12-08' }, '2026-12-01', [{ rule: 'period_ending_7' }]],
    ['the last day', { periodEnd: '2026-12-01' }, '2026-12-01', [{ rule: 'period_ending_7' }]],
    ['after the end: nothing', { periodEnd: '2026-11-30' }, '2026-12-01', []],
    ['in the last 30 days "ending" speaks, not "behind pace"', { periodEnd: '2026-12-20', pace: behind }, '2026-12-01', [{ rule: 'period_ending_30' }]],
    [
      'hours met: no "ending"',
      {
        periodEnd: '2026-12-08',
        requirements: [
          {
            code: 'self-study-and-online',
            kind: 'min_hours',
            blocking: true,
            met: true,
            requiredMinutes: 360 * H,
            earnedMinutes: 360 * H,
            window: { start: '2026-09-01', end: '2026-12-08' },
          },
        ],
      },
      '2026-12-01',
      [],
    ],
    [
      'an unmet advisory requirement does not make "ending"',
      {
        periodEnd: '2026-12-08',
        requirements: [
          {
            code: 'advice',
            kind: 'min_hours',
            blocking: false,
            met: false,
            requiredMinutes: 10 * H,
            earnedMinutes: 0,
            window: { start: '2026-09-01', end: '2026-12-08' },
          },
        ],
      },
      '2026-12-01',
      [],
    ],
  ])('%s', (_name, over, today, expected) => {
    const due = dueSweepReminders(subject(over), today)
    expect(due.map((d) => d.rule)).toEqual(expected.map((e) => e.rule))
    expected.forEach((e, i) => e.params && expect(due[i]!.params).toEqual(e.params))
  })

  it('keys behind pace by person and ISO week: the same week gives the same key, the next week a new one', () => {
    const s = subject({ pace: behind })
    const mon = dueSweepReminders(s, '2026-11-30')[0]!.dedupKey
    const sun = dueSweepReminders(s, '2026-12-06')[0]!.dedupKey
    const next = dueSweepReminders(s, '2026-12-07')[0]!.dedupKey
    expect(mon).toBe(sun)
    expect(next).not.toBe(mon)
    // Per person, not per enrollment: a second behind enrollment of the same person shares the week's key.
    expect(dueSweepReminders({ ...s, enrollmentId: 'e2' }, '2026-12-01')[0]!.dedupKey).toBe(mon)
  })

  it('keys "period ending" by the period, so each threshold fires once per enrollment', () => {
    const s = subject({ periodEnd: '2026-12-31' })
    expect(dueSweepReminders(s, '2026-12-01')[0]!.dedupKey).toBe(dueSweepReminders(s, '2026-12-20')[0]!.dedupKey)
    expect(dueSweepReminders(s, '2026-12-25')[0]!.dedupKey).not.toBe(dueSweepReminders(s, '2026-12-20')[0]!.dedupKey)
  })

  it('a teacher behind on the 5-year cycle hears it once a month', () => {
    const s = subject({
      periodEnd: '2027-06-30',
      cycleRequirementCodes: ['cycle-hours'],
      requirements: [
        {
          code: 'round-hours',
          kind: 'min_hours',
          blocking: true,
          met: true,
          requiredMinutes: 40 * H,
          earnedMinutes: 40 * H,
          window: { start: '2026-09-01', end: '2027-06-30' },
        },
        {
          code: 'cycle-hours',
          kind: 'min_hours',
          blocking: false,
          met: false,
          requiredMinutes: 360 * H,
          earnedMinutes: 40 * H,
          window: { start: '2026-01-01', end: '2030-12-31' },
        },
      ],
    })
    const due = dueSweepReminders(s, '2028-01-10')
    expect(due).toEqual([expect.objectContaining({ rule: 'cycle_behind', dedupKey: 'cycle_behind:p1:2028-01', params: { cycle: '2026-2030', hours: '320' } })])
    // Early in the cycle 40 of 360 is on the line: nothing.
    expect(dueSweepReminders(s, '2026-03-01')).toEqual([])
  })
})

describe('quiet hours (Beijing 21:00–08:00)', () => {
  const at = (beijing: string) => new Date(`${beijing}+08:00`)
  it.each([
    ['2026-12-01T08:00:00', 'sms', '2026-12-01T08:00:00'],
    ['2026-12-01T12:30:00', 'sms', '2026-12-01T12:30:00'],
    ['2026-12-01T20:59:59', 'email', '2026-12-01T20:59:59'],
    ['2026-12-01T21:00:00', 'sms', '2026-12-02T08:00:00'],
    ['2026-12-01T23:45:00', 'sms', '2026-12-02T08:00:00'],
    ['2026-12-02T02:00:00', 'email', '2026-12-02T08:00:00'],
    ['2026-12-31T22:00:00', 'sms', '2027-01-01T08:00:00'],
    ['2026-12-01T23:45:00', 'in_app', '2026-12-01T23:45:00'],
  ] as const)('%s %s → %s', (now, channel, expected) => {
    expect(sendAfter(at(now), channel).toISOString()).toBe(at(expected).toISOString())
  })
})

it('retries back off exponentially', () => {
  expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000])
})
