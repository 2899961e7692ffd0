import { Inflate } from 'fflate'

/**
 * What an uploaded file really is, from its first bytes (magic numbers), not
 * from its name or the browser's content type: a renamed .exe is not a photo.
 */
export type ImageKind = { mime: 'image/jpeg'; ext: 'jpg' } | { mime: 'image/png'; ext: 'png' }

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

export function sniffImage(bytes: Uint8Array): ImageKind | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { mime: 'image/jpeg', ext: 'jpg' }
  if (bytes.length >= PNG.length && PNG.every((b, i) => bytes[i] === b)) return { mime: 'image/png', ext: 'png' }
  return null
}

/** Evidence files (exemption certificates): a JPEG or PNG photo, or a PDF scan (`%PDF-`). */
export type EvidenceKind = ImageKind | { mime: 'application/pdf'; ext: 'pdf' }

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d] // %PDF-

export function sniffEvidence(bytes: Uint8Array): EvidenceKind | null {
  const image = sniffImage(bytes)
  if (image) return image
  if (bytes.length >= PDF.length && PDF.every((b, i) => bytes[i] === b)) return { mime: 'application/pdf', ext: 'pdf' }
  return null
}

// ─── Roster files (issue 12): xlsx or CSV, by content, checked before any parser sees them ──────────

/** The ceiling of a roster file (DESIGN.md §11 "Body limits": roster files 20 MB). */
export const MAX_ROSTER_BYTES = 20 * 1024 * 1024

/** Bounds of an xlsx's zip, read from its central directory before anything is inflated (zip bombs). */
export const ZIP_LIMITS = {
  /** An xlsx has a dozen parts; a few hundred with pictures and many sheets. */
  maxEntries: 1000,
  /** A 100,000-row roster's sheet and shared strings inflate to ~40 MB. */
  maxTotalUncompressed: 256 * 1024 * 1024,
  /** Deflated XML rarely beats 1:100; a bomb's parts are 1:1000. */
  maxRatio: 200,
}

export type RosterFileProblem =
  | { code: 'empty' }
  | { code: 'too_large' }
  | { code: 'not_roster' }
  | { code: 'old_excel' }
  | { code: 'zip_corrupt' }
  | { code: 'zip_unsupported' }
  | { code: 'zip_bomb' }
  | { code: 'xml_entities' }
  | { code: 'encoding' }

export type RosterFileKind =
  { ok: true; kind: 'xlsx' } | { ok: true; kind: 'csv'; text: string; encoding: 'utf-8' | 'gbk' } | { ok: false; problem: RosterFileProblem }

export type ZipEntry = { name: string; method: number; compressedSize: number; uncompressedSize: number; localHeaderOffset: number }

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8)
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000

const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04]
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const startsWith = (b: Uint8Array, sig: number[]) => b.length >= sig.length && sig.every((x, i) => b[i] === x)

/**
 * The zip's central directory (its table of contents at the end of the file),
 * read without inflating anything: every entry's name, method and declared
 * sizes. Refuses what an xlsx never is: more entries or more uncompressed
 * bytes than ZIP_LIMITS allow, a part compressed beyond maxRatio, ZIP64,
 * encryption, methods other than stored and deflate.
 */
export function readZipDirectory(bytes: Uint8Array, limits = ZIP_LIMITS): { ok: true; entries: ZipEntry[] } | { ok: false; problem: RosterFileProblem } {
  const bad = (code: RosterFileProblem['code']) => ({ ok: false as const, problem: { code } as RosterFileProblem })
  // End of central directory: 22 bytes plus a comment of at most 65,535.
  let eocd = -1
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return bad('zip_corrupt')
  const count = u16(bytes, eocd + 10)
  const size = u32(bytes, eocd + 12)
  const offset = u32(bytes, eocd + 16)
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) return bad('zip_unsupported')
  if (count > limits.maxEntries) return bad('zip_bomb')
  if (offset + size > eocd) return bad('zip_corrupt')
  const entries: ZipEntry[] = []
  let total = 0
  let p = offset
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || u32(bytes, p) !== 0x02014b50) return bad('zip_corrupt')
    const flags = u16(bytes, p + 8)
    const method = u16(bytes, p + 10)
    const compressedSize = u32(bytes, p + 20)
    const uncompressedSize = u32(bytes, p + 24)
    const nameLength = u16(bytes, p + 28)
    const extraLength = u16(bytes, p + 30)
    const commentLength = u16(bytes, p + 32)
    const localHeaderOffset = u32(bytes, p + 42)
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) return bad('zip_unsupported')
    if (flags & 0x1) return bad('zip_unsupported') // encrypted
    if (method !== 0 && method !== 8) return bad('zip_unsupported')
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength))
    total += uncompressedSize
    if (total > limits.maxTotalUncompressed) return bad('zip_bomb')
    if (uncompressedSize > 1024 * 1024 && uncompressedSize > Math.max(1, compressedSize) * limits.maxRatio) return bad('zip_bomb')
    if (localHeaderOffset + 30 > bytes.length) return bad('zip_corrupt')
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset })
    p += 46 + nameLength + extraLength + commentLength
  }
  return { ok: true, entries }
}

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

