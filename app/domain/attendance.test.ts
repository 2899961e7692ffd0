import { expect, test } from 'vitest'
import { creditedMinutes, decideRosterTick, decideScan, earlyCheckout, rosterMinutes, undoCheckoutRefusal, validateSession } from './attendance.ts'

// 09:00–17:30 Beijing, 8.5 hours long, 360 planned minutes (8 学时).
const session = { startsAt: new Date('2026-11-24T01:00:00Z'), endsAt: new Date('2026-11-24T09:30:00Z'), plannedMinutes: 360 }
const bj = (hhmm: string, day = '2026-11-24') => new Date(`${day}T${hhmm}+08:00`)

test.each([
  ['on time, 2 hours', '09:00:00', '11:00:00', 120],
  ['early arrival counts from the start', '08:40:00', '10:00:00', 60],
  ['late arrival', '09:17:00', '10:00:00', 43],
  ['partial minutes are dropped', '09:00:00', '09:59:59', 59],
  ['leaving after the end counts to the end, capped at planned', '09:00:00', '18:00:00', 360],
  ['present the whole day: capped at planned minutes', '08:30:00', '17:30:00', 360],
  ['present 6 hours exactly = planned', '10:00:00', '16:00:00', 360],
  ['present 5 h 59 min 59 s', '10:00:00', '15:59:59', 359],
  ['checked out before the start', '08:30:00', '08:59:00', 0],
  ['checked in after the end', '17:31:00', '17:45:00', 0],
  ['zero length', '10:00:00', '10:00:00', 0],
])('%s: %s–%s credits %i minutes', (_label, from, to, minutes) => {
  expect(creditedMinutes(session, bj(from), bj(to))).toBe(minutes)
})

test('a roster tick credits the planned minutes', () => {
  expect(rosterMinutes(session)).toBe(360)
  expect(decideRosterTick(session, null)).toEqual({ kind: 'credit', creditedMinutes: 360 })
})

test.each([
  ['no attendance yet', null, '09:05:00', { kind: 'check_in' }],
  [
    'checked in 30 s ago',
    { checkedInAt: bj('09:05:00'), checkedOutAt: null, creditedMinutes: null },
    '09:05:30',
    { kind: 'too_soon', checkedInAt: bj('09:05:00') },
  ],
  [
    'checked in 59.999 s ago',
    { checkedInAt: bj('09:05:00'), checkedOutAt: null, creditedMinutes: null },
    '09:05:59.999',
    { kind: 'too_soon', checkedInAt: bj('09:05:00') },
  ],
  [
    'checked in exactly 1 min ago',
    { checkedInAt: bj('09:05:00'), checkedOutAt: null, creditedMinutes: null },
    '09:06:00',
    { kind: 'check_out', creditedMinutes: 1 },
  ],
  [
    'checked in at 09:05, out at 15:05',
    { checkedInAt: bj('09:05:00'), checkedOutAt: null, creditedMinutes: null },
    '15:05:00',
    { kind: 'check_out', creditedMinutes: 360 },
  ],
  [
    'checked in at 13:00, out at 17:50',
    { checkedInAt: bj('13:00:00'), checkedOutAt: null, creditedMinutes: null },
    '17:50:00',
    { kind: 'check_out', creditedMinutes: 270 },
  ],
  [
    'checked in early, scanned again before the start',
    { checkedInAt: bj('08:35:00'), checkedOutAt: null, creditedMinutes: null },
    '08:50:00',
    { kind: 'too_soon', checkedInAt: bj('08:35:00') },
  ],
  [
    'checked in early, scanned 59 s after the start',
    { checkedInAt: bj('08:35:00'), checkedOutAt: null, creditedMinutes: null },
    '09:00:59',
    { kind: 'too_soon', checkedInAt: bj('08:35:00') },
  ],
  [
    'checked in early, scanned 1 min after the start',
    { checkedInAt: bj('08:35:00'), checkedOutAt: null, creditedMinutes: null },
    '09:01:00',
    { kind: 'check_out', creditedMinutes: 1 },
  ],
  [
    'already checked out',
    { checkedInAt: bj('09:05:00'), checkedOutAt: bj('12:05:00'), creditedMinutes: 180 },
    '13:00:00',
    { kind: 'already_done', creditedMinutes: 180 },
  ],
  [
    'ticked on the roster',
    { checkedInAt: bj('09:00:00'), checkedOutAt: bj('17:30:00'), creditedMinutes: 360 },
    '13:00:00',
    { kind: 'already_done', creditedMinutes: 360 },
  ],
] as const)('a scan with %s', (_label, state, now, decision) => {
  expect(decideScan(session, state, bj(now))).toEqual(decision)
})

