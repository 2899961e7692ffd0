/**
 * The coordinator's person page links each class or round to its record of study only when
 * the viewer may act on it (DESIGN.md §11): the person's home-township coordinator reads the
 * person, and the county round they are in, but the round's record page is 404 for them, so
 * the page shows that round as plain text. Checked against the record page itself: a link is
 * offered exactly when the page it points to opens.
 */
import { beforeAll, expect, test } from 'vitest'
import * as enrollmentPage from '#app/routes/coordinator.enrollments.$enrollmentId.tsx'
import * as personPage from '#app/routes/coordinator.people.$personId.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, enroll, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld
let person: Awaited<ReturnType<typeof createEnrolledPerson>>['person']
let inClass: string
let inRound: string

beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db)
  // Lives in 者楼街道: in 者楼's class and in the county-wide round.
  const made = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  person = made.person
  inClass = made.enrollment.id
  inRound = (await enroll(db, { personId: person.id, group: world.groups.round })).id
})

async function personPageAs(cookie: string) {
  const res = await callRoute(personPage.loader as never, { url: `/coordinator/people/${person.id}`, cookie, params: { personId: person.id } })
  expect(res.status).toBe(200)
  const { enrollments } = res.value as Awaited<ReturnType<typeof personPage.loader>>
  return Object.fromEntries(enrollments.map((e) => [e.id, e.mayAct]))
}

const recordPageStatus = async (cookie: string, enrollmentId: string) =>
  (await callRoute(enrollmentPage.loader as never, { url: `/coordinator/enrollments/${enrollmentId}`, cookie, params: { enrollmentId } })).status

test.each([
  ['the home-township coordinator (者楼街道)', 'zhelou', { class: true, round: false }],
  ['the county coordinator', 'county', { class: true, round: true }],
])('%s: only the records they may act on are linked, and exactly those pages open', async (_name, region, expected) => {
  const coord = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions[region as 'zhelou' | 'county'].id })
  const mayAct = await personPageAs(coord.cookie)
  expect(mayAct).toEqual({ [inClass]: expected.class, [inRound]: expected.round })
  for (const [id, linked] of Object.entries(mayAct)) expect(await recordPageStatus(coord.cookie, id)).toBe(linked ? 200 : 404)
})

test('the admin may act on every enrollment: all are linked', async () => {
  const admin = await createUserWithSession(getDb(), { role: 'admin' })
  expect(await personPageAs(admin.cookie)).toEqual({ [inClass]: true, [inRound]: true })
})
