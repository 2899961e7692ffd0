/**
 * The sheet of printed sign-in cards (issue 17): A4 portrait, 8 cards a page
 * (2 × 4) with dashed cut lines, each with 乡学 学习卡, the learner's name,
 * the class or round, a personal QR code of the card's URL (vector, as on
 * the certificates), one line of plain instruction and the card's number.
 * Only the glyphs used are embedded (the subsetted Noto Sans SC of
 * app/utils/pdf.server.ts). The wording is fixed here, like the
 * certificates': a card is a printed thing in Chinese.
 */
import { rgb, type PDFFont, type PDFPage } from 'pdf-lib'
import { A4, createCjkDocument, drawQrCode, fitText, INK, MUTED, wrapText } from '#app/utils/pdf.server.ts'

export type PrintableCard = {
  /** The full card URL the QR code opens (`${origin}/c/<id>.<secret>`). */
  url: string
  name: string
  /** The class or round (several joined with 、). */
  groupLine: string
  /** The number printed on the card (cardShortId). */
  shortId: string
}

/** Cards per page, and the grid. */
export const CARDS_PER_PAGE = 8
const COLS = 2
const ROWS = 4
const MARGIN_X = 28
const MARGIN_Y = 30
const CARD_W = (A4.width - 2 * MARGIN_X) / COLS
const CARD_H = (A4.height - 2 * MARGIN_Y) / ROWS
const PAD = 14
const QR = 124
const CUT = rgb(0.6, 0.62, 0.66)
const ACCENT = rgb(0.09, 0.4, 0.27)

/** Where card `i` of a page sits (its upper-left corner, PDF points from the bottom-left). */
export function cardBox(i: number) {
  const col = i % COLS
  const row = Math.floor(i / COLS)
  return { x: MARGIN_X + col * CARD_W, top: A4.height - MARGIN_Y - row * CARD_H, width: CARD_W, height: CARD_H }
}

/** Chinese line breaks: no line ends with an opening bracket or starts with closing punctuation (either moves to its neighbour). */
function tidyBreaks(lines: string[]): string[] {
  const out = [...lines]
  for (let i = 0; i < out.length - 1; i++) {
    const open = /[（《“‘(]+$/.exec(out[i]!)
    if (open) {
      out[i] = out[i]!.slice(0, -open[0].length)
      out[i + 1] = open[0] + out[i + 1]
    }
    const close = /^[，。、；：！？）》”’,.;:!?)]+/.exec(out[i + 1]!)
    if (close) {
      out[i] += close[0]
      out[i + 1] = out[i + 1]!.slice(close[0].length)
    }
  }
  return out.filter((l) => l.length > 0)
}

/** Dashed cut lines around the first `rows` rows of cards (a last page with fewer cards gets no empty grid). */
function cutLines(page: PDFPage, rows: number) {
  const dash = { thickness: 0.6, color: CUT, dashArray: [4, 3] }
  const top = A4.height - MARGIN_Y
  const bottom = top - rows * CARD_H
  for (let c = 0; c <= COLS; c++) {
    const x = MARGIN_X + c * CARD_W
    page.drawLine({ start: { x, y: bottom - 12 }, end: { x, y: top + 12 }, ...dash })
  }
  for (let r = 0; r <= rows; r++) {
    const y = top - r * CARD_H
    page.drawLine({ start: { x: MARGIN_X - 12, y }, end: { x: A4.width - MARGIN_X + 12, y }, ...dash })
  }
}

function drawCard(page: PDFPage, card: PrintableCard, i: number, fonts: { regular: PDFFont; bold: PDFFont }) {
  const { regular, bold } = fonts
  const box = cardBox(i)
  const left = box.x + PAD
  const qrX = box.x + box.width - PAD - QR
  const textWidth = qrX - left - 10

  // Header: 乡学 学习卡.
  let y = box.top - PAD - 14
  page.drawText('乡学', { x: left, y, font: bold, size: 14, color: ACCENT })
  page.drawText('学习卡', { x: left + bold.widthOfTextAtSize('乡学', 14) + 5, y, font: bold, size: 14, color: INK })

  // The QR code, right, under the header line.
  drawQrCode(page, card.url, qrX, box.top - PAD + 2, QR)

  // Name, large; the class or round under it (at most three lines).
  y -= 36
  const nameSize = bold.widthOfTextAtSize(card.name, 22) <= textWidth ? 22 : 16
  page.drawText(fitText(bold, card.name, nameSize, textWidth), { x: left, y, font: bold, size: nameSize, color: INK })
  y -= 20
  const groupLines = tidyBreaks(wrapText(regular, card.groupLine, 10, textWidth))
  for (const [n, line] of groupLines.slice(0, 3).entries()) {
    const last = n === 2 && groupLines.length > 3
    page.drawText(last ? fitText(regular, `${line}${groupLines[3]}`, 10, textWidth) : line, { x: left, y, font: regular, size: 10, color: INK })
    y -= 13
  }

  // The instruction, in plain words, at the bottom left.
  const bottom = box.top - box.height + PAD
  page.drawText('用手机相机扫一扫，', { x: left, y: bottom + 32, font: bold, size: 11, color: INK })
  page.drawText('点“登录”', { x: left, y: bottom + 17, font: bold, size: 11, color: INK })

  // Number and a word on loss, small, along the bottom.
  page.drawText(`卡号 ${card.shortId}`, { x: left, y: bottom, font: regular, size: 7.5, color: MUTED })
  const note = '只给本人用 · 丢了请告诉老师'
  page.drawText(note, { x: box.x + box.width - PAD - regular.widthOfTextAtSize(note, 7.5), y: bottom, font: regular, size: 7.5, color: MUTED })
}

/** The PDF of the cards, in the order given, 8 to a page. */
export async function renderCardsPdf(cards: readonly PrintableCard[], opts: { title: string; creationDate?: Date }): Promise<Uint8Array> {
  const { doc, fonts } = await createCjkDocument({ title: opts.title, subject: '乡学 学习卡', bold: true, creationDate: opts.creationDate })
  const bold = fonts.bold!
  for (let start = 0; start < Math.max(cards.length, 1); start += CARDS_PER_PAGE) {
    const page = doc.addPage([A4.width, A4.height])
    const onPage = cards.slice(start, start + CARDS_PER_PAGE)
    cutLines(page, Math.max(1, Math.ceil(onPage.length / COLS)))
    onPage.forEach((card, i) => drawCard(page, card, i, { regular: fonts.regular, bold }))
  }
  return doc.save({ useObjectStreams: true })
}
