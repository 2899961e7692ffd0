/**
 * POST /learn/heartbeat — one beat of an open lesson page (JSON), served by a
 * small Express handler mounted in app/server/http.ts BEFORE Remix and
 * compression (DESIGN.md §7: ≥ 1,500 beats/s, p99 ≤ 50 ms; an empty Remix
 * route does ≈ 500 req/s here, so this path must not go through Remix).
 * See docs/decisions/008-heartbeat-fast-path.md.
 *
 * Request: { lessonId, tabToken, seq, sentAt } (≤ 1 KB, validated with zod),
 * the session cookie, and the CSRF gate's headers (checked before this runs).
 * Answer: { credited, lessonSecondsToday, status } after the credit is
 * committed; status: started | credited | other_tab | replay | future |
 * gap_restart | lesson_cap | daily_cap | new_day. Refusals are
 * { error, status: 'refused' } with 400 (bad body), 401 (no valid session or
 * disabled account), 403 (must change password, not a learner/teacher, not
 * enrolled), 404 (no such lesson), 413 (body too large), 415 (not JSON).
 *
 * Authentication is ONE pg statement (session + user + roles + person), then
 * the same rules as every other path: decideSession
 * (app/auth/session.server.ts: constant-time secret check, idle and absolute
 * expiry, the once-a-minute touch) and decideAccess (app/domain/roles.ts:
 * disabled, mustChangePassword, role learner/teacher).
 */
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express'
import { z } from 'zod'
import { readCookieHeader, sessionCookieName } from '#app/auth/cookie.server.ts'
import { decideSession, parseSessionToken } from '#app/auth/session.server.ts'
import { decideAccess, SELF_ROLES, type RoleName } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { translate, type MessageKey } from '#app/i18n/index.ts'
import { getLocaleFromCookies } from '#app/i18n/locale.server.ts'
import { foldOnlineCredits, OnlineError, recordHeartbeat } from '#app/models/online.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { createBatcher } from '#app/utils/pg-batch.server.ts'
import { getPool } from '#app/utils/pg.server.ts'

export const HEARTBEAT_PATH = '/learn/heartbeat'
const MAX_BODY_BYTES = 1024

const beatSchema = z.strictObject({
  lessonId: z.string().min(1).max(40),
  tabToken: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  seq: z.number().int().min(1).max(1_000_000_000),
  /** The page's clock, milliseconds since the epoch. */
  sentAt: z.number().int().min(0).max(8.64e15),
})

type AuthRow = {
  id: string
  secretHash: Buffer
  lastVerifiedAt: Date
  expiresAt: Date
  idleSeconds: number
  disabled: boolean | null
  mustChangePassword: boolean | null
  locale: string | null
  personId: string | null
  roles: RoleName[] | null
}

/**
 * Session, user, roles and person of session ids, in one statement (prepared
 * per connection). Lookups of concurrent beats are coalesced into one call
 * (app/utils/pg-batch.server.ts).
 */
const AUTH_SQL = `
  SELECT s."id", s."secretHash", s."lastVerifiedAt", s."expiresAt", s."idleSeconds",
         u."disabled", u."mustChangePassword", u."locale", p."id" AS "personId",
         ARRAY(SELECT r."role"::text FROM "RoleAssignment" r WHERE r."userId" = s."userId") AS "roles"
  FROM "Session" s
  LEFT JOIN "User" u ON u."id" = s."userId"
  LEFT JOIN "Person" p ON p."id" = u."personId"
  WHERE s."id" = ANY($1::text[])`

const lookUpSession = createBatcher<string, AuthRow | null>({
  run: async (ids) => {
    const { rows } = await getPool().query<AuthRow>({ name: 'xx_heartbeat_auth', text: AUTH_SQL, values: [ids] })
    const byId = new Map(rows.map((r) => [r.id, r]))
    return ids.map((id) => byId.get(id) ?? null)
  },
})

/** The sliding-expiry touches of concurrent beats, in one statement. */
const touchSession = createBatcher<{ id: string; at: Date }, null>({
  conflictKey: (k) => k.id,
  run: async (keys) => {
    await getPool().query({
      name: 'xx_heartbeat_touch',
      text: `UPDATE "Session" s SET "lastVerifiedAt" = k."at" FROM unnest($1::text[], $2::timestamptz[]) AS k("id", "at") WHERE s."id" = k."id"`,
      values: [keys.map((k) => k.id), keys.map((k) => k.at)],
    })
    return keys.map(() => null)
  },
})

