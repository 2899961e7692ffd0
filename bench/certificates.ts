/**
 * Certificate batch (DESIGN.md §7: 500 one-page CJK PDFs ≤ 15 s end to end,
 * each ≤ 60 KB, every one passing a glyph check).
 *
 * Renders N certificates (all four types, varied names, hours, courses and
 * statuses) from snapshots to PDF bytes and writes each to a temp dir; the
 * clock covers the cold font load, rendering and writing. Baseline in the same
 * run: N blank A4-landscape pages with pdf-lib alone. A sample of the PDFs is
 * rendered with pdftoppm and checked: the title's glyphs are drawn, pdftotext
 * finds the type, holder and serial, and the QR code decodes to the verify URL.
 *
 *   npm run bench:certificates   (XX_BENCH_CERTIFICATES=500, XX_BENCH_GLYPH_SAMPLE=10, XX_BENCH_KEEP=1 keeps the PDFs)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PDFDocument } from 'pdf-lib'
import { CERTIFICATE_NAME_ZH, CERTIFICATE_TYPES, formatSerial, type CertificateSnapshot } from '#app/domain/certificates.ts'
import { renderCertificatePdf, type CertificatePdfInput } from '#app/models/certificate-pdf.server.ts'
import { sampleSnapshot } from '#app/models/certificate-samples.server.ts'
import { A4_LANDSCAPE } from '#app/utils/pdf.server.ts'
import { darkPixels, decodeQr, flatText, pageCount } from '#tests/fixtures/pdf.ts'

const N = Number(process.env.XX_BENCH_CERTIFICATES ?? 500)
const SAMPLE = Number(process.env.XX_BENCH_GLYPH_SAMPLE ?? 10)
const BUDGET_MS = 15_000
const MAX_BYTES = 60_000

const SURNAMES = ['张', '王', '李', '赵', '陈', '杨', '黄', '吴', '罗', '韦', '岑', '潘', '欧阳', '司马', '班', '卢', '覃', '莫', '蒙', '龙']
const GIVEN = '三华丽娟明亮秀英建国志强春燕海燕桂芳德福小红玉兰文静国庆永胜金凤晓东贵林家豪婷婷雪梅朝阳'
const COURSE_NAMES = [
  '思想政治',
  '语文',
  '数学',
  '信息技术',
  '现代农业技术基础',
  '植物生产与环境',
  '农产品电子商务',
  '特色种植技术（糯米蕉、油茶）',
  '畜禽生产技术',
  '农业机械使用与维护',
  '岗位实习',
  '职业道德与法治',
  '心理健康与职业生涯',
  '中华优秀传统文化',
  '乡村旅游服务',
  '布依族刺绣工艺',
]
const STATES = ['passed', 'passed', 'passed', 'exempted', 'failed', 'pending', 'waived'] as const

/** A deterministic pseudo-random stream, so every run renders the same batch. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
}

function certificate(i: number): CertificatePdfInput {
  const r = rng(i + 1)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!
  const type = CERTIFICATE_TYPES[i % CERTIFICATE_TYPES.length]!
  const given = Array.from({ length: 1 + Math.floor(r() * 2) }, () => GIVEN[Math.floor(r() * GIVEN.length)]).join('')
  const base = sampleSnapshot(type)
  const minutes = Math.round((type === 'training' ? 40 + r() * 30 : type === 'study_record' ? r() * 300 : 360 + r() * 60) * 45)
  const courses: CertificateSnapshot['courses'] =
    type === 'training'
      ? []
      : Array.from({ length: 6 + Math.floor(r() * 22) }, (_, k) => ({
          code: `ZZ-${100 + k}`,
          name: COURSE_NAMES[k % COURSE_NAMES.length]! + (k >= COURSE_NAMES.length ? '（二）' : ''),
          credits: 2 + Math.floor(r() * 8),
          state: type === 'study_record' ? pick(STATES) : 'passed',
        }))
  const snapshot: CertificateSnapshot = {
    ...base,
    holderName: pick(SURNAMES) + given,
    idNumberMasked: `522327********${String(Math.floor(r() * 10_000)).padStart(4, '0')}`,
    hours: Math.round((minutes / 45) * 10) / 10,
    minutes,
    courses,
    credits: base.credits ? { earned: 10 + Math.floor(r() * 48), required: 58 } : null,
  }
  const status: CertificatePdfInput['status'] = i % 50 === 7 ? 'revoked' : type === 'graduation' && i % 3 === 0 ? 'pending_verification' : 'valid'
  return {
    snapshot,
    serial: formatSerial({ countyCode: '522327', year: 2026, type, sequence: Math.floor(i / 4) + 1 }),
    verifyUrl: `https://xiangxue.ceheng.gov.cn/v/${((i * 2654435761) >>> 0).toString(36).toUpperCase().padStart(20, 'Q')}`,
    status,
    verifiedOn: type === 'graduation' && status !== 'pending_verification' ? '2026-12-01' : null,
    revokedOn: status === 'revoked' ? '2026-12-05' : null,
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

const dir = mkdtempSync(path.join(tmpdir(), 'xx-bench-certs-'))
const inputs = Array.from({ length: N }, (_, i) => certificate(i))
console.log(`certificate batch: ${N} one-page PDFs (${CERTIFICATE_TYPES.join(', ')}), Node ${process.version}, written to ${dir}`)

// Baseline: N blank A4-landscape pages with pdf-lib, written the same way.
const baseStart = performance.now()
for (let i = 0; i < N; i++) {
  const doc = await PDFDocument.create()
  doc.addPage([A4_LANDSCAPE.width, A4_LANDSCAPE.height])
  await writeFile(path.join(dir, `blank-${i}.pdf`), await doc.save())
}
const baseMs = performance.now() - baseStart

// The batch, cold: the first certificate reads and parses the 10 MB fonts.
const each: number[] = []
const sizes: number[] = []
const files: string[] = []
const start = performance.now()
for (let i = 0; i < N; i++) {
  const t = performance.now()
  const bytes = await renderCertificatePdf(inputs[i]!)
  const file = path.join(dir, `${inputs[i]!.serial}.pdf`)
  await writeFile(file, bytes)
  each.push(performance.now() - t)
  sizes.push(bytes.byteLength)
  files.push(file)
}
const totalMs = performance.now() - start

const largest = Math.max(...sizes)
const largestAt = sizes.indexOf(largest)
console.log(`baseline (blank A4 page, pdf-lib, written): ${baseMs.toFixed(0)} ms total, ${(baseMs / N).toFixed(2)} ms each`)
console.log(
  `certificates: ${totalMs.toFixed(0)} ms total (${(N / (totalMs / 1000)).toFixed(0)}/s), median ${median(each).toFixed(1)} ms, first (cold font load) ${each[0]!.toFixed(0)} ms, max ${Math.max(...each).toFixed(0)} ms`,
)
console.log(`ratio to baseline: ${(totalMs / baseMs).toFixed(1)}×`)
console.log(
  `sizes: median ${(median(sizes) / 1024).toFixed(1)} KB, largest ${(largest / 1024).toFixed(1)} KB (${largest} bytes, ${inputs[largestAt]!.snapshot.type}, ${inputs[largestAt]!.snapshot.courses.length} courses)`,
)

// Glyph check on a spread sample (every type and status among them).
const picks = Array.from({ length: Math.min(SAMPLE, N) }, (_, k) => Math.floor((k * N) / Math.min(SAMPLE, N)) + (k % 4)).map((i) => Math.min(i, N - 1))
// …plus a revoked one and the largest PDF.
const revokedAt = inputs.findIndex((c) => c.status === 'revoked')
if (revokedAt >= 0) picks.push(revokedAt)
picks.push(largestAt)
const failures: string[] = []
const gStart = performance.now()
for (const i of [...new Set(picks)]) {
  const input = inputs[i]!
  const file = files[i]!
  const why: string[] = []
  const title = darkPixels(file, 1, { top: 60, height: 50, left: 200, width: 440 }, { pageWidth: A4_LANDSCAPE.width, workDir: dir })
  if (title < 1500) why.push(`title region has ${title} dark pixels`)
  const text = flatText(file)
  for (const want of [CERTIFICATE_NAME_ZH[input.snapshot.type], input.snapshot.holderName, input.serial])
    if (!text.includes(want)) why.push(`text lacks ${want}`)
  if (pageCount(file) !== 1) why.push('not one page')
  const qr = decodeQr(file, { workDir: dir })
  if (qr !== input.verifyUrl) why.push(`QR reads ${qr}`)
  console.log(
    `  glyph check #${i} ${input.snapshot.type}/${input.status} ${input.snapshot.holderName}: ${why.length ? `FAIL (${why.join('; ')})` : `ok (title ${title} dark px, QR ok)`}`,
  )
  if (why.length) failures.push(`#${i}`)
}
console.log(`glyph checks: ${new Set(picks).size} sampled in ${(performance.now() - gStart).toFixed(0)} ms`)

const checks: [string, boolean][] = [
  [`${N} certificates in ${(totalMs / 1000).toFixed(2)} s ≤ ${BUDGET_MS / 1000} s`, totalMs <= BUDGET_MS * (N / 500)],
  [`largest PDF ${largest} bytes ≤ ${MAX_BYTES} bytes (60 KB)`, largest <= MAX_BYTES],
  [`glyph check passed on the sample (${failures.length} failed)`, failures.length === 0],
]
for (const [what, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`)
if (process.env.XX_BENCH_KEEP === '1') console.log(`kept ${dir}`)
else rmSync(dir, { recursive: true, force: true })
process.exit(checks.every(([, ok]) => ok) ? 0 : 1)
