/**
 * Certificates against real rows: one per enrollment and type (also when two
 * issuers race), serials contiguous per county/year/type with no gap after a
 * rolled-back issue, not_eligible with reasons, no DELETE, revocation with a
 * reason, prefecture verification by the right bureau only, and the API.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { CertificateSnapshot } from '#app/domain/certificates.ts'
import { evidenceKeyForViewer } from '#app/models/exemptions.server.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import {
  CertificateError,
  findByVerificationCode,
  graduationVerifierPaths,
  issueCertificate,
  publicView,
  revokeCertificate,
  verifyCertificates,
} from '#app/models/certificates.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createSession } from '#app/auth/session.server.ts'
import * as issueRoute from '#app/routes/api.v1.enrollments.$id.certificates.ts'
import * as revokeRoute from '#app/routes/api.v1.certificates.$serial.revoke.ts'
import * as verifyRoute from '#app/routes/api.v1.certificates.$serial.prefecture-verification.ts'
import * as publicRoute from '#app/routes/api.v1.public.certificates.$code.ts'
import * as verifyPage from '#app/routes/v.$code.tsx'
import { buildOpenApiDocument } from '#app/api/openapi.server.ts'
import * as pdfApiRoute from '#app/routes/api.v1.certificates.$serial.pdf.ts'
import * as queuePage from '#app/routes/bureau.verification.tsx'
import * as pdfWebRoute from '#app/routes/certificates.$serial.pdf.tsx'
import * as coordPage from '#app/routes/coordinator.enrollments.$enrollmentId_.certificates.tsx'
import * as myPage from '#app/routes/me_.certificates.tsx'
import * as enrollmentPage from '#app/routes/coordinator.enrollments.$enrollmentId.tsx'
import { callRoute, createTestUser, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const TODAY = '2026-11-24'
const H = 45
let world: TrainingWorld
let coordinatorId: string

async function hours(db: Db, enrollmentId: string, category: 'online' | 'concentrated', minutes: number, date: string) {
  await db.$transaction((tx) => appendHourEntry(tx, { enrollmentId, category, minutes, date, source: 'transfer', reason: '测试补录', createdById: null }))
}

/**
 * A learner in the class who may graduate now: moral evaluation passed, 360 学时 online, no plan
 * courses, and (the period runs to 2029) an approved early-graduation application.
 */
async function eligibleLearner(db: Db, group: { id: string; programId: string; startDate: Date } = world.groups.class) {
  const { enrollment, person } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group })
  await db.moralEvaluation.create({ data: { id: newId(), enrollmentId: enrollment.id, passed: true, createdAt: new Date('2026-10-01T02:00:00Z') } })
  await hours(db, enrollment.id, 'online', 360 * H, '2026-09-01')
  await db.earlyGraduationRequest.create({
    data: {
      id: newId(),
      enrollmentId: enrollment.id,
      status: 'approved',
      reviewedAt: new Date('2026-10-02T02:00:00Z'),
      createdAt: new Date('2026-10-01T03:00:00Z'),
    },
  })
  return { enrollment, person }
}

test('a learner eligible before the period ends gets no graduation certificate until early graduation is approved', async () => {
  const db = getDb()
  const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  await db.moralEvaluation.create({ data: { id: newId(), enrollmentId: enrollment.id, passed: true, createdAt: new Date('2026-10-01T02:00:00Z') } })
  await hours(db, enrollment.id, 'online', 360 * H, '2026-09-01')
  const refused = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'graduation', actorId: null }).catch((e: unknown) => e)
  expect(refused).toBeInstanceOf(CertificateError)
  expect((refused as CertificateError).code).toBe('not_eligible')
  expect((refused as CertificateError).reasons.join('')).toContain('提前毕业')
  expect(await db.certificate.count({ where: { enrollmentId: enrollment.id } })).toBe(0)
})

