/**
 * Self-study logs made without a network (issue 13, PWA), kept on the phone
 * in localStorage — one list per signed-in person, so a shared phone never
 * sends one learner's log as another's — and posted to /me/self-study when
 * the network is back (the page does it on load and on `online`). Each entry
 * keeps the idempotency key its form had, so an entry sent twice (the answer
 * lost on a weak signal, two tabs at once) is still one log on the server.
 * Photos are not kept: a queued log goes without its photo, and says so.
 *
 * A log sent while the phone says it is online is kept here too, before it
 * goes (an outbox): a village signal often drops with `navigator.onLine`
 * still true, and then the request fails or never answers. The page forgets
 * the copy once the server has answered (saved, or the form's errors); if the
 * answer never comes, the copy is sent with the rest on the next visit.
 * Browser-only: call from effects and event handlers.
 */
export type QueuedLog = {
  idempotencyKey: string
  enrollmentId: string
  date: string
  hours: string
  minutes: string
  content: string
  queuedAt: number
}

export const SELF_STUDY_FIELDS = ['idempotencyKey', 'enrollmentId', 'date', 'hours', 'minutes', 'content'] as const

const storageKey = (owner: string) => `xx.selfStudyQueue.${owner}`

/** An entry of the shape this code writes (anything else in the slot is passed over). */
const isQueuedLog = (v: unknown): v is QueuedLog => SELF_STUDY_FIELDS.every((f) => typeof (v as Partial<QueuedLog> | null)?.[f] === 'string')

export function readQueue(owner: string): QueuedLog[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey(owner)) ?? '[]')
    return Array.isArray(parsed) ? parsed.filter(isQueuedLog) : []
  } catch {
    return []
  }
}

function writeQueue(owner: string, entries: QueuedLog[]) {
  if (entries.length === 0) localStorage.removeItem(storageKey(owner))
  else localStorage.setItem(storageKey(owner), JSON.stringify(entries))
}

/** Keeps one log on the phone (once per key). */
export function enqueue(owner: string, entry: QueuedLog) {
  const entries = readQueue(owner).filter((e) => e.idempotencyKey !== entry.idempotencyKey)
  writeQueue(owner, [...entries, entry])
}

/** Forgets one kept log (the server has it, or has said why not). */
export function forget(owner: string, idempotencyKey: string) {
  writeQueue(
    owner,
    readQueue(owner).filter((e) => e.idempotencyKey !== idempotencyKey),
  )
}

/** The log sent online and not yet answered (one page, one form: at most one), for the page's error boundary. */
let inFlight: { owner: string; idempotencyKey: string; withPhoto: boolean } | null = null

/** Keeps a copy of a log the form is sending (its photo cannot be kept: `withPhoto` says there was one). */
export function sendingOnline(owner: string, entry: QueuedLog, withPhoto: boolean) {
  enqueue(owner, entry)
  inFlight = { owner, idempotencyKey: entry.idempotencyKey, withPhoto }
}

/** The server answered the log sent online: its copy on the phone is not needed. */
export function answeredOnline() {
  if (inFlight) forget(inFlight.owner, inFlight.idempotencyKey)
  inFlight = null
}

/** The log sent online that got no answer and waits on the phone (the request failed), or null. */
export function keptAfterFailedSend(): { withPhoto: boolean } | null {
  if (!inFlight) return null
  const { owner, idempotencyKey, withPhoto } = inFlight
  return readQueue(owner).some((e) => e.idempotencyKey === idempotencyKey) ? { withPhoto } : null
}

/** A fresh idempotency key, in the server's shape (32 lowercase hex digits). */
export function newClientKey(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

let flushing: Promise<{ sent: number; refused: number }> | null = null

/**
 * Posts the queued logs, oldest first, as the form would. A log the server
 * took (or had already: same key) leaves the queue, and so does one it
 * refused (4xx: counted, for the page to say so); on a network failure, a
 * server error or a sign-in page the rest stay for next time.
 */
export function flushQueue(owner: string, action = '/me/self-study'): Promise<{ sent: number; refused: number }> {
  if (flushing) return flushing
  const run = async () => {
    let sent = 0
    let refused = 0
    for (const entry of readQueue(owner)) {
      const body = new FormData()
      for (const f of SELF_STUDY_FIELDS) body.append(f, entry[f])
      let response: Response
      try {
        response = await fetch(action, { method: 'POST', body, credentials: 'same-origin' })
      } catch {
        break
      }
      if (response.status >= 500) break
      if (response.ok && new URL(response.url, location.href).pathname !== action) break // signed out: sign-in page
      if (response.ok) sent++
      else refused++
      forget(owner, entry.idempotencyKey)
    }
    return { sent, refused }
  }
  flushing = run().finally(() => {
    flushing = null
  })
  return flushing
}
