import { expect, test } from 'vitest'
import { sniffEvidence, sniffImage, sniffLessonImage, sniffLessonMedia } from './file-kind.ts'

const bytes = (...b: number[]) => new Uint8Array(b)

test.each([
  ['a JPEG (JFIF)', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'image/jpeg'],
  ['a JPEG (Exif)', bytes(0xff, 0xd8, 0xff, 0xe1), 'image/jpeg'],
  ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
  ['a Windows .exe (MZ)', bytes(0x4d, 0x5a, 0x90, 0), null],
  ['a GIF', bytes(0x47, 0x49, 0x46, 0x38, 0x39, 0x61), null],
  ['a PDF', new TextEncoder().encode('%PDF-1.7'), null],
  ['a truncated PNG signature', bytes(0x89, 0x50, 0x4e, 0x47), null],
  ['an empty file', bytes(), null],
])('%s → %s', (_name, input, mime) => {
  expect(sniffImage(input)?.mime ?? null).toBe(mime)
})

test.each([
  ['a JPEG photo', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'image/jpeg'],
  ['a PNG photo', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
  ['a PDF scan', new TextEncoder().encode('%PDF-1.4\n%âãÏÓ'), 'application/pdf'],
  ['"%PDF" without the dash', new TextEncoder().encode('%PDF1.4'), null],
  ['a PDF signature not at the start', new TextEncoder().encode(' %PDF-1.4'), null],
  ['a Windows .exe renamed .jpg', bytes(0x4d, 0x5a, 0x90, 0), null],
  ['a ZIP (a .docx)', bytes(0x50, 0x4b, 0x03, 0x04), null],
  ['an empty file', bytes(), null],
])('evidence: %s → %s', (_name, input, mime) => {
  expect(sniffEvidence(input)?.mime ?? null).toBe(mime)
})

// ─── Roster files ────────────────────────────────────────────────────────────

import ExcelJS from 'exceljs'
import { strToU8, zipSync } from 'fflate'
import iconv from 'iconv-lite'
import { checkRosterFile, readZipDirectory, ZIP_LIMITS } from './file-kind.ts'

const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>'
const fakeXlsx = (parts: Record<string, Uint8Array | string>, level: 0 | 9 = 9) =>
  zipSync(
    Object.fromEntries(
      Object.entries({ '[Content_Types].xml': CONTENT_TYPES, 'xl/workbook.xml': '<workbook/>', ...parts }).map(([k, v]) => [
        k,
        typeof v === 'string' ? strToU8(v) : v,
      ]),
    ),
    { level },
  )

async function realXlsx() {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('花名册')
  ws.addRow(['姓名', '身份证号'])
  ws.addRow(['王小芳', '522327199003040011'])
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer)
}

test('a real xlsx (written by exceljs) is an xlsx', async () => {
  expect(checkRosterFile(await realXlsx())).toEqual({ ok: true, kind: 'xlsx' })
})

test.each<[string, () => Uint8Array, string]>([
  ['an empty file', () => new Uint8Array(), 'empty'],
  ['a Windows .exe renamed .xlsx', () => bytes(0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0), 'not_roster'],
  ['an old .xls (OLE compound file)', () => bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0), 'old_excel'],
  [
    'a .docx (a zip, no workbook)',
    () => zipSync({ '[Content_Types].xml': strToU8(CONTENT_TYPES), 'word/document.xml': strToU8('<w:document/>') }),
    'not_roster',
  ],
  ['a zip cut short', () => fakeXlsx({}).subarray(0, 40), 'zip_corrupt'],
  ['a PNG', () => bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'not_roster'],
  ['more than 20 MB', () => new Uint8Array(20 * 1024 * 1024 + 1).fill(0x41), 'too_large'],
  [
    'a sheet with a DOCTYPE (XXE)',
    () => fakeXlsx({ 'xl/worksheets/sheet1.xml': '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet>&e;</worksheet>' }),
    'xml_entities',
  ],
  ['shared strings with an ENTITY (billion laughs)', () => fakeXlsx({ 'xl/sharedStrings.xml': '<!ENTITY lol "lol"><sst/>' }), 'xml_entities'],
  ['a stored (uncompressed) part with a DOCTYPE', () => fakeXlsx({ 'xl/styles.xml': '<!doctype styles><styleSheet/>' }, 0), 'xml_entities'],
  ['a sheet of 50 MB of zeros in 50 KB (zip bomb by ratio)', () => fakeXlsx({ 'xl/worksheets/sheet1.xml': new Uint8Array(50 * 1024 * 1024) }), 'zip_bomb'],
  [
    'more entries than an xlsx ever has',
    () => fakeXlsx(Object.fromEntries(Array.from({ length: ZIP_LIMITS.maxEntries + 1 }, (_, i) => [`xl/media/p${i}.txt`, 'x']))),
    'zip_bomb',
  ],
  ['UTF-16 text (NUL bytes)', () => new Uint8Array(Buffer.from('\ufeff姓名,身份证号', 'utf16le')), 'not_roster'],
  ['bytes that are neither UTF-8 nor GBK', () => bytes(0x41, 0x2c, 0x81, 0x20, 0x0a), 'encoding'],
])('%s is refused (%s)', (_what, make, code) => {
  const result = checkRosterFile(make())
  expect(result.ok ? 'accepted' : result.problem.code).toBe(code)
})

