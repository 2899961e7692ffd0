/**
 * The certificate PDF (DESIGN.md §4): A4 landscape, one page, the Chinese
 * font embedded as a subset (app/utils/pdf.server.ts, fontkit 2), a template
 * per type, a vector QR code to the public verification page, and the marks
 * for 待州教育局验印 / 已验印 / 已撤销. Everything printed comes from the
 * snapshot frozen at issue, so a re-rendered certificate says the same thing.
 *
 * Certificates are official documents in Chinese: the wording is fixed here,
 * not in the UI catalogs.
 */
import { degrees, rgb, type PDFFont, type PDFPage } from 'pdf-lib'
import { CERTIFICATE_NAME_ZH, type CertificateSnapshot } from '#app/domain/certificates.ts'
import type { CourseState } from '#app/domain/outcomes.ts'
import { formatDate } from '#app/domain/time.ts'
import { A4_LANDSCAPE, createCjkDocument, drawQrCode, fitText, INK, LINE, MUTED, wrapText } from '#app/utils/pdf.server.ts'

export type CertificatePdfInput = {
  snapshot: CertificateSnapshot
  serial: string
  verifyUrl: string
  status: 'pending_verification' | 'valid' | 'revoked'
  /** YYYY-MM-DD, Beijing date of the prefecture verification (graduation). */
  verifiedOn: string | null
  /** YYYY-MM-DD, Beijing date of the revocation. */
  revokedOn: string | null
}

const W = A4_LANDSCAPE.width
const H = A4_LANDSCAPE.height
const RED = rgb(0.68, 0.1, 0.1)
const GOLD = rgb(0.62, 0.48, 0.2)
const ORANGE = rgb(0.8, 0.42, 0.05)

const COURSE_STATE_ZH: Record<CourseState, string> = {
  pending: '未完成',
  passed: '合格',
  failed: '不合格',
  exempted: '免修',
  waived: '已免',
}

/** The verification stamp text of a verified graduation certificate. */
export const PREFECTURE_BUREAU = '黔西南州教育局'

const zhDate = (d: string) => formatDate(d, 'zh-CN')
const hoursText = (h: number) => `${h.toFixed(1)} 学时`

/** The statement under the title, per type. */
function statement(s: CertificateSnapshot): string {
  const period = `${zhDate(s.startDate)}至${s.endDate ? zhDate(s.endDate) : '今'}`
  const where = `在${s.organizationName}`
  const what = s.majorName ? `${s.programName}${s.majorName}专业` : s.programName
  switch (s.type) {
    case 'graduation':
      return `${s.holderName}同志于${period}${where}参加${what}学习，修完教学计划规定的全部课程，成绩合格，德育评价合格，准予毕业。`
    case 'completion':
      return `${s.holderName}同志于${period}${where}参加${what}学习，修业期满，准予结业。`
    case 'study_record':
      return `${s.holderName}同志于${period}${where}参加${what}学习${s.withdrawal ? `，于${zhDate(s.withdrawal.date)}退学` : ''}。现将其在学期间的学习情况如实证明如下。`
    case 'training':
      return `${s.holderName}同志于${period}参加${s.organizationName}组织的${s.groupName}，完成规定的培训学时，考核合格，特发此证。`
  }
}

/** Label/value pairs shown in the field grid, per type. */
function fields(s: CertificateSnapshot): [string, string][] {
  const rows: [string, string][] = [
    ['姓名', s.holderName],
    ['身份证号', s.idNumberMasked],
    ['项目', s.programName],
  ]
  if (s.type === 'training') rows.push(['培训项目', s.groupName])
  else {
    if (s.majorName) rows.push(['专业', s.majorName])
    rows.push(['班级', s.groupName])
  }
  const end = s.type === 'study_record' && s.withdrawal ? `${zhDate(s.withdrawal.date)}（退学）` : s.endDate ? zhDate(s.endDate) : '—'
  rows.push([s.type === 'training' ? '培训时间' : '学习时间', `${zhDate(s.startDate)} 至 ${end}`])
  if (s.hours !== null) rows.push([s.type === 'study_record' ? '已获学时' : '学时', hoursText(s.hours)])
  if (s.credits) rows.push([s.type === 'study_record' ? '已获学分' : '学分', `${fmtNum(s.credits.earned)} / ${fmtNum(s.credits.required)}`])
  if (s.type === 'study_record' && s.withdrawal?.reason) rows.push(['退学原因', s.withdrawal.reason])
  return rows
}

const fmtNum = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1))

/** Chinese typesetting: a line never starts with closing punctuation (it hangs at the end of the line before). */
function hangPunctuation(lines: string[]): string[] {
  const out: string[] = []
  for (const line of lines) {
    const m = /^[，。、；：！？）》」』”’,.;:!?)]+/.exec(line)
    if (m && out.length > 0) {
      out[out.length - 1] += m[0]
      const rest = line.slice(m[0].length)
      if (rest) out.push(rest)
    } else out.push(line)
  }
  return out
}