test('a roster tick does not credit twice, but completes a QR check-in without check-out', () => {
  expect(decideRosterTick(session, { checkedInAt: bj('09:05:00'), checkedOutAt: bj('12:00:00'), creditedMinutes: 175 })).toEqual({
    kind: 'already_credited',
    creditedMinutes: 175,
  })
  expect(decideRosterTick(session, { checkedInAt: bj('09:00:00'), checkedOutAt: bj('17:30:00'), creditedMinutes: 360 })).toEqual({
    kind: 'already_credited',
    creditedMinutes: 360,
  })
  expect(decideRosterTick(session, { checkedInAt: bj('09:05:00'), checkedOutAt: null, creditedMinutes: null })).toEqual({
    kind: 'credit',
    creditedMinutes: 360,
  })
})

test.each([
  ['a valid session', { startsAt: bj('09:00:00'), endsAt: bj('17:30:00'), plannedMinutes: 360, venue: '实训楼' }, null],
  ['planned equal to its length', { startsAt: bj('09:00:00'), endsAt: bj('10:30:00'), plannedMinutes: 90, venue: '实训楼' }, null],
  ['planned one minute longer than its length', { startsAt: bj('09:00:00'), endsAt: bj('10:30:00'), plannedMinutes: 91, venue: '实训楼' }, 'planned_too_long'],
  ['end equal to start', { startsAt: bj('09:00:00'), endsAt: bj('09:00:00'), plannedMinutes: 1, venue: '实训楼' }, 'end_before_start'],
  ['end before start', { startsAt: bj('10:00:00'), endsAt: bj('09:00:00'), plannedMinutes: 30, venue: '实训楼' }, 'end_before_start'],
  ['zero planned minutes', { startsAt: bj('09:00:00'), endsAt: bj('10:00:00'), plannedMinutes: 0, venue: '实训楼' }, 'planned_not_positive'],
  ['a blank venue', { startsAt: bj('09:00:00'), endsAt: bj('10:00:00'), plannedMinutes: 45, venue: '  ' }, 'venue_required'],
  ['longer than a day', { startsAt: bj('09:00:00'), endsAt: bj('09:01:00', '2026-11-25'), plannedMinutes: 45, venue: '实训楼' }, 'too_long'],
] as const)('%s → %s', (_label, input, error) => {
  expect(validateSession(input)).toBe(error)
})

// Early check-out: asked first when leaving now credits less than staying to the end (same rule as the credit).
test.each([
  ['in at 09:00, out at 11:00 (6 h 30 left)', '09:00:00', '11:00:00', { creditedMinutes: 120, fullMinutes: 360 }],
  ['in at 09:00, out at 09:06', '09:00:00', '09:06:00', { creditedMinutes: 6, fullMinutes: 360 }],
  ['in at 13:00, out at 17:00: staying would give 270', '13:00:00', '17:00:00', { creditedMinutes: 240, fullMinutes: 270 }],
  ['in at 13:00, out one minute before the end', '13:00:00', '17:29:00', { creditedMinutes: 269, fullMinutes: 270 }],
  ['in at 13:00, out 30 s before the end: still a minute short', '13:00:00', '17:29:30', { creditedMinutes: 269, fullMinutes: 270 }],
  ['in at 13:00:30, out 30 s before the end: the same whole minutes, nothing lost', '13:00:30', '17:29:30', null],
  ['in at 09:00, out at 16:00: already the planned 360, nothing lost', '09:00:00', '16:00:00', null],
  ['out exactly at the end', '09:00:00', '17:30:00', null],
  ['out after the end', '09:00:00', '17:45:00', null],
])('an early check-out %s: %o', (_label, inAt, outAt, expected) => {
  expect(earlyCheckout(session, bj(inAt), bj(outAt))).toEqual(expected)
})

const byQr = { checkedOutAt: bj('10:00:00'), method: 'qr', recordedById: null } as const
test.each([
  ['a QR check-out during the session', byQr, '10:05:00', null],
  ['a code check-out during the session', { ...byQr, method: 'code' }, '17:29:59', null],
  ['at the end of the session', byQr, '17:30:00', 'session_ended'],
  ['after the session', byQr, '18:00:00', 'session_ended'],
  ['nobody checked out yet', { ...byQr, checkedOutAt: null }, '10:05:00', 'not_checked_out'],
  ['no attendance at all', null, '10:05:00', 'not_checked_out'],
  ['a roster tick', { ...byQr, method: 'roster', recordedById: 'coord' }, '10:05:00', 'by_roster'],
  ['a QR check-in completed by a roster tick', { ...byQr, recordedById: 'coord' }, '10:05:00', 'by_roster'],
] as const)('undoing %s → %s', (_label, state, now, refusal) => {
  expect(undoCheckoutRefusal(session, state, bj(now))).toBe(refusal)
})
