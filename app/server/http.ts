/**
 * The HTTP server: security headers, body limits, the CSRF gate, static
 * assets, then Remix. Used by `npm start` (production build) and `npm run
 * dev` (Vite middleware).
 *
 * Every decision about a request is made on the path it is routed by
 * (routingPath in app/utils/http.ts), not on the raw one. Every HTML page gets
 * a Content-Security-Policy with a fresh nonce, which app/entry.server.tsx
 * puts on each script Remix writes; pages and loader data answered to a
 * signed-in browser are never stored by a cache (Cache-Control: no-store).
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import path from 'node:path'
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable, type ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express from 'express'
import { readCookieHeader, sessionCookieName } from '#app/auth/cookie.server.ts'
import { isCrossSiteRequestAllowed } from '#app/auth/csrf.server.ts'
import { translate } from '#app/i18n/index.ts'
import { HEARTBEAT_PATH, heartbeatHandler } from '#app/server/heartbeat.server.ts'
import { bodyLimit, limitedBody } from '#app/utils/body-limit.server.ts'
import { routingPath } from '#app/utils/http.ts'
import { runInRequestScope } from '#app/utils/request-scope.server.ts'

declare module '@remix-run/node' {
  interface AppLoadContext {
    ip: string
    /** The CSP nonce of this response (app/entry.server.tsx puts it on Remix's scripts); set by createHttpApp. */
    cspNonce?: string
  }
}

/**
 * The policy of an HTML page. Scripts: this origin's files and the inline
 * scripts carrying this response's nonce (Remix's own), nothing else — no
 * inline handlers, no eval. Styles allow inline `style` attributes, which
 * the pages use (React's style={…}). Images also as data: and blob: URLs
 * (QR codes, photo previews). Audio and video also from https: addresses (a
 * lesson's recording or video may be a link, app/domain/lesson-schema.ts).
 * Dev adds the Vite HMR socket.
 */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "media-src 'self' blob: https:",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ')
}

/** HTML pages, and single fetch's loader and action data (the same personal data, for client-side navigation). */
function isPageOrPageData(contentType: string | null): boolean {
  return /^text\/html\b/i.test(contentType ?? '') || /^text\/x-script\b/i.test(contentType ?? '')
}

/** A lesson's HTML page (GET /learn/lessons/:id), the one personal page a service worker may keep. */
export function isOfflineReadablePage(pathname: string, contentType: string | null): boolean {
  return /^\/learn\/lessons\/[^/.]+\/?$/.test(pathname) && /^text\/html\b/i.test(contentType ?? '')
}

/**
 * The Fetch Request Remix gets, as @remix-run/express builds it (host and port
 * as Express sees them, aborted when the client goes away), except that the
 * body is what the body limit let through.
 */
