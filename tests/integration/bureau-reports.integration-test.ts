/**
 * The bureau's reports (issue 12): the quarterly report (page and xlsx) with
 * the quarter's figures, the sessions held — still there after a learner
 * withdraws — and the certificates; the funding report, one line per
 * completer (毕业 or 结业, not 写实, not revoked) × 1,500 CNY per class. Both
 * audited, both within scope, cells safe against formula injection.
 */
import { randomBytes } from 'node:crypto'
import ExcelJS from 'exceljs'
import { beforeAll, describe, expect, test } from 'vitest'
import { loader as fundingPage } from '#app/routes/bureau.reports.funding.tsx'
import { loader as fundingXlsx } from '#app/routes/bureau.reports.funding[.xlsx].ts'
import { loader as quarterlyPage } from '#app/routes/bureau.reports.quarterly.tsx'
import { loader as quarterlyXlsx } from '#app/routes/bureau.reports.quarterly[.xlsx].ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const db = getDb()
let world: TrainingWorld
let seq = 0

beforeAll(async () => {
  world = await createTrainingWorld(db)
})

async function certify(
  enrollmentId: string,
  type: 'graduation' | 'completion' | 'study_record' | 'training',
  status: 'valid' | 'pending_verification' | 'revoked',
  issuedAt: string,
) {
  seq++
  await db.certificate.create({
    data: {
      id: newId(),
      enrollmentId,
      type,
      serial: `R-${seq}-${newId().slice(0, 5)}`,
      countyCode: '522327',
      year: 2026,
      sequence: seq,
      verificationCode: randomBytes(12).toString('base64url'),
      status,
      snapshot: {},
      issuedAt: new Date(issuedAt),
      ...(status === 'revoked' ? { revokedAt: new Date(issuedAt), revokeReason: '信息有误' } : {}),
    },
  })
}

async function sheetRows(response: Response, index = 0) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(await response.arrayBuffer())
  const rows: unknown[][] = []
  wb.worksheets[index]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
  return { rows, names: wb.worksheets.map((w) => w.name) }
}

describe('quarterly report', () => {
  test('the quarter’s figures, its sessions (kept after a learner withdraws, descriptions escaped in the xlsx) and certificates; audited', async () => {
    const a = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const session = {
      id: newId(),
      groupId: world.groups.class.id,
      startsAt: new Date('2026-08-10T01:00:00Z'),
      endsAt: new Date('2026-08-10T09:00:00Z'),
      venue: '实训楼 2 楼',
      plannedMinutes: 360,
      description: '=HYPERLINK("http://x","玉米") 实操',
      checkinKey: randomBytes(32),
    }
    await db.classSession.create({ data: session })
    await db.attendance.create({ data: { id: newId(), sessionId: session.id, enrollmentId: a.enrollment.id, method: 'roster', creditedMinutes: 360 } })
    await db.hourEntry.create({
      data: {
        enrollmentId: a.enrollment.id,
        personId: a.person.id,
        groupId: a.enrollment.groupId,
        category: 'concentrated',
        minutes: 360,
        occurredOn: new Date('2026-08-10T00:00:00Z'),
        source: 'adjustment',
        reason: '面授',
      },
    })
    // the learner withdraws afterwards: the session and its attendance stay in the report
    await db.enrollment.update({ where: { id: a.enrollment.id }, data: { status: 'withdrawn' } })
    await db.withdrawal.create({ data: { id: newId(), enrollmentId: a.enrollment.id, withdrawnOn: new Date('2026-09-01T00:00:00Z'), reason: '外出务工' } })
    await certify(a.enrollment.id, 'study_record', 'valid', '2026-09-02T02:00:00Z')
    const other = await createEnrolledPerson(db, { regionId: world.regions.otherTownship.id, group: world.groups.otherCountyClass })
    await db.classSession.create({
      data: { ...session, id: newId(), groupId: world.groups.otherCountyClass.id, description: '望谟的面授', checkinKey: randomBytes(32) },
    })
    await certify(other.enrollment.id, 'completion', 'valid', '2026-08-02T02:00:00Z')

    const bureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const page = await callRoute(quarterlyPage, { url: '/bureau/reports/quarterly?quarter=2026Q3', cookie: bureau.cookie })
    expect(page.status).toBe(200)
    const r = (
      page.value as {
        report: {
          totals: { personTimes: number; personHours: number }
          sessions: { description: string; attended: number }[]
          certificates: { type: string; issued: number }[]
        }
      }
    ).report
    expect(r.totals).toMatchObject({ personTimes: 1, personHours: 8 })
    expect(r.sessions.map((s) => [s.description, s.attended])).toEqual([[session.description, 1]])
    expect(r.certificates.find((c) => c.type === 'study_record')?.issued).toBe(1)
    expect(r.certificates.find((c) => c.type === 'completion')?.issued).toBe(0)

    const file = await callRoute(quarterlyXlsx, { url: '/bureau/reports/quarterly.xlsx?quarter=2026Q3', cookie: bureau.cookie })
    const response = file.value as Response
    expect(response.headers.get('content-disposition')).toContain('quarterly-report-2026Q3.xlsx')
    const { rows, names } = await sheetRows(response, 2)
    expect(names).toEqual(['培训情况', '目标任务', '面授', '证书'])
    expect(rows[1]).toContain(`'${session.description}`)
    const audits = await db.auditEvent.findMany({ where: { action: 'report.quarterly', actorId: bureau.id }, orderBy: { id: 'asc' } })
    expect(audits.map((x) => (x.after as { format: string }).format)).toEqual(['page', 'xlsx'])
    expect(audits[0]!.scopePath).toBe(world.regions.county.path)

    const learner = await createUserWithSession(db, { role: 'learner', personId: a.person.id })
    expect((await callRoute(quarterlyPage, { url: '/bureau/reports/quarterly', cookie: learner.cookie })).status).toBe(403)
  })
})

