/**
 * Issue 10 finding 2 (the certificate half): verify URLs in the API answer,
 * on 我的证书, in the PDF (its text and its QR code) and on the check-in
 * screen come from the configured public origin, never from the request's
 * Host, so a forged Host cannot put its own address on a real certificate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { sessionCookieName } from '#app/auth/cookie.server.ts'
import { createSession } from '#app/auth/session.server.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import * as issueRoute from '#app/routes/api.v1.enrollments.$id.certificates.ts'
import * as pdfWebRoute from '#app/routes/certificates.$serial.pdf.tsx'
import * as myPage from '#app/routes/me_.certificates.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { resetEnvCache } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createTestUser } from '#tests/fixtures/db.ts'
import { decodeQr, flatText } from '#tests/fixtures/pdf.ts'
import { createEnrolledPerson, createTrainingWorld } from '#tests/fixtures/training.ts'

// XX_PUBLIC_URL unset, as on a demo machine: the links must say localhost, never the Host a caller sent.
const PUBLIC = 'http://localhost:3917'
const EVIL = 'http://evil.example'
const work = mkdtempSync(path.join(tmpdir(), 'xx-origin-'))
const saved = { url: process.env.XX_PUBLIC_URL, port: process.env.PORT }

beforeAll(() => {
  delete process.env.XX_PUBLIC_URL
  process.env.PORT = '3917'
  resetEnvCache()
})
afterAll(() => {
  for (const [k, v] of [
    ['XX_PUBLIC_URL', saved.url],
    ['PORT', saved.port],
  ] as const) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  resetEnvCache()
  rmSync(work, { recursive: true, force: true })
})

test('a certificate issued and read through a forged Host still points at the public origin', async () => {
  const db = getDb()
  const world = await createTrainingWorld(db)
  const { enrollment, person } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  await db.moralEvaluation.create({ data: { id: newId(), enrollmentId: enrollment.id, passed: true, createdAt: new Date('2026-10-01T02:00:00Z') } })
  await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: enrollment.id,
      category: 'online',
      minutes: 360 * 45,
      date: '2026-09-01',
      source: 'transfer',
      reason: '测试补录',
      createdById: null,
    }),
  )
  await db.earlyGraduationRequest.create({
    data: {
      id: newId(),
      enrollmentId: enrollment.id,
      status: 'approved',
      reviewedAt: new Date('2026-10-02T02:00:00Z'),
      createdAt: new Date('2026-10-01T03:00:00Z'),
    },
  })
  const coord = await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
  const { token } = await createSession(db, { userId: coord.id, roles: ['coordinator'] })

  const issued = await issueRoute.action({
    request: new Request(`${EVIL}/api/v1/enrollments/${enrollment.id}/certificates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', host: 'evil.example' },
      body: JSON.stringify({ type: 'graduation' }),
    }),
    params: { id: enrollment.id },
    context: { ip: '10.0.0.1' },
  } as never)
  expect(issued.status).toBe(201)
  const answer = (await issued.json()) as { serial: string; verifyUrl: string; verificationCode: string }
  expect(answer.verifyUrl).toBe(`${PUBLIC}/v/${answer.verificationCode}`)

  const holder = await createTestUser(db, { role: 'learner', personId: person.id })
  const session = await createSession(db, { userId: holder.id, roles: ['learner'] })
  const cookie = `${sessionCookieName()}=${session.token}`
  const mine = (await myPage.loader({
    request: new Request(`${EVIL}/me/certificates`, { headers: { cookie, host: 'evil.example' } }),
    params: {},
    context: { ip: '10.0.0.2' },
  } as never)) as {
    certificates: { verifyUrl: string }[]
  }
  expect(mine.certificates.map((c) => c.verifyUrl)).toEqual([answer.verifyUrl])

  const pdf = (await pdfWebRoute.loader({
    request: new Request(`${EVIL}/certificates/${answer.serial}/pdf`, { headers: { cookie, host: 'evil.example' } }),
    params: { serial: answer.serial },
    context: { ip: '10.0.0.2' },
  } as never)) as Response
  expect(pdf.status).toBe(200)
  const file = path.join(work, 'c.pdf')
  writeFileSync(file, new Uint8Array(await pdf.arrayBuffer()))
  expect(flatText(file)).toContain(answer.verifyUrl.replace(/^https?:\/\//, ''))
  expect(flatText(file)).not.toContain('evil.example')
  expect(decodeQr(file, { workDir: work })).toBe(answer.verifyUrl)
})
