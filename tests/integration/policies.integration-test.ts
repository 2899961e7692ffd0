import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, expect, test } from 'vitest'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import { POLICY_DIR, readPolicyFiles, syncPolicies } from '#app/models/policies.server.ts'
import { loadEnrollmentProgress } from '#app/models/progress.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { createEnrolledPerson, createTrainingWorld, enroll, type TrainingWorld } from '#tests/fixtures/training.ts'
import { createPersonIn } from '#tests/fixtures/db.ts'

let world: TrainingWorld
beforeAll(async () => {
  world = await createTrainingWorld(getDb())
})

async function policyDirWith(edit: (yaml: string) => string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'xx-policies-'))
  for (const file of ['skills-credential.yaml', 'teacher-training.yaml']) {
    const text = await readFile(path.join(POLICY_DIR, file), 'utf8')
    await writeFile(path.join(dir, file), file.startsWith('skills') ? edit(text) : text)
  }
  return dir
}

test('syncing the same content twice changes nothing', async () => {
  const db = getDb()
  const before = await db.policy.findMany({ orderBy: { id: 'asc' } })
  expect(await syncPolicies(db)).toEqual({ added: [], unchanged: ['skills-credential@2026.1', 'teacher-training@2026.1'] })
  expect(await db.policy.findMany({ orderBy: { id: 'asc' } })).toEqual(before)
})

test('changed rules under an existing version number are refused, naming the file', async () => {
  const dir = await policyDirWith((y) => y.replace('minHours: 360', 'minHours: 300'))
  await expect(syncPolicies(getDb(), await readPolicyFiles(dir))).rejects.toThrow(/skills-credential\.yaml.*raise the version/)
})

test('a new version is stored beside the old one; an enrollment keeps the version it started under', async () => {
  const db = getDb()
  const { enrollment: old } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  expect(old.policyVersion).toBe('2026.1')

  const dir = await policyDirWith((y) => y.replace('version: "2026.1"', 'version: "2026.2"').replace('minHours: 360', 'minHours: 400'))
  expect((await syncPolicies(db, await readPolicyFiles(dir))).added).toEqual(['skills-credential@2026.2'])

  const person = await createPersonIn(db, world.regions.zhelou.id)
  const fresh = await enroll(db, { personId: person.id, group: world.groups.class })
  expect(fresh.policyVersion).toBe('2026.2')

  for (const e of [old, fresh]) {
    await db.$transaction((tx) =>
      appendHourEntry(tx, {
        enrollmentId: e.id,
        category: 'online',
        minutes: 450,
        date: '2026-04-01',
        source: 'adjustment',
        reason: '补录',
        createdById: null,
      }),
    )
  }
  const required = async (id: string) =>
    (await loadEnrollmentProgress(db, id, '2026-11-24'))!.evaluation.requirements.find((r) => r.code === 'self-study-and-online')!.requiredHours
  expect(await required(old.id)).toBe(360)
  expect(await required(fresh.id)).toBe(400)
})
