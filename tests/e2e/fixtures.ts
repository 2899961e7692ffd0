/**
 * Playwright fixtures: a database handle on the e2e server's database, users
 * made for one test and removed after it, and a sign-in helper.
 */
import { test as base, expect, type Page } from '@playwright/test'
import type { Role } from '#app/generated/prisma/enums.ts'
import { phoneFields } from '#app/models/people.server.ts'
import { createDb, type Db } from '#app/utils/db.server.ts'
import { createPersonIn, createTestUser } from '#tests/fixtures/db.ts'
import { enroll } from '#tests/fixtures/training.ts'

export const SEED_PASSWORD = process.env.XX_SEED_PASSWORD ?? 'XiangXue-demo-2026'

let shared: Db | undefined
function db(): Db {
  const url = process.env.XX_E2E_DATABASE_URL ?? process.env.DATABASE_URL
  if (!url) throw new Error('XX_E2E_DATABASE_URL is not set: run the e2e tests through npm test')
  // Factories that encrypt ID numbers read the server's keys through the validated environment,
  // which also wants DATABASE_URL.
  process.env.DATABASE_URL ??= url
  shared ??= createDb(url)
  return shared
}

type MadeUser = { id: string; username: string; password: string; personId: string | null; phone: string | null }

/** A mobile number nobody else in this run has (137 + 8 random digits; the stand-in never sends to a real phone). */
export function randomPhone() {
  return `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
}

/** The e2e server's SMS stand-in (playwright.config.ts: XX_E2E_PORT + 1). */
export const SMS_STANDIN = `http://127.0.0.1:${Number(process.env.XX_E2E_SMS_PORT ?? Number(process.env.XX_E2E_PORT ?? 3111) + 1)}`

/** The code of the latest SMS the stand-in received for `phone` (waits for it a few seconds); `after` skips the first n messages. */
export async function smsCodeFor(phone: string, opts: { after?: number } = {}): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const messages = (await (await fetch(`${SMS_STANDIN}/messages?phone=${phone}`)).json()) as { params: { code?: string } }[]
    const fresh = messages.slice(opts.after ?? 0)
    const code = fresh.at(-1)?.params.code
    if (code) return code
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no SMS for ${phone} at ${SMS_STANDIN}`)
}

/** How many SMS the stand-in has received for `phone`. */
export async function smsCount(phone: string): Promise<number> {
  return ((await (await fetch(`${SMS_STANDIN}/messages?phone=${phone}`)).json()) as unknown[]).length
}

export const test = base.extend<{
  db: Db
  makeUser: (opts: {
    role: Role
    scopeRegionCode?: string
    mustChangePassword?: boolean
    personId?: string
    canVerifyGraduation?: boolean
    /** A phone of record: set on `personId`'s person, or on a new person of 者楼街道 linked to the user. */
    phone?: string
  }) => Promise<MadeUser>
}>({
  db: async ({}, use) => {
    await use(db())
  },
  makeUser: async ({}, use) => {
    const made: string[] = []
    await use(async ({ role, scopeRegionCode, mustChangePassword = false, personId, canVerifyGraduation = false, phone }) => {
      const region = scopeRegionCode ? await db().region.findUniqueOrThrow({ where: { code: scopeRegionCode } }) : null
      if (phone) {
        if (!personId) {
          const home = await db().region.findUniqueOrThrow({ where: { code: '522327001' } })
          personId = (await createPersonIn(db(), home.id, role === 'teacher' ? 'teacher' : 'adult_learner')).id
        }
        await db().person.update({ where: { id: personId }, data: phoneFields(phone) })
      }
      const user = await createTestUser(db(), {
        role,
        scopeRegionId: region?.id ?? null,
        mustChangePassword,
        personId: personId ?? null,
        username: `e2e.${role}.${Math.random().toString(36).slice(2, 10)}`,
        password: `e2e pass ${Math.random().toString(36).slice(2, 12)}`,
      })
      made.push(user.id)
      // A prefecture bureau user who may verify graduation certificates (州教育局验印).
      if (canVerifyGraduation) await db().roleAssignment.updateMany({ where: { userId: user.id }, data: { canVerifyGraduation: true } })
      return { ...user, personId: personId ?? null, phone: phone ?? null }
    })
    await db().user.deleteMany({ where: { id: { in: made } } })
  },
})

export { expect }

/**
 * A new person of a seeded township enrolled in a seeded class or round (by default a learner
 * of 者楼街道 in CH2026-ZZ01). People and their hours stay in the throwaway e2e database: the
 * ledger is append-only.
 */
export async function personInSeededGroup(opts: { groupCode?: string; regionCode?: string; kind?: 'adult_learner' | 'teacher' } = {}) {
  const group = await db().group.findUniqueOrThrow({ where: { code: opts.groupCode ?? 'CH2026-ZZ01' } })
  const region = await db().region.findUniqueOrThrow({ where: { code: opts.regionCode ?? '522327001' } })
  const person = await createPersonIn(db(), region.id, opts.kind ?? 'adult_learner')
  const enrollment = await enroll(db(), { personId: person.id, group })
  return { person, enrollment, group }
}

export async function signIn(page: Page, username: string, password: string) {
  await page.goto('/login')
  await page.getByLabel('用户名或手机号').fill(username)
  await page.getByLabel('密码').fill(password)
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/login') && r.request().method() === 'POST'),
    page.getByRole('button', { name: '登录' }).click(),
  ])
  await page.waitForLoadState()
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: '退出登录' }).click()
  await expect(page.getByText('您已安全退出。')).toBeVisible()
}
