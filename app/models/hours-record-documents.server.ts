/**
 * The 学时档案 as downloads: an A4 PDF (Chinese font subset embedded, see
 * app/utils/pdf.server.ts) and an xlsx. Both come from the same loaded record
 * as the page (app/models/hours-record.server.ts).
 */
import ExcelJS from 'exceljs'
import type { PDFFont, PDFPage } from 'pdf-lib'
import { cycleStatus, recordFileName } from '#app/domain/hours-record.ts'
import { formatDate } from '#app/domain/time.ts'
import { translator, type Locale, type T } from '#app/i18n/index.ts'
import type { DownloadFile } from '#app/utils/downloads.ts'
import { categoryLabel, cycleStatusText, entryNote, hoursText, programLabel, sourceLabel } from '#app/utils/hours-record-view.ts'
import { A4, createCjkDocument, drawHeadersAndFooters, drawTextRight, fitText, INK, LINE, MUTED, wrapText } from '#app/utils/pdf.server.ts'
import type { HoursRecord } from './hours-record.server.ts'

export type HoursRecordFormat = 'pdf' | 'xlsx'

const CONTENT_TYPES: Record<HoursRecordFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/** The record as a file in the reader's language, named `学时档案-<name>-<date>.<format>`. */
export async function hoursRecordFile(record: HoursRecord, format: HoursRecordFormat, locale: Locale): Promise<DownloadFile> {
  const t = translator(locale)
  const bytes = format === 'pdf' ? await renderHoursRecordPdf(record, t, locale) : await renderHoursRecordXlsx(record, t, locale)
  return { bytes, contentType: CONTENT_TYPES[format], fileName: recordFileName(record.person.name, record.asOf, format) }
}

const MARGIN = 40
const BOTTOM = 48
const SIZE = 9
const LINE_HEIGHT = 12.5

type Column = { key: 'no' | 'date' | 'group' | 'category' | 'source' | 'hours' | 'note'; width: number; align?: 'right' }
const COLUMNS: Column[] = [
  { key: 'no', width: 30 },
  { key: 'date', width: 76 },
  { key: 'group', width: 112 },
  { key: 'category', width: 52 },
  { key: 'source', width: 66 },
  { key: 'hours', width: 56, align: 'right' },
  { key: 'note', width: A4.width - 2 * MARGIN - (30 + 76 + 112 + 52 + 66 + 56) },
]
const PAD = 4

/** A4 portrait, multi-page, the header row repeated on each page, "第 1 页 / 共 3 页" at the foot. */
export async function renderHoursRecordPdf(record: HoursRecord, t: T, locale: Locale): Promise<Uint8Array> {
  const printedOn = formatDate(record.asOf, locale)
  const { doc, fonts } = await createCjkDocument({ title: t('records.titleOf', { name: record.person.name }), subject: t('records.title') })
  const font = fonts.regular
  let page = doc.addPage([A4.width, A4.height])
  let y = A4.height - MARGIN - 14

  const text = (p: PDFPage, s: string, x: number, yy: number, size = SIZE, color = INK, f: PDFFont = font) => p.drawText(s, { x, y: yy, font: f, size, color })

  // Title block.
  text(page, t('records.title'), MARGIN, y - 8, 20)
  y -= 36
  text(page, t('records.doc.name', { name: record.person.name }), MARGIN, y, 11)
  text(page, t('records.doc.idNumber', { id: record.person.idMasked }), MARGIN + 170, y, 11)
  drawTextRight(page, t('records.doc.printedOn', { date: printedOn }), { right: A4.width - MARGIN, y, font, size: 11 })
  y -= 22

  // Totals per program and category; cycles.
  for (const block of record.programs) {
    text(page, `${t('records.doc.program')}：${programLabel(t, block.programCode, block.programName)}`, MARGIN, y, 10, MUTED)
    y -= 15
    const parts = block.categories.map((c) => `${categoryLabel(t, c.category)} ${t('records.hours', { hours: hoursText(c.hours) })}`)
    parts.push(`${t('records.total')} ${t('records.hours', { hours: hoursText(block.hours) })}`)
    for (const line of wrapText(font, parts.join('　·　'), 10.5, A4.width - 2 * MARGIN)) {
      text(page, line, MARGIN, y, 10.5)
      y -= 15
    }
    for (const c of block.cycles) {
      const status = cycleStatusText(t, cycleStatus(c, record.asOf))
      const label = `${t('records.cycles')} ${t('records.cycle', { cycle: c.cycle })}${c.current ? `（${t('records.cycleCurrent')}）` : ''}`
      text(
        page,
        `${label}：${t('records.cycleProgress', { earned: hoursText(c.earnedHours), required: hoursText(c.requiredHours) })}　${status}`,
        MARGIN,
        y,
        10.5,
      )
      y -= 15
    }
    y -= 4
  }
  if (record.pendingOnlineMinutes > 0) {
    for (const line of wrapText(font, t('records.pendingOnline', { minutes: record.pendingOnlineMinutes }), 9, A4.width - 2 * MARGIN)) {
      text(page, line, MARGIN, y, 9, MUTED)
      y -= 12
    }
  }
  y -= 6

  const headerRow = () => {
    const h = LINE_HEIGHT + 2 * PAD
    page.drawRectangle({ x: MARGIN, y: y - h, width: A4.width - 2 * MARGIN, height: h, color: LINE, opacity: 0.45 })
    let x = MARGIN
    for (const col of COLUMNS) {
      const label = t(`records.col.${col.key}`)
      if (col.align === 'right') drawTextRight(page, label, { right: x + col.width - PAD, y: y - PAD - SIZE, font, size: SIZE })
      else text(page, label, x + PAD, y - PAD - SIZE)
      x += col.width
    }
    y -= h
  }

  if (record.entries.length === 0) {
    text(page, t('records.none'), MARGIN, y - 14, 11, MUTED)
  } else {
    headerRow()
    for (const e of record.entries) {
      const cells: Record<Column['key'], string[]> = {
        no: [String(e.no)],
        date: [formatDate(e.date, locale)],
        group: wrapText(font, e.groupName, SIZE, COLUMNS[2]!.width - 2 * PAD),
        category: [fitText(font, categoryLabel(t, e.category), SIZE, COLUMNS[3]!.width - 2 * PAD)],
        source: wrapText(font, sourceLabel(t, e.source), SIZE, COLUMNS[4]!.width - 2 * PAD),
        hours: [hoursText(e.hours), t('records.minutes', { minutes: e.minutes })],
        note: wrapText(font, entryNote(t, e), SIZE, COLUMNS[6]!.width - 2 * PAD).filter((l, i, all) => l !== '' || all.length === 1),
      }
      const lines = Math.max(...Object.values(cells).map((c) => c.length))
      const h = lines * LINE_HEIGHT + 2 * PAD
      if (y - h < BOTTOM) {
        page = doc.addPage([A4.width, A4.height])
        y = A4.height - MARGIN - 6
        headerRow()
      }
      let x = MARGIN
      for (const col of COLUMNS) {
        cells[col.key].forEach((line, i) => {
          const yy = y - PAD - SIZE - i * LINE_HEIGHT
          const color = col.key === 'hours' && i > 0 ? MUTED : INK
          if (col.align === 'right') drawTextRight(page, line, { right: x + col.width - PAD, y: yy, font, size: i > 0 ? SIZE - 1 : SIZE, color })
          else text(page, line, x + PAD, yy, SIZE, color)
        })
        x += col.width
      }
      y -= h
      page.drawLine({ start: { x: MARGIN, y }, end: { x: A4.width - MARGIN, y }, thickness: 0.5, color: LINE })
    }
  }

  drawHeadersAndFooters(doc, font, {
    margin: MARGIN,
    header: `${t('records.title')} · ${record.person.name}`,
    headerRight: t('records.doc.printedOn', { date: printedOn }),
    footer: (p, n) => `${t('records.doc.page', { page: p, pages: n })}　${t('records.doc.footerNote')}`,
  })
  return doc.save()
}

