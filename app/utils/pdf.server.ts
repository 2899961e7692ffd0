/**
 * Server-side PDFs with Chinese text (学时档案, later the certificates):
 * pdf-lib for the document, a Simplified-Chinese font shipped by an npm
 * package (Noto Sans SC, @expo-google-fonts/noto-sans-sc; no system font is
 * assumed), embedded as a subset so a page carries only the glyphs it uses.
 *
 * Known trap (DESIGN.md §4): pdf-lib's own `@pdf-lib/fontkit` 1.1.1 silently
 * drops most CJK glyphs when subsetting (the text extracts but the page shows
 * blanks). We register the maintained upstream `fontkit` 2 instead, through
 * the small adapter below: fontkit 2's subset has `encode()` where pdf-lib
 * expects `encodeStream()`. tests/integration/records.integration-test.ts
 * renders pages with pdftoppm and checks the glyphs are really drawn.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import * as fontkit from 'fontkit'
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib'
import QRCode from 'qrcode'

/** A4 portrait in PDF points. */
export const A4 = { width: 595.28, height: 841.89 } as const
export const A4_LANDSCAPE = { width: A4.height, height: A4.width } as const

export type FontWeight = 'regular' | 'bold'

const FONT_FILES: Record<FontWeight, string> = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
}

const require = createRequire(import.meta.url)
const fontBytes = new Map<FontWeight, Promise<Uint8Array>>()

/** The font file's bytes, read once per process (≈ 10 MB each; only the used glyphs go into a PDF). */
export function loadFontBytes(weight: FontWeight = 'regular'): Promise<Uint8Array> {
  let bytes = fontBytes.get(weight)
  if (!bytes) {
    bytes = readFile(require.resolve(FONT_FILES[weight])).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength))
    bytes.catch(() => fontBytes.delete(weight))
    fontBytes.set(weight, bytes)
  }
  return bytes
}

type FontkitFont = ReturnType<typeof fontkit.create>
// Parsing is lazy in fontkit, but the cmap and layout caches are worth keeping: one parsed font per file.
const parsed = new WeakMap<Uint8Array, FontkitFont>()

/**
 * fontkit 2 in the shape pdf-lib's `registerFontkit` expects. Subsets gain the
 * `encodeStream()` pdf-lib reads (fontkit 2 encodes in one go with `encode()`).
 */
