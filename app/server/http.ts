/**
 * The HTTP server: static assets, security headers, the CSRF gate, then Remix.
 * Used by `npm start` (production build) and `npm run dev` (Vite middleware).
 */
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express from 'express'
import path from 'node:path'
import { isCrossSiteRequestAllowed } from '#app/auth/csrf.server.ts'
import { translate } from '#app/i18n/index.ts'
import { HEARTBEAT_PATH, heartbeatHandler } from '#app/server/heartbeat.server.ts'
import { runInRequestScope } from '#app/utils/request-scope.server.ts'

declare module '@remix-run/node' {
  interface AppLoadContext {
    ip: string
  }
}

export async function createHttpApp(opts: { root: string; dev: boolean; publicUrl?: string; trustProxy?: string }) {
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
      path: req.path,
      secFetchSite: req.get('sec-fetch-site'),
      origin: req.get('origin'),
      expectedOrigins,
    })
    if (allowed) return next()
    res.status(403).type('text/plain; charset=utf-8').send(translate('zh-CN', 'error.csrf'))
  }

  // Lesson-page heartbeats: the hot path (DESIGN.md §7), answered here, before compression and Remix
  // (app/server/heartbeat.server.ts, docs/decisions/008-heartbeat-fast-path.md).
  app.post(HEARTBEAT_PATH, csrfGate, (req, res) => void heartbeatHandler(req, res))

  app.use(compression())

  let build: ServerBuild | (() => Promise<ServerBuild>)
  if (opts.dev) {
    const vite = await import('vite')
    const server = await vite.createServer({ root: opts.root, server: { middlewareMode: true } })
    app.use(server.middlewares)
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

  const remix = createRequestHandler({
    build,
    mode: opts.dev ? 'development' : 'production',
    getLoadContext: (req) => ({ ip: req.ip ?? req.socket.remoteAddress ?? 'unknown' }),
  })
  app.all('*', (req, res, next) => runInRequestScope(() => remix(req, res, next)))
  return app
}
