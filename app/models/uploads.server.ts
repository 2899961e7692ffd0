/**
 * Uploaded photos and scans (self-study photos, exemption evidence): parsed
 * from multipart forms with a size limit, checked by their magic bytes (JPEG
 * or PNG photos; for evidence also PDF — whatever the name says), stored
 * OUTSIDE the web root under XX_UPLOAD_DIR with an unguessable random key, and
 * served only by routes that first check who may see them (see `uploadResponse`).
 *
 * Size: the body is read as a stream through a counter (`limitedBody`), so a
 * 20 MB upload is refused after ~10 MB have been read, never buffered whole,
 * whether or not it declares its length. Refused bodies are then read to the
 * end and thrown away (up to DRAIN_BYTES), so the browser, still sending,
 * receives the answer instead of a reset connection.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node'
import { sniffEvidence, sniffImage } from '#app/domain/file-kind.ts'
import { getEnv } from '#app/utils/env.server.ts'

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024
/** Room for the text fields and multipart framing beside one full-size file. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 256 * 1024

/** A refused body beyond the limit is read and discarded up to this many bytes more; past that the connection is cut. */
const DRAIN_BYTES = 64 * 1024 * 1024

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

/**
 * A body stream that errors with UploadError('too_large') once more than
 * `max` bytes have passed. `drain()` reads the rest of the source and drops
 * it (a refused upload still arriving); it starts by itself on overflow or
 * when the reader cancels.
 */
export function limitedBody(source: ReadableStream<Uint8Array>, max: number) {
  const reader = source.getReader()
  let total = 0
  let exceeded = false
  let draining = false
  const drain = () => {
    if (draining) return
    draining = true
    void (async () => {
      let dropped = 0
      try {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) return
          dropped += value.byteLength
          if (dropped > DRAIN_BYTES) return void (await reader.cancel())
        }
      } catch {
        // The client went away: nothing left to drain.
      }
    })()
  }
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (draining) return controller.close()
      const { done, value } = await reader.read()
      if (done) return controller.close()
      total += value.byteLength
      if (total > max) {
        exceeded = true
        controller.error(new UploadError('too_large'))
        drain()
        return
      }
      controller.enqueue(value)
    },
    cancel() {
      drain()
    },
  })
  return { stream, drain, exceeded: () => exceeded }
}

export function uploadDir(): string {
  return path.resolve(getEnv().XX_UPLOAD_DIR)
}

/**
 * Reads a multipart (or urlencoded) form. Files are accepted only in
 * `fileFields` and only up to 10 MB each; other file parts are dropped.
 * Throws UploadError('too_large') for a bigger file or body.
 */
export async function parseUploadForm(request: Request, { fileFields }: { fileFields: readonly string[] }): Promise<FormData> {
  if (!request.body) return request.formData()
  const body = limitedBody(request.body, MAX_BODY_BYTES)
  const length = Number(request.headers.get('content-length') ?? '0')
  if (length > MAX_BODY_BYTES) {
    body.drain()
    throw new UploadError('too_large')
  }
  const limited = new Request(request.url, { method: request.method, headers: request.headers, body: body.stream, duplex: 'half' } as RequestInit)
  const type = request.headers.get('content-type') ?? ''
  if (!type.startsWith('multipart/form-data')) {
    try {
      return await limited.formData()
    } catch (error) {
      if (body.exceeded()) throw new UploadError('too_large')
      throw error
    }
  }
  const handler = unstable_createMemoryUploadHandler({
    maxPartSize: MAX_UPLOAD_BYTES,
    filter: ({ filename, name }) => filename === undefined || fileFields.includes(name),
  })
  try {
    return await unstable_parseMultipartFormData(limited, handler)
  } catch (error) {
    // The parser stops reading at the first error; what is still arriving is dropped.
    body.drain()
    if (error instanceof MaxPartSizeExceededError || error instanceof UploadError || body.exceeded()) throw new UploadError('too_large')
    throw error
  }
}

/** The file a form field carries, or null when none was chosen (browsers send an empty part). */
export function fileField(form: FormData, name: string): File | null {
  const value = form.get(name)
  return value instanceof File && value.size > 0 ? value : null
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
