/**
 * A small closed-loop HTTP load generator on node:http with keep-alive: `connections`
 * loops, each sending its next request as soon as the previous answer is read.
 * It runs in the benchmark's own process, on the same cores as the server.
 */
import http from 'node:http'

export type LoadRequest = { path: string; headers: Record<string, string>; body: string }
export type LoadResult = {
  requests: number
  errors: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  max: number
  statuses: Map<number, number>
}

export async function runLoad(opts: {
  port: number
  connections: number
  durationMs: number
  /** The next request of loop `i`; may return null to wait a little (nothing due yet). */
  next: (loop: number) => LoadRequest
  /** Called with each answer (status, body text). */
  onAnswer?: (loop: number, req: LoadRequest, status: number, body: string) => void
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections })
  const latencies: number[] = []
  const statuses = new Map<number, number>()
  let errors = 0
  const started = performance.now()
  const deadline = started + opts.durationMs

  const one = (req: LoadRequest) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const r = http.request(
        {
          host: '127.0.0.1',
          port: opts.port,
          method: 'POST',
          path: req.path,
          agent,
          headers: { ...req.headers, 'Content-Length': Buffer.byteLength(req.body) },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', reject)
        },
      )
      r.on('error', reject)
      r.end(req.body)
    })

  const loop = async (i: number) => {
    while (performance.now() < deadline) {
      const req = opts.next(i)
      const t0 = performance.now()
      try {
        const { status, body } = await one(req)
        latencies.push(performance.now() - t0)
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        opts.onAnswer?.(i, req, status, body)
      } catch {
        errors++
        await new Promise((r) => setTimeout(r, 5))
      }
    }
  }
  await Promise.all(Array.from({ length: opts.connections }, (_, i) => loop(i)))
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN
  return {
    requests: latencies.length,
    errors,
    seconds,
    perSecond: latencies.length / seconds,
    p50: pct(50),
    p99: pct(99),
    max: latencies[latencies.length - 1] ?? NaN,
    statuses,
  }
}
