/**
 * `Idempotency-Key` on the POST endpoints that create something (issue 14):
 * the first answer is kept with the caller, the key and a hash of the request
 * (method, path and body); a retry with the same key answers that first
 * answer — status and body — and creates nothing; the same key with another
 * request is 409 conflict. A retry sent while the first request still runs
 * waits for its answer. Only successful answers are kept: a refused request
 * created nothing, so its key is let go and a corrected retry runs.
 * The store is app/models/idempotency.server.ts.
 */
import { createHash } from 'node:crypto'
import type { CurrentUser } from '#app/models/access.server.ts'
import { claimIdempotencyKey, completeIdempotentRequest, releaseIdempotencyKey } from '#app/models/idempotency.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { ApiError, toErrorResponse } from './http.server.ts'
import { API_MESSAGES } from './messages.ts'

/** How long a retry waits for the first request with its key before answering 409. */
const WAIT_MS = 15_000
const POLL_MS = 50

/** The optional `Idempotency-Key` header: 1–100 visible ASCII characters (422 otherwise). */
export function readIdempotencyKey(request: Request): string | null {
  const key = request.headers.get('idempotency-key')
  if (key === null) return null
  if (!/^[\x21-\x7e]{1,100}$/.test(key)) {
    throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { 'Idempotency-Key': API_MESSAGES.idempotencyKeyFormat })
  }
  return key
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `handler` once per caller and Idempotency-Key (without the header: every
 * time). The body is hashed from a clone, so the handler still reads it.
 */
export async function idempotent(request: Request, user: Pick<CurrentUser, 'id'>, handler: () => Promise<Response>): Promise<Response> {
  const key = readIdempotencyKey(request)
  if (key === null) return handler()
  const db = getDb()
  const url = new URL(request.url)
  const requestHash = createHash('sha256')
    .update(`${request.method.toUpperCase()} ${url.pathname}\n`)
    .update(await request.clone().text())
    .digest('hex')
  const ids = { callerId: user.id, key }
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    const claim = await claimIdempotencyKey(db, { ...ids, requestHash })
    if (claim.state === 'mismatch') throw new ApiError('conflict', API_MESSAGES.idempotencyKeyReused)
    if (claim.state === 'replay') {
      return new Response(claim.body, {
        status: claim.status,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Idempotent-Replayed': 'true' },
      })
    }
    if (claim.state === 'claimed') break
    if (Date.now() > deadline) throw new ApiError('conflict', API_MESSAGES.idempotencyKeyRunning)
    await sleep(POLL_MS)
  }
  let response: Response
  try {
    response = await handler()
  } catch (thrown) {
    response = toErrorResponse(thrown)
  }
  if (response.status >= 200 && response.status < 300) {
    await completeIdempotentRequest(db, { ...ids, status: response.status, body: await response.clone().text() })
  } else {
    await releaseIdempotencyKey(db, ids)
  }
  return response
}
