/**
 * API authentication: a token IS a web session (app/auth/session.server.ts),
 * or an admin-made integration token of a service account (same CurrentUser),
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
import { STAFF_ROLES, type RoleName } from '#app/domain/roles.ts'
import { isApiTokenFormat, userForApiToken } from '#app/models/api-tokens.server.ts'
import { signIn } from '#app/models/sign-in.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { API_TOKEN_LIMIT, rateLimit } from '#app/utils/rate-limit.server.ts'
import { callerOf, rememberCaller, type ApiCaller } from './caller.server.ts'
import { ApiError, json, readJsonBody, type ApiArgs } from './http.server.ts'
import { API_MESSAGES, apiMessage } from './messages.ts'
import { TokenRequest } from './schemas.ts'

/** The bearer token of a request, or null. */
export function readBearerToken(request: Request): string | null {
  const header = request.headers.get('authorization')
  const match = header?.match(/^Bearer[ \t]+([^\s]+)[ \t]*$/i)
  return match?.[1] ?? null
}

/**
 * The caller behind the bearer token — a session's token, or an integration
 * token an admin made for a service account (app/models/api-tokens.server.ts),
 * both read into the same CurrentUser; 401 without a valid one (a revoked or
 * expired integration token at once), 403 while the password must still be
 * changed, 429 past the per-token limit (API_TOKEN_LIMIT).
 */
export async function requireApiUser(request: Request): Promise<CurrentUser> {
  const known = callerOf(request)
  if (known) return known.user
  const token = readBearerToken(request)
  let caller: ApiCaller | null = null
  if (token && isApiTokenFormat(token)) {
    const found = await userForApiToken(getDb(), token)
    if (found) caller = { user: found.user, via: 'integration', tokenId: found.tokenId }
  } else if (token) {
    const user = await userForSessionToken(token)
    if (user) caller = { user, via: 'session', tokenId: user.sessionId }
  }
  if (!caller) throw new ApiError('unauthenticated', API_MESSAGES.unauthenticated)
  rememberCaller(request, caller)
  const limit = await rateLimit(`api:token:${caller.tokenId}`, API_TOKEN_LIMIT)
  if (!limit.allowed) {
    const seconds = limit.retryAfterSeconds
    throw new ApiError('rate_limited', apiMessage('apiRateLimited', { seconds }), undefined, { retryAfterSeconds: seconds })
  }
  if (caller.user.mustChangePassword) throw new ApiError('forbidden', API_MESSAGES.mustChangePassword)
  return caller.user
}

/** requireApiUser, then 403 unless the caller holds one of `roles`. */
export async function requireApiStaff(request: Request, roles: readonly RoleName[] = STAFF_ROLES): Promise<CurrentUser> {
  const user = await requireApiUser(request)
  requireApiRole(user, roles)
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
