/**
 * The real HTTP server of app/server/http.ts (security headers, CSRF gate,
 * body limits, then Remix), on a free port, for the tests in tests/security.
 * Remix runs from the sources through Vite (dev mode, no HMR socket), so no
 * production build is needed. Requests go out through node:http with the raw
 * path as written: fetch() would normalise `/api/%2e%2e/logout` before
 * sending it, which is exactly what these tests must not do.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createHttpApp } from '#app/server/http.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export type TestServer = { port: number; base: string; close: () => Promise<void> }

export async function startTestServer(): Promise<TestServer> {
  const app = await createHttpApp({ root, dev: true, headless: true })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const port = (server.address() as AddressInfo).port
  const handle: TestServer = {
    port,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await (app.locals as { close?: () => Promise<void> }).close?.()
    },
  }
  // Vite compiles the app on the first page asked for: do it here, inside beforeAll's time, not in a test's.
  await rawRequest(handle, { path: '/login', timeoutMs: 55_000 })
  return handle
}

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string; msUntilHeaders: number }

/**
 * One request with the path exactly as given. `body`: a string or Buffer sent
 * with its Content-Length; `declaredLength` announces a length but sends only
 * `body` (the server must answer without waiting for the rest); `chunks`
 * sends a chunked body (`first`, then one chunk every tick) until the server answers.
 */
export function rawRequest(
  server: TestServer,
  opts: {
    method?: string
    path: string
    headers?: Record<string, string>
    body?: string | Buffer
    declaredLength?: number
    chunks?: { size: number; count: number; first?: string }
    timeoutMs?: number
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.declaredLength !== undefined) headers['Content-Length'] = String(opts.declaredLength)
    else if (opts.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(opts.body))
    else if (opts.chunks) headers['Transfer-Encoding'] = 'chunked'
    const req = http.request({ host: '127.0.0.1', port: server.port, method: opts.method ?? 'GET', path: opts.path, headers, agent: false })
    const timer = setTimeout(() => {
      req.destroy()
      reject(new Error(`no answer within ${opts.timeoutMs ?? 15_000} ms`))
    }, opts.timeoutMs ?? 15_000)
    let answered = false
    req.on('response', (res) => {
      answered = true
      const msUntilHeaders = Date.now() - started
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => {
        clearTimeout(timer)
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8'), msUntilHeaders })
        req.destroy()
      })
      res.on('error', () => {})
    })
    req.on('error', (error) => {
      // The server may cut the connection after answering a refused body; the answer is what counts.
      if (!answered) {
        clearTimeout(timer)
        reject(error)
      }
    })
    if (opts.body !== undefined) req.write(opts.body)
    if (opts.chunks) {
      const chunk = Buffer.alloc(opts.chunks.size, 'a')
      let sent = 0
      if (opts.chunks.first) req.write(opts.chunks.first)
      const next = () => {
        if (answered || req.destroyed) return
        if (sent++ >= opts.chunks!.count) return void req.end()
        req.write(chunk, () => setImmediate(next))
      }
      next()
      return
    }
    if (opts.declaredLength === undefined) req.end()
  })
}

/** The urlencoded form body of `fields`. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString()
}

export const FORM = { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' }
