import { describe, expect, test } from 'vitest'
import { decideCredit, decideFinishCredit, lessonCapSeconds, type CreditInput, type FinishReason, type Presence } from './online-credit.ts'

// 2026-11-24 10:00:00 Beijing time.
const T0 = new Date('2026-11-24T02:00:00.000Z')
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)

const presenceA: Presence = { tabToken: 'tab-a', lessonId: 'L1', lastSeq: 3, lastBeatAt: T0, lastSentAt: T0 }
const caps = { lessonNominalMinutes: 30, dailyOnlineCapMinutes: 360 }
const none = { lessonSeconds: 0, personSeconds: 0 }

type Row = {
  name: string
  presence: Presence | null
  beat: { tabToken?: string; lessonId?: string; seq: number; sentAt: Date }
  now: Date
  soFar?: CreditInput['soFar']
  caps?: CreditInput['caps']
  seconds: number
  reason: string
  /** The presence afterwards: 'same' (untouched), 'moved' (this beat) or null. */
  after: 'same' | 'moved' | null
  day?: string
}

const rows: Row[] = [
  {
    name: 'first beat ever starts an interval and credits nothing',
    presence: null,
    beat: { seq: 1, sentAt: at(0) },
    now: at(0),
    seconds: 0,
    reason: 'started',
    after: 'moved',
  },
  {
    name: '30 s later on the same page credits 30 s',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(30) },
    now: at(30),
    seconds: 30,
    reason: 'credited',
    after: 'moved',
  },
  {
    name: 'elapsed is rounded to whole seconds',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(30.4) },
    now: at(30.4),
    seconds: 30,
    reason: 'credited',
    after: 'moved',
  },
  {
    name: 'exactly 60 s still credits (the most one beat earns)',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(60) },
    now: at(60),
    seconds: 60,
    reason: 'credited',
    after: 'moved',
  },
  {
    name: 'just over 60 s is a gap: nothing, the interval restarts',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(61) },
    now: at(61),
    seconds: 0,
    reason: 'gap_restart',
    after: 'moved',
  },
  {
    name: 'a 10-minute gap (page hidden) credits nothing',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(600) },
    now: at(600),
    seconds: 0,
    reason: 'gap_restart',
    after: 'moved',
  },
  {
    name: 'the client says only 20 s passed: 20 s',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(20) },
    now: at(35),
    seconds: 20,
    reason: 'credited',
    after: 'moved',
  },
  {
    name: 'the client claims more than the server saw: the server wins',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(29) },
    now: at(25),
    seconds: 25,
    reason: 'credited',
    after: 'moved',
  },
  {
    name: 'a client clock that went back is ignored, server elapsed counts',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(-100) },
    now: at(30),
    seconds: 30,
    reason: 'credited',
    after: 'moved',
  },
  {
    name: 'no client sentAt kept (old row): server elapsed',
    presence: { ...presenceA, lastSentAt: null },
    beat: { seq: 4, sentAt: at(30) },
    now: at(30),
    seconds: 30,
    reason: 'credited',
    after: 'moved',
  },
  {
    name: 'replayed seq credits nothing and changes nothing',
    presence: presenceA,
    beat: { seq: 3, sentAt: at(30) },
    now: at(30),
    seconds: 0,
    reason: 'replay',
    after: 'same',
  },
  {
    name: 'older seq (reordered) credits nothing',
    presence: presenceA,
    beat: { seq: 2, sentAt: at(-30) },
    now: at(30),
    seconds: 0,
    reason: 'replay',
    after: 'same',
  },
  {
    name: 'sentAt 6 s ahead of the server is future',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(36) },
    now: at(30),
    seconds: 0,
    reason: 'future',
    after: 'same',
  },
  {
    name: 'sentAt 5 s ahead is within tolerance',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(35) },
    now: at(30),
    seconds: 30,
    reason: 'credited',
    after: 'moved',
  },
  {
    name: 'a future-dated first beat does not start anything',
    presence: null,
    beat: { seq: 1, sentAt: at(3600) },
    now: at(0),
    seconds: 0,
    reason: 'future',
    after: null,
  },
  {
    name: 'a future-dated fresh tab does not take over',
    presence: presenceA,
    beat: { tabToken: 'tab-b', seq: 1, sentAt: at(3600) },
    now: at(30),
    seconds: 0,
    reason: 'future',
    after: 'same',
  },
  {
    name: 'a fresh second tab (seq 1) takes over, credits nothing yet',
    presence: presenceA,
    beat: { tabToken: 'tab-b', seq: 1, sentAt: at(10) },
    now: at(10),
    seconds: 0,
    reason: 'started',
    after: 'moved',
  },
  {
    name: 'a replaced tab (seq > 1) is told another page took over',
    presence: presenceA,
    beat: { tabToken: 'tab-b', seq: 7, sentAt: at(10) },
    now: at(10),
    seconds: 0,
    reason: 'other_tab_took_over',
    after: 'same',
  },
  {
    name: 'a replaced tab may resume once the other page went quiet',
    presence: presenceA,
    beat: { tabToken: 'tab-b', seq: 7, sentAt: at(90) },
    now: at(90),
    seconds: 0,
    reason: 'started',
    after: 'moved',
  },
  {
    name: 'the same token on another lesson counts as another page',
    presence: presenceA,
    beat: { lessonId: 'L2', seq: 4, sentAt: at(30) },
    now: at(30),
    seconds: 0,
    reason: 'other_tab_took_over',
    after: 'same',
  },
  {
    name: 'server clock stepped back: nothing',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(-5) },
    now: at(-5),
    seconds: 0,
    reason: 'replay',
    after: 'moved',
  },
  {
    name: 'lesson cap (30 min + 20 % = 36 min): only what is left',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(30) },
    now: at(30),
    soFar: { lessonSeconds: 36 * 60 - 12, personSeconds: 36 * 60 - 12 },
    seconds: 12,
    reason: 'lesson_cap',
    after: 'moved',
  },
  {
    name: 'lesson cap reached: nothing more',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(30) },
    now: at(30),
    soFar: { lessonSeconds: 36 * 60, personSeconds: 36 * 60 },
    seconds: 0,
    reason: 'lesson_cap',
    after: 'moved',
  },
  {
    name: 'daily cap across lessons: only what is left of the day',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(30) },
    now: at(30),
    soFar: { lessonSeconds: 0, personSeconds: 360 * 60 - 7 },
    seconds: 7,
    reason: 'daily_cap',
    after: 'moved',
  },
  {
    name: 'daily cap reached: nothing more',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(30) },
    now: at(30),
    soFar: { lessonSeconds: 60, personSeconds: 360 * 60 },
    seconds: 0,
    reason: 'daily_cap',
    after: 'moved',
  },
  {
    name: 'a per-program daily cap is honoured',
    presence: presenceA,
    beat: { seq: 4, sentAt: at(30) },
    now: at(30),
    caps: { lessonNominalMinutes: 30, dailyOnlineCapMinutes: 1 },
    soFar: { lessonSeconds: 50, personSeconds: 50 },
    seconds: 10,
    reason: 'daily_cap',
    after: 'moved',
  },
  {
    name: 'a beat across Beijing midnight credits the new day from midnight only',
    presence: { ...presenceA, lastBeatAt: new Date('2026-11-24T15:59:40Z'), lastSentAt: new Date('2026-11-24T15:59:40Z') },
    beat: { seq: 4, sentAt: new Date('2026-11-24T16:00:10Z') },
    now: new Date('2026-11-24T16:00:10Z'),
    seconds: 10,
    reason: 'new_day',
    after: 'moved',
    day: '2026-11-25',
  },
  {
    name: 'the day is the Beijing day of now (UTC still says the 24th)',
    presence: presenceA,
    beat: { seq: 4, sentAt: new Date('2026-11-24T16:30:00Z') },
    now: new Date('2026-11-24T16:30:00Z'),
    seconds: 0,
    reason: 'gap_restart',
    after: 'moved',
    day: '2026-11-25',
  },
]