function centered(page: PDFPage, text: string, y: number, font: PDFFont, size: number, color = INK, cx = W / 2) {
  page.drawText(text, { x: cx - font.widthOfTextAtSize(text, size) / 2, y, font, size, color })
}

/** A rectangular stamp with one or more centred lines. */
function stamp(
  page: PDFPage,
  lines: { text: string; size: number }[],
  opts: { cx: number; cy: number; font: PDFFont; color: ReturnType<typeof rgb>; dashed?: boolean; rotate?: number },
) {
  const pad = 8
  const gap = 4
  const width = Math.max(...lines.map((l) => opts.font.widthOfTextAtSize(l.text, l.size))) + 2 * pad
  const height = lines.reduce((h, l) => h + l.size, 0) + gap * (lines.length - 1) + 2 * pad
  page.drawRectangle({
    x: opts.cx - width / 2,
    y: opts.cy - height / 2,
    width,
    height,
    borderColor: opts.color,
    borderWidth: 2,
    borderDashArray: opts.dashed ? [5, 3] : undefined,
    opacity: 0,
    borderOpacity: 0.9,
  })
  let y = opts.cy + height / 2 - pad
  for (const l of lines) {
    y -= l.size
    centered(page, l.text, y + l.size * 0.12, opts.font, l.size, opts.color, opts.cx)
    y -= gap
  }
}