function remixRequest(req: express.Request, res: express.Response): Request {
  const [, forwardedPort] = req.get('X-Forwarded-Host')?.split(':') ?? []
  const [, hostPort] = req.get('host')?.split(':') ?? []
  const port = [Number.parseInt(forwardedPort ?? '', 10), Number.parseInt(hostPort ?? '', 10)].find((p) => Number.isSafeInteger(p))
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ''}${req.originalUrl}`)
  const headers = new Headers()
  for (const [key, values] of Object.entries(req.headers)) {
    if (values === undefined) continue
    for (const value of Array.isArray(values) ? values : [values]) headers.append(key, value)
  }
  let controller: AbortController | null = new AbortController()
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, signal: controller.signal }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // A chunked form the limit read within its ceiling, an upload it capped, or the request stream as it came.
    const body = limitedBody(req as IncomingMessage) ?? req
    init.body = Buffer.isBuffer(body) ? new Uint8Array(body) : createReadableStreamFromReadable(body)
    init.duplex = 'half'
  }
  res.on('finish', () => (controller = null))
  res.on('close', () => controller?.abort())
  return new Request(url.href, init)
}

async function sendResponse(res: express.Response, response: Response) {
  res.statusMessage = response.statusText
  res.status(response.status)
  for (const [key, value] of response.headers.entries()) res.append(key, value)
  if (/text\/event-stream/i.test(response.headers.get('Content-Type') ?? '')) res.flushHeaders()
  if (response.body) await writeReadableStreamToWritable(response.body, res)
  else res.end()
}

export async function createHttpApp(opts: { root: string; dev: boolean; publicUrl?: string; trustProxy?: string; headless?: boolean }) {
  const app = express()
  app.disable('x-powered-by')
  if (opts.trustProxy) app.set('trust proxy', opts.trustProxy)

  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'same-origin')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Permissions-Policy', 'camera=(self), microphone=(), geolocation=()')
    next()
  })

  const csrfGate: express.RequestHandler = (req, res, next) => {
    const host = req.get('host') ?? ''
    const expectedOrigins = [`${req.protocol}://${host}`, ...(opts.publicUrl ? [new URL(opts.publicUrl).origin] : [])]
    const allowed = isCrossSiteRequestAllowed({
      method: req.method,
      // The path as received; the gate judges it as routing will (`/api/%2e%2e/logout` is /logout).
      path: req.originalUrl,
      secFetchSite: req.get('sec-fetch-site'),
      origin: req.get('origin'),
      expectedOrigins,
    })
    if (allowed) return next()
    res.status(403).type('text/plain; charset=utf-8').send(translate('zh-CN', 'error.csrf'))
  }

  // Lesson-page heartbeats: the hot path (DESIGN.md §7), answered here, before the body limit, compression
  // and Remix (app/server/heartbeat.server.ts reads at most 1 KB of the stream itself and answers 413 past it;
  // docs/decisions/008-heartbeat-fast-path.md).
  app.post(HEARTBEAT_PATH, csrfGate, (req, res) => void heartbeatHandler(req, res))

  // The ceilings of app/utils/body-limit.server.ts, before anything reads a body (Remix included).
  app.use(bodyLimit)

  app.use(compression())

  // The service worker (public/sw.js): always revalidated, so a new version reaches phones on their next visit,
  // and allowed to control the whole site.
  app.get('/sw.js', (_req, res) => {
    res.setHeader('Service-Worker-Allowed', '/')
    res.sendFile(path.join(opts.root, opts.dev ? 'public' : 'build/client', 'sw.js'), { headers: { 'Cache-Control': 'no-cache' }, cacheControl: false })
  })

  let build: ServerBuild | (() => Promise<ServerBuild>)
  if (opts.dev) {
    const vite = await import('vite')
    const server = await vite.createServer({
      root: opts.root,
      server: { middlewareMode: true, ...(opts.headless ? { hmr: false, ws: false } : {}) },
      // Headless (tests over HTTP): no browser connects, so no HMR socket and no client dependency pre-bundling.
      ...(opts.headless ? { optimizeDeps: { noDiscovery: true, entries: [] } } : {}),
    })
    app.use(server.middlewares)
    app.locals.close = () => server.close()
    build = () => server.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>
  } else {
    const client = path.join(opts.root, 'build/client')
    app.use('/assets', express.static(path.join(client, 'assets'), { immutable: true, maxAge: '1y' }))
    app.use(express.static(client, { maxAge: '1h' }))
    build = (await import(path.join(opts.root, 'build/server/index.js'))) as ServerBuild
  }

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true })
  })

  app.use(csrfGate)

  const handle = createRequestHandler(build, opts.dev ? 'development' : 'production')
  const remix: express.RequestHandler = async (req, res, next) => {
    try {
      const cspNonce = randomBytes(16).toString('base64')
      let response = await handle(remixRequest(req, res), { ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', cspNonce })
      const contentType = response.headers.get('content-type')
      if (isPageOrPageData(contentType)) {
        const headers = new Headers(response.headers)
        if (/^text\/html\b/i.test(contentType ?? '') && !headers.has('content-security-policy')) {
          headers.set('Content-Security-Policy', contentSecurityPolicy(cspNonce, opts.dev))
        }
        // Personal data (DESIGN.md §11 "Service worker"): what a signed-in browser is shown is never kept by a cache.
        // Except a lesson's page, which the learner's own service worker keeps for offline reading (public/sw.js):
        // course material plus the learner's own progress marks, `private` (no shared cache) and `no-cache` (always
        // revalidated while online). Its loader data and every other page stay no-store.
        if (readCookieHeader(req.headers.cookie, sessionCookieName())) {
          const keepable = req.method === 'GET' && response.status === 200 && isOfflineReadablePage(routingPath(req.originalUrl), contentType)
          headers.set('Cache-Control', keepable ? 'private, no-cache' : 'no-store')
        }
        response = new Response(response.body, { status: response.status, statusText: response.statusText, headers })
      }
      await sendResponse(res, response)
    } catch (error) {
      next(error)
    }
  }
  app.all('*', (req, res, next) => runInRequestScope(() => remix(req, res, next)))
  return app
}
