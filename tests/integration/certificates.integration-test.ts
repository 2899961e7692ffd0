/**
 * Certificates against real rows: one per enrollment and type (also when two
 * issuers race), serials contiguous per county/year/type with no gap after a
 * rolled-back issue, not_eligible with reasons, no DELETE, revocation with a
 * reason, prefecture verification by the right bureau only, and the API.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { CertificateSnapshot } from '#app/domain/certificates.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import {
  CertificateError,
  findByVerificationCode,
  issueCertificate,
  publicView,
  revokeCertificate,
  verifyCertificates,
} from '#app/models/certificates.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createTestUser } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const TODAY = '2026-11-24'
const H = 45
let world: TrainingWorld
let coordinatorId: string

async function hours(db: Db, enrollmentId: string, category: 'online' | 'concentrated', minutes: number, date: string) {
  await db.$transaction((tx) => appendHourEntry(tx, { enrollmentId, category, minutes, date, source: 'transfer', reason: '测试补录', createdById: null }))
}

/** A learner in the class who may graduate: moral evaluation passed, 360 学时 online, no plan courses. */
async function eligibleLearner(db: Db, group: { id: string; programId: string; startDate: Date } = world.groups.class) {
  const { enrollment, person } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group })
  await db.moralEvaluation.create({ data: { id: newId(), enrollmentId: enrollment.id, passed: true, createdAt: new Date('2026-10-01T02:00:00Z') } })
  await hours(db, enrollment.id, 'online', 360 * H, '2026-09-01')
  return { enrollment, person }
}

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
    expect(s).toMatchObject({ type: 'graduation', holderName: person.name, idNumberMasked: person.idMasked, programName: '职业技能学历双提升', groupName: '测试种植班', majorName: '种植', countyName: '册亨县', issuedOn: TODAY, hours: 360, minutes: 360 * H, withdrawal: null })
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
    expect((await db.serialCounter.findUniqueOrThrow({ where: { countyCode_year_type: { countyCode: '522327', year: 2026, type: 'training' } } })).lastValue).toBe(start + 1)
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
    await db.withdrawal.create({ data: { id: newId(), enrollmentId: enrollment.id, withdrawnOn: new Date('2026-06-30T00:00:00Z'), reason: '外出务工' } as never })
    await db.enrollment.update({ where: { id: enrollment.id }, data: { status: 'withdrawn' } })
    const { certificate } = await issueCertificate(db, { enrollmentId: enrollment.id, type: 'study_record', actorId: coordinatorId })
    expect(certificate.serial).toMatch(/^522327-2026-X-/)
    expect(certificate.snapshot as unknown as CertificateSnapshot).toMatchObject({ withdrawal: { date: '2026-06-30', reason: '外出务工' }, endDate: '2026-06-30', hours: 20 })
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
    expect(await verifyCertificates(db, { serials: [certificate.serial], actorId: otherCounty.id })).toEqual([{ serial: certificate.serial, result: 'not_found' }])
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
    expect(await verifyCertificates(db, { serials: [certificate.serial], actorId: prefecture.id })).toEqual([{ serial: certificate.serial, result: 'already_valid' }])
  })
})
