/**
 * What the coordinator's check-in screen shows now: the QR code (SVG, drawn
 * on the server) of the absolute check-in URL, the 6-digit code, the count
 * checked in and how long until the next rotation. Used by the screen's
 * loader and by the resource route its script polls.
 */
import QRCode from 'qrcode'
import { isWindowOpen } from '#app/domain/checkin-code.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import type { Db } from '#app/utils/db.server.ts'
import { getPublicOrigin } from '#app/utils/env.server.ts'
import { scopesFor, type CurrentUser } from './access.server.ts'
import { checkinScreen, findSessionInScope } from './attendance.server.ts'
import { NotFoundError } from './errors.server.ts'

async function checkinScreenState(db: Db, session: { id: string; checkinKey: Uint8Array; startsAt: Date; endsAt: Date }, opts: { now?: Date } = {}) {
  const now = opts.now ?? new Date()
  const screen = await checkinScreen(db, session, now)
  // The configured public origin, never the request's Host (DESIGN.md §11): the QR is what phones open.
  const origin = getPublicOrigin()
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

/**
 * For the screen and its poll: a session of a coordinator's (or the admin's)
 * scope that is not cancelled, and its state now; NotFoundError otherwise.
 */
export async function loadCheckinScreen(db: Db, user: CurrentUser, sessionId: string, opts: { now?: Date } = {}) {
  const session = await findSessionInScope(db, scopesFor(user, PEOPLE_MANAGERS), sessionId)
  if (!session || session.cancelledAt) throw new NotFoundError('session')
  return { session, state: await checkinScreenState(db, session, opts) }
}
