/**
 * Renders one sample certificate of each type (and the graduation certificate
 * before and after prefecture verification, and a revoked one) to PDF and then
 * to PNG with pdftoppm, into docs/certificates/. Run: `npx tsx bench/render-certificate-samples.ts`.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { CertificateType } from '#app/domain/certificates.ts'
import { renderCertificatePdf, type CertificatePdfInput } from '#app/models/certificate-pdf.server.ts'
import { SAMPLE_VERIFY_URL, sampleSerial, sampleSnapshot } from '#app/models/certificate-samples.server.ts'

const outDir = path.resolve(import.meta.dirname, '../docs/certificates')
const tmp = mkdtempSync(path.join(tmpdir(), 'xx-cert-samples-'))
mkdirSync(outDir, { recursive: true })

const samples: { name: string; type: CertificateType; status: CertificatePdfInput['status']; verifiedOn?: string; revokedOn?: string }[] = [
  { name: 'graduation-pending', type: 'graduation', status: 'pending_verification' },
  { name: 'graduation-verified', type: 'graduation', status: 'valid', verifiedOn: '2026-12-01' },
  { name: 'completion', type: 'completion', status: 'valid' },
  { name: 'study-record', type: 'study_record', status: 'valid' },
  { name: 'training', type: 'training', status: 'valid' },
  { name: 'completion-revoked', type: 'completion', status: 'revoked', revokedOn: '2026-12-05' },
]

try {
  for (const s of samples) {
    const bytes = await renderCertificatePdf({
      snapshot: sampleSnapshot(s.type),
      serial: sampleSerial(s.type),
      verifyUrl: SAMPLE_VERIFY_URL,
      status: s.status,
      verifiedOn: s.verifiedOn ?? null,
      revokedOn: s.revokedOn ?? null,
    })
    const pdf = path.join(tmp, `${s.name}.pdf`)
    writeFileSync(pdf, bytes)
    execFileSync('pdftoppm', ['-png', '-r', '96', '-singlefile', pdf, path.join(outDir, s.name)])
    console.log(`${s.name}: PDF ${bytes.byteLength} bytes → docs/certificates/${s.name}.png`)
  }
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