async function teacherDone(db: Db) {
  const { enrollment, person } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
  await hours(db, enrollment.id, 'concentrated', 40 * H, '2026-10-10')
  return { enrollment, person }
}

async function grantVerifier(db: Db, regionId: string, canVerifyGraduation = true, role: 'bureau' | 'coordinator' = 'bureau') {
  const u = await createTestUser(db, { role, scopeRegionId: regionId })
  await db.roleAssignment.updateMany({ where: { userId: u.id }, data: { canVerifyGraduation } })
  return u
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(`${TODAY}T06:00:00Z`) })
  const db = getDb()
  world = await createTrainingWorld(db)
  coordinatorId = (await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })).id
})

afterAll(() => {
  vi.useRealTimers()
})

describe('issuing', () => {
  test('a graduation certificate: serial of the county, pending verification, snapshot, audit; asking again returns it', async () => {
    const db = getDb()
    const { enrollment, person } = await eligibleLearner(db)
    const first = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'graduation', actorId: coordinatorId, ip: '10.0.0.1' })
    expect(first.created).toBe(true)
    const c = first.certificate
    expect(c.serial).toMatch(/^522327-2026-B-\d{6}$/)
    expect(c.status).toBe('pending_verification')
    expect(c.verificationCode).toMatch(/^[a-z2-7]{20}$/)
    const s = c.snapshot as unknown as CertificateSnapshot
    expect(s).toMatchObject({
      type: 'graduation',
      holderName: person.name,
      idNumberMasked: person.idMasked,
      programName: '职业技能学历双提升',
      groupName: '测试种植班',
      majorName: '种植',
      countyName: '册亨县',
      issuedOn: TODAY,
      // Graduated early: the study ends on the day early graduation was approved (DESIGN.md §11), not at the period's end in 2029.
      endDate: '2026-10-02',
      hours: 360,
      minutes: 360 * H,
      withdrawal: null,
    })
    expect(s.idNumberMasked).not.toMatch(/^\d{18}$/)
    // The enrollment is now graduated; asking again answers the same certificate.
    expect((await db.enrollment.findUniqueOrThrow({ where: { id: enrollment.id } })).status).toBe('graduated')
    const again = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'graduation', actorId: coordinatorId })
    expect(again).toMatchObject({ created: false, certificate: { serial: c.serial, id: c.id } })
    const audits = await db.auditEvent.findMany({ where: { action: 'certificate.issue', entityId: c.id } })
    expect(audits).toHaveLength(1)
    expect(audits[0]!.scopePath).toBe(world.regions.zhelou.path)
  })

  test('two issuers at once get one certificate with one serial', async () => {
    const db = getDb()
    const { enrollment } = await teacherDone(db)
    const results = await Promise.all([0, 1, 2, 3].map(() => issueCertificate(db, { enrollmentId: enrollment.id, type: 'training', actorId: coordinatorId })))
    expect(new Set(results.map((r) => r.certificate.serial)).size).toBe(1)
    expect(results.filter((r) => r.created)).toHaveLength(1)
    expect(await db.certificate.count({ where: { enrollmentId: enrollment.id } })).toBe(1)
    expect(results[0]!.certificate.status).toBe('valid')
    expect((results[0]!.certificate.snapshot as unknown as CertificateSnapshot).hours).toBe(40)
  })

  test('serials are contiguous per county, year and type, also after a refused issue and under concurrency', async () => {
    const db = getDb()
    const learners = [] as string[]
    for (let i = 0; i < 5; i++) learners.push((await teacherDone(db)).enrollment.id)
    const before = await db.serialCounter.findUnique({ where: { countyCode_year_type: { countyCode: '522327', year: 2026, type: 'training' } } })
    const start = before?.lastValue ?? 0
    await issueCertificate(db, { enrollmentId: learners[0]!, type: 'training', actorId: coordinatorId })
    // A refused issue inside the transaction (the round is not complete for this one) leaves no gap.
    const notDone = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
    await expect(issueCertificate(db, { enrollmentId: notDone.enrollment.id, type: 'training', actorId: coordinatorId })).rejects.toThrow(CertificateError)
    // A rolled-back issue after the counter moved gives the number back: a trigger (this test's) fails the insert for one enrollment.
    await db.$executeRawUnsafe(`CREATE FUNCTION xx_test_fail_cert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."enrollmentId" = '${learners[1]}' THEN RAISE EXCEPTION 'disk full (test)'; END IF; RETURN NEW; END $$`)
    await db.$executeRawUnsafe(`CREATE TRIGGER xx_test_fail_cert BEFORE INSERT ON "Certificate" FOR EACH ROW EXECUTE FUNCTION xx_test_fail_cert()`)
    await expect(issueCertificate(db, { enrollmentId: learners[1]!, type: 'training', actorId: coordinatorId })).rejects.toThrow(/disk full/)
    await db.$executeRawUnsafe(`DROP TRIGGER xx_test_fail_cert ON "Certificate"`)
    expect(await db.certificate.count({ where: { enrollmentId: learners[1]! } })).toBe(0)
    expect(
      (await db.serialCounter.findUniqueOrThrow({ where: { countyCode_year_type: { countyCode: '522327', year: 2026, type: 'training' } } })).lastValue,
    ).toBe(start + 1)
    await Promise.all(learners.slice(1).map((id) => issueCertificate(db, { enrollmentId: id, type: 'training', actorId: coordinatorId })))
    const rows = await db.certificate.findMany({ where: { enrollmentId: { in: learners } }, orderBy: { sequence: 'asc' } })
    expect(rows.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5].map((n) => start + n))
    expect(rows.map((r) => r.serial)).toEqual([1, 2, 3, 4, 5].map((n) => `522327-2026-P-${String(start + n).padStart(6, '0')}`))
  })

  test('not eligible: refused with the outcome reasons, nothing written', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const error = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'graduation', actorId: coordinatorId }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CertificateError)
    expect((error as CertificateError).code).toBe('not_eligible')
    expect((error as CertificateError).reasons.join(' ')).toContain('学时')
    const wrongType = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'study_record', actorId: coordinatorId }).catch((e: unknown) => e)
    expect((wrongType as CertificateError).code).toBe('not_eligible')
    expect(await db.certificate.count({ where: { enrollmentId: enrollment.id } })).toBe(0)
    const missing = await issueCertificate(db, { enrollmentId: 'nope', type: 'graduation', actorId: coordinatorId }).catch((e: unknown) => e)
    expect((missing as CertificateError).code).toBe('not_found')
  })

  test('a withdrawn learner gets a study record listing the withdrawal', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    await hours(db, enrollment.id, 'online', 20 * H, '2026-05-01')
    await db.withdrawal.create({
      data: { id: newId(), enrollmentId: enrollment.id, withdrawnOn: new Date('2026-06-30T00:00:00Z'), reason: '外出务工' } as never,
    })
    await db.enrollment.update({ where: { id: enrollment.id }, data: { status: 'withdrawn' } })
    const { certificate } = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'study_record', actorId: coordinatorId })
    expect(certificate.serial).toMatch(/^522327-2026-X-/)
    expect(certificate.snapshot as unknown as CertificateSnapshot).toMatchObject({
      withdrawal: { date: '2026-06-30', reason: '外出务工' },
      endDate: '2026-06-30',
      hours: 20,
    })
  })

  test('a certificate cannot be deleted', async () => {
    const db = getDb()
    const { enrollment } = await teacherDone(db)
    const { certificate } = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'training', actorId: coordinatorId })
    await expect(db.certificate.delete({ where: { id: certificate.id } })).rejects.toThrow()
    await expect(db.$executeRawUnsafe(`DELETE FROM "Certificate" WHERE "id" = $1`, certificate.id)).rejects.toThrow()
    expect(await db.certificate.count({ where: { id: certificate.id } })).toBe(1)
  })
})

