/**
 * CSRF (DESIGN.md §8): any non-GET/HEAD request is refused unless
 * Sec-Fetch-Site is "same-origin", or, when a browser sends no Sec-Fetch-Site,
 * its Origin matches exactly. A request with neither header is refused too.
 * The JSON API (/api/) authenticates with bearer tokens, never cookies, so it
 * is outside this check — judged on the path the request is ROUTED by
 * (routingPath: `/api/%2e%2e/logout` is /logout, and is checked), never on the
 * raw path.
 */
import { routingPath } from '#app/utils/http.ts'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/** A real API path: under /api/ once normalised (the router matches case-insensitively), with no dot segment left in it. */
export function isApiPath(rawPath: string): boolean {
  const path = routingPath(rawPath)
  return /^\/api\//i.test(path) && !path.split('/').some((s) => s === '.' || s === '..')
}

export function isCrossSiteRequestAllowed(opts: {
  method: string
  /** The request's path as received (with or without its query): normalised here. */
  path: string
  secFetchSite: string | null | undefined
  origin: string | null | undefined
  expectedOrigins: readonly string[]
}): boolean {
  if (SAFE.has(opts.method.toUpperCase())) return true
  if (isApiPath(opts.path)) return true
  if (opts.secFetchSite) return opts.secFetchSite === 'same-origin'
  if (opts.origin) return opts.expectedOrigins.includes(opts.origin)
  return false
}
