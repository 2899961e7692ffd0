/**
 * Integration tokens (issue 14): the admin's page /admin/tokens creates a
 * service account (a User without a person or password, its role and scope a
 * grant) and a token shown once; the token reads into the same CurrentUser as
 * a session of that account; it stops at once when revoked, expired or the
 * account is disabled; creating and revoking are audited. The reference page
 * /api/docs is for signed-in staff.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { userForSessionToken } from '#app/auth/permissions.server.ts'
import { createSession } from '#app/auth/session.server.ts'
import { userForApiToken } from '#app/models/api-tokens.server.ts'
import { setUserDisabled } from '#app/models/users.server.ts'
import * as tokensPage from '#app/routes/admin.tokens.tsx'
import * as docsPage from '#app/routes/api.docs.tsx'
import * as programsApi from '#app/routes/api.v1.programs.ts'
import { getDb } from '#app/utils/db.server.ts'
import { beijingDate } from '#app/domain/time.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'
import { newId } from '#app/utils/ids.server.ts'

type Route = Parameters<typeof callRoute>[0]
let world: TrainingWorld
let admin: Awaited<ReturnType<typeof createUserWithSession>>
const today = beijingDate(new Date())
const inDays = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

beforeAll(async () => {
  world = await createTrainingWorld(getDb())
  admin = await createUserWithSession(getDb(), { role: 'admin' })
})

const post = (cookie: string, fields: Record<string, string>) =>
  callRoute(tokensPage.action as Route, { url: '/admin/tokens', cookie, method: 'POST', body: new URLSearchParams(fields) })

const form = (extra: Record<string, string> = {}) => ({
  intent: 'create',
  username: `svc.sync-${newId().slice(0, 6).toLowerCase()}`,
  role: 'coordinator',
  scope: `region:${world.regions.county.id}`,
  expiresOn: inDays(90),
  note: '省平台学时同步',
  ...extra,
})

async function programsWith(token: string) {
  const request = new Request('http://localhost/api/v1/programs', { headers: { authorization: `Bearer ${token}` } })
  return (programsApi.loader as (a: unknown) => Promise<Response>)({
    request,
    params: {},
    context: { ip: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
  })
}

describe('/admin/tokens', () => {
  test('creates a service account and its token, shown once; the list shows it (never the secret) with its last use', async () => {
    const db = getDb()
    const fields = form()
    const created = await post(admin.cookie, fields)
    expect(created.status).toBe(200)
    const answer = (created.value as { data: { ok: true; created: { username: string; token: string } } }).data
    expect(answer.ok).toBe(true)
    const token = answer.created.token
    expect(token).toMatch(/^xxt\.[a-z2-7]{24}\.[a-z2-7]{52}$/)
    const account = await db.user.findUniqueOrThrow({ where: { username: fields.username }, include: { roles: true } })
    expect(account).toMatchObject({ personId: null, passwordHash: null, disabled: false })
    expect(account.roles).toMatchObject([{ role: 'coordinator', scopeRegionId: world.regions.county.id, canVerifyGraduation: false }])
    const row = await db.apiToken.findFirstOrThrow({ where: { userId: account.id } })
    expect(row.note).toBe('省平台学时同步')
    // Stored as SHA-256 of the secret, never the secret.
    expect(row.secretHash.length).toBe(32)
    expect(JSON.stringify(row)).not.toContain(token.split('.')[2])
    expect(await db.auditEvent.count({ where: { action: 'api_token.create', entityId: row.id, actorId: admin.id } })).toBe(1)

    expect((await programsWith(token)).status).toBe(200)
    const listed = await callRoute(tokensPage.loader as Route, { url: '/admin/tokens', cookie: admin.cookie })
    const mine = (listed.value as { tokens: { id: string; lastUsedAt: string | null; state: string }[] }).tokens.find((t) => t.id === row.id)!
    expect(mine).toMatchObject({ state: 'active', lastUsedAt: expect.any(String) })
    expect(JSON.stringify(listed.value)).not.toContain(token.split('.')[2])
  })

  test('the token reads into the same roles and scopes as a session of the same account', async () => {
    const db = getDb()
    const fields = form({ role: 'bureau', scope: `region:${world.regions.prefecture.id}`, canVerifyGraduation: 'on' })
    const { token } = ((await post(admin.cookie, fields)).value as { data: { created: { token: string } } }).data.created
    const account = await db.user.findUniqueOrThrow({ where: { username: fields.username } })
    const session = await createSession(db, { userId: account.id, roles: ['bureau'] })
    const viaToken = await userForApiToken(db, token)
    const viaSession = await userForSessionToken(session.token)
    expect(viaToken!.user.grants).toEqual(viaSession!.grants)
    expect(viaToken!.user.grants).toMatchObject([{ role: 'bureau', canVerifyGraduation: true, scope: { kind: 'region', code: '5223' } }])
    expect({ ...viaToken!.user, sessionId: '', signInMethod: '' }).toEqual({ ...viaSession!, sessionId: '', signInMethod: '' })
  })

  test.each([
    ['an expiry in the past', { expiresOn: inDays(-1) }, 'expiresOn'],
    ['an expiry more than a year ahead', { expiresOn: inDays(400) }, 'expiresOn'],
    ['a coordinator without a scope', { scope: 'all' }, 'scope'],
    ['a learner service account', { role: 'learner' }, 'role'],
    ['verifying graduation as a coordinator', { canVerifyGraduation: 'on' }, 'canVerifyGraduation'],
    ['no note', { note: '  ' }, 'note'],
    ['a bad account name', { username: 'Svc Sync!' }, 'username'],
  ])('refuses %s, in Chinese, naming the field; nothing is created', async (_name, change, field) => {
    const fields = form(change)
    const before = await getDb().apiToken.count()
    const refused = await post(admin.cookie, fields)
    expect(refused.status).toBe(422)
    const answer = (refused.value as { data: { ok: false; field: string; message: string } }).data
    expect(answer).toMatchObject({ ok: false, field })
    expect(answer.message).toMatch(/[\u4e00-\u9fff]/)
    expect(await getDb().apiToken.count()).toBe(before)
  })

  test('a taken name is 409; only an admin opens the page', async () => {
    const fields = form()
    expect((await post(admin.cookie, fields)).status).toBe(200)
    expect((await post(admin.cookie, fields)).status).toBe(409)
    const coordinator = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.county.id })
    expect((await callRoute(tokensPage.loader as Route, { url: '/admin/tokens', cookie: coordinator.cookie })).status).toBe(403)
    expect((await post(coordinator.cookie, form())).status).toBe(403)
    expect((await callRoute(tokensPage.loader as Route, { url: '/admin/tokens' })).status).toBe(302)
  })

  test('revoked, expired or its account disabled: 401 at once; revoking twice is 409; revoking is audited', async () => {
    const db = getDb()
    const make = async () => {
      const fields = form()
      const { token } = ((await post(admin.cookie, fields)).value as { data: { created: { token: string } } }).data.created
      const row = await db.apiToken.findFirstOrThrow({ where: { user: { username: fields.username } } })
      expect((await programsWith(token)).status).toBe(200)
      return { token, row }
    }
    const revoked = await make()
    expect((await post(admin.cookie, { intent: 'revoke', id: revoked.row.id })).status).toBe(200)
    expect((await programsWith(revoked.token)).status).toBe(401)
    expect((await post(admin.cookie, { intent: 'revoke', id: revoked.row.id })).status).toBe(409)
    expect(await db.auditEvent.count({ where: { action: 'api_token.revoke', entityId: revoked.row.id } })).toBe(1)

    const expired = await make()
    await db.apiToken.update({ where: { id: expired.row.id }, data: { expiresAt: new Date(Date.now() - 1000) } })
    expect((await programsWith(expired.token)).status).toBe(401)

    const disabled = await make()
    await setUserDisabled(db, { actorId: admin.id, userId: disabled.row.userId, disabled: true })
    expect((await programsWith(disabled.token)).status).toBe(401)

    // A wrong secret with a real id is refused like an unknown token.
    const forged = `${disabled.token.split('.').slice(0, 2).join('.')}.${'a'.repeat(52)}`
    await setUserDisabled(db, { actorId: admin.id, userId: disabled.row.userId, disabled: false })
    expect((await programsWith(disabled.token)).status).toBe(200)
    expect((await programsWith(forged)).status).toBe(401)
  })
})

describe('/api/docs', () => {
  test('signed-in staff read the reference, built from the OpenAPI document; others do not', async () => {
    const coordinator = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const page = await callRoute(docsPage.loader as Route, { url: '/api/docs', cookie: coordinator.cookie })
    expect(page.status).toBe(200)
    const reference = page.value as { operations: { method: string; path: string }[]; schemas: { id: string }[] }
    expect(reference.operations.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/hours/batch', 'GET /api/v1/groups/{code}/enrollments']),
    )
    expect(reference.schemas.map((s) => s.id)).toContain('HoursBatchRequest')
    const learner = await createUserWithSession(getDb(), { role: 'learner' })
    expect((await callRoute(docsPage.loader as Route, { url: '/api/docs', cookie: learner.cookie })).status).toBe(403)
    expect((await callRoute(docsPage.loader as Route, { url: '/api/docs' })).status).toBe(302)
  })
})