export const fontkitAdapter = {
  create(data: Uint8Array, postscriptName?: string) {
    let font = parsed.get(data)
    if (!font) {
      font = fontkit.create(Buffer.from(data.buffer, data.byteOffset, data.byteLength), postscriptName)
      parsed.set(data, font)
    }
    if (!('layout' in font)) throw new Error('Expected a single font, got a font collection')
    return new Proxy(font, {
      get(target, prop) {
        if (prop === 'createSubset') {
          return () => {
            const subset = target.createSubset() as ReturnType<typeof target.createSubset> & { encode(): Uint8Array }
            return Object.assign(subset, { encodeStream: () => streamOf(() => subset.encode()) })
          }
        }
        const value = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  },
}

/**
 * A one-shot "stream" with the on('data' | 'end' | 'error') interface pdf-lib
 * listens to. pdf-lib attaches its three listeners synchronously right after
 * `encodeStream()`, so the bytes are emitted on the next microtask.
 */
function streamOf(produce: () => Uint8Array) {
  const handlers: Partial<Record<'data' | 'end' | 'error', (x?: unknown) => void>> = {}
  const stream = {
    on(event: 'data' | 'end' | 'error', callback: (x?: never) => void) {
      handlers[event] = callback as (x?: unknown) => void
      return stream
    },
  }
  queueMicrotask(() => {
    try {
      handlers.data?.(produce())
      handlers.end?.()
    } catch (error) {
      handlers.error?.(error)
    }
  })
  return stream
}

export type CjkFonts = { regular: PDFFont; bold?: PDFFont }

/** A new PDF with fontkit 2 registered and the Chinese font(s) embedded as subsets. */
export async function createCjkDocument(opts: { title: string; subject?: string; bold?: boolean; creationDate?: Date }) {
  const doc = await PDFDocument.create()
  doc.registerFontkit(fontkitAdapter as unknown as Parameters<typeof doc.registerFontkit>[0])
  doc.setTitle(opts.title, { showInWindowTitleBar: true })
  if (opts.subject) doc.setSubject(opts.subject)
  doc.setCreator('乡学 XiangXue')
  doc.setProducer('乡学 XiangXue (pdf-lib, fontkit 2)')
  doc.setLanguage('zh-CN')
  if (opts.creationDate) {
    doc.setCreationDate(opts.creationDate)
    doc.setModificationDate(opts.creationDate)
  }
  const regular = await doc.embedFont(await loadFontBytes('regular'), { subset: true })
  const bold = opts.bold ? await doc.embedFont(await loadFontBytes('bold'), { subset: true }) : undefined
  return { doc, fonts: { regular, bold } satisfies CjkFonts }
}

export const INK = rgb(0.11, 0.14, 0.19)
export const MUTED = rgb(0.36, 0.4, 0.46)
export const LINE = rgb(0.8, 0.82, 0.85)

/**
 * Splits text into lines no wider than `maxWidth`: Chinese breaks between any
 * two characters, Latin words and numbers stay whole unless longer than a line.
 * Explicit newlines are kept.
 */
export function wrapText(font: PDFFont, text: string, size: number, maxWidth: number): string[] {
  const width = (s: string) => font.widthOfTextAtSize(s, size)
  const lines: string[] = []
  for (const paragraph of text.split(/\r?\n/)) {
    // Tokens: a run of Latin letters/digits (a "word"), or any single other character.
    const tokens = paragraph.match(/[A-Za-z0-9@._\-/:#%+]+|\s+|./gu) ?? []
    let line = ''
    for (const token of tokens) {
      if (width(line + token) <= maxWidth) {
        line += token
        continue
      }
      if (line.trim()) lines.push(line.trimEnd())
      line = /^\s+$/.test(token) ? '' : token
      // A single token wider than the line: cut it by characters.
      while (width(line) > maxWidth && line.length > 1) {
        let cut = line.length - 1
        while (cut > 1 && width(line.slice(0, cut)) > maxWidth) cut--
        lines.push(line.slice(0, cut))
        line = line.slice(cut)
      }
    }
    lines.push(line.trimEnd())
  }
  return lines
}

/** The text, shortened with "…" to fit `maxWidth`. */
export function fitText(font: PDFFont, text: string, size: number, maxWidth: number): string {
  if (font.widthOfTextAtSize(text, size) <= maxWidth) return text
  let end = text.length
  while (end > 0 && font.widthOfTextAtSize(`${text.slice(0, end)}…`, size) > maxWidth) end--
  return `${text.slice(0, end)}…`
}

/** Draws text right-aligned so that it ends at `right`. */
export function drawTextRight(page: PDFPage, text: string, opts: { right: number; y: number; font: PDFFont; size: number; color?: ReturnType<typeof rgb> }) {
  const w = opts.font.widthOfTextAtSize(text, opts.size)
  page.drawText(text, { x: opts.right - w, y: opts.y, font: opts.font, size: opts.size, color: opts.color ?? INK })
}

/**
 * A running header (left: `header`, right: `headerRight`) and a centred footer
 * on every page, e.g. "第 1 页 / 共 3 页"; call after all pages exist.
 */
export function drawHeadersAndFooters(
  doc: PDFDocument,
  font: PDFFont,
  opts: { header?: string; headerRight?: string; footer: (page: number, pages: number) => string; margin?: number; size?: number },
) {
  const pages = doc.getPages()
  const margin = opts.margin ?? 40
  const size = opts.size ?? 8
  pages.forEach((page, i) => {
    const { width, height } = page.getSize()
    if (opts.header) page.drawText(fitText(font, opts.header, size, width / 2 - margin), { x: margin, y: height - margin / 2 - size, font, size, color: MUTED })
    if (opts.headerRight) drawTextRight(page, opts.headerRight, { right: width - margin, y: height - margin / 2 - size, font, size, color: MUTED })
    const footer = opts.footer(i + 1, pages.length)
    const w = font.widthOfTextAtSize(footer, size)
    page.drawText(footer, { x: (width - w) / 2, y: margin / 2, font, size, color: MUTED })
  })
}

/**
 * A QR code as one vector path (a run of dark modules in a row is one
 * rectangle) on a white square with a 2-module quiet zone; `top` is the
 * square's upper edge, `size` its side, in points. Certificates and sign-in
 * cards print theirs this way: sharp at any zoom, a few hundred bytes.
 */
export function drawQrCode(page: PDFPage, text: string, x: number, top: number, size: number) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const n = qr.modules.size
  const quiet = 2
  const unit = size / (n + 2 * quiet)
  let d = ''
  for (let r = 0; r < n; r++) {
    let c = 0
    while (c < n) {
      if (!qr.modules.get(r, c)) {
        c++
        continue
      }
      const start = c
      while (c < n && qr.modules.get(r, c)) c++
      d += `M${start + quiet} ${r + quiet}h${c - start}v1h${start - c}z`
    }
  }
  page.drawRectangle({ x, y: top - size, width: size, height: size, color: rgb(1, 1, 1) })
  page.drawSvgPath(d, { x, y: top, scale: unit, color: rgb(0, 0, 0), borderWidth: 0 })
}