describe('revoking and verifying', () => {
  test('revocation needs a reason, is audited, and the public view says revoked with its date', async () => {
    const db = getDb()
    const { enrollment } = await teacherDone(db)
    const { certificate } = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'training', actorId: coordinatorId })
    const noReason = await revokeCertificate(db, { serial: certificate.serial, reason: '  ', actorId: coordinatorId }).catch((e: unknown) => e)
    expect((noReason as CertificateError).code).toBe('reason_required')
    expect(publicView((await findByVerificationCode(db, certificate.verificationCode))!)).toMatchObject({ valid: true, status: 'valid' })
    await revokeCertificate(db, { serial: certificate.serial, reason: '学时记录有误', actorId: coordinatorId })
    const view = publicView((await findByVerificationCode(db, certificate.verificationCode))!)
    expect(view).toMatchObject({ valid: false, status: 'revoked', revokedOn: TODAY, serial: certificate.serial, type: 'training' })
    expect(await db.auditEvent.count({ where: { action: 'certificate.revoke', entityId: certificate.id } })).toBe(1)
    const row = await db.certificate.findUniqueOrThrow({ where: { id: certificate.id } })
    expect(row).toMatchObject({ revokeReason: '学时记录有误', revokedById: coordinatorId })
  })

  test('prefecture verification: only a bureau with canVerifyGraduation, only in its scope, only pending graduation certificates', async () => {
    const db = getDb()
    const { enrollment } = await eligibleLearner(db)
    const { certificate } = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'graduation', actorId: coordinatorId })
    const training = (await issueCertificate(db, { enrollmentId: (await teacherDone(db)).enrollment.id, type: 'training', actorId: coordinatorId })).certificate
    const plainBureau = await grantVerifier(db, world.regions.prefecture.id, false)
    const coordinatorFlag = await grantVerifier(db, world.regions.prefecture.id, true, 'coordinator')
    const otherCounty = await grantVerifier(db, world.regions.otherCounty.id, true)
    const prefecture = await grantVerifier(db, world.regions.prefecture.id, true)
    for (const u of [plainBureau, coordinatorFlag]) {
      const e = await verifyCertificates(db, { serials: [certificate.serial], actorId: u.id }).catch((x: unknown) => x)
      expect((e as CertificateError).code).toBe('forbidden')
    }
    expect(await verifyCertificates(db, { serials: [certificate.serial], actorId: otherCounty.id })).toEqual([
      { serial: certificate.serial, result: 'not_found' },
    ])
    expect((await db.certificate.findUniqueOrThrow({ where: { id: certificate.id } })).status).toBe('pending_verification')
    const res = await verifyCertificates(db, { serials: [certificate.serial, training.serial, 'nope'], actorId: prefecture.id })
    expect(res).toEqual([
      { serial: certificate.serial, result: 'verified' },
      { serial: training.serial, result: 'not_pending' },
      { serial: 'nope', result: 'not_found' },
    ])
    const row = await db.certificate.findUniqueOrThrow({ where: { id: certificate.id } })
    expect(row).toMatchObject({ status: 'valid', verifiedById: prefecture.id })
    expect(publicView(row)).toMatchObject({ valid: true, status: 'valid' })
    expect(await db.auditEvent.count({ where: { action: 'certificate.verify', entityId: certificate.id } })).toBe(1)
    expect(await verifyCertificates(db, { serials: [certificate.serial], actorId: prefecture.id })).toEqual([
      { serial: certificate.serial, result: 'already_valid' },
    ])
  })
})

