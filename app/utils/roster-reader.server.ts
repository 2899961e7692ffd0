/**
 * Reads the rows of a roster file that app/domain/file-kind.ts `checkRosterFile`
 * has accepted: an xlsx with exceljs's streaming reader (the first worksheet,
 * row by row, nothing but values kept), a CSV with csv-parse (already decoded
 * from UTF-8 or GBK). Yields each row's cells with its row number as the
 * spreadsheet shows it (1 = the first line).
 */
import { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import ExcelJS from 'exceljs'
import type { RawCell } from '#app/domain/roster-import.ts'

export type RosterRow = { rowNumber: number; cells: RawCell[] }

/** One exceljs cell value as text or number (rich text, formulas' results, hyperlinks' text, dates as YYYY-MM-DD). */
function cellValue(v: unknown): RawCell {
  if (v === null || v === undefined) return null
  if (typeof v === 'string' || typeof v === 'number') return v
  if (typeof v === 'boolean') return String(v)
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string }
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('')
    if ('result' in o) return cellValue(o.result)
    if (o.text !== undefined) return cellValue(o.text)
    if (o.error) return o.error
  }
  return String(v)
}

async function* xlsxRows(bytes: Uint8Array): AsyncGenerator<RosterRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  })
  for await (const sheet of reader) {
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as unknown[]
      const cells: RawCell[] = []
      // exceljs's row.values is 1-based and sparse.
      for (let i = 1; i < values.length; i++) cells.push(cellValue(values[i]))
      yield { rowNumber: row.number, cells }
    }
    return // the first worksheet only
  }
}

async function* csvRows(text: string): AsyncGenerator<RosterRow> {
  const parser = Readable.from([text]).pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, info: true }))
  for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { rowNumber: record.info.lines, cells: record.record }
  }
}

/** The rows of an accepted roster file. */
export function readRosterRows(file: { kind: 'xlsx'; bytes: Uint8Array } | { kind: 'csv'; text: string }): AsyncGenerator<RosterRow> {
  return file.kind === 'xlsx' ? xlsxRows(file.bytes) : csvRows(file.text)
}
