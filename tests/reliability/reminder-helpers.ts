/** Shared by the reminder reliability tests: N learners each owed one SMS, and a real worker process. */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { createNotices, type NewNotice } from '#app/models/notifications.server.ts'
import { personRow } from '#app/models/people.server.ts'
import { reminderText } from '#app/domain/notices.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { fakePerson, fakePhone } from '#tests/fixtures/factories.ts'
import { createTrainingWorld, enroll } from '#tests/fixtures/training.ts'

export const root = path.resolve(import.meta.dirname, '../..')
/** 09:00 Beijing on a past day: the deliveries are due at once, whatever the real clock says about quiet hours. */
export const DAYTIME = new Date('2026-11-30T01:00:00Z')

/** n learners with a phone and an account, each with one behind-pace reminder (one SMS delivery); returns the delivery ids. */
export async function seedDeliveries(db: Db, n: number): Promise<string[]> {
  const world = await createTrainingWorld(db)
  const persons = Array.from({ length: n }, () =>
    personRow({ ...fakePerson('adult_learner'), phone: fakePhone(), regionId: world.regions.zhelou.id }, '2026-11-30'),
  )
  await db.person.createMany({ data: persons })
  const users = persons.map((p) => ({ id: newId(), username: `r.${p.id}`, displayName: p.name, personId: p.id }))
  await db.user.createMany({ data: users })
  const notices: NewNotice[] = []
  for (const [i, p] of persons.entries()) {
    const e = await enroll(db, { personId: p.id, group: world.groups.class })
    notices.push({
      userId: users[i]!.id,
      rule: 'behind_pace',
      dedupKey: `behind_pace:${p.id}:2026-W49`,
      enrollmentId: e.id,
      text: reminderText('behind_pace', { hours: String(10 + (i % 30)), perWeek: '6.5' }),
      link: '/me',
      sms: true,
      email: false,
    })
  }
  const { deliveries } = await createNotices(db, notices, DAYTIME)
  return deliveries.map((d) => d.id)
}

export function startWorkerProcess(env: Record<string, string>, children: ChildProcess[]): ChildProcess {
  // node itself with tsx's loader (not the tsx CLI, whose second node process a SIGKILL would orphan).
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
    cwd: root,
    env: { ...process.env, XX_WORKER_LOCK_MS: '5000', XX_WORKER_STALLED_MS: '2500', XX_DELIVERY_LEASE_MS: '9000', XX_DELIVERY_RETRY_MS: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d: Buffer) => process.env.XX_TEST_VERBOSE && process.stdout.write(d))
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d))
  children.push(child)
  return child
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

export function killAll(children: ChildProcess[]) {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
}
