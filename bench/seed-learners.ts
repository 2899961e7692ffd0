/** Benchmark data: the training world of the tests plus N enrolled learners, each with a user and a live session. */
import { sessionCookieName } from '#app/auth/cookie.server.ts'
import { createSession } from '#app/auth/session.server.ts'
import { personRow } from '#app/models/people.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { fakePerson } from '#tests/fixtures/factories.ts'
import { createTrainingWorld, offerWorldLessons } from '#tests/fixtures/training.ts'
import { currentPolicyVersion } from '#app/models/policies.server.ts'

export async function seedBench(db: Db, count: number) {
  const world = await createTrainingWorld(db)
  await offerWorldLessons(db, world)
  const group = world.groups.class
  const policyVersion = await currentPolicyVersion(db, group.programId)
  const people = new Map<string, ReturnType<typeof personRow>>()
  while (people.size < count) {
    const row = personRow({ ...fakePerson('adult_learner'), regionId: world.regions.zhelou.id })
    people.set(row.idHmac, row)
  }
  const rows = [...people.values()]
  const users = rows.map((p, i) => ({ id: newId(), username: `bench.${i}`, displayName: p.name, passwordHash: 'not-a-hash', personId: p.id }))
  for (let i = 0; i < rows.length; i += 1000) {
    const slice = rows.slice(i, i + 1000)
    await db.person.createMany({ data: slice })
    await db.enrollment.createMany({
      data: slice.map((p) => ({
        id: newId(),
        personId: p.id,
        groupId: group.id,
        programId: group.programId,
        policyVersion,
        startDate: group.startDate,
        periodEnd: new Date('2029-03-01T00:00:00Z'),
        studyYears: 3,
      })),
    })
    const userSlice = users.slice(i, i + 1000)
    await db.user.createMany({ data: userSlice })
    await db.roleAssignment.createMany({ data: userSlice.map((u) => ({ id: newId(), userId: u.id, role: 'learner' as const })) })
  }
  const learners: { personId: string; cookie: string }[] = []
  for (let i = 0; i < users.length; i += 50) {
    const batch = await Promise.all(users.slice(i, i + 50).map((u) => createSession(db, { userId: u.id, roles: ['learner'] })))
    batch.forEach(({ token }, j) => learners.push({ personId: users[i + j]!.personId, cookie: `${sessionCookieName()}=${token}` }))
  }
  return { learners, lessonId: world.lessons.lesson2.id, lessonNominalMinutes: world.lessons.lesson2.nominalMinutes }
}
