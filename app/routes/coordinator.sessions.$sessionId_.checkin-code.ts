import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { loadCheckinScreen } from '#app/models/checkin-screen.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

/** JSON for the check-in screen's script: the current QR (SVG), code and counts. Never cached. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, PEOPLE_MANAGERS)
  const { state } = await pageLoad(() => loadCheckinScreen(getDb(), user, params.sessionId ?? ''))
  return Response.json(state, { headers: { 'Cache-Control': 'no-store' } })
}
