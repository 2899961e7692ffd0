/**
 * Reading a form that carries a file (a self-study photo, exemption evidence):
 * the transport's half of uploads; storing and serving the file is
 * app/models/uploads.server.ts. Every upload form is read by `readUploadForm`.
 *
 * Size: the body is read as a stream through a counter (`limitedBody`), so a
 * 20 MB upload is refused after ~10 MB have been read, never buffered whole,
 * whether or not it declares its length. Refused bodies are then read to the
 * end and thrown away (up to DRAIN_BYTES), so the browser, still sending,
 * receives the answer instead of a reset connection.
 */
import { MAX_UPLOAD_BYTES, UploadError } from '#app/models/uploads.server.ts'

/** Room for the text fields and multipart framing beside one full-size file. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 256 * 1024

/** A refused body beyond the limit is read and discarded up to this many bytes more; past that the connection is cut. */
const DRAIN_BYTES = 64 * 1024 * 1024

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

/**
 * Reads a multipart (or urlencoded) form. Files are accepted only in
 * `fileFields` and only up to 10 MB each; other file parts are dropped.
 * Throws UploadError('too_large') for a bigger file or body, and a 400
 * Response for a body that is no form at all.
 *
 * The multipart body is parsed by the platform's own FormData parser (the
 * WHATWG one, in undici), which reads quoted parameters as RFC 7578 and
 * browsers write them: a file named `a=b.jpg` or `IMG;1.jpg` (ordinary phone
 * photo names) is just a name. Remix's parser split the header on every `=`
 * and `;`, and such a name was a 500.
 */
export async function parseUploadForm(
  request: Request,
  { fileFields, maxFileBytes = MAX_UPLOAD_BYTES }: { fileFields: readonly string[]; maxFileBytes?: number },
): Promise<FormData> {
  // A post with no body is an empty form (the route says what is missing).
  if (!request.body) return new FormData()
  const maxBody = maxFileBytes + (MAX_BODY_BYTES - MAX_UPLOAD_BYTES)
  const body = limitedBody(request.body, maxBody)
  const length = Number(request.headers.get('content-length') ?? '0')
  if (length > maxBody) {
    body.drain()
    throw new UploadError('too_large')
  }
  const limited = new Request(request.url, { method: request.method, headers: request.headers, body: body.stream, duplex: 'half' } as RequestInit)
  let parsed: FormData
  try {
    parsed = await limited.formData()
  } catch {
    // The parser stops reading at the first error; what is still arriving is dropped.
    body.drain()
    if (body.exceeded()) throw new UploadError('too_large')
    throw new Response('bad_request', { status: 400 })
  }
  const form = new FormData()
  for (const [name, value] of parsed.entries()) {
    if (typeof value === 'string') form.append(name, value)
    else if (fileFields.includes(name)) {
      if (value.size > maxFileBytes) throw new UploadError('too_large')
      // Only the base name, as RFC 7578 §4.2 recommends (a browser may send a path).
      form.append(name, value, value.name.split(/[/\\]/).pop() ?? '')
    }
  }
  return form
}

/** The file a form field carries, or null when none was chosen (browsers send an empty part). */
export function fileField(form: FormData, name: string): File | null {
  const value = form.get(name)
  return value instanceof File && value.size > 0 ? value : null
}

/** An upload form as the models take it: its text fields, and the one file (null when none was chosen). */
export type UploadForm = { values: Record<string, string>; file: File | null }

/**
 * THE reader of an upload form (the self-study log with its photo, the
 * exemption application with its evidence): the text fields and the file of
 * `file`, any other file part dropped. Throws UploadError('too_large') for a
 * file or body over the limit (the form answers 413 in its own words); the
 * limit is 10 MB unless `maxFileBytes` says otherwise (roster files: 20 MB).
 */
export async function readUploadForm(request: Request, opts: { file: string; maxFileBytes?: number }): Promise<UploadForm> {
  const form = await parseUploadForm(request, { fileFields: [opts.file], maxFileBytes: opts.maxFileBytes })
  const values: Record<string, string> = {}
  for (const [k, v] of form.entries()) if (typeof v === 'string') values[k] = v
  return { values, file: fileField(form, opts.file) }
}
