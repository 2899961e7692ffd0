/**
 * Uploaded photos and scans (self-study photos, exemption evidence): parsed
 * from multipart forms with a size limit, checked by their magic bytes (JPEG
 * or PNG only, whatever the name says), stored OUTSIDE the web root under
 * XX_UPLOAD_DIR with an unguessable random key, and served only by routes
 * that first check who may see them (see `uploadResponse`).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node'
import { sniffImage } from '#app/domain/file-kind.ts'
import { getEnv } from '#app/utils/env.server.ts'

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024
/** Room for the text fields and multipart framing beside one full-size file. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 256 * 1024

export class UploadError extends Error {
  constructor(readonly code: 'too_large' | 'not_image') {
    super(code === 'too_large' ? '文件不能超过 10 MB' : '只能上传 JPG 或 PNG 图片')
    this.name = 'UploadError'
  }
}

/** Keys look like `self-study/<64 hex>.jpg`: nothing else is ever read from disk. */
const KEY = /^([a-z][a-z-]{0,30})\/([0-9a-f]{64})\.(jpg|png)$/

export function uploadDir(): string {
  return path.resolve(getEnv().XX_UPLOAD_DIR)
}

/**
 * Reads a multipart (or urlencoded) form. Files are accepted only in
 * `fileFields` and only up to 10 MB each; other file parts are dropped.
 * Throws UploadError('too_large') for a bigger file or body.
 */
export async function parseUploadForm(request: Request, { fileFields }: { fileFields: readonly string[] }): Promise<FormData> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.startsWith('multipart/form-data')) return request.formData()
  const length = Number(request.headers.get('content-length') ?? '0')
  if (length > MAX_BODY_BYTES) throw new UploadError('too_large')
  const handler = unstable_createMemoryUploadHandler({
    maxPartSize: MAX_UPLOAD_BYTES,
    filter: ({ filename, name }) => filename === undefined || fileFields.includes(name),
  })
  try {
    return await unstable_parseMultipartFormData(request, handler)
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) throw new UploadError('too_large')
    throw error
  }
}

/** The file a form field carries, or null when none was chosen (browsers send an empty part). */
export function fileField(form: FormData, name: string): File | null {
  const value = form.get(name)
  return value instanceof File && value.size > 0 ? value : null
}

/** Stores a JPEG or PNG under a new random key (`<purpose>/<hex>.<ext>`); anything else is refused. */
export async function storeImage(file: File, purpose: string): Promise<{ key: string; mime: string; bytes: number }> {
  if (file.size > MAX_UPLOAD_BYTES) throw new UploadError('too_large')
  const bytes = new Uint8Array(await file.arrayBuffer())
  const kind = sniffImage(bytes)
  if (!kind) throw new UploadError('not_image')
  const key = `${purpose}/${randomBytes(32).toString('hex')}.${kind.ext}`
  if (!KEY.test(key)) throw new Error(`bad upload purpose ${JSON.stringify(purpose)}`)
  const file_ = path.join(uploadDir(), key)
  await mkdir(path.dirname(file_), { recursive: true, mode: 0o700 })
  await writeFile(file_, bytes, { flag: 'wx', mode: 0o600 })
  return { key, mime: kind.mime, bytes: bytes.byteLength }
}

export async function readUpload(key: string): Promise<{ bytes: Buffer; mime: 'image/jpeg' | 'image/png' } | null> {
  const m = KEY.exec(key)
  if (!m) return null
  try {
    const bytes = await readFile(path.join(uploadDir(), key))
    return { bytes, mime: m[3] === 'png' ? 'image/png' : 'image/jpeg' }
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
      'Content-Disposition': 'inline',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    },
  })
}
