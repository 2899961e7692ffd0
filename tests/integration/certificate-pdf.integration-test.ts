/**
 * Certificate PDFs (DESIGN.md §4): each type's template states its type, the
 * holder and the serial; the Chinese glyphs are really drawn (pdftoppm); the
 * QR code read back from the rendered page is the verification URL; one page,
 * A4 landscape, ≤ 60 KB; the coordinators' template preview. Needs poppler-utils (tests/run.ts installs it).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { CERTIFICATE_NAME_ZH, CERTIFICATE_TYPES, type CertificateType } from '#app/domain/certificates.ts'
import { renderCertificatePdf, type CertificatePdfInput } from '#app/models/certificate-pdf.server.ts'
import { SAMPLE_VERIFY_URL, sampleSerial, sampleSnapshot } from '#app/models/certificate-samples.server.ts'
import { loader as preview } from '#app/routes/coordinator.certificates.preview.$type.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { A4_LANDSCAPE } from '#app/utils/pdf.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { darkPixels, decodeQr, flatText, pageCount, renderGray } from '#tests/fixtures/pdf.ts'
import { createTrainingWorld } from '#tests/fixtures/training.ts'

const tmp = mkdtempSync(path.join(tmpdir(), 'xx-cert-pdf-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function render(type: CertificateType, over: Partial<CertificatePdfInput> = {}) {
  const input: CertificatePdfInput = {
    snapshot: sampleSnapshot(type),
    serial: sampleSerial(type, 42),
    verifyUrl: `${SAMPLE_VERIFY_URL.slice(0, -4)}${type.slice(0, 4).toUpperCase()}`,
    status: type === 'graduation' ? 'pending_verification' : 'valid',
    verifiedOn: null,
    revokedOn: null,
    ...over,
  }
  const bytes = await renderCertificatePdf(input)
  const file = path.join(tmp, `${type}-${input.status}-${Math.random().toString(36).slice(2)}.pdf`)
  writeFileSync(file, bytes)
  return { input, bytes, file, text: flatText(file) }
}

const dark = (file: string, region: { top: number; height: number; left?: number; width?: number }) =>
  darkPixels(file, 1, region, { pageWidth: A4_LANDSCAPE.width, workDir: tmp })

test.each(CERTIFICATE_TYPES)('%s: one A4-landscape page ≤ 60 KB with its type, holder and serial drawn, and a QR code to the verify URL', async (type) => {
  const { input, bytes, file, text } = await render(type)
  console.log(`${CERTIFICATE_NAME_ZH[type]} (${type}): ${bytes.byteLength} bytes`)
  expect(bytes.byteLength).toBeLessThanOrEqual(60_000)
  expect(pageCount(file)).toBe(1)
  const size = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))!
  expect([Number(size[1]), Number(size[2])]).toEqual([841.89, 595.28])

  expect(text).toContain(CERTIFICATE_NAME_ZH[type])
  expect(text).toContain(input.snapshot.holderName)
  expect(text).toContain(input.serial)
  expect(text).toContain(input.snapshot.idNumberMasked)
  expect(text).toContain(`发证日期：${'2026年11月24日'}`)
  expect(text).toContain(input.snapshot.organizationName)

  // The title (40 pt bold, Chinese only) is drawn where it should be, and a control region of the margin is empty.
  expect(dark(file, { top: 60, height: 50, left: 200, width: 440 })).toBeGreaterThan(1500)
  expect(dark(file, { top: 40, height: 20, left: 40, width: 300 })).toBe(0)

  expect(decodeQr(file, { workDir: tmp })).toBe(input.verifyUrl)
  expect(text).toContain(input.verifyUrl)
})

test('graduation: "待州教育局验印" until verified, then the prefecture mark with its date', async () => {
  const pending = await render('graduation')
  expect(pending.text).toContain('待州教育局验印')
  expect(pending.text).not.toContain('已验印')
  const verified = await render('graduation', { status: 'valid', verifiedOn: '2026-12-01' })
  for (const words of ['黔西南州教育局', '已验印', '2026年12月1日']) expect(verified.text).toContain(words)
  expect(verified.text).not.toContain('待州教育局验印')
  expect(verified.text).toContain('准予毕业')
  expect(verified.text).toContain('学分58/58')
  expect(verified.text).toContain('362.5学时')
  expect(verified.bytes.byteLength).toBeLessThanOrEqual(60_000)
})

test('a graduation certificate revoked before verification carries the revocation mark, not the 待验印 one', async () => {
  const revoked = await render('graduation', { status: 'revoked', revokedOn: '2026-12-05' })
  expect(revoked.text).toContain('已撤销：本证书于2026年12月5日撤销，不再有效')
  expect(revoked.text).not.toContain('待州教育局验印')
  expect(revoked.text).not.toContain('验印前本证书尚未生效')
  // Verified first, revoked later: the verification it had stays on record.
  const verifiedThenRevoked = await render('graduation', { status: 'revoked', verifiedOn: '2026-12-01', revokedOn: '2026-12-05' })
  expect(verifiedThenRevoked.text).toContain('已验印')
  expect(verifiedThenRevoked.text).not.toContain('待州教育局验印')
})

test('revoked: a clear 已撤销 mark with the date, drawn across the page', async () => {
  const valid = await render('completion')
  const revoked = await render('completion', { status: 'revoked', revokedOn: '2026-12-05' })
  expect(valid.text).not.toContain('已撤销')
  expect(revoked.text).toContain('已撤销')
  expect(revoked.text).toContain('已撤销：本证书于2026年12月5日撤销，不再有效')
  // The big mark is drawn (tinted, but darker than the blank body region of the valid one).
  const region = { top: 250, height: 120, left: 250, width: 340 }
  const count = (file: string) => {
    let tinted = 0
    const g = renderGrayRegion(file, region)
    for (const p of g) if (p < 235) tinted++
    return tinted
  }
  expect(count(revoked.file) - count(valid.file)).toBeGreaterThan(3000)
  expect(revoked.bytes.byteLength).toBeLessThanOrEqual(60_000)
})

test('study record: every course with its state, the hours earned up to withdrawal and the withdrawal', async () => {
  const { input, text } = await render('study_record')
  expect(text).toContain('写实性学习证明')
  expect(text).toContain('于2026年11月10日退学')
  expect(text).toContain('已获学时126.5学时')
  expect(text).toContain('已获学分28/58')
  expect(text).toContain('退学原因外出务工')
  expect(text).toContain(`所学课程（共${input.snapshot.courses.length}门）`)
  expect(text).toContain('植物生产与环境6学分不合格')
  expect(text).toContain('信息技术4学分免修')
  expect(text).toContain('岗位实习10学分未完成')
  expect(text).toContain('思想政治4学分合格')
  expect(text).not.toContain('准予')
})

test('training: the round, its 学时 and dates; no credits', async () => {
  const { text } = await render('training')
  expect(text).toContain('培训合格证书')
  expect(text).toContain('欧阳丽娟')
  expect(text).toContain('培训项目2026年乡村教师能力提升培训')
  expect(text).toContain('学时40.0学时')
  expect(text).toContain('培训时间2026年7月10日至2026年8月20日')
  expect(text).not.toContain('学分')
})

function renderGrayRegion(file: string, region: { top: number; height: number; left: number; width: number }) {
  return renderGray(file, { workDir: tmp, region }).pixels
}

test('coordinators preview each template inline with sample data; learners and teachers may not; an unknown type is a 404', async () => {
  const db = getDb()
  const world = await createTrainingWorld(db)
  const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
  for (const type of CERTIFICATE_TYPES) {
    const res = await callRoute(preview, { url: `/coordinator/certificates/preview/${type}`, cookie: coordinator.cookie, params: { type } })
    expect(res.status).toBe(200)
    const response = res.value as Response
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toMatch(/^inline;/)
    const file = path.join(tmp, `preview-${type}.pdf`)
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect(bytes.byteLength).toBeLessThanOrEqual(60_000)
    writeFileSync(file, bytes)
    const text = flatText(file)
    expect(text).toContain(CERTIFICATE_NAME_ZH[type])
    expect(text).toContain(sampleSnapshot(type).holderName)
    expect(text).toContain(sampleSerial(type, 0))
    expect(decodeQr(file, { workDir: tmp })).toBe(`http://localhost/v/SAMPLE-${type.toUpperCase()}`)
  }
  const verified = await callRoute(preview, {
    url: '/coordinator/certificates/preview/graduation?status=valid',
    cookie: coordinator.cookie,
    params: { type: 'graduation' },
  })
  const vfile = path.join(tmp, 'preview-verified.pdf')
  writeFileSync(vfile, new Uint8Array(await (verified.value as Response).arrayBuffer()))
  expect(flatText(vfile)).toContain('已验印')

  expect((await callRoute(preview, { url: '/coordinator/certificates/preview/diploma', cookie: coordinator.cookie, params: { type: 'diploma' } })).status).toBe(
    404,
  )
  expect(
    (await callRoute(preview, { url: '/coordinator/certificates/preview/training?status=lost', cookie: coordinator.cookie, params: { type: 'training' } }))
      .status,
  ).toBe(404)
  const learner = await createUserWithSession(db, { role: 'learner' })
  expect((await callRoute(preview, { url: '/coordinator/certificates/preview/training', cookie: learner.cookie, params: { type: 'training' } })).status).toBe(
    403,
  )
  const signedOut = await callRoute(preview, { url: '/coordinator/certificates/preview/training', params: { type: 'training' } })
  expect(signedOut.status).toBe(302)
})

test('study record with more courses than fit: still one page ≤ 60 KB, smaller type, and it says how many more there are', async () => {
  const snapshot = sampleSnapshot('study_record')
  for (const [n, more] of [
    [27, null],
    [80, 49],
  ] as const) {
    snapshot.courses = Array.from({ length: n }, (_, k) => ({ code: `C${k}`, name: `实践课程第${k + 1}门`, credits: 3, state: k % 3 ? 'passed' : 'pending' }))
    const { bytes, file, text } = await render('study_record', { snapshot })
    expect(pageCount(file)).toBe(1)
    expect(bytes.byteLength).toBeLessThanOrEqual(60_000)
    expect(text).toContain(`所学课程（共${n}门）`)
    expect(text).toContain('实践课程第1门')
    if (more === null) {
      expect(text).toContain(`实践课程第${n}门`)
      expect(text).not.toContain('另有')
    } else expect(text).toContain(`……另有${more}门，详见学时档案`)
    // The issuer line is still printed below the table.
    expect(text).toContain('发证单位：册亨县中等职业学校')
  }
})
