import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireCheckinScreen } from '#app/utils/checkin-screen.server.ts'

/** JSON for the check-in screen's script: the current QR (SVG), code and counts. Never cached. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { state } = await requireCheckinScreen(request, params.sessionId)
  return Response.json(state, { headers: { 'Cache-Control': 'no-store' } })
}
