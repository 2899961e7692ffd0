/**
 * Who made an API request, remembered per Request by requireApiUser
 * (app/api/auth.server.ts), so the wrapper of every endpoint (apiRoute in
 * app/api/http.server.ts) can audit the requests of integration tokens once
 * their answer is known, whatever the handler did.
 */
import type { CurrentUser } from '#app/models/access.server.ts'

export type ApiCaller = {
  user: CurrentUser
  /** `session`: a token from POST /api/v1/auth/token; `integration`: an admin-made token of a service account. */
  via: 'session' | 'integration'
  /** The session's or the integration token's id (never its secret). */
  tokenId: string
}

const callers = new WeakMap<Request, ApiCaller>()

export function rememberCaller(request: Request, caller: ApiCaller) {
  callers.set(request, caller)
}

export function callerOf(request: Request): ApiCaller | undefined {
  return callers.get(request)
}
