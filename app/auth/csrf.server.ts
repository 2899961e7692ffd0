/**
 * CSRF (DESIGN.md §8): any non-GET/HEAD request is refused unless
 * Sec-Fetch-Site is "same-origin", or, when a browser sends no Sec-Fetch-Site,
 * its Origin matches exactly. A request with neither header is refused too.
 * The JSON API (/api/) authenticates with bearer tokens, never cookies, so it
 * is outside this check.
 */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

export function isCrossSiteRequestAllowed(opts: {
  method: string
  path: string
  secFetchSite: string | null | undefined
  origin: string | null | undefined
  expectedOrigins: readonly string[]
}): boolean {
  if (SAFE.has(opts.method.toUpperCase())) return true
  if (opts.path.startsWith('/api/')) return true
  if (opts.secFetchSite) return opts.secFetchSite === 'same-origin'
  if (opts.origin) return opts.expectedOrigins.includes(opts.origin)
  return false
}
