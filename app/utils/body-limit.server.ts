/**
 * Request-body ceilings (DESIGN.md §11 "Body limits"): one table, by path
 * pattern, for every request that carries a body, enforced in front of Remix
 * by app/server/http.ts (bodyLimit below), so no route parses a body the
 * table did not allow, signed in or not.
 *
 *  - A declared Content-Length above the ceiling is answered 413 with a
 *    Chinese message before a byte of the body is read (Node never delivers
 *    more than the declared length, so a body that declares one is bounded).
 *  - A chunked body (no Content-Length) is counted as it streams and refused
 *    at the ceiling; one within it is handed on whole (limitedBody), so the
 *    route never starts on a body that turns out too large.
 *  - Uploads (and roster files) are refused by the route's own reader, in the
 *    form's words ("文件不能超过 10 MB", 413, app/models/uploads.server.ts,
 *    which refuses a declared length before reading): the route is handed at
 *    most the ceiling and one byte, the rest is read and dropped so the
 *    browser, still sending, gets the answer instead of a reset connection.
 *
 * The table is read first match first; the last two entries cover everything
 * else (the API, and every other page and form). tests/security/route-walk
 * checks that every route module that reads a body meets an entry fit for
 * what it reads (an upload needs the upload entry, not the default).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PassThrough, type Readable } from 'node:stream'
import { translate } from '#app/i18n/index.ts'
import { routingPath } from '#app/utils/http.ts'

const KB = 1024
const MB = 1024 * KB

export type BodyKind = 'form' | 'upload' | 'roster' | 'hours-batch' | 'api'

/** Multipart framing and the form's text fields beside a full-size file. */
const FRAMING = 256 * KB

/** The ceilings DESIGN.md §11 settles: forms 64 KB, uploads 10 MB, roster files 20 MB, the hours batch 512 KB, the API 64 KB. */
export const CEILINGS: Record<BodyKind, number> = {
  form: 64 * KB,
  upload: 10 * MB + FRAMING,
  roster: 20 * MB + FRAMING,
  'hours-batch': 512 * KB,
  api: 64 * KB,
}

export type BodyLimitRule = { pattern: string; kind: BodyKind; maxBytes: number; what: string }

const rule = (pattern: string, kind: BodyKind, what: string): BodyLimitRule => ({ pattern, kind, maxBytes: CEILINGS[kind], what })

/**
 * Patterns: "/a/b" exact, ":x" one segment, a final "*" any rest (none
 * included); matched case-insensitively, like the router, on the routed path.
 */
export const BODY_LIMITS: readonly BodyLimitRule[] = [
  rule('/me/self-study', 'upload', 'self-study log with a photo (app/models/uploads.server.ts)'),
  rule('/me/exemptions', 'upload', 'exemption application with evidence'),
  rule('/coordinator/exemptions', 'upload', 'exemption application with evidence, for a learner'),
  rule('/coordinator/imports/*', 'roster', 'roster import files, xlsx or CSV (issue 12)'),
  rule(
    '/coordinator/courses/:id/lessons/*',
    'upload',
    "the lesson editor's save: the lesson's Tiptap JSON, up to 400 K characters (app/domain/lesson-validate.ts)",
  ),
  rule('/coordinator/lesson-media', 'upload', 'pictures, recordings and videos for lessons (app/models/lessons.server.ts)'),
  rule('/api/v1/hours/batch', 'hours-batch', 'POST /api/v1/hours/batch (api-v1.md)'),
  rule('/api/*', 'api', 'the JSON API'),
  rule('/*', 'form', 'every other page and form'),
]

function matches(pattern: string, segments: string[]): boolean {
  const parts = pattern.split('/').filter(Boolean)
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if (part === '*' && i === parts.length - 1) return true
    const segment = segments[i]
    if (segment === undefined) return false
    if (!part.startsWith(':') && part.toLowerCase() !== segment.toLowerCase()) return false
  }
  return segments.length === parts.length
}

/**
 * The rule for a request path (with or without its query). Judged on the routed
 * path (routingPath), with single fetch's `.data` suffix taken off: POST
 * /login.data is the login route's action, /_root.data the index route's.
 */
export function bodyLimitFor(rawPath: string): BodyLimitRule | undefined {
  let path = routingPath(rawPath)
  if (/^\/_root\.data$/i.test(path)) path = '/'
  else path = path.replace(/\.data$/i, '')
  const segments = path.split('/').filter(Boolean)
  return BODY_LIMITS.find((r) => matches(r.pattern, segments))
}

/** What the Remix adapter gives the route instead of the raw request stream. */
const bodies = new WeakMap<IncomingMessage, Buffer | Readable>()

/**
 * The body as the limit lets it through: the bytes read for a chunked form
 * within its ceiling, or the capped stream of an upload; undefined when the
 * request streams as it came (a declared length within the ceiling).
 */
export function limitedBody(req: IncomingMessage): Buffer | Readable | undefined {
  return bodies.get(req)
}

/** Past a refused body's ceiling this much more is read and dropped, so the browser, still sending, gets the answer; beyond it the connection is cut. */
const DRAIN_BYTES = 64 * MB

/**
 * The 413, before the body is read. What is still arriving is read and
 * dropped (Node does so by itself for a body nobody started to read, `drain`
 * for one the limit had started counting), so the browser, still sending,
 * gets the answer instead of a reset connection; past DRAIN_BYTES the
 * connection is cut.
 */