type Beater = { personId: string | null; locale: string | null }
type AuthResult = { ok: true; beater: Beater; touch: Promise<unknown> | null } | { ok: false; status: number; key: MessageKey; locale: string | null }

async function authenticate(cookieHeader: string | undefined, now: Date): Promise<AuthResult> {
  const signedOut = { ok: false, status: 401, key: 'online.error.signedOut', locale: null } as const
  let token: string | null
  try {
    token = readCookieHeader(cookieHeader, sessionCookieName())
  } catch {
    return signedOut // a cookie that is not valid percent-encoding
  }
  const parsed = token ? parseSessionToken(token) : null
  if (!parsed) return signedOut
  const pool = getPool()
  const row = await lookUpSession(parsed.id)
  const verdict = decideSession(row && { ...row, secretHash: new Uint8Array(row.secretHash) }, parsed.secret, now)
  if (!verdict.valid) {
    if (verdict.drop) await pool.query('DELETE FROM "Session" WHERE "id" = $1', [parsed.id])
    return signedOut
  }
  // The same sliding expiry as validateSessionToken; sent alongside the beat's statements, awaited before answering.
  const touch = verdict.touch
    ? touchSession({ id: parsed.id, at: now }).catch((error) => console.error('session touch failed', error)) // a missed touch only shortens the idle clock
    : null
  const account = row!.disabled === null ? null : { disabled: row!.disabled, mustChangePassword: !!row!.mustChangePassword, roles: row!.roles ?? [] }
  const access = decideAccess(account, { roles: SELF_ROLES })
  if (access !== 'ok') {
    await touch
    const key: MessageKey =
      access === 'signed_out' ? 'online.error.signedOut' : access === 'must_change_password' ? 'online.error.password' : 'online.error.role'
    return { ok: false, status: access === 'signed_out' ? 401 : 403, key, locale: row!.locale }
  }
  return { ok: true, beater: { personId: row!.personId, locale: row!.locale }, touch }
}

function send(res: ExpressResponse, status: number, body: unknown) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  })
  res.end(text)
}

const refuse = (req: ExpressRequest, res: ExpressResponse, status: number, key: MessageKey, userLocale: string | null = null) =>
  send(res, status, { error: translate(getLocaleFromCookies(req.headers.cookie, userLocale), key), status: 'refused' })

/** The body as text, at most MAX_BODY_BYTES (null when larger). */
function readBody(req: ExpressRequest): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > MAX_BODY_BYTES) {
      req.resume()
      return resolve(null)
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export async function heartbeatHandler(req: ExpressRequest, res: ExpressResponse) {
  try {
    const type = req.headers['content-type'] ?? ''
    if (!type.startsWith('application/json')) {
      req.resume()
      return refuse(req, res, 415, 'online.error.invalid')
    }
    const text = await readBody(req)
    if (text === null) return refuse(req, res, 413, 'online.error.invalid')
    const now = new Date()
    const auth = await authenticate(req.headers.cookie, now)
    if (!auth.ok) return refuse(req, res, auth.status, auth.key, auth.locale)
    let body: unknown = null
    try {
      body = JSON.parse(text)
    } catch {
      body = null
    }
    const parsed = beatSchema.safeParse(body)
    if (!parsed.success || !auth.beater.personId) {
      await auth.touch
      return refuse(req, res, 400, 'online.error.invalid', auth.beater.locale)
    }
    const personId = auth.beater.personId
    const db = getDb()
    let result
    try {
      ;[result] = await Promise.all([recordHeartbeat(db, { personId, ...parsed.data, sentAt: new Date(parsed.data.sentAt), now }), auth.touch])
    } catch (error) {
      if (error instanceof OnlineError) {
        await auth.touch
        const notFound = error.code === 'lesson_not_found'
        return refuse(req, res, notFound ? 404 : 403, notFound ? 'online.error.lesson' : 'online.error.enrollment', auth.beater.locale)
      }
      throw error
    }
    if (result.dayChanged) {
      // Once a day per person: earlier days are closed, fold them into the ledger now rather than wait for the worker.
      await foldOnlineCredits(db, { beforeDay: beijingDate(now), personId }).catch((error) => console.error('fold failed', error))
    }
    send(res, 200, {
      credited: result.credited,
      lessonSecondsToday: result.lessonSecondsToday,
      status: result.reason === 'other_tab_took_over' ? 'other_tab' : result.reason,
    })
  } catch (error) {
    console.error('heartbeat failed', error)
    if (!res.headersSent) send(res, 500, { error: 'internal', status: 'refused' })
    else res.end()
  }
}
