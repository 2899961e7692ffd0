/**
 * "Which regions a new person may be placed in" is one rule (placementRegions in
 * app/models/people.server.ts): the registration page offers those regions, and the group
 * enroll page filters people by the same townships, for a township and a county coordinator.
 */
import { beforeAll, expect, test } from 'vitest'
import * as enrollPage from '#app/routes/coordinator.groups.$groupId_.enroll.tsx'
import * as newPersonPage from '#app/routes/coordinator.people.new.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld

beforeAll(async () => {
  world = await createTrainingWorld(getDb())
})

test.each([
  ['the township coordinator (者楼街道)', 'zhelou', ['者楼街道']],
  ['the county coordinator (册亨县)', 'county', ['者楼街道', '高洛街道']],
])('%s: the enroll page filters by exactly the regions the registration page places people in', async (_name, region, names) => {
  const coord = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions[region as 'zhelou' | 'county'].id })
  const registration = await callRoute(newPersonPage.loader as never, { url: '/coordinator/people/new', cookie: coord.cookie })
  const placed = (registration.value as Awaited<ReturnType<typeof newPersonPage.loader>>).regions
  expect(placed.map((r) => r.name)).toEqual(names)

  // 者楼's class lies in both coordinators' scope.
  const group = world.groups.class
  const enroll = await callRoute(enrollPage.loader as never, {
    url: `/coordinator/groups/${group.id}/enroll`,
    cookie: coord.cookie,
    params: { groupId: group.id },
  })
  expect(enroll.status).toBe(200)
  expect((enroll.value as Awaited<ReturnType<typeof enrollPage.loader>>).regions).toEqual(placed)
})