function tooLarge(req: IncomingMessage, res: ServerResponse, maxBytes: number, drain = false) {
  const message = translate('zh-CN', 'error.bodyTooLarge', { kb: Math.round(maxBytes / KB) })
  const api = /^\/api\//i.test(routingPath(req.url ?? '/'))
  // The contract's codes only (api-v1.md): an oversize body is a validation failure, answered with 413.
  const text = api ? JSON.stringify({ error: { code: 'validation_failed', message, fields: { _: message } } }) : message
  const tooMuchToDrain = Number(req.headers['content-length'] ?? 0) > DRAIN_BYTES
  res.writeHead(413, {
    'Content-Type': api ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...(tooMuchToDrain ? { Connection: 'close' } : {}),
  })
  res.end(text)
  if (drain) {
    let dropped = 0
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length
      if (dropped > DRAIN_BYTES) req.destroy()
    })
    req.resume()
  }
}

/**
 * An upload's body for its route: at most `limit` + 1 bytes of it (so the
 * route's own reader, app/models/uploads.server.ts, sees that it is over and
 * refuses it in the form's own words, 413), the rest read and dropped.
 */
function capped(req: IncomingMessage, res: ServerResponse, limit: number): Readable {
  const out = new PassThrough()
  let passed = 0
  let dropped = 0
  let gone = false
  const stop = () => {
    if (gone) return
    gone = true
    out.end()
    req.resume()
  }
  req.on('data', (chunk: Buffer) => {
    if (!gone) {
      const room = limit + 1 - passed
      passed += Math.min(chunk.length, room)
      const more = out.write(chunk.length > room ? chunk.subarray(0, room) : chunk)
      if (passed > limit) stop()
      else if (!more) {
        req.pause()
        out.once('drain', () => req.resume())
      }
      return
    }
    dropped += chunk.length
    if (dropped > DRAIN_BYTES) req.destroy()
  })
  req.on('end', () => out.end())
  req.on('error', (error) => out.destroy(error))
  // The route stopped reading (it refused the upload, or never read it) or has answered: drain what still arrives.
  out.on('close', stop)
  res.once('finish', stop)
  return out
}

/**
 * U+0000 in a page's query or form, which PostgreSQL refuses in text (a 500
 * wherever a route passes it on): refused here once for every page, 400 with
 * a Chinese message, nothing read further or written. The API answers it
 * itself, as its contract says (422 naming the field: app/api/http.server.ts);
 * multipart forms are their routes' (a file may hold any byte).
 */
const pageForm = (req: IncomingMessage) =>
  !/^\/api\//i.test(routingPath(req.url ?? '/')) && /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')
const holdsNul = (text: string) => /%00/i.test(text) || text.includes('\u0000')

function refuseNul(res: ServerResponse) {
  const text = translate('zh-CN', 'error.nulCharacter')
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' })
  res.end(text)
}

/** A page's form within its ceiling, read whole (at most the ceiling) so it can be looked at before the route parses it. */
function readForm(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void, body?: Buffer) {
  const pass = (buffer: Buffer) => {
    if (holdsNul(buffer.toString('latin1'))) return refuseNul(res)
    bodies.set(req, buffer)
    next()
  }
  if (body) return pass(body)
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.once('end', () => pass(Buffer.concat(chunks)))
  req.once('error', (error) => next(error))
}

/**
 * Express middleware: the ceiling of the request's path, applied before
 * anything reads the body, and no U+0000 in a page's query or form (above).
 * Requests without a body pass untouched but for their query.
 */
export function bodyLimit(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: (error?: unknown) => void) {
  const url = req.originalUrl ?? req.url ?? '/'
  const query = url.includes('?') ? url.slice(url.indexOf('?')) : ''
  if (query && holdsNul(query) && !/^\/api\//i.test(routingPath(url))) return refuseNul(res)
  const declared = req.headers['content-length']
  const chunked = req.headers['transfer-encoding'] !== undefined
  if (!chunked && (declared === undefined || declared === '0')) return next()
  const rule = bodyLimitFor(url)
  const limit = rule?.maxBytes ?? CEILINGS.form
  // Node never delivers more than a declared length: within the ceiling, the body streams to the route as it came
  // (a page's form is read first, to be looked at for U+0000).
  if (!chunked && Number(declared) <= limit) return pageForm(req) ? readForm(req, res, next) : next()
  if (rule?.kind === 'upload' || rule?.kind === 'roster') {
    // The upload form says what is wrong in its own words (文件不能超过 10 MB) rather than on a bare 413 page.
    bodies.set(req, capped(req, res, limit))
    return next()
  }
  if (!chunked) return tooLarge(req, res, limit)

  const chunks: Buffer[] = []
  let total = 0
  const cleanup = () => {
    req.off('data', onData)
    req.off('end', onEnd)
    req.off('error', onError)
  }
  const onData = (chunk: Buffer) => {
    total += chunk.length
    if (total <= limit) return void chunks.push(chunk)
    cleanup()
    tooLarge(req, res, limit, true)
  }
  const onEnd = () => {
    cleanup()
    const body = Buffer.concat(chunks, total)
    if (pageForm(req)) return readForm(req, res, next, body)
    bodies.set(req, body)
    next()
  }
  const onError = (error: Error) => {
    cleanup()
    next(error)
  }
  req.on('data', onData)
  req.on('end', onEnd)
  req.on('error', onError)
}
