/**
 * The real app for the benchmark: the production build behind app/server/http.ts
 * (compression, security headers, CSRF gate, Remix), exactly as `npm start`
 * serves it, on a free port. The environment (DATABASE_URL, keys) comes from
 * the parent; `XX_BENCH_ROOT` names the directory holding build/.
 */
import { createHttpApp } from '#app/server/http.ts'

const root = process.env.XX_BENCH_ROOT
if (!root) throw new Error('XX_BENCH_ROOT is required')
const app = await createHttpApp({ root, dev: false })
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 })
})
server.keepAliveTimeout = 60_000
process.on('SIGTERM', () => process.exit(0))
