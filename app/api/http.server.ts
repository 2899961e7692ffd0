/**
 * Plumbing of the JSON API: answers, the error shape of api-v1.md
 * (`{ error: { code, message, fields? } }`), request bodies and queries
 * validated with the zod schemas of app/api/schemas.ts, and a wrapper that
 * turns anything a handler throws into that shape (never an HTML page).
 */
import type { ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { translator } from '#app/i18n/index.ts'
import { recordApiRequest } from '#app/models/api-tokens.server.ts'
import { AppError } from '#app/models/errors.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { API_IP_LIMIT, rateLimit } from '#app/utils/rate-limit.server.ts'
import { callerOf } from './caller.server.ts'
import { API_MESSAGES, apiMessage } from './messages.ts'
import { API_ERROR_STATUS, type ApiErrorCode } from './schemas.ts'

export type ApiArgs = Pick<ActionFunctionArgs, 'request' | 'params' | 'context'>

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    readonly extra?: { status?: number; headers?: Record<string, string>; retryAfterSeconds?: number },
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), { status, headers: { ...JSON_HEADERS, ...headers } })
}

export function errorResponse(error: ApiError): Response {
  const status = error.extra?.status ?? API_ERROR_STATUS[error.code]
  const headers: Record<string, string> = { ...error.extra?.headers }
  if (error.code === 'unauthenticated') headers['WWW-Authenticate'] = 'Bearer'
  if (error.extra?.retryAfterSeconds != null) headers['Retry-After'] = String(error.extra.retryAfterSeconds)
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.fields && Object.keys(error.fields).length > 0 ? { fields: error.fields } : {}),
      ...(error.extra?.retryAfterSeconds != null ? { retryAfterSeconds: error.extra.retryAfterSeconds } : {}),
    },
  }
  return json(body, status, headers)
}

/** Zod issues as `fields`: dot path → first message for that path (the body itself is `_`). */
export function zodFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_'
    fields[key] ??= issue.message
  }
  return fields
}

const zhErrors = z.locales.zhCN().localeError

/** Chinese messages for zod's own issues; a missing field says so plainly. */
export const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return API_MESSAGES.required
  return zhErrors(issue)
}

/** Dot paths of the strings in a parsed body or query that hold U+0000 (PostgreSQL refuses it in text). */
function nulPaths(value: unknown, path: string[] = [], out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push(path.length > 0 ? path.join('.') : '_')
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nulPaths(v, [...path, k], out)
  }
  return out
}

/** Parses with a schema, or throws a 422 with `fields` (a string holding U+0000 included, wherever it is). */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const nul = nulPaths(input)
  if (nul.length > 0) throw new ApiError('validation_failed', API_MESSAGES.validationFailed, Object.fromEntries(nul.map((f) => [f, API_MESSAGES.nulCharacter])))
  const result = schema.safeParse(input, { error: errorMap })
  if (!result.success) throw new ApiError('validation_failed', API_MESSAGES.validationFailed, zodFields(result.error))
  return result.data
}

export const MAX_BODY_BYTES = 64 * 1024

/** `application/json`, with no charset or UTF-8 (api-v1.md: JSON in, UTF-8). */
export function isJsonContentType(header: string | null): boolean {
  if (!header) return false
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase())
  if (type !== 'application/json') return false
  return params.every((p) => !p.startsWith('charset=') || p === 'charset=utf-8' || p === 'charset="utf-8"')
}

/**
 * The JSON body, validated; malformed JSON, another content type or an
 * oversize body is a 422, never a 500 (the body limit in front of Remix
 * already answers 413 for a body above the path's ceiling). An empty body
 * without a content type is `{}` (the endpoints whose body is `{}`).
 */
