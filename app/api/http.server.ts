/**
 * Plumbing of the JSON API: answers, the error shape of api-v1.md
 * (`{ error: { code, message, fields? } }`), request bodies and queries
 * validated with the zod schemas of app/api/schemas.ts, and a wrapper that
 * turns anything a handler throws into that shape (never an HTML page).
 */
import type { ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { translator } from '#app/i18n/index.ts'
import { AppError } from '#app/models/errors.server.ts'
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
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return API_MESSAGES.required
  return zhErrors(issue)
}

/** Parses with a schema, or throws a 422 with `fields`. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input, { error: errorMap })
  if (!result.success) throw new ApiError('validation_failed', API_MESSAGES.validationFailed, zodFields(result.error))
  return result.data
}

export const MAX_BODY_BYTES = 64 * 1024

/** The JSON body, validated; malformed JSON or an oversize body is a 422, never a 500. */
export async function readJsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.output<T>> {
  const tooLarge = () => new ApiError('validation_failed', apiMessage('bodyTooLarge', { kb: MAX_BODY_BYTES / 1024 }))
  // Refuse by the declared length before reading; check the real length after (chunked bodies declare none).
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) throw tooLarge()
  const text = await request.text()
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw tooLarge()
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

/** A Remix loader or action for the API: it always answers JSON, errors included. */
export function apiRoute(handler: (args: ApiArgs) => Promise<Response>) {
  return async (args: ApiArgs): Promise<Response> => {
    try {
      return await handler(args)
    } catch (thrown) {
      return toErrorResponse(thrown)
    }
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