describe('decideCredit', () => {
  test.each(rows)('$name', (row) => {
    const beat = { tabToken: row.beat.tabToken ?? 'tab-a', lessonId: row.beat.lessonId ?? 'L1', seq: row.beat.seq, sentAt: row.beat.sentAt }
    const decision = decideCredit({ presence: row.presence, beat, now: row.now, soFar: row.soFar ?? none, caps: row.caps ?? caps })
    expect(decision.seconds).toBe(row.seconds)
    expect(decision.reason).toBe(row.reason)
    if (row.after === 'same') expect(decision.presence).toBe(row.presence)
    else if (row.after === null) expect(decision.presence).toBeNull()
    else {
      expect(decision.presence).toMatchObject({ tabToken: beat.tabToken, lessonId: beat.lessonId, lastSeq: beat.seq })
      expect(decision.presence!.lastSentAt).toEqual(beat.sentAt)
      if (row.reason !== 'replay') expect(decision.presence!.lastBeatAt).toEqual(row.now)
    }
    expect(decision.day).toBe(row.day ?? '2026-11-24')
  })

  test('a stepped-back clock keeps the later beat instant', () => {
    const d = decideCredit({ presence: presenceA, beat: { tabToken: 'tab-a', lessonId: 'L1', seq: 4, sentAt: at(-5) }, now: at(-5), soFar: none, caps })
    expect(d.presence!.lastBeatAt).toEqual(T0)
  })

  test('a full sequence: two tabs, a replay, a 10-minute gap and a future beat', () => {
    let presence: Presence | null = null
    let total = 0
    const beat = (tabToken: string, seq: number, s: number, sentOffset = 0) => {
      const d = decideCredit({
        presence,
        beat: { tabToken, lessonId: 'L1', seq, sentAt: at(s + sentOffset) },
        now: at(s),
        soFar: { lessonSeconds: total, personSeconds: total },
        caps,
      })
      presence = d.presence
      total += d.seconds
      return d.reason
    }
    expect(beat('a', 1, 0)).toBe('started')
    expect(beat('a', 2, 30)).toBe('credited') // 30
    expect(beat('a', 3, 60)).toBe('credited') // 60
    expect(beat('b', 1, 70)).toBe('started') // tab b takes over
    expect(beat('a', 4, 90)).toBe('other_tab_took_over')
    expect(beat('b', 2, 100)).toBe('credited') // 90
    expect(beat('b', 2, 110)).toBe('replay')
    expect(beat('b', 3, 130)).toBe('credited') // 120
    expect(beat('b', 4, 730)).toBe('gap_restart') // 10 minutes hidden
    expect(beat('b', 5, 760, 3600)).toBe('future')
    expect(beat('b', 6, 760)).toBe('credited') // 150
    expect(total).toBe(150)
  })

  test('lesson cap is nominal + 20 %', () => {
    expect(lessonCapSeconds(30)).toBe(36 * 60)
    expect(lessonCapSeconds(45)).toBe(54 * 60)
  })
})

