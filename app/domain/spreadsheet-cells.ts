/**
 * Cells of the xlsx and CSV files we write (exports and reports, issue 12),
 * safe against formula injection (CSV injection, OWASP): a text that a
 * spreadsheet would read as a formula or a command — starting with = + - @,
 * or with a tab or carriage return before it — gets a leading apostrophe, so
 * Excel and WPS show it as text and never run it. Numbers stay numbers (a
 * negative correction of -45 minutes is a number, not text).
 */
const DANGEROUS_START = /^[=+\-@\t\r]/

export function safeCell(value: string | number | boolean | null | undefined): string | number | boolean | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string') return value
  return DANGEROUS_START.test(value) ? `'${value}` : value
}

/** One CSV field (RFC 4180), escaped against formula injection first. */
export function csvField(value: string | number | boolean | null | undefined): string {
  const v = safeCell(value)
  if (v === null) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** One CSV line (CRLF-terminated, as Excel writes them). */
export const csvLine = (values: (string | number | boolean | null | undefined)[]) => `${values.map(csvField).join(',')}\r\n`

/** UTF-8 byte-order mark: Excel in China opens a CSV as GBK unless it starts with one. */
export const CSV_BOM = '\ufeff'
