/**
 * Demo learning activity for the seeded county (courses and lessons come from
 * content/catalog through the content sync): face-to-face sessions with attendance, and ledger entries spread so every
 * state shows (ahead of pace, behind, met, a missing month in one class's
 * schedule, corrections). Rows are inserted in bulk; the seed is initial data,
 * not a user's change, so it writes no audit events.
 */
import { randomBytes } from 'node:crypto'
import { beijingDate } from '#app/domain/time.ts'
import type { HourCategory, HourSource } from '#app/generated/prisma/enums.ts'
import { currentPolicyVersion, syncPolicies } from '#app/models/policies.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import type { faker as Faker } from '#tests/fixtures/factories.ts'
import { byIdNumber } from './seed-order.ts'

type Entry = {
  enrollmentId: string
  personId: string
  groupId: string
  category: HourCategory
  minutes: number
  occurredOn: Date
  source: HourSource
  sourceRef: string | null
  reason: string | null
  createdById: string | null
}

const day = (d: string) => new Date(`${d}T00:00:00Z`)
const addDays = (d: string, n: number) => new Date(day(d).getTime() + n * 86_400_000).toISOString().slice(0, 10)
const daysBetween = (a: string, b: string) => Math.round((day(b).getTime() - day(a).getTime()) / 86_400_000)