test('a zip whose directory understates the sizes is caught while inflating, after at most its declared size', () => {
  const zip = fakeXlsx({ 'xl/worksheets/sheet1.xml': new Uint8Array(8 * 1024 * 1024) })
  const dir = readZipDirectory(zip, { ...ZIP_LIMITS, maxRatio: 1e9 })
  expect(dir.ok).toBe(true)
  // Rewrite the central directory's uncompressed size of every entry to 100 bytes.
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  for (let p = 0; p + 4 <= zip.length; p++) if (view.getUint32(p, true) === 0x02014b50) view.setUint32(p + 24, 100, true)
  const result = checkRosterFile(zip)
  expect(result.ok ? 'accepted' : result.problem.code).toBe('zip_bomb')
})

test('a directory declaring more than the total uncompressed bound is refused before anything is inflated', () => {
  const zip = fakeXlsx({ 'xl/worksheets/sheet1.xml': 'x'.repeat(2000) })
  expect(readZipDirectory(zip, { ...ZIP_LIMITS, maxTotalUncompressed: 1000 })).toEqual({ ok: false, problem: { code: 'zip_bomb' } })
})

test.each<[string, Uint8Array, 'utf-8' | 'gbk']>([
  ['UTF-8 with a BOM', new Uint8Array(Buffer.from('\ufeff姓名,身份证号\r\n王小芳,522327199003040011\r\n')), 'utf-8'],
  ['UTF-8 without a BOM', new Uint8Array(Buffer.from('姓名,身份证号\n王小芳,522327199003040011\n')), 'utf-8'],
  ['GBK (what Excel in China saves)', new Uint8Array(iconv.encode('姓名,身份证号\r\n王小芳,522327199003040011\r\n', 'gbk')), 'gbk'],
  ['plain ASCII', new Uint8Array(Buffer.from('name,id\n')), 'utf-8'],
])('CSV in %s is read with its Chinese intact', (_what, input, encoding) => {
  const result = checkRosterFile(input)
  expect(result).toMatchObject({ ok: true, kind: 'csv', encoding })
  if (result.ok && result.kind === 'csv' && !result.text.startsWith('name')) expect(result.text).toMatch(/^姓名,身份证号\r?\n王小芳,/)
})

const text = (s: string) => new TextEncoder().encode(s)

test.each([
  ['a JPEG', bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
  ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
  ['a WebP', text('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '), 'image/webp'],
  ['a WAV (RIFF but not WebP)', text('RIFF\u0000\u0000\u0000\u0000WAVEfmt '), null],
  ['an SVG (may carry script)', text('<svg xmlns="http://www.w3.org/2000/svg">'), null],
  ['a GIF', text('GIF89a'), null],
])('lesson image: %s → %s', (_name, input, mime) => {
  expect(sniffLessonImage(input)?.mime ?? null).toBe(mime)
})

test.each([
  ['an MP3 with ID3', text('ID3\u0004\u0000'), 'audio/mpeg'],
  ['an MP3 frame', bytes(0xff, 0xfb, 0x90, 0x00), 'audio/mpeg'],
  ['an M4A', text('\u0000\u0000\u0000\u0020ftypM4A \u0000'), 'audio/mp4'],
  ['an MP4', text('\u0000\u0000\u0000\u0020ftypisom\u0000'), 'video/mp4'],
  ['an Ogg', text('OggS\u0000'), 'audio/ogg'],
  ['a WebM', bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f), 'video/webm'],
  ['an HTML page', text('<!doctype html><script>'), null],
  ['a Windows .exe', bytes(0x4d, 0x5a, 0x90, 0), null],
])('lesson media: %s → %s', (_name, input, mime) => {
  expect(sniffLessonMedia(input)?.mime ?? null).toBe(mime)
})