type Handler = (args: { request: Request; params: Record<string, string>; context: { ip: string } }) => Promise<Response>

async function call(handler: unknown, opts: { path: string; token?: string; body?: unknown; params?: Record<string, string>; ip?: string }) {
  const headers: Record<string, string> = {}
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
  if (body !== undefined) headers['content-type'] = 'application/json'
  const request = new Request(`http://localhost${opts.path}`, { method: body === undefined ? 'GET' : 'POST', headers, body })
  const response = await (handler as Handler)({ request, params: opts.params ?? {}, context: { ip: opts.ip ?? '127.0.0.9' } })
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  return { status: response.status, body: (await response.json()) as any }
}

async function tokenOf(db: Db, opts: Parameters<typeof createTestUser>[1], canVerifyGraduation = false) {
  const user = await createTestUser(db, opts)
  if (canVerifyGraduation) await db.roleAssignment.updateMany({ where: { userId: user.id }, data: { canVerifyGraduation } })
  const { token } = await createSession(db, { userId: user.id, roles: [opts.role] })
  return { ...user, token }
}

describe('API v1', () => {
  test('issue 201, again 200 with the same certificate, 409 not_eligible with reasons, 404 outside the scope; revoke; verify; public endpoint', async () => {
    const db = getDb()
    const coord = await tokenOf(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const otherCoord = await tokenOf(db, { role: 'coordinator', scopeRegionId: world.regions.otherCounty.id })
    const learner = await tokenOf(db, { role: 'learner' })
    const { enrollment, person } = await eligibleLearner(db)
    const path = `/api/v1/enrollments/${enrollment.id}/certificates`
    const params = { id: enrollment.id }

    expect((await call(issueRoute.action, { path, token: otherCoord.token, params, body: { type: 'graduation' } })).status).toBe(404)
    expect((await call(issueRoute.action, { path, token: learner.token, params, body: { type: 'graduation' } })).status).toBe(403)
    expect((await call(issueRoute.action, { path, params, body: { type: 'graduation' } })).status).toBe(401)
    expect((await call(issueRoute.action, { path, token: coord.token, params, body: { type: 'diploma' } })).status).toBe(422)
    const refused = await call(issueRoute.action, { path, token: coord.token, params, body: { type: 'completion' } })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('not_eligible')
    expect(refused.body.error.message).toContain('还不能颁发')

    const first = await call(issueRoute.action, { path, token: coord.token, params, body: { type: 'graduation' } })
    expect(first.status).toBe(201)
    expect(Object.keys(first.body).sort()).toEqual(['pdfUrl', 'serial', 'status', 'type', 'verificationCode', 'verifyUrl'])
    expect(first.body).toMatchObject({ type: 'graduation', status: 'pending_verification', pdfUrl: `/api/v1/certificates/${first.body.serial}/pdf` })
    expect(first.body.verifyUrl).toMatch(new RegExp(`/v/${first.body.verificationCode}$`))
    const again = await call(issueRoute.action, { path, token: coord.token, params, body: { type: 'graduation' } })
    expect(again).toMatchObject({ status: 200, body: { serial: first.body.serial, verificationCode: first.body.verificationCode } })

    const code = first.body.verificationCode as string
    const pub = await call(publicRoute.loader, { path: `/api/v1/public/certificates/${code}`, params: { code } })
    expect(pub.status).toBe(200)
    expect(pub.body).toEqual({
      valid: false,
      status: 'pending_verification',
      type: 'graduation',
      holderName: expect.stringContaining('*'),
      programName: '职业技能学历双提升',
      groupName: '测试种植班',
      issuedOn: TODAY,
      hours: 360,
      serial: first.body.serial,
    })
    expect(JSON.stringify(pub.body)).not.toContain(person.name)
    expect((await call(publicRoute.loader, { path: '/api/v1/public/certificates/x', params: { code: 'aaaaaaaaaaaaaaaaaaaa' } })).status).toBe(404)

    // Prefecture verification: the county coordinator may not; the prefecture bureau may.
    const serial = first.body.serial as string
    const vPath = `/api/v1/certificates/${serial}/prefecture-verification`
    expect((await call(verifyRoute.action, { path: vPath, token: coord.token, params: { serial }, body: {} })).status).toBe(403)
    const prefecture = await tokenOf(db, { role: 'bureau', scopeRegionId: world.regions.prefecture.id }, true)
    expect(await call(verifyRoute.action, { path: vPath, token: prefecture.token, params: { serial }, body: {} })).toEqual({
      status: 200,
      body: { serial, status: 'valid' },
    })
    expect((await call(publicRoute.loader, { path: '/x', params: { code } })).body).toMatchObject({ valid: true, status: 'valid' })

    // Revoke: a reason is required; other county 404; then the public answer says revoked.
    const rPath = `/api/v1/certificates/${serial}/revoke`
    expect((await call(revokeRoute.action, { path: rPath, token: coord.token, params: { serial }, body: { reason: ' ' } })).status).toBe(422)
    expect((await call(revokeRoute.action, { path: rPath, token: otherCoord.token, params: { serial }, body: { reason: '错发' } })).status).toBe(404)
    expect(await call(revokeRoute.action, { path: rPath, token: coord.token, params: { serial }, body: { reason: '错发' } })).toEqual({
      status: 200,
      body: { serial, status: 'revoked' },
    })
    expect((await call(publicRoute.loader, { path: '/x', params: { code } })).body).toMatchObject({ valid: false, status: 'revoked' })
  })
})

describe('verification page /v/:code', () => {
  const load = async (code: string, ip = '10.1.1.1') => {
    const res = (await verifyPage.loader({ request: new Request(`http://localhost/v/${code}`), params: { code }, context: { ip } } as never)) as unknown as {
      data: any
      init: { status?: number } | null
    }
    return { status: res.init?.status ?? 200, data: res.data }
  }

  test('shows masked name, status and no ID number; unknown code is 404; too many checks from one IP is 429', async () => {
    const db = getDb()
    const { enrollment, person } = await teacherDone(db)
    const { certificate } = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'training', actorId: coordinatorId })
    const ok = await load(certificate.verificationCode)
    expect(ok.status).toBe(200)
    expect(ok.data.view).toMatchObject({ status: 'valid', type: 'training', hours: 40, issuedOn: TODAY })
    expect(ok.data.view.holderName).toBe(
      person.name.length === 2 ? `${person.name[0]}*` : `${person.name[0]}${'*'.repeat(person.name.length - 2)}${person.name.at(-1)}`,
    )
    expect(JSON.stringify(ok.data)).not.toContain(person.idMasked)
    expect((await load('bbbbbbbbbbbbbbbbbbbb')).status).toBe(404)
    const ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`
    let last = 0
    for (let i = 0; i < 61; i++) last = (await load(certificate.verificationCode, ip)).status
    expect(last).toBe(429)
    expect((await load(certificate.verificationCode, '10.1.1.2')).status).toBe(200)
  })
})

describe('pages and PDFs', () => {
  test('coordinator issues from the page, the PDF reaches the holder and staff in scope only, revoke needs a reason; the prefecture queue verifies', async () => {
    const db = getDb()
    const { enrollment, person } = await eligibleLearner(db)
    const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const other = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.otherCounty.id })
    const url = `/coordinator/enrollments/${enrollment.id}/certificates`
    const params = { enrollmentId: enrollment.id }
    expect((await callRoute(coordPage.loader, { url, cookie: other.cookie, params })).status).toBe(404)
    const page = (await callRoute(coordPage.loader, { url, cookie: coord.cookie, params })).value as any
    expect(page.allowed).toEqual(['graduation'])
    const refused = await callRoute(coordPage.action, {
      url,
      cookie: coord.cookie,
      params,
      method: 'POST',
      body: new URLSearchParams({ intent: 'issue', type: 'completion' }),
    })
    expect(refused.status).toBe(409)
    const issued = await callRoute(coordPage.action, {
      url,
      cookie: coord.cookie,
      params,
      method: 'POST',
      body: new URLSearchParams({ intent: 'issue', type: 'graduation' }),
    })
    expect((issued.value as any).message).toMatch(/^已颁发，编号 522327-2026-B-\d{6}。$/)
    const after = (await callRoute(coordPage.loader, { url, cookie: coord.cookie, params })).value as any
    expect(after.allowed).toEqual([])
    expect(after.certificates).toHaveLength(1)
    const serial = after.certificates[0].serial as string

    // The holder's own page and PDF; another learner gets 404.
    const holder = await createUserWithSession(db, { role: 'learner', personId: person.id })
    const mine = (await callRoute(myPage.loader, { url: '/me/certificates', cookie: holder.cookie })).value as any
    expect(mine.certificates).toMatchObject([{ serial, status: 'pending_verification', type: 'graduation' }])
    const pdf = await callRoute(pdfWebRoute.loader, { url: `/certificates/${serial}/pdf`, cookie: holder.cookie, params: { serial } })
    expect(pdf.status).toBe(200)
    const res = pdf.value as Response
    expect(res.headers.get('content-type')).toBe('application/pdf')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-')
    expect(bytes.length).toBeLessThan(60 * 1024)
    const stranger = await createUserWithSession(db, {
      role: 'learner',
      personId: (await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })).person.id,
    })
    expect((await callRoute(pdfWebRoute.loader, { url: '/x', cookie: stranger.cookie, params: { serial } })).status).toBe(404)
    expect((await callRoute(pdfWebRoute.loader, { url: '/x', cookie: other.cookie, params: { serial } })).status).toBe(404)
    expect((await callRoute(pdfWebRoute.loader, { url: '/x', cookie: coord.cookie, params: { serial } })).status).toBe(200)
    const apiPdf = await pdfApiRoute.loader({
      request: new Request(`http://localhost/api/v1/certificates/${serial}/pdf`, { headers: { authorization: `Bearer ${coord.token}` } }),
      params: { serial },
      context: { ip: '1.1.1.1' },
    })
    expect(apiPdf.status).toBe(200)
    expect(apiPdf.headers.get('content-type')).toBe('application/pdf')

    // Prefecture queue: a plain bureau is refused; the verifier sees and verifies it.
    const plainBureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.prefecture.id })
    expect((await callRoute(queuePage.loader, { url: '/bureau/verification', cookie: plainBureau.cookie })).status).toBe(403)
    const verifier = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.prefecture.id })
    await db.roleAssignment.updateMany({ where: { userId: verifier.id }, data: { canVerifyGraduation: true } })
    const queue = (await callRoute(queuePage.loader, { url: '/bureau/verification', cookie: verifier.cookie })).value as any
    expect(queue.rows.map((r: { serial: string }) => r.serial)).toContain(serial)
    const done = await callRoute(queuePage.action, {
      url: '/bureau/verification',
      cookie: verifier.cookie,
      method: 'POST',
      body: new URLSearchParams([['serial', serial]]),
    })
    expect((done.value as any).message).toBe('已验印 1 张。')
    expect((await db.certificate.findUniqueOrThrow({ where: { serial } })).status).toBe('valid')
    const emptyQueue = (await callRoute(queuePage.loader, { url: '/bureau/verification', cookie: verifier.cookie })).value as any
    expect(emptyQueue.rows.map((r: { serial: string }) => r.serial)).not.toContain(serial)

    // Revoke from the page: a reason is required.
    const noReason = await callRoute(coordPage.action, {
      url,
      cookie: coord.cookie,
      params,
      method: 'POST',
      body: new URLSearchParams({ intent: 'revoke', serial, reason: '' }),
    })
    expect(noReason.status).toBe(400)
    const revoked = await callRoute(coordPage.action, {
      url,
      cookie: coord.cookie,
      params,
      method: 'POST',
      body: new URLSearchParams({ intent: 'revoke', serial, reason: '身份信息有误' }),
    })
    expect((revoked.value as any).message).toBe(`证书 ${serial} 已撤销。`)
    expect((await db.certificate.findUniqueOrThrow({ where: { serial } })).status).toBe('revoked')
  })
})