/** One sheet, one row per entry (with raw minutes), the header row frozen; a second sheet with the totals. */
export async function renderHoursRecordXlsx(record: HoursRecord, t: T, locale: Locale): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook()
  wb.creator = '乡学 XiangXue'
  wb.created = new Date(`${record.asOf}T00:00:00Z`)
  const sheet = wb.addWorksheet(t('records.doc.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] })
  // Widths in characters; a Chinese character takes about two.
  sheet.columns = [
    { header: t('records.col.no'), key: 'no', width: 6 },
    { header: t('records.col.date'), key: 'date', width: 16, style: { numFmt: locale === 'zh-CN' ? 'yyyy"年"m"月"d"日"' : 'yyyy-mm-dd' } },
    { header: t('records.col.group'), key: 'group', width: 30 },
    { header: t('records.col.category'), key: 'category', width: 12 },
    { header: t('records.col.source'), key: 'source', width: 14 },
    { header: t('records.col.hours'), key: 'hours', width: 9, style: { numFmt: '0.0' } },
    { header: t('records.col.minutes'), key: 'minutes', width: 9, style: { numFmt: '0' } },
    { header: t('records.col.note'), key: 'note', width: 44, style: { alignment: { wrapText: true, vertical: 'top' } } },
  ]
  sheet.getRow(1).font = { bold: true }
  sheet.autoFilter = { from: 'A1', to: 'H1' }
  for (const e of record.entries) {
    sheet.addRow({
      no: e.no,
      date: new Date(`${e.date}T00:00:00Z`),
      group: e.groupName,
      category: categoryLabel(t, e.category),
      source: sourceLabel(t, e.source),
      hours: e.hours,
      minutes: e.minutes,
      note: entryNote(t, e),
    })
  }

  const totals = wb.addWorksheet(t('records.totals'))
  totals.columns = [
    { header: t('records.doc.program'), key: 'program', width: 16 },
    { header: t('records.col.category'), key: 'category', width: 30 },
    { header: t('records.col.hours'), key: 'hours', width: 10, style: { numFmt: '0.0' } },
    { header: t('records.col.minutes'), key: 'minutes', width: 10, style: { numFmt: '0' } },
  ]
  totals.getRow(1).font = { bold: true }
  for (const block of record.programs) {
    const program = programLabel(t, block.programCode, block.programName)
    for (const c of block.categories) totals.addRow({ program, category: categoryLabel(t, c.category), hours: c.hours, minutes: c.minutes })
    totals.addRow({ program, category: t('records.total'), hours: block.hours, minutes: block.minutes })
    for (const c of block.cycles) {
      totals.addRow({ program, category: `${t('records.cycles')} ${t('records.cycle', { cycle: c.cycle })}`, hours: c.earnedHours, minutes: c.earnedMinutes })
    }
  }
  totals.addRow({})
  totals.addRow({ program: t('records.doc.name', { name: record.person.name }), category: t('records.doc.idNumber', { id: record.person.idMasked }) })
  totals.addRow({ program: t('records.doc.printedOn', { date: formatDate(record.asOf, locale) }) })

  const buffer = await wb.xlsx.writeBuffer()
  return new Uint8Array(buffer as ArrayBuffer)
}
