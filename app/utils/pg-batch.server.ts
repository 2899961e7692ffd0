/**
 * Read coalescing for hot paths (heartbeats, DESIGN.md §7): lookups asked for
 * in the same turn of the event loop go to PostgreSQL as ONE statement (one
 * round trip, one parse/plan/execute) instead of one each. Only for reads:
 * every caller gets the rows of the same snapshot it would have seen alone,
 * a little later at most by one event-loop turn. A failed statement rejects
 * every caller of that batch.
 */
export function createReadBatcher<K, R>(opts: {
  /** Runs one statement for all keys; returns one result per key, in the same order. */
  run: (keys: K[]) => Promise<R[]>
  /** Largest batch (bigger ones are split). */
  maxBatch?: number
}): (key: K) => Promise<R> {
  const maxBatch = opts.maxBatch ?? 200
  let queue: { key: K; resolve: (r: R) => void; reject: (e: unknown) => void }[] = []
  let scheduled = false

  const flush = () => {
    scheduled = false
    const all = queue
    queue = []
    for (let i = 0; i < all.length; i += maxBatch) {
      const batch = all.slice(i, i + maxBatch)
      Promise.resolve(batch.map((b) => b.key)).then(opts.run).then(
        (results) => batch.forEach((b, j) => b.resolve(results[j]!)),
        (error: unknown) => batch.forEach((b) => b.reject(error)),
      )
    }
  }

  return (key: K) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ key, resolve, reject })
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    })
}
