/**
 * What the coordinator's check-in screen shows now: the QR code (SVG, drawn
 * on the server) of the absolute check-in URL, the 6-digit code, the count
 * checked in and how long until the next rotation. Used by the screen's
 * loader and by the resource route its script polls.
 */
import QRCode from 'qrcode'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { isWindowOpen } from '#app/domain/checkin-code.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { checkinScreen, findSessionInScope } from '#app/models/attendance.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'

export async function checkinScreenState(
  db: Db,
  request: Request,
  session: { id: string; checkinKey: Uint8Array; startsAt: Date; endsAt: Date },
  now = new Date(),
) {
  const screen = await checkinScreen(db, session, now)
  const origin = getEnv().XX_PUBLIC_URL?.replace(/\/+$/, '') ?? new URL(request.url).origin
  const url = `${origin}${screen.path}`
  const svg = await QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
  return {
    url,
    svg,
    code: screen.code,
    step: screen.step,
    msToNext: screen.msToNext,
    checkedIn: screen.checkedIn,
    checkedOut: screen.checkedOut,
    open: isWindowOpen(session, now),
  }
}

/** For the screen and its poll: a coordinator in scope, a session not cancelled (else 404), and its state now. */
export async function requireCheckinScreen(request: Request, sessionId: string | undefined) {
  const user = await requireRole(request, PEOPLE_MANAGERS)
  const db = getDb()
  const session = await findSessionInScope(db, scopesFor(user, PEOPLE_MANAGERS), sessionId ?? '')
  if (!session || session.cancelledAt) throw notFound()
  return { session, state: await checkinScreenState(db, request, session) }
}
