/**
 * API authentication: a token IS a web session (app/auth/session.server.ts),
 * issued by the same sign-in (password check, per-account and per-IP
 * throttling, audit) and read back into the same CurrentUser with the same
 * grants and scopes (userForSessionToken). The API reads ONLY the
 * `Authorization: Bearer` header, never the session cookie: the CSRF gate
 * exempts /api/, so accepting the cookie there would let any site post
 * with a signed-in browser's credentials.
 */
import { userForSessionToken } from '#app/auth/permissions.server.ts'
import { type CurrentUser } from '#app/models/access.server.ts'
import { invalidateSession } from '#app/auth/session.server.ts'
import type { RoleName } from '#app/domain/roles.ts'
import { signIn } from '#app/models/sign-in.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { ApiError, json, readJsonBody, type ApiArgs } from './http.server.ts'
import { API_MESSAGES, apiMessage } from './messages.ts'
import { TokenRequest } from './schemas.ts'

/** The bearer token of a request, or null. */
export function readBearerToken(request: Request): string | null {
  const header = request.headers.get('authorization')
  const match = header?.match(/^Bearer[ \t]+([^\s]+)[ \t]*$/i)
  return match?.[1] ?? null
}

/** The caller behind the bearer token; 401 without a valid one, 403 while the password must still be changed. */
export async function requireApiUser(request: Request): Promise<CurrentUser> {
  const token = readBearerToken(request)
  const user = token ? await userForSessionToken(token) : null
  if (!user) throw new ApiError('unauthenticated', API_MESSAGES.unauthenticated)
  if (user.mustChangePassword) throw new ApiError('forbidden', API_MESSAGES.mustChangePassword)
  return user
}

/** 403 unless the caller holds one of `roles`. */
export function requireApiRole(user: CurrentUser, roles: readonly RoleName[]) {
  if (!user.grants.some((g) => roles.includes(g.role))) throw new ApiError('forbidden', API_MESSAGES.forbidden)
}

/** POST /api/v1/auth/token */
export async function issueToken({ request, context }: ApiArgs): Promise<Response> {
  const body = await readJsonBody(request, TokenRequest)
  const db = getDb()
  const result = await signIn(db, {
    identifier: body.username,
    password: body.password,
    ip: context.ip,
    userAgent: request.headers.get('user-agent'),
  })
  if (!result.ok) {
    if (result.reason === 'locked') {
      const seconds = result.retryAfterSeconds
      throw new ApiError('rate_limited', apiMessage('rateLimited', { seconds }), undefined, { retryAfterSeconds: seconds })
    }
    throw new ApiError('unauthenticated', API_MESSAGES.invalidCredentials)
  }
  if (result.mustChangePassword) {
    // The web sends such a user to /password first; the API has no such page, so the session is not handed out.
    await invalidateSession(db, result.session.id)
    throw new ApiError('forbidden', API_MESSAGES.mustChangePassword)
  }
  return json({ token: result.token, expiresAt: result.session.expiresAt.toISOString() })
}