const DECLARATIONS = ['DOCTYPE', 'ENTITY'].map((w) => Array.from(w, (c) => c.charCodeAt(0)))

/**
 * Markup that makes an XML parser fetch or expand something (`<!DOCTYPE`,
 * `<!ENTITY`, any case): never in an xlsx Excel wrote. Searched byte-wise
 * ('!' is rare in spreadsheet XML), so a 40 MB sheet is scanned in well under
 * a second; `<![CDATA[` and comments pass.
 */
function hasDeclaration(b: Uint8Array): boolean {
  for (let i = b.indexOf(0x21); i >= 0; i = b.indexOf(0x21, i + 1)) {
    if (i === 0 || b[i - 1] !== 0x3c) continue
    for (const word of DECLARATIONS) {
      if (word.every((c, k) => ((b[i + 1 + k] ?? 0) & 0xdf) === c)) return true
    }
  }
  return false
}

/**
 * Inflates each XML part in small steps, never more than its declared size
 * (a central directory that lies about sizes is a bomb too) and never more
 * than a few MB at once, and looks for DOCTYPE or ENTITY declarations (XXE,
 * billion laughs). Memory stays bounded whatever the zip holds.
 */
export function scanZipXml(bytes: Uint8Array, entries: ZipEntry[]): { ok: true } | { ok: false; problem: RosterFileProblem } {
  const bad = (code: RosterFileProblem['code']) => ({ ok: false as const, problem: { code } as RosterFileProblem })
  for (const e of entries) {
    if (!/\.(xml|rels|vml)$/i.test(e.name)) continue
    const h = e.localHeaderOffset
    if (u32(bytes, h) !== 0x04034b50) return bad('zip_corrupt')
    const start = h + 30 + u16(bytes, h + 26) + u16(bytes, h + 28)
    const end = start + e.compressedSize
    if (end > bytes.length) return bad('zip_corrupt')
    let produced = 0
    let tail = new Uint8Array(0)
    let problem: RosterFileProblem['code'] | null = null
    const look = (chunk: Uint8Array) => {
      if (problem) return
      produced += chunk.length
      if (produced > e.uncompressedSize) return void (problem = 'zip_bomb')
      if (produced === chunk.length && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
        return void (problem = 'xml_entities') // UTF-16 XML would hide its declarations from this scan
      }
      const joined = tail.length ? concat(tail, chunk) : chunk
      if (hasDeclaration(joined)) return void (problem = 'xml_entities')
      tail = joined.slice(-10)
    }
    if (e.method === 0) {
      if (e.compressedSize !== e.uncompressedSize) return bad('zip_corrupt')
      for (let i = start; i < end && !problem; i += 64 * 1024) look(bytes.subarray(i, Math.min(end, i + 64 * 1024)))
    } else {
      const inflate = new Inflate((chunk) => look(chunk))
      try {
        // 4 KB of deflate input inflates to at most ~4 MB: the step bounds memory.
        for (let i = start; i < end && !problem; i += 4096) inflate.push(bytes.subarray(i, Math.min(end, i + 4096)), i + 4096 >= end)
      } catch {
        return bad('zip_corrupt')
      }
    }
    if (problem) return bad(problem)
  }
  return { ok: true }
}