describe('funding report', () => {
  test('one line per learner with a graduation or completion certificate in the year, × 1,500, per class; no study records, nothing revoked, nothing of another county', async () => {
    const make = async () => (await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })).enrollment.id
    const graduated = await make()
    await certify(graduated, 'graduation', 'pending_verification', '2025-06-30T20:00:00Z') // 2025-07-01 in Beijing
    const both = await make()
    await certify(both, 'completion', 'valid', '2025-03-01T02:00:00Z')
    await certify(both, 'graduation', 'valid', '2025-05-01T02:00:00Z')
    const revoked = await make()
    await certify(revoked, 'completion', 'revoked', '2025-04-01T02:00:00Z')
    const record = await make()
    await certify(record, 'study_record', 'valid', '2025-04-01T02:00:00Z')
    const lastYear = await make()
    await certify(lastYear, 'completion', 'valid', '2024-12-31T15:59:00Z') // still 2024 in Beijing
    const neighbour = (await createEnrolledPerson(db, { regionId: world.regions.otherTownship.id, group: world.groups.otherCountyClass })).enrollment.id
    await certify(neighbour, 'completion', 'valid', '2025-04-01T02:00:00Z')

    const bureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const page = await callRoute(fundingPage, { url: '/bureau/reports/funding?year=2025', cookie: bureau.cookie })
    const r = page.value as {
      lines: { type: string; amount: number }[]
      groups: { groupCode: string; learners: number; amount: number }[]
      total: { learners: number; amount: number }
    }
    expect(r.lines.map((l) => l.type).sort()).toEqual(['graduation', 'graduation'])
    expect(r.total).toEqual({ learners: 2, amount: 3000 })
    expect(r.groups).toEqual([expect.objectContaining({ groupCode: world.groups.class.code, learners: 2, amount: 3000 })])

    const file = await callRoute(fundingXlsx, { url: '/bureau/reports/funding.xlsx?year=2025', cookie: bureau.cookie })
    const { rows } = await sheetRows(file.value as Response)
    expect(rows.at(-1)).toContain(3000)
    expect(await db.auditEvent.count({ where: { action: 'report.funding', actorId: bureau.id } })).toBe(2)
  })
})
