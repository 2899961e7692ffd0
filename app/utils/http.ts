/**
 * URL handling shared by the server and the pages. Both functions let the URL
 * standard do the parsing (tabs and newlines dropped, backslashes read as
 * slashes, `%2e%2e` read as `..`) — what browsers and the router do — and
 * decide on its result, never on the raw text.
 */

/** A base no request ever has: only its origin matters, as "this site". */
const BASE = 'http://x.invalid'

/**
 * A same-origin path to redirect to, or `fallback`. The input is resolved as
 * a browser would resolve a Location header on this site; anything that lands
 * elsewhere (`//evil.example`, `/\t/evil.example`, `https://…`, `/\evil`,
 * `/me/../..//evil.example`) is refused. The answer is the normalised
 * pathname + search + hash: it starts with one slash, carries no control
 * characters (so it always fits a header) and means the same on a second parse.
 * `within: '/me'` also requires the normalised path to be /me or below it.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/', opts: { within?: string } = {}): string {
  if (typeof to !== 'string' || to === '') return fallback
  let url: URL
  try {
    url = new URL(to, `${BASE}/`)
  } catch {
    return fallback
  }
  if (url.origin !== BASE) return fallback
  const path = `${url.pathname}${url.search}${url.hash}`
  // `/me/..//evil.example` resolves to the path "//evil.example", which a browser reads as a host.
  if (!path.startsWith('/') || path.startsWith('//')) return fallback
  if (opts.within) {
    const prefix = opts.within.replace(/\/+$/, '')
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return fallback
  }
  return path
}

/**
 * The path a request is routed by: `/api/%2e%2e/logout` → `/logout`. The
 * raw path (with its query, as `req.originalUrl` gives it) is parsed the way
 * the Remix adapter builds its Request (`new URL(origin + path)`), then each
 * segment is percent-decoded as the router matches it (a decoded "/" stays
 * `%2F`, inside its segment). Decisions about a request (the CSRF gate, the
 * body ceilings) are made on this path, never on the raw one.
 */
export function routingPath(raw: string): string {
  let pathname: string
  try {
    pathname = new URL(`${BASE}${raw.startsWith('/') ? '' : '/'}${raw}`).pathname
  } catch {
    return raw
  }
  return pathname
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment).replace(/\//g, '%2F')
      } catch {
        return segment
      }
    })
    .join('/')
}