/** `faker` is the seed's own seeded instance; groups and their people are visited in a stable order, so the same seed gives the same activity. */
export async function seedActivity(db: Db, { today, coordinatorId, faker }: { today: string; coordinatorId: string | null; faker: typeof Faker }) {
  await syncPolicies(db)
  const programs = await db.program.findMany()
  for (const p of programs) {
    await db.enrollment.updateMany({ where: { programId: p.id, policyVersion: null }, data: { policyVersion: await currentPolicyVersion(db, p.id) } })
  }
  // Courses and online lessons come from content/catalog (synced by seed.ts before this runs).

  const groups = (
    await db.group.findMany({
      orderBy: { code: 'asc' },
      include: {
        enrollments: { select: { id: true, personId: true, status: true, startDate: true, periodEnd: true, person: { select: { idCipher: true } } } },
      },
    })
  ).map((g) => ({ ...g, enrollments: byIdNumber(g.enrollments) }))
  const sessions: {
    id: string
    groupId: string
    startsAt: Date
    endsAt: Date
    venue: string
    plannedMinutes: number
    description: string
    checkinKey: Uint8Array<ArrayBuffer>
  }[] = []
  const attendances: {
    id: string
    sessionId: string
    enrollmentId: string
    checkedInAt: Date
    checkedOutAt: Date
    method: 'qr' | 'roster'
    creditedMinutes: number
  }[] = []
  const entries: Entry[] = []

  for (const g of groups) {
    const start = g.startDate.toISOString().slice(0, 10)
    const end = g.endDate ? g.endDate.toISOString().slice(0, 10) : addDays(today, 60)
    // Face-to-face days: classes one day a month (one class skips a month, so the schedule check has something to say);
    // rounds a five-day concentrated block plus a follow-up day.
    const days: string[] = []
    if (g.kind === 'class') {
      for (let d = addDays(start, 9); d <= end;) {
        if (!(g.code === 'CH2026-YZ01' && d.slice(0, 7) === '2026-07')) days.push(d)
        const [y, m] = d.split('-').map(Number) as [number, number]
        d = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-10`
      }
    } else {
      for (let i = 0; i < 5; i++) days.push(addDays(start, 14 + i))
      days.push(addDays(end, -20))
    }
    const venue = g.kind === 'class' ? '册亨县中等职业学校 实训楼 2 楼' : '册亨县教师发展中心 多功能厅'
    for (const d of days) {
      const s = {
        id: newId(),
        groupId: g.id,
        startsAt: new Date(`${d}T09:00:00+08:00`),
        endsAt: new Date(`${d}T17:30:00+08:00`),
        venue,
        plannedMinutes: 360,
        description: g.kind === 'class' ? '集中授课：理论 + 实操' : '集中研修',
        checkinKey: new Uint8Array(randomBytes(32)),
      }
      sessions.push(s)
      if (d >= today) continue
      for (const e of g.enrollments) {
        if (beijingDate(e.startDate) > d || !faker.datatype.boolean(0.85)) continue
        const viaQr = faker.datatype.boolean(0.8)
        const late = viaQr ? faker.number.int({ min: 0, max: 40 }) : 0
        const a = {
          id: newId(),
          sessionId: s.id,
          enrollmentId: e.id,
          method: viaQr ? ('qr' as const) : ('roster' as const),
          checkedInAt: new Date(s.startsAt.getTime() + late * 60_000),
          checkedOutAt: s.endsAt,
          creditedMinutes: 360 - late,
        }
        attendances.push(a)
        entries.push({
          enrollmentId: e.id,
          personId: e.personId,
          groupId: g.id,
          category: 'concentrated',
          minutes: a.creditedMinutes,
          occurredOn: day(d),
          source: 'attendance',
          sourceRef: a.id,
          reason: null,
          createdById: viaQr ? null : coordinatorId,
        })
      }
    }

    // Self-study and online time: each person has a pace (some ahead, most near, some far behind).
    const activityEnd = g.endDate && beijingDate(g.endDate) < today ? beijingDate(g.endDate) : addDays(today, -1)
    for (const e of g.enrollments) {
      const from = beijingDate(e.startDate)
      const span = daysBetween(from, activityEnd)
      if (span <= 0) continue
      // Required 学时 over the period: classes 360 学时 over 1–3 years; rounds 40–50 学时 over months.
      const pace = faker.helpers.weightedArrayElement([
        { weight: 2, value: 1.4 },
        { weight: 5, value: 1.0 },
        { weight: 2, value: 0.6 },
        { weight: 1, value: 0.15 },
      ])
      const weeks = Math.max(1, Math.floor(span / 7))
      for (let w = 0; w < weeks; w++) {
        const d = addDays(from, w * 7 + faker.number.int({ min: 0, max: 6 }))
        if (d > activityEnd) break
        if (g.kind === 'class') {
          // 360 学时 spread evenly over the study period at pace 1.0, split between self-study and online.
          const periodWeeks = daysBetween(from, beijingDate(e.periodEnd ?? day(addDays(from, 365 * 3)))) / 7
          const minutes = Math.round(((360 * 45) / periodWeeks) * faker.number.float({ min: 0.8, max: 1.25 }) * pace)
          if (minutes < 5) continue
          entries.push(entry(e, g.id, 'self_study', Math.round(minutes * 0.55), d, 'self_study_log'))
          entries.push(entry(e, g.id, 'online', Math.round(minutes * 0.45), d, 'online_tracking'))
        } else if (w % 2 === 0) {
          entries.push(
            entry(
              e,
              g.id,
              faker.helpers.arrayElement(['online', 'school_based'] as const),
              Math.round(faker.number.int({ min: 20, max: 60 }) * pace),
              d,
              'online_tracking',
            ),
          )
        }
      }
    }
  }

  await db.classSession.createMany({ data: sessions })
  for (let i = 0; i < attendances.length; i += 2000) await db.attendance.createMany({ data: attendances.slice(i, i + 2000) })
  for (let i = 0; i < entries.length; i += 2000) await db.hourEntry.createMany({ data: entries.slice(i, i + 2000) })
  return { sessions: sessions.length, attendances: attendances.length, entries: entries.length }

  function entry(e: { id: string; personId: string }, groupId: string, category: HourCategory, minutes: number, d: string, source: HourSource): Entry {
    // Seeded self-study and online entries stand for logs and lesson days that predate the demo; no source row.
    return {
      enrollmentId: e.id,
      personId: e.personId,
      groupId,
      category,
      minutes: Math.max(1, minutes),
      occurredOn: day(d),
      source,
      sourceRef: null,
      reason: null,
      createdById: null,
    }
  }
}
