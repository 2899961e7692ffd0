/**
 * 学时档案: the page's data, the PDF (its text, its size, and that the Chinese
 * glyphs are really drawn, DESIGN.md §4's known trap), the xlsx, and who may
 * fetch whose record. Needs Debian's poppler-utils (tests/run.ts installs it).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { appendHourEntry, correctHourEntry } from '#app/models/ledger.server.ts'
import { loadEnrollmentProgress } from '#app/models/progress.server.ts'
import { loader as personPage } from '#app/routes/coordinator.people.$personId_.records.tsx'
import { loader as personPdf } from '#app/routes/coordinator.people.$personId_.records[.]pdf.tsx'
import { loader as personXlsx } from '#app/routes/coordinator.people.$personId_.records[.]xlsx.tsx'
import { loader as myPage } from '#app/routes/me_.records.tsx'
import { loader as myPdf } from '#app/routes/me_.records[.]pdf.tsx'
import { loader as myXlsx } from '#app/routes/me_.records[.]xlsx.tsx'
import { renderHoursRecordPdf } from '#app/models/hours-record-documents.server.ts'
import { createCjkDocument, A4 } from '#app/utils/pdf.server.ts'
import { translator } from '#app/i18n/index.ts'
import { loadHoursRecord } from '#app/models/hours-record.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { darkPixels as darkPixelsIn, pageCount } from '#tests/fixtures/pdf.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const TODAY = '2026-11-24'
const tmp = mkdtempSync(path.join(tmpdir(), 'xx-hours-record-'))
let world: TrainingWorld
let teacher: Awaited<ReturnType<typeof createEnrolledPerson>>
let teacherUser: Awaited<ReturnType<typeof createUserWithSession>>
let concentratedId: bigint
const EXTRA = 70 // enough entries for a multi-page PDF

beforeAll(async () => {
  // Only Date is faked: "today" (the record's as-of and printed-on date) is fixed, timers run as usual.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(`${TODAY}T06:00:00Z`) })
  const db = getDb()
  world = await createTrainingWorld(db)
  teacher = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
  teacherUser = await createUserWithSession(db, { role: 'teacher', personId: teacher.person.id })
  const enrollmentId = teacher.enrollment.id
  await db.$transaction(async (tx) => {
    // The previous cycle (2021–2025): 30 学时 transferred in.
    await appendHourEntry(tx, {
      enrollmentId,
      category: 'school_based',
      minutes: 30 * 45,
      date: '2025-06-10',
      source: 'transfer',
      reason: '2025年校本研修转入',
      createdById: null,
    })
    const att = await appendHourEntry(tx, {
      enrollmentId,
      category: 'concentrated',
      minutes: 360,
      date: '2026-09-15',
      source: 'attendance',
      sourceRef: 'att-1',
      createdById: null,
    })
    concentratedId = att.entry.id
    await appendHourEntry(tx, {
      enrollmentId,
      category: 'online',
      minutes: 68,
      date: '2026-10-02',
      source: 'online_tracking',
      sourceRef: 'oc-1',
      createdById: null,
    })
    await appendHourEntry(tx, {
      enrollmentId,
      category: 'self_study',
      minutes: 90,
      date: '2026-10-05',
      source: 'self_study_log',
      sourceRef: 'ss-1',
      createdById: null,
    })
    for (let i = 0; i < EXTRA; i++) {
      const date = `2026-${String(1 + (i % 8)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
      await appendHourEntry(tx, {
        enrollmentId,
        category: 'practical',
        minutes: 45,
        date,
        source: 'transfer',
        reason: `县级教研活动 第${i + 1}次`,
        createdById: null,
      })
    }
  })
  await correctHourEntry(db, { entryId: concentratedId, minutes: -45, reason: '迟到一节课', createdById: teacherUser.id })
})

afterAll(() => {
  vi.useRealTimers()
  rmSync(tmp, { recursive: true, force: true })
})

// 2026: 360 − 45 + 68 + 90 + 70 × 45 = 3623 minutes = 80.5 学时; 2025: 1350 minutes = 30.0 学时.
const CYCLE_2026_MINUTES = 360 - 45 + 68 + 90 + EXTRA * 45

test('the teacher sees every entry with its source, the correction pointing at what it corrects, and totals per category and cycle', async () => {
  const res = await callRoute(myPage, { url: '/me/records', cookie: teacherUser.cookie })
  expect(res.status).toBe(200)
  const { record } = res.value as Awaited<ReturnType<typeof myPage>>
  expect(record!.entries).toHaveLength(4 + EXTRA + 1)
  const concentrated = record!.entries.find((e) => e.id === concentratedId.toString())!
  expect(concentrated).toMatchObject({ date: '2026-09-15', category: 'concentrated', source: 'attendance', minutes: 360, hours: 8 })
  const correction = record!.entries.find((e) => e.correctsNo !== null)!
  expect(correction).toMatchObject({ minutes: -45, hours: -1, source: 'adjustment', reason: '迟到一节课', correctsNo: concentrated.no })
  expect(record!.entries.find((e) => e.source === 'online_tracking')).toMatchObject({ minutes: 68, hours: 1.5 })

  const [block] = record!.programs
  expect(block!.categories.map((c) => [c.category, c.minutes])).toEqual([
    ['concentrated', 315],
    ['online', 68],
    ['self_study', 90],
    ['practical', EXTRA * 45],
    ['school_based', 1350],
  ])
  expect(block!.cycles.map((c) => [c.cycle, c.earnedMinutes, c.earnedHours, c.requiredHours, c.current])).toEqual([
    ['2021–2025', 1350, 30, 360, false],
    ['2026–2030', CYCLE_2026_MINUTES, 80.5, 360, true],
  ])
  // The same figure as the one engine gives every other screen.
  const progress = await loadEnrollmentProgress(getDb(), teacher.enrollment.id, TODAY)
  expect(progress!.evaluation.requirements.find((r) => r.code === 'cycle-hours')!.earnedMinutes).toBe(block!.cycles[1]!.earnedMinutes)
})

async function pdfOf(fetch: Promise<{ status: number; value: unknown }>) {
  const res = await fetch
  expect(res.status).toBe(200)
  const response = res.value as Response
  const bytes = new Uint8Array(await response.arrayBuffer())
  return { response, bytes }
}

/** Dark pixels (< 128 of 255) per page region, from pdftoppm's greyscale render (tests/fixtures/pdf.ts). */
const darkPixels = (pdfFile: string, page: number, region: { top: number; height: number }, dpi = 100) =>
  darkPixelsIn(pdfFile, page, region, { pageWidth: A4.width, workDir: tmp, dpi })