/** Strict decoders: a byte sequence that is not valid in the encoding throws. */
function decodeStrict(bytes: Uint8Array, encoding: 'utf-8' | 'gbk'): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return null
  }
}

/**
 * What a roster file is, by its bytes (never its name or content type): an
 * xlsx (a zip with [Content_Types].xml and xl/workbook.xml, within
 * ZIP_LIMITS, no DOCTYPE/ENTITY in any XML part) or a CSV (text without NUL
 * bytes, UTF-8 with or without BOM, else GBK — what Excel in China saves —
 * whichever decodes without error). An .exe, a PDF or an old .xls is refused.
 */
export function checkRosterFile(bytes: Uint8Array, limits = ZIP_LIMITS): RosterFileKind {
  const bad = (code: RosterFileProblem['code']): RosterFileKind => ({ ok: false, problem: { code } as RosterFileProblem })
  if (bytes.length === 0) return bad('empty')
  if (bytes.length > MAX_ROSTER_BYTES) return bad('too_large')
  if (startsWith(bytes, OLE)) return bad('old_excel')
  if (startsWith(bytes, ZIP_LOCAL)) {
    const dir = readZipDirectory(bytes, limits)
    if (!dir.ok) return dir
    const names = new Set(dir.entries.map((e) => e.name))
    if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml')) return bad('not_roster')
    const scan = scanZipXml(bytes, dir.entries)
    if (!scan.ok) return scan
    return { ok: true, kind: 'xlsx' }
  }
  // Text: no NUL byte anywhere (binaries have many; UTF-16 text too, which Excel does not save as CSV).
  if (bytes.includes(0)) return bad('not_roster')
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  const utf8 = decodeStrict(bom ? bytes.subarray(3) : bytes, 'utf-8')
  if (utf8 !== null) return { ok: true, kind: 'csv', text: utf8, encoding: 'utf-8' }
  const gbk = decodeStrict(bytes, 'gbk')
  if (gbk !== null) return { ok: true, kind: 'csv', text: gbk, encoding: 'gbk' }
  return bad('encoding')
}

/** Lesson pictures the editor uploads: a JPEG, PNG or WebP (`RIFF....WEBP`). */
export type LessonImageKind = ImageKind | { mime: 'image/webp'; ext: 'webp' }

const ascii = (bytes: Uint8Array, at: number, text: string) => text.split('').every((c, i) => bytes[at + i] === c.charCodeAt(0))

export function sniffLessonImage(bytes: Uint8Array): LessonImageKind | null {
  const image = sniffImage(bytes)
  if (image) return image
  if (bytes.length >= 12 && ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return { mime: 'image/webp', ext: 'webp' }
  return null
}

/** Lesson recordings and videos: MP3, M4A/MP4 (an ISO `ftyp` box), Ogg, WebM (EBML). */
export type LessonMediaKind =
  | { kind: 'audio'; mime: 'audio/mpeg'; ext: 'mp3' }
  | { kind: 'audio'; mime: 'audio/mp4'; ext: 'm4a' }
  | { kind: 'audio'; mime: 'audio/ogg'; ext: 'ogg' }
  | { kind: 'video'; mime: 'video/mp4'; ext: 'mp4' }
  | { kind: 'video'; mime: 'video/webm'; ext: 'webm' }

export function sniffLessonMedia(bytes: Uint8Array): LessonMediaKind | null {
  if (bytes.length >= 3 && ascii(bytes, 0, 'ID3')) return { kind: 'audio', mime: 'audio/mpeg', ext: 'mp3' }
  // An MPEG audio frame header: 11 set sync bits, layer III.
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe6) === 0xe2) return { kind: 'audio', mime: 'audio/mpeg', ext: 'mp3' }
  if (bytes.length >= 4 && ascii(bytes, 0, 'OggS')) return { kind: 'audio', mime: 'audio/ogg', ext: 'ogg' }
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return { kind: 'video', mime: 'video/webm', ext: 'webm' }
  if (bytes.length >= 12 && ascii(bytes, 4, 'ftyp')) {
    return ascii(bytes, 8, 'M4A ') || ascii(bytes, 8, 'M4B ')
      ? { kind: 'audio', mime: 'audio/mp4', ext: 'm4a' }
      : { kind: 'video', mime: 'video/mp4', ext: 'mp4' }
  }
  return null
}
