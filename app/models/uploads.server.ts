/**
 * Uploaded photos and scans (self-study photos, exemption evidence): checked
 * by their magic bytes (JPEG or PNG photos; for evidence also PDF — whatever
 * the name says), stored OUTSIDE the web root under XX_UPLOAD_DIR with an
 * unguessable random key, and served only by routes that first check who may
 * see them (see `uploadResponse`). Reading the multipart body, with its size
 * limit, is the transport's part: `readUploadForm` in app/utils/uploads.server.ts.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { sniffEvidence, sniffImage } from '#app/domain/file-kind.ts'
import { getEnv } from '#app/utils/env.server.ts'

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024

const UPLOAD_MESSAGES = {
  too_large: '文件不能超过 10 MB',
  not_image: '只能上传 JPG 或 PNG 图片',
  not_evidence: '只能上传 JPG、PNG 照片或 PDF 文件',
} as const

export class UploadError extends Error {
  constructor(readonly code: keyof typeof UPLOAD_MESSAGES) {
    super(UPLOAD_MESSAGES[code])
    this.name = 'UploadError'
  }
}

/** Keys look like `self-study/<64 hex>.jpg`: nothing else is ever read from disk. */
const KEY = /^([a-z][a-z-]{0,30})\/([0-9a-f]{64})\.(jpg|png|pdf)$/
const MIME = { jpg: 'image/jpeg', png: 'image/png', pdf: 'application/pdf' } as const
export type UploadMime = (typeof MIME)[keyof typeof MIME]

export function uploadDir(): string {
  return path.resolve(getEnv().XX_UPLOAD_DIR)
}

/** Lesson pictures, recordings and videos from the editor (app/models/lessons.server.ts): public, unlike the rest. */
export function lessonMediaDir(): string {
  return path.join(uploadDir(), 'lesson-media')
}

/** What each kind of upload accepts, by content, and the refusal for anything else. */
const ACCEPTS = {
  image: { sniff: sniffImage, refusal: 'not_image' },
  evidence: { sniff: sniffEvidence, refusal: 'not_evidence' },
} as const

/**
 * Stores an upload under a new random key (`<purpose>/<hex>.<ext>`): `image` takes a JPEG or PNG
 * (self-study photos), `evidence` also a PDF scan (exemption certificates); anything else — an
 * .exe renamed .jpg — is refused by its content.
 */
async function storeUpload(file: File, purpose: string, accept: keyof typeof ACCEPTS): Promise<{ key: string; mime: UploadMime; bytes: number }> {
  if (file.size > MAX_UPLOAD_BYTES) throw new UploadError('too_large')
  const bytes = new Uint8Array(await file.arrayBuffer())
  const kind = ACCEPTS[accept].sniff(bytes)
  if (!kind) throw new UploadError(ACCEPTS[accept].refusal)
  const key = `${purpose}/${randomBytes(32).toString('hex')}.${kind.ext}`
  if (!KEY.test(key)) throw new Error(`bad upload purpose ${JSON.stringify(purpose)}`)
  const file_ = path.join(uploadDir(), key)
  await mkdir(path.dirname(file_), { recursive: true, mode: 0o700 })
  await writeFile(file_, bytes, { flag: 'wx', mode: 0o600 })
  return { key, mime: kind.mime, bytes: bytes.byteLength }
}

export const storeImage = (file: File, purpose: string) => storeUpload(file, purpose, 'image')
export const storeEvidence = (file: File, purpose: string) => storeUpload(file, purpose, 'evidence')

export async function readUpload(key: string): Promise<{ bytes: Buffer; mime: UploadMime } | null> {
  const m = KEY.exec(key)
  if (!m) return null
  try {
    const bytes = await readFile(path.join(uploadDir(), key))
    return { bytes, mime: MIME[m[3] as keyof typeof MIME] }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

/** Removes a stored file (e.g. when the form it came with was refused). */
export async function deleteUpload(key: string): Promise<void> {
  if (!KEY.test(key)) return
  await rm(path.join(uploadDir(), key), { force: true })
}

/**
 * The stored file as a response. Call only after checking the viewer may see
 * it; private, never cached by shared caches, never sniffed as anything else.
 */
export async function uploadResponse(key: string): Promise<Response> {
  const file = await readUpload(key)
  if (!file) return new Response('not_found', { status: 404 })
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      'Content-Type': file.mime,
      'Content-Length': String(file.bytes.byteLength),
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      // A PDF is downloaded rather than rendered in the site's origin (it may carry scripts).
      'Content-Disposition': file.mime === 'application/pdf' ? 'attachment; filename="evidence.pdf"' : 'inline',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    },
  })
}