test('the PDF is A4, small, carries the Chinese text, and every page really draws its glyphs', async () => {
  const started = performance.now()
  const { response, bytes } = await pdfOf(callRoute(myPdf, { url: '/me/records.pdf', cookie: teacherUser.cookie }))
  const elapsed = performance.now() - started
  expect(response.headers.get('content-type')).toBe('application/pdf')
  const disposition = response.headers.get('content-disposition')!
  const expectedName = `学时档案-${teacher.person.name}-${TODAY}.pdf`
  expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(expectedName)}`)
  expect(disposition).toMatch(/^attachment; filename="hours-record-2026-11-24\.pdf"/)

  const file = path.join(tmp, 'record.pdf')
  writeFileSync(file, bytes)
  const pages = pageCount(file)
  console.log(`学时档案 PDF: ${bytes.byteLength} bytes, ${pages} pages, ${record_rows()} entries, ${elapsed.toFixed(0)} ms through the loader`)
  expect(pages).toBeGreaterThanOrEqual(2)
  // A subset, not the 10 MB font: a few KB of glyphs plus the pages.
  expect(bytes.byteLength).toBeLessThan(80_000)

  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
  const flat = text.replace(/\s+/g, '')
  expect(flat).toContain('学时档案')
  expect(flat).toContain(teacher.person.name)
  expect(flat).toContain(teacher.person.idMasked)
  expect(flat).toContain('2026年9月15日')
  expect(flat).toContain('打印日期：2026年11月24日')
  expect(flat).toContain('2026–2030周期（当前周期）：80.5/360.0学时')
  expect(flat).toContain('2021–2025周期：30.0/360.0学时')
  expect(flat).toContain('更正第')
  expect(flat).toContain('迟到一节课')
  expect(flat).toContain(`第1页/共${pages}页`)
  expect(flat).toContain(`第${pages}页/共${pages}页`)

  // The title (20 pt, Chinese only) on page 1, and the running header (学时档案 · name) and
  // footer (第 n 页 / 共 N 页) on every page, are drawn: a page that dropped the CJK glyphs
  // (the fontkit 1.1.1 trap) would be blank there while its text still extracts.
  expect(darkPixels(file, 1, { top: 40, height: 40 })).toBeGreaterThan(300)
  for (let p = 1; p <= pages; p++) {
    expect(darkPixels(file, p, { top: 8, height: 24 }), `header of page ${p}`).toBeGreaterThan(60)
    expect(darkPixels(file, p, { top: A4.height - 32, height: 24 }), `footer of page ${p}`).toBeGreaterThan(60)
  }
})

const record_rows = () => 4 + EXTRA + 1

test('the glyph check tells drawn text from text that only extracts', async () => {
  // Same font and words, once drawn and once invisible (what the fontkit 1.1.1 trap looks like).
  const render = async (opacity: number) => {
    const { doc, fonts } = await createCjkDocument({ title: '对照' })
    doc.addPage([A4.width, A4.height]).drawText('学时档案 集中授课 线上学习', { x: 40, y: A4.height - 70, size: 20, font: fonts.regular, opacity })
    const file = path.join(tmp, `control-${opacity}.pdf`)
    writeFileSync(file, await doc.save())
    return file
  }
  const drawn = await render(1)
  const invisible = await render(0)
  expect(execFileSync('pdftotext', [invisible, '-'], { encoding: 'utf8' })).toContain('学时档案')
  expect(darkPixels(invisible, 1, { top: 40, height: 40 })).toBe(0)
  expect(darkPixels(drawn, 1, { top: 40, height: 40 })).toBeGreaterThan(300)
})

test('rendering a record takes little time once the font is loaded', async () => {
  const record = await loadHoursRecord(getDb(), teacher.person.id, TODAY)
  const t = translator('zh-CN')
  await renderHoursRecordPdf(record, t, 'zh-CN') // warm: font file read and parsed once per process
  const runs = 5
  const started = performance.now()
  let size = 0
  for (let i = 0; i < runs; i++) size = (await renderHoursRecordPdf(record, t, 'zh-CN')).byteLength
  const each = (performance.now() - started) / runs
  console.log(`学时档案 PDF render (${record.entries.length} entries): ${each.toFixed(1)} ms each, ${size} bytes`)
  expect(each).toBeLessThan(1000)
})

test('the xlsx has one row per entry with its minutes, under a frozen header row', async () => {
  const res = await callRoute(myXlsx, { url: '/me/records.xlsx', cookie: teacherUser.cookie })
  expect(res.status).toBe(200)
  const response = res.value as Response
  expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  expect(response.headers.get('content-disposition')).toContain(encodeURIComponent(`学时档案-${teacher.person.name}-${TODAY}.xlsx`))
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(await response.arrayBuffer())
  const sheet = wb.worksheets[0]!
  expect(sheet.name).toBe('学时档案')
  expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
  expect(sheet.getRow(1).values).toEqual([undefined, '序号', '日期', '班级/项目', '类别', '来源', '学时', '分钟', '备注'])
  expect(sheet.actualRowCount).toBe(1 + record_rows())

  const db = getDb()
  const ledger = await db.hourEntry.findMany({ where: { personId: teacher.person.id }, orderBy: [{ occurredOn: 'asc' }, { id: 'asc' }] })
  const minutes: number[] = []
  sheet.eachRow((row, n) => {
    if (n > 1) minutes.push(row.getCell(7).value as number)
  })
  expect(minutes).toEqual(ledger.map((e) => e.minutes))
  const correctionRow = sheet.getRows(2, record_rows())!.find((r) => r.getCell(7).value === -45)!
  expect(correctionRow.getCell(5).value).toBe('调整')
  expect(String(correctionRow.getCell(8).value)).toMatch(/^更正第 \d+ 条：迟到一节课$/)
  expect(correctionRow.getCell(6).value).toBe(-1)
})

test('a coordinator of the township sees the same record; one of another county gets 404, page and downloads alike', async () => {
  const db = getDb()
  const zhelou = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
  const other = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.otherCounty.id })
  const params = { personId: teacher.person.id }
  const url = `/coordinator/people/${teacher.person.id}/records`

  const ok = await callRoute(personPage, { url, cookie: zhelou.cookie, params })
  expect(ok.status).toBe(200)
  const mine = await callRoute(myPage, { url: '/me/records', cookie: teacherUser.cookie })
  expect((ok.value as Awaited<ReturnType<typeof personPage>>).record).toEqual((mine.value as Awaited<ReturnType<typeof myPage>>).record)
  const pdf = await pdfOf(callRoute(personPdf, { url: `${url}.pdf`, cookie: zhelou.cookie, params }))
  expect(pdf.bytes.byteLength).toBeGreaterThan(1000)

  expect((await callRoute(personPage, { url, cookie: other.cookie, params })).status).toBe(404)
  expect((await callRoute(personPdf, { url: `${url}.pdf`, cookie: other.cookie, params })).status).toBe(404)
  expect((await callRoute(personXlsx, { url: `${url}.xlsx`, cookie: other.cookie, params })).status).toBe(404)
  // An id that does not exist looks the same.
  expect((await callRoute(personPdf, { url: '/coordinator/people/nope/records.pdf', cookie: zhelou.cookie, params: { personId: 'nope' } })).status).toBe(404)
})

test("a learner gets only their own record and cannot open anyone else's", async () => {
  const db = getDb()
  const learner = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  const learnerUser = await createUserWithSession(db, { role: 'learner', personId: learner.person.id })
  await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: learner.enrollment.id,
      category: 'self_study',
      minutes: 45,
      date: '2026-04-02',
      source: 'self_study_log',
      sourceRef: 'ss-learner',
      createdById: null,
    }),
  )
  const params = { personId: teacher.person.id }
  const url = `/coordinator/people/${teacher.person.id}/records`
  expect((await callRoute(personPage, { url, cookie: learnerUser.cookie, params })).status).toBe(403)
  expect((await callRoute(personPdf, { url: `${url}.pdf`, cookie: learnerUser.cookie, params })).status).toBe(403)

  const { bytes } = await pdfOf(callRoute(myPdf, { url: '/me/records.pdf', cookie: learnerUser.cookie }))
  const file = path.join(tmp, 'learner.pdf')
  writeFileSync(file, bytes)
  const flat = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '')
  expect(flat).toContain(learner.person.name)
  expect(flat).not.toContain(teacher.person.name)
  // A learner's record has no 5-year cycle; its one entry is there.
  expect(flat).not.toContain('五年周期')
  expect(flat).toContain('2026年4月2日')

  // Without a session: to the sign-in page, never a file.
  const anonymous = await callRoute(myPdf, { url: '/me/records.pdf' })
  expect(anonymous.status).toBe(302)
})