export async function renderCertificatePdf(input: CertificatePdfInput): Promise<Uint8Array> {
  const { snapshot: s, serial, verifyUrl, status } = input
  const title = CERTIFICATE_NAME_ZH[s.type]
  const { doc, fonts } = await createCjkDocument({ title: `${title} ${serial}`, subject: `${s.holderName} ${title}`, bold: true })
  const regular = fonts.regular
  const bold = fonts.bold!
  const page = doc.addPage([W, H])

  // Frame: a gold double border.
  page.drawRectangle({ x: 18, y: 18, width: W - 36, height: H - 36, borderColor: GOLD, borderWidth: 3 })
  page.drawRectangle({ x: 26, y: 26, width: W - 52, height: H - 52, borderColor: GOLD, borderWidth: 0.8 })

  // Header: serial top right, title, the county line.
  const serialText = `证书编号：${serial}`
  page.drawText(serialText, { x: W - 48 - regular.widthOfTextAtSize(serialText, 10), y: H - 56, font: regular, size: 10, color: MUTED })
  centered(page, title, H - 108, bold, 40, RED)
  centered(page, `${s.countyName} · ${s.programName}`, H - 136, regular, 12, MUTED)

  const left = 72
  const contentRight = W - 200 // the QR column sits right of this
  const bodyWidth = contentRight - left

  // Statement.
  let y = H - 176
  for (const line of hangPunctuation(wrapText(regular, statement(s), 14, W - 2 * left - 14))) {
    page.drawText(line, { x: left, y, font: regular, size: 14, color: INK })
    y -= 22
  }
  y -= 6

  // Field grid: two columns of label / value.
  const rows = fields(s)
  const colWidth = (W - 2 * left) / 2
  const roomy = s.type !== 'study_record'
  const labelWidth = roomy ? 70 : 62
  const rowH = roomy ? 28 : 21
  const labelSize = roomy ? 11.5 : 10.5
  const valueSize = roomy ? 13.5 : 12
  const half = Math.ceil(rows.length / 2)
  rows.forEach(([label, value], i) => {
    const col = i < half ? 0 : 1
    const row = i < half ? i : i - half
    const x = left + col * colWidth
    const ry = y - row * rowH
    page.drawText(label, { x, y: ry, font: regular, size: labelSize, color: MUTED })
    const font = label === '姓名' ? bold : regular
    page.drawText(fitText(font, value, valueSize, colWidth - labelWidth - 12), { x: x + labelWidth, y: ry, font, size: valueSize, color: INK })
  })
  y -= half * rowH + 4

  // Study record: every course, truthfully with its state.
  if (s.type === 'study_record' && s.courses.length > 0) {
    page.drawLine({ start: { x: left, y: y + 10 }, end: { x: contentRight, y: y + 10 }, thickness: 0.6, color: LINE })
    page.drawText(`所学课程（共 ${s.courses.length} 门）`, { x: left, y: y - 4, font: bold, size: 11, color: INK })
    y -= 22
    // The roomiest layout that fits above the issuer line; if none does, the last line says how many more there are.
    const bottom = 142
    const layouts = [
      { cols: 2, size: 9.5 },
      { cols: 3, size: 9 },
      { cols: 3, size: 8 },
      { cols: 4, size: 7.5 },
      { cols: 4, size: 7 },
    ]
    const fits = (l: { cols: number; size: number }) => Math.ceil(s.courses.length / l.cols) * (l.size + 4.5) <= y - bottom + l.size
    const { cols, size } = layouts.find(fits) ?? layouts[layouts.length - 1]!
    const lh = size + 4.5
    const cw = bodyWidth / cols
    const rowsFit = Math.max(1, Math.floor((y - bottom + size) / lh))
    const perCol = Math.min(Math.ceil(s.courses.length / cols), rowsFit)
    const shown = perCol * cols >= s.courses.length ? s.courses : s.courses.slice(0, perCol * cols - 1)
    if (shown.length < s.courses.length) {
      page.drawText(`……另有 ${s.courses.length - shown.length} 门，详见学时档案`, {
        x: left + (cols - 1) * cw,
        y: y - (perCol - 1) * lh,
        font: regular,
        size,
        color: MUTED,
      })
    }
    shown.forEach((c, i) => {
      const col = Math.floor(i / perCol)
      const row = i % perCol
      const x = left + col * cw
      const cy = y - row * lh
      const tail = `${fmtNum(c.credits)}学分 ${COURSE_STATE_ZH[c.state as CourseState] ?? c.state}`
      const tailW = regular.widthOfTextAtSize(tail, size)
      page.drawText(fitText(regular, c.name, size, cw - tailW - 14), { x, y: cy, font: regular, size, color: INK })
      page.drawText(tail, {
        x: x + cw - 10 - tailW,
        y: cy,
        font: regular,
        size,
        color: c.state === 'passed' || c.state === 'exempted' || c.state === 'waived' ? INK : MUTED,
      })
    })
  }

  // Issuer and date, bottom centre-left.
  const issuerX = 400
  page.drawText(`发证单位：${s.organizationName}`, { x: issuerX, y: 118, font: regular, size: 12, color: INK })
  page.drawText(`发证日期：${zhDate(s.issuedOn)}`, { x: issuerX, y: 96, font: regular, size: 12, color: INK })

  // Graduation: the prefecture verification mark.
  // Pending: the 待验印 mark; verified (also when revoked later): the verification mark; revoked before
  // verification: neither, the revocation mark below says it all.
  if (s.type === 'graduation') {
    if (status !== 'pending_verification' && !input.verifiedOn) {
      // Revoked before it was ever verified: no verification mark of either kind.
    } else if (status !== 'pending_verification' && input.verifiedOn) {
      stamp(
        page,
        [
          { text: PREFECTURE_BUREAU, size: 13 },
          { text: '已验印', size: 16 },
          { text: zhDate(input.verifiedOn), size: 10 },
        ],
        {
          cx: 230,
          cy: 104,
          font: bold,
          color: RED,
        },
      )
    } else {
      stamp(
        page,
        [
          { text: '待州教育局验印', size: 14 },
          { text: '验印前本证书尚未生效', size: 9 },
        ],
        { cx: 230, cy: 104, font: bold, color: ORANGE, dashed: true },
      )
    }
  }

  // QR code to /v/{code}, the URL printed under it.
  const qrSize = 104
  const qrX = W - 60 - qrSize - 40
  drawQrCode(page, verifyUrl, qrX, 176, qrSize)
  const urlSize = 7
  const urlLines = wrapText(regular, verifyUrl, urlSize, 226)
  let uy = 176 - qrSize - 10
  for (const line of urlLines.slice(0, 3)) {
    page.drawText(line, { x: qrX + qrSize / 2 - regular.widthOfTextAtSize(line, urlSize) / 2, y: uy, font: regular, size: urlSize, color: MUTED })
    uy -= urlSize + 2
  }
  centered(page, '扫码查验', 176 + 6, regular, 9, MUTED, qrX + qrSize / 2)

  // Revoked: a large red mark across the page, with the date.
  if (status === 'revoked') {
    const mark = '已撤销'
    const size = 110
    const w = bold.widthOfTextAtSize(mark, size)
    const angle = 18
    const rad = (angle * Math.PI) / 180
    page.drawText(mark, {
      x: W / 2 - (w / 2) * Math.cos(rad) + (size / 3) * Math.sin(rad),
      y: H / 2 - (w / 2) * Math.sin(rad) - size / 3,
      font: bold,
      size,
      color: RED,
      opacity: 0.35,
      rotate: degrees(angle),
    })
    const note = `已撤销：本证书${input.revokedOn ? `于${zhDate(input.revokedOn)}` : ''}撤销，不再有效`
    centered(page, note, 44, bold, 12, RED)
  }

  return doc.save({ useObjectStreams: true })
}