export async function readJsonBody<T extends z.ZodType>(request: Request, schema: T, opts: { maxBytes?: number } = {}): Promise<z.output<T>> {
  const maxBytes = opts.maxBytes ?? MAX_BODY_BYTES
  const tooLarge = () => new ApiError('validation_failed', apiMessage('bodyTooLarge', { kb: maxBytes / 1024 }))
  // Refuse by the declared length before reading; check the real length after (chunked bodies declare none).
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge()
  const contentType = request.headers.get('content-type')
  if (contentType !== null && !isJsonContentType(contentType)) throw new ApiError('validation_failed', API_MESSAGES.jsonOnly, { _: API_MESSAGES.jsonOnly })
  const text = await request.text()
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw tooLarge()
  if (contentType === null && text.trim() !== '') throw new ApiError('validation_failed', API_MESSAGES.jsonOnly, { _: API_MESSAGES.jsonOnly })
  let body: unknown
  try {
    body = text.trim() === '' ? {} : JSON.parse(text)
  } catch {
    throw new ApiError('validation_failed', API_MESSAGES.invalidJson, { _: API_MESSAGES.invalidJson })
  }
  return parseWith(schema, body)
}

/** The query string as an object (first value of each name), validated. */
export function readQuery<T extends z.ZodType>(request: Request, schema: T): z.output<T> {
  const params = new URL(request.url).searchParams
  const query: Record<string, string> = {}
  for (const [k, v] of params) query[k] ??= v
  return parseWith(schema, query)
}

const zh = translator('zh-CN')

/** Anything a handler threw, as the API's error answer. */
export function toErrorResponse(thrown: unknown): Response {
  if (thrown instanceof ApiError) return errorResponse(thrown)
  if (thrown instanceof AppError) {
    // The API speaks Chinese (api-v1.md); the fields, when the model names them, are the request fields of the same name.
    const message = thrown.describe(zh)
    const fields = thrown.fieldMessages(zh) ?? (thrown.kind === 'validation_failed' ? { _: message } : undefined)
    if (thrown.extra) return json({ error: { code: thrown.kind, message, ...(fields ? { fields } : {}), ...thrown.extra } }, API_ERROR_STATUS[thrown.kind])
    return errorResponse(new ApiError(thrown.kind, message, fields))
  }
  if (thrown instanceof z.ZodError) return errorResponse(new ApiError('validation_failed', API_MESSAGES.validationFailed, zodFields(thrown)))
  if (thrown instanceof Response) {
    // permissions.server.ts helpers throw plain Responses (403, 404, a redirect to /login).
    if (thrown.status === 403) return errorResponse(new ApiError('forbidden', API_MESSAGES.forbidden))
    if (thrown.status === 404) return errorResponse(new ApiError('not_found', API_MESSAGES.notFound))
    if (thrown.status >= 300 && thrown.status < 400) return errorResponse(new ApiError('unauthenticated', API_MESSAGES.unauthenticated))
  }
  console.error('[api] unexpected error', thrown)
  return json({ error: { code: 'internal_error', message: API_MESSAGES.internal } }, 500)
}

/**
 * A Remix loader or action for the API: it always answers JSON, errors
 * included. Every request counts against the caller's address (API_IP_LIMIT,
 * 429 with Retry-After; the per-token limit is requireApiUser's), and every
 * request made with an integration token is audited with the token's
 * identity once its status is known (one insert).
 */
export function apiRoute(handler: (args: ApiArgs) => Promise<Response>) {
  return async (args: ApiArgs): Promise<Response> => {
    let response: Response
    try {
      const ip = args.context?.ip ?? 'unknown'
      const limit = await rateLimit(`api:ip:${ip}`, API_IP_LIMIT)
      if (!limit.allowed) {
        const seconds = limit.retryAfterSeconds
        throw new ApiError('rate_limited', apiMessage('apiRateLimited', { seconds }), undefined, { retryAfterSeconds: seconds })
      }
      response = await handler(args)
    } catch (thrown) {
      response = toErrorResponse(thrown)
    }
    const caller = callerOf(args.request)
    if (caller?.via === 'integration') {
      await recordApiRequest(getDb(), {
        tokenId: caller.tokenId,
        userId: caller.user.id,
        method: args.request.method,
        path: new URL(args.request.url).pathname,
        status: response.status,
        ip: args.context?.ip ?? null,
      }).catch((error: unknown) => console.error('[api] could not audit an integration request', error))
    }
    return response
  }
}

/** The answer to a method the endpoint does not have. */
export function methodNotAllowed(allow: string[]) {
  return apiRoute(async ({ request }) => {
    throw new ApiError('not_found', apiMessage('methodNotAllowed', { method: request.method }), undefined, {
      status: 405,
      headers: { Allow: allow.join(', ') },
    })
  })
}
