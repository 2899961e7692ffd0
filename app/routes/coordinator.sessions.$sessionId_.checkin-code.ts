import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFound, requireRole, scopesFor } from '#app/auth/permissions.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { findSessionInScope } from '#app/models/attendance.server.ts'
import { checkinScreenState } from '#app/utils/checkin-screen.server.ts'
import { getDb } from '#app/utils/db.server.ts'

const ROLES = PEOPLE_MANAGERS

/** JSON for the check-in screen's script: the current QR (SVG), code and counts. Never cached. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const db = getDb()
  const session = await findSessionInScope(db, scopesFor(user, ROLES), params.sessionId ?? '')
  if (!session || session.cancelledAt) throw notFound()
  const state = await checkinScreenState(db, request, session)
  return Response.json(state, { headers: { 'Cache-Control': 'no-store' } })
}
