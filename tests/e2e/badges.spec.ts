import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { expect, signIn, test } from './fixtures.ts'

test('the Open Badges issuer profile, key set and status list are public and verify', async ({ request }) => {
  const profile = await request.get('/ob/issuer')
  expect(profile.status()).toBe(200)
  const doc = await profile.json()
  expect(doc.type).toEqual(['Profile'])
  const jwksRes = await request.get('/ob/jwks.json')
  expect(jwksRes.status()).toBe(200)
  const jwks = (await jwksRes.json()) as JSONWebKeySet
  expect(jwks.keys[0]!.kid).toBe(doc.verificationMethod[0].id)
  const status = await request.get('/ob/status/1')
  expect(status.status()).toBe(200)
  expect(status.headers()['content-type']).toBe('application/vc+jwt')
  const { payload } = await jwtVerify(await status.text(), createLocalJWKSet(jwks), { algorithms: ['EdDSA'] })
  expect(payload.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential'])
  expect(payload.iss).toBe(doc.id)
})

test('a county bureau user exports the household register from the bureau home @desktop', async ({ page, makeUser, db }) => {
  const user = await makeUser({ role: 'bureau', scopeRegionCode: '522327' })
  await signIn(page, user.username, user.password)
  await page.goto('/bureau')
  await page.getByRole('link', { name: '导出公安户籍名单' }).click()
  await expect(page.getByRole('heading', { name: '公安户籍名单导出' })).toBeVisible()
  await page.getByLabel('验印日期从').fill('2026-01-01')
  await page.getByLabel('验印日期到').fill('2026-12-31')
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()])
  expect(download.suggestedFilename()).toBe('公安户籍名单-2026-01-01至2026-12-31.xlsx')
  const audit = await db.auditEvent.findFirst({ where: { action: 'export.household_register', actorId: user.id } })
  expect(audit?.after).toMatchObject({ from: '2026-01-01', to: '2026-12-31' })
})
