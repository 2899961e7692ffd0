/**
 * Exports (issue 12): a township coordinator's export holds only their
 * township's people; cells that a spreadsheet would run are escaped; full ID
 * numbers only in the people list, only when asked, only for coordinators and
 * admins (never for a bureau user); every export audited; xlsx and CSV agree.
 */
import ExcelJS from 'exceljs'
import { beforeAll, describe, expect, test } from 'vitest'
import { loader } from '#app/routes/exports.file.ts'
import { decryptField } from '#app/utils/crypto.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const db = getDb()
let world: TrainingWorld
let mine: Awaited<ReturnType<typeof createEnrolledPerson>>
let elsewhere: Awaited<ReturnType<typeof createEnrolledPerson>>
let neighbour: Awaited<ReturnType<typeof createEnrolledPerson>>

beforeAll(async () => {
  world = await createTrainingWorld(db)
  mine = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  await db.person.update({ where: { id: mine.person.id }, data: { name: '=HYPERLINK("http://evil.example")' } })
  elsewhere = await createEnrolledPerson(db, { regionId: world.regions.gaoluo.id, group: world.groups.round, kind: 'teacher' })
  neighbour = await createEnrolledPerson(db, { regionId: world.regions.otherTownship.id, group: world.groups.otherCountyClass })
  for (const e of [mine, elsewhere, neighbour]) {
    await db.hourEntry.create({
      data: {
        enrollmentId: e.enrollment.id,
        personId: e.person.id,
        groupId: e.enrollment.groupId,
        category: 'online',
        minutes: 45,
        occurredOn: new Date('2026-05-01T00:00:00Z'),
        source: 'adjustment',
        reason: '+补录',
      },
    })
  }
})

async function download(cookie: string, query: string) {
  const res = await callRoute(loader, { url: `/exports/file?${query}`, cookie })
  return { status: res.status, response: res.value as Response }
}

async function xlsxRows(response: Response) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(await response.arrayBuffer())
  const rows: string[][] = []
  wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
  return rows
}

describe('exports', () => {
  test('a township coordinator’s exports hold only their township; formulas are escaped; xlsx and CSV agree', async () => {
    const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    for (const kind of ['people', 'enrollments', 'hours', 'outcomes', 'certificates']) {
      const x = await download(coordinator.cookie, `kind=${kind}&format=xlsx`)
      expect(x.status).toBe(200)
      const rows = await xlsxRows(x.response)
      const names = rows.slice(1).map((r) => r[0])
      if (kind === 'certificates') {
        expect(names).toEqual([])
        continue
      }
      // the name starting with = is text with an apostrophe; nobody of 高洛 or 望谟 is in it
      expect(names).toEqual([`'=HYPERLINK("http://evil.example")`])
      const csv = await download(coordinator.cookie, `kind=${kind}&format=csv`)
      const bytes = new Uint8Array(await csv.response.arrayBuffer())
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // the BOM Excel needs to read UTF-8
      const text = new TextDecoder().decode(bytes)
      expect(text).toContain(`"'=HYPERLINK(""http://evil.example"")"`)
      expect(text).not.toContain(elsewhere.person.name)
      expect(text).not.toContain(neighbour.person.name)
      if (kind === 'hours') expect(text).toContain("'+补录")
    }
    expect(await db.auditEvent.count({ where: { action: 'export.data', actorId: coordinator.id } })).toBe(9)
  })

  test('full ID numbers: only the people list, only when asked, only for coordinators and admins; the audit says so', async () => {
    const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const full = await xlsxRows((await download(coordinator.cookie, 'kind=people&format=xlsx&fullIds=1')).response)
    expect(full[1]![1]).toBe(decryptField(mine.person.idCipher))
    const masked = await xlsxRows((await download(coordinator.cookie, 'kind=enrollments&format=xlsx&fullIds=1')).response)
    expect(masked[1]![1]).toBe(mine.person.idMasked)
    const bureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    const forBureau = await xlsxRows((await download(bureau.cookie, 'kind=people&format=xlsx&fullIds=1')).response)
    expect(forBureau.slice(1).map((r) => r[1])).toEqual(expect.arrayContaining([mine.person.idMasked, elsewhere.person.idMasked]))
    expect(forBureau.slice(1).every((r) => r[1]!.includes('*'))).toBe(true)
    const audits = await db.auditEvent.findMany({ where: { action: 'export.data', actorId: { in: [coordinator.id, bureau.id] } }, orderBy: { id: 'asc' } })
    expect(audits.map((a) => (a.after as { fullIds: boolean }).fullIds)).toEqual([true, false, false])
    const learner = await createUserWithSession(db, { role: 'learner', personId: mine.person.id })
    expect((await download(learner.cookie, 'kind=people&format=csv')).status).toBe(403)
  })
})