describe('decideFinishCredit (学完了 without heartbeats)', () => {
  // [name, seconds since served, secondsAtOpen, lesson seconds today, person seconds today, nominal minutes, seconds credited, reason]
  test.each<[string, number, number, number, number, number, number, FinishReason]>([
    ['12 minutes of reading credit 12 minutes', 720, 0, 0, 0, 30, 720, 'credited'],
    ['a page left open for hours credits at most the nominal minutes', 5 * 3600, 0, 0, 0, 30, 1800, 'credited'],
    ['heartbeats counted 5 of the 12 minutes: 7 more', 720, 60, 360, 360, 30, 420, 'credited'],
    ['heartbeats counted all of it: nothing more', 720, 0, 720, 720, 30, 0, 'already_counted'],
    ['earlier readings today leave 6 minutes of the lesson cap (36)', 1800, 1800, 1800, 1800, 30, 360, 'lesson_cap'],
    ['the lesson is full for today', 600, 2160, 2160, 2160, 30, 0, 'lesson_cap'],
    ['the person’s daily cap leaves 2 minutes', 900, 0, 0, 360 * 60 - 120, 30, 120, 'daily_cap'],
    ['submitted at once: nothing', 0, 0, 0, 0, 30, 0, 'already_counted'],
  ])('%s', (_name, elapsed, secondsAtOpen, lessonSeconds, personSeconds, nominal, seconds, reason) => {
    const d = decideFinishCredit({
      openedAt: T0,
      now: at(elapsed),
      secondsAtOpen,
      soFar: { lessonSeconds, personSeconds },
      caps: { lessonNominalMinutes: nominal, dailyOnlineCapMinutes: 360 },
    })
    expect([d.seconds, d.reason]).toEqual([seconds, reason])
  })

  test('a page served before Beijing midnight counts only the time since midnight, for the new day', () => {
    const openedAt = new Date('2026-11-24T15:50:00Z') // 23:50 Beijing
    const now = new Date('2026-11-24T16:05:00Z') // 00:05 the next day
    const d = decideFinishCredit({ openedAt, now, secondsAtOpen: 0, soFar: none, caps })
    expect(d).toEqual({ seconds: 300, reason: 'credited', day: '2026-11-25' })
  })

  test('a server clock that stepped back credits nothing', () => {
    expect(decideFinishCredit({ openedAt: T0, now: at(-60), secondsAtOpen: 0, soFar: none, caps }).seconds).toBe(0)
  })
})