test('the OpenAPI document lists the certificate endpoints with their schemas', () => {
  const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { operationId: string }>>; components: { schemas: Record<string, unknown> } }
  expect(doc.paths['/api/v1/enrollments/{id}/certificates']?.post?.operationId).toBe('issueCertificate')
  expect(doc.paths['/api/v1/public/certificates/{verificationCode}']?.get?.operationId).toBe('getPublicCertificate')
  expect(Object.keys(doc.components.schemas)).toEqual(
    expect.arrayContaining(['CertificateIssueRequest', 'CertificateIssued', 'PublicCertificate', 'CertificateRevokeRequest']),
  )
})

describe('before stamping (issue 15)', () => {
  test('the prefecture verifier opens the certificate PDF and the exemption evidence from its queue; others cannot open the evidence', async () => {
    const db = getDb()
    const { enrollment } = await eligibleLearner(db)
    const { certificate } = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'graduation', actorId: coordinatorId })
    const exemptionId = newId()
    await db.exemption.create({
      data: {
        id: exemptionId,
        enrollmentId: enrollment.id,
        courseId: world.courses.course.id,
        basis: 'skill_certificate',
        mode: 'exempt_exam',
        evidenceKey: `exemptions/${exemptionId}.jpg`,
        evidenceType: 'image/jpeg',
        status: 'approved',
      },
    })
    const verifier = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.prefecture.id })
    await db.roleAssignment.updateMany({ where: { userId: verifier.id }, data: { canVerifyGraduation: true } })
    const queue = (await callRoute(queuePage.loader, { url: '/bureau/verification', cookie: verifier.cookie })).value as any
    const row = queue.rows.find((r: { serial: string }) => r.serial === certificate.serial)
    expect(row.evidence).toEqual([{ id: exemptionId, course: '种植技术基础' }])
    const pdf = await callRoute(pdfWebRoute.loader, { url: '/x', cookie: verifier.cookie, params: { serial: certificate.serial } })
    expect(pdf.status).toBe(200)

    const grantsOf = async (userId: string) => {
      const grants = await db.roleAssignment.findMany({ where: { userId }, include: { scopeRegion: true } })
      return graduationVerifierPaths(
        grants.map((g) => ({
          role: g.role,
          canVerifyGraduation: g.canVerifyGraduation,
          scope: g.scopeRegion ? { kind: 'region' as const, path: g.scopeRegion.path } : { kind: 'none' as const },
        })),
      )
    }
    const key = (paths: string[]) => evidenceKeyForViewer(db, exemptionId, { personId: null, scopes: [], verifierPaths: paths })
    expect(await key(await grantsOf(verifier.id))).toBe(`exemptions/${exemptionId}.jpg`)
    // A bureau user without the verification grant, and a verifier of another county, get nothing.
    const plain = await createTestUser(db, { role: 'bureau', scopeRegionId: world.regions.prefecture.id })
    expect(await key(await grantsOf(plain.id))).toBeNull()
    const elsewhere = await createTestUser(db, { role: 'bureau', scopeRegionId: world.regions.otherCounty.id })
    await db.roleAssignment.updateMany({ where: { userId: elsewhere.id }, data: { canVerifyGraduation: true } })
    expect(await key(await grantsOf(elsewhere.id))).toBeNull()
  })

  test("an issued enrollment's study page is read-only: it names the certificate instead of offering result forms", async () => {
    const db = getDb()
    const { enrollment } = await eligibleLearner(db)
    const coord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const load = async () =>
      (await callRoute(enrollmentPage.loader, { url: '/x', cookie: coord.cookie, params: { enrollmentId: enrollment.id } })).value as { certificates: string[] }
    expect((await load()).certificates).toEqual([])
    const { certificate } = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'graduation', actorId: coordinatorId })
    expect((await load()).certificates).toEqual([certificate.serial])
    await revokeCertificate(db, { serial: certificate.serial, reason: '测试撤销', actorId: coordinatorId })
    expect((await load()).certificates).toEqual([])
  })
})
