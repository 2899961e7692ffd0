import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Values computed once per HTTP request. Remix hands each loader its own
 * Request object (it strips `_routes`/`index` params), so a cache keyed on the
 * Request misses between the root loader and the route loader; the HTTP
 * server opens one scope per request instead (app/server/http.ts).
 */
const storage = new AsyncLocalStorage<Map<string, unknown>>()

export function runInRequestScope<T>(fn: () => T): T {
  return storage.run(new Map(), fn)
}

/** The value for `key` in this request, computed at most once. Outside a request scope it is computed each time. */
export function oncePerRequest<T>(key: string, compute: () => T): T {
  const scope = storage.getStore()
  if (!scope) return compute()
  if (!scope.has(key)) scope.set(key, compute())
  return scope.get(key) as T
}
