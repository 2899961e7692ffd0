/**
 * 公安户籍 export: a bureau user downloads the verified graduates of their
 * jurisdiction with full ID numbers; nobody else may; every export is audited.
 */
import { randomBytes } from 'node:crypto'
import ExcelJS from 'exceljs'
import { beforeAll, describe, expect, test } from 'vitest'
import type { CertificateSnapshot } from '#app/domain/certificates.ts'
import { decryptField } from '#app/utils/crypto.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { loader } from '#app/routes/bureau.household-export.tsx'
import { action } from '#app/routes/bureau.household-export[.xlsx].ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const db = getDb()
let world: TrainingWorld
let seq = 0

beforeAll(async () => {
  world = await createTrainingWorld(db)
})

type Kind = { type?: 'graduation' | 'completion'; status: 'valid' | 'pending_verification' | 'revoked'; verifiedAt?: Date | null; otherCounty?: boolean }

async function graduate(kind: Kind) {
  const group = kind.otherCounty ? world.groups.otherCountyClass : world.groups.class
  const regionId = kind.otherCounty ? world.regions.otherTownship.id : world.regions.zhelou.id
  const { person, enrollment } = await createEnrolledPerson(db, { regionId, group })
  seq += 1
  const type = kind.type ?? 'graduation'
  const countyCode = kind.otherCounty ? '522326' : '522327'
  const serial = `${countyCode}-2026-${type === 'graduation' ? 'B' : 'J'}-${String(seq).padStart(6, '0')}`
  const snapshot: CertificateSnapshot = {
    type,
    holderName: person.name,
    idNumberMasked: person.idMasked,
    programCode: world.programs.skills.code,
    programName: world.programs.skills.name,
    groupCode: group.code,
    groupName: group.name,
    majorName: '种植',
    organizationName: '册亨县职业学校',
    countyName: kind.otherCounty ? '望谟县' : '册亨县',
    startDate: '2026-03-01',
    endDate: '2029-02-28',
    issuedOn: '2026-11-02',
    hours: 300,
    minutes: 13500,
    credits: { earned: 60, required: 60 },
    courses: [],
    withdrawal: null,
  }
  await db.certificate.create({
    data: {
      id: newId(),
      enrollmentId: enrollment.id,
      type,
      serial,
      countyCode,
      year: 2026,
      sequence: seq,
      verificationCode: randomBytes(16).toString('base64url'),
      status: kind.status,
      snapshot,
      verifiedAt: kind.verifiedAt === undefined ? (kind.status === 'pending_verification' ? null : new Date('2026-11-10T03:00:00Z')) : kind.verifiedAt,
      ...(kind.status === 'revoked' ? { revokedAt: new Date('2026-11-12T03:00:00Z'), revokeReason: '信息有误' } : {}),
    },
  })
  return { person, serial, idNumber: decryptField(person.idCipher) }
}

const post = (cookie: string, from: string, to: string) =>
  callRoute(action, { url: '/bureau/household-export.xlsx', method: 'POST', cookie, body: new URLSearchParams({ from, to }) })

async function readSheet(res: { value: unknown }) {
  const response = res.value as Response
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(await response.arrayBuffer())
  const ws = wb.worksheets[0]!
  const rows: string[][] = []
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
  return { response, header: rows[0]!, body: rows.slice(1) }
}

describe('household-register export', () => {
  test('a bureau user gets the verified graduates of their county only, with full ID numbers, and the export is audited', async () => {
    const included = await graduate({ status: 'valid' })
    const pending = await graduate({ status: 'pending_verification' })
    const revoked = await graduate({ status: 'revoked' })
    const otherCounty = await graduate({ status: 'valid', otherCounty: true })
    const outsidePeriod = await graduate({ status: 'valid', verifiedAt: new Date('2026-10-01T03:00:00Z') })
    const completion = await graduate({ type: 'completion', status: 'valid', verifiedAt: null })
    // Verified at 23:30 Beijing time on the last day of the period: still inside.
    const lateOnLastDay = await graduate({ status: 'valid', verifiedAt: new Date('2026-11-30T15:30:00Z') })

    const bureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    expect((await callRoute(loader, { url: '/bureau/household-export', cookie: bureau.cookie })).status).toBe(200)
    const res = await post(bureau.cookie, '2026-11-01', '2026-11-30')
    expect(res.status).toBe(200)
    const { response, header, body } = await readSheet(res)
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(response.headers.get('content-disposition')).toContain('household-register-2026-11-01-2026-11-30.xlsx')
    expect(header).toEqual(['序号', '姓名', '公民身份号码', '专业', '毕业日期', '毕业证书编号', '验印日期', '班级'])
    expect(body.map((r) => r[5])).toEqual([included.serial, lateOnLastDay.serial])
    expect(body[0]).toEqual(['1', included.person.name, included.idNumber, '种植', '2026-11-02', included.serial, '2026-11-10', world.groups.class.name])
    expect(included.idNumber).toMatch(/^\d{17}[\dX]$/)
    const serials = body.map((r) => r[5])
    for (const left of [pending, revoked, otherCounty, outsidePeriod, completion]) expect(serials).not.toContain(left.serial)

    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'export.household_register', actorId: bureau.id } })
    expect(audit.scopePath).toBe(world.regions.county.path)
    expect(audit.after).toMatchObject({ from: '2026-11-01', to: '2026-11-30', rows: 2 })

    // The neighbouring county's bureau sees only its own graduate.
    const otherBureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.otherCounty.id })
    const other = await readSheet(await post(otherBureau.cookie, '2026-11-01', '2026-11-30'))
    expect(other.body.map((r) => r[5])).toEqual([otherCounty.serial])
  })

  test('coordinators and learners are refused; nothing is exported or audited', async () => {
    const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    expect((await post(coordinator.cookie, '2026-01-01', '2026-12-31')).status).toBe(403)
    expect((await callRoute(loader, { url: '/bureau/household-export', cookie: coordinator.cookie })).status).toBe(403)
    const learner = await createUserWithSession(db, { role: 'learner' })
    expect((await post(learner.cookie, '2026-01-01', '2026-12-31')).status).toBe(403)
    expect(await db.auditEvent.count({ where: { action: 'export.household_register', actorId: { in: [coordinator.id, learner.id] } } })).toBe(0)
  })

  test('bad periods go back to the form with a Chinese message and write no audit row', async () => {
    const bureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const messageFor = async (from: string, to: string) => {
      const res = await post(bureau.cookie, from, to)
      expect(res.status).toBe(302)
      const location = (res.value as Response).headers.get('location')!
      expect(location.startsWith('/bureau/household-export?')).toBe(true)
      const page = await callRoute(loader, { url: location, cookie: bureau.cookie })
      return (page.value as { error: { field: string; message: string } | null }).error
    }
    expect(await messageFor('2026-12-01', '2026-11-01')).toEqual({ field: 'to', message: '结束日期不能早于开始日期。' })
    expect(await messageFor('yesterday', '2026-11-01')).toEqual({ field: 'from', message: '请填写日期，例如 2026-11-24。' })
    expect(await messageFor('2024-01-01', '2026-11-01')).toEqual({ field: 'to', message: '一次最多导出一年。' })
    expect(await db.auditEvent.count({ where: { action: 'export.household_register', actorId: bureau.id } })).toBe(0)
  })
})
