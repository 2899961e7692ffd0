/**
 * Statement coalescing for hot paths (heartbeats, DESIGN.md §7): calls made
 * in the same turn of the event loop go to PostgreSQL as ONE statement (one
 * round trip, one parse/plan/execute, one commit) instead of one each. Each
 * caller waits for that statement, so a write is answered only after it has
 * committed, exactly as if it had been sent alone; the delay is at most one
 * event-loop turn.
 *
 * - `run` gets the keys of one batch and returns one result per key, in order;
 *   it must be ONE statement (atomic), whose per-key results do not depend on
 *   the other keys of the batch beyond what concurrent statements could do.
 * - `conflictKey`: two calls with the same conflict key never share a batch
 *   (the later one waits for the next), e.g. two beats of one person.
 * - When a batch of several fails, each call is retried alone, so one bad
 *   call (a constraint, a vanished row) cannot fail the others.
 */
export function createBatcher<K, R>(opts: {
  run: (keys: K[]) => Promise<R[]>
  conflictKey?: (key: K) => string
  /** Largest batch (bigger ones are split). */
  maxBatch?: number
}): (key: K) => Promise<R> {
  const maxBatch = opts.maxBatch ?? 200
  type Call = { key: K; resolve: (r: R) => void; reject: (e: unknown) => void }
  let queue: Call[] = []
  let scheduled = false

  const schedule = () => {
    if (scheduled) return
    scheduled = true
    setImmediate(flush)
  }

  const runBatch = (batch: Call[]) => {
    Promise.resolve(batch.map((c) => c.key))
      .then(opts.run)
      .then(
        (results) => batch.forEach((c, j) => c.resolve(results[j]!)),
        (error: unknown) => {
          if (batch.length === 1) return batch[0]!.reject(error)
          for (const c of batch) runBatch([c])
        },
      )
  }

  function flush() {
    scheduled = false
    let pending = queue
    queue = []
    if (opts.conflictKey) {
      const seen = new Set<string>()
      const now: Call[] = []
      for (const c of pending) {
        const k = opts.conflictKey(c.key)
        if (seen.has(k)) queue.push(c)
        else {
          seen.add(k)
          now.push(c)
        }
      }
      pending = now
      if (queue.length > 0) schedule()
    }
    for (let i = 0; i < pending.length; i += maxBatch) runBatch(pending.slice(i, i + maxBatch))
  }

  return (key: K) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ key, resolve, reject })
      schedule()
    })
}
