import { beforeAll, expect, test } from 'vitest'
import { appendHourEntry, correctHourEntry, LedgerError } from '#app/models/ledger.server.ts'
import { loadEnrollmentProgress } from '#app/models/progress.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld
beforeAll(async () => {
  world = await createTrainingWorld(getDb())
})

async function learnerWithEntry(minutes = 90) {
  const db = getDb()
  const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  const { entry } = await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: enrollment.id,
      category: 'self_study',
      minutes,
      date: '2026-04-02',
      source: 'adjustment',
      reason: '补录',
      createdById: null,
    }),
  )
  return { enrollment, entry }
}

test('the database refuses to change or delete a ledger entry, even outside the app', async () => {
  const db = getDb()
  const { entry } = await learnerWithEntry()
  await expect(db.$executeRawUnsafe(`UPDATE "HourEntry" SET "minutes" = 9999 WHERE "id" = ${entry.id}`)).rejects.toThrow(/append-only/)
  await expect(db.$executeRawUnsafe(`DELETE FROM "HourEntry" WHERE "id" = ${entry.id}`)).rejects.toThrow(/append-only/)
  await expect(db.$executeRawUnsafe(`TRUNCATE "HourEntry" CASCADE`)).rejects.toThrow(/append-only/)
  await expect(db.hourEntry.update({ where: { id: entry.id }, data: { minutes: 1 } })).rejects.toThrow()
  const after = await db.hourEntry.findUniqueOrThrow({ where: { id: entry.id } })
  expect(after.minutes).toBe(90)
})

test('every entry is audited in the same transaction, with the jurisdiction of the class', async () => {
  const { entry } = await learnerWithEntry(45)
  const events = await getDb().auditEvent.findMany({ where: { entityType: 'HourEntry', entityId: entry.id.toString() } })
  expect(events).toHaveLength(1)
  expect(events[0]).toMatchObject({ action: 'hours.credit', scopePath: world.regions.zhelou.path })
  expect(events[0]!.after).toMatchObject({ minutes: 45, category: 'self_study', date: '2026-04-02' })
})

test('a correction is a new negative entry with a reason, and progress subtracts it', async () => {
  const db = getDb()
  const { enrollment, entry } = await learnerWithEntry(90)
  const before = await loadEnrollmentProgress(db, enrollment.id, '2026-11-24')
  expect(before!.evaluation.requirements.find((r) => r.code === 'self-study-and-online')!.earnedMinutes).toBe(90)

  await expect(correctHourEntry(db, { entryId: entry.id, minutes: -30, reason: '  ', createdById: 'x' })).rejects.toThrow(LedgerError)
  await expect(correctHourEntry(db, { entryId: entry.id, minutes: -120, reason: '多记', createdById: 'x' })).rejects.toThrow(/不能超过/)
  const fix = await correctHourEntry(db, { entryId: entry.id, minutes: -30, reason: '多记了半小时', createdById: 'x' })
  expect(fix).toMatchObject({ minutes: -30, correctsId: entry.id, source: 'adjustment', reason: '多记了半小时' })

  const after = await loadEnrollmentProgress(db, enrollment.id, '2026-11-24')
  expect(after!.evaluation.requirements.find((r) => r.code === 'self-study-and-online')!.earnedMinutes).toBe(60)
  expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(2)
  // The rest can be reversed once; then nothing is left to correct.
  await correctHourEntry(db, { entryId: entry.id, reason: '整条作废', createdById: 'x' })
  await expect(correctHourEntry(db, { entryId: entry.id, reason: '再作废', createdById: 'x' })).rejects.toThrow(/已经全部更正/)
})

test('one credit per source row: the same attendance credited twice at once writes one entry', async () => {
  const db = getDb()
  const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  const credit = () =>
    db.$transaction((tx) =>
      appendHourEntry(tx, {
        enrollmentId: enrollment.id,
        category: 'concentrated',
        minutes: 360,
        date: '2026-05-10',
        source: 'attendance',
        sourceRef: 'att-1',
        createdById: null,
      }),
    )
  const results = await Promise.all([credit(), credit(), credit()])
  expect(results.filter((r) => r.created)).toHaveLength(1)
  expect(new Set(results.map((r) => r.entry.id))).toHaveProperty('size', 1)
  expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(1)
})

test('an adjustment outside the study period is refused when asked to stay within it', async () => {
  const db = getDb()
  const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  await expect(
    db.$transaction((tx) =>
      appendHourEntry(tx, {
        enrollmentId: enrollment.id,
        category: 'online',
        minutes: 45,
        date: '2026-02-28',
        source: 'adjustment',
        reason: '补录',
        createdById: null,
        requireWithinPeriod: true,
      }),
    ),
  ).rejects.toThrow(/不在学习期内/)
})

test('teacher hours from an earlier round count in the 5-year cycle but not in this round', async () => {
  const db = getDb()
  const { person, enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
  const earlier = await db.group.create({
    data: {
      id: `g-${enrollment.id}`,
      code: `OLD-${enrollment.id}`,
      name: '2025 轮训',
      programId: world.programs.teacher.id,
      kind: 'round',
      regionId: world.regions.county.id,
      startDate: new Date('2025-03-01'),
      endDate: new Date('2025-06-30'),
    },
  })
  const old = await db.enrollment.create({
    data: {
      id: `e-${enrollment.id}`,
      personId: person.id,
      groupId: earlier.id,
      programId: world.programs.teacher.id,
      startDate: earlier.startDate,
      periodEnd: earlier.endDate,
      status: 'completed',
    },
  })
  await db.$transaction(async (tx) => {
    await appendHourEntry(tx, { enrollmentId: old.id, category: 'concentrated', minutes: 40 * 45, date: '2026-04-01', source: 'transfer', createdById: null })
    await appendHourEntry(tx, {
      enrollmentId: enrollment.id,
      category: 'online',
      minutes: 10 * 45,
      date: '2026-10-01',
      source: 'adjustment',
      reason: '补录',
      createdById: null,
    })
  })
  const progress = await loadEnrollmentProgress(db, enrollment.id, '2026-11-24')
  const byCode = Object.fromEntries(progress!.evaluation.requirements.map((r) => [r.code, r]))
  expect(byCode['round-hours']).toMatchObject({ earnedHours: 10, requiredHours: 40, met: false })
  expect(byCode['cycle-hours']).toMatchObject({ earnedHours: 50, requiredHours: 360, met: false })
})
