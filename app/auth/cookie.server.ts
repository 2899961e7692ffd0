import { getEnv } from '#app/utils/env.server.ts'

/**
 * The session cookie: `__Host-` prefixed, Secure, HttpOnly, SameSite=Lax,
 * Path=/. Browsers accept Secure cookies from http://localhost; a deployment
 * served over plain http elsewhere sets XX_INSECURE_COOKIES=1 (not recommended).
 */
export function sessionCookieName() {
  return getEnv().XX_INSECURE_COOKIES === '1' ? 'xx_session' : '__Host-xx_session'
}

function attributes(maxAgeSeconds: number) {
  const secure = getEnv().XX_INSECURE_COOKIES === '1' ? '' : '; Secure'
  return `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`
}

export function serializeSessionCookie(token: string, expiresAt: Date, now = new Date()) {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000))
  return `${sessionCookieName()}=${token}; ${attributes(maxAge)}`
}

export function clearSessionCookie() {
  return `${sessionCookieName()}=; ${attributes(0)}`
}

export function readCookie(request: Request, name: string): string | null {
  return readCookieHeader(request.headers.get('cookie'), name)
}

/** One cookie's value from a Cookie header (for handlers that have no Fetch Request, e.g. app/server/heartbeat.server.ts). */
export function readCookieHeader(header: string | null | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return null
}

export function readSessionToken(request: Request): string | null {
  return readCookie(request, sessionCookieName())
}
