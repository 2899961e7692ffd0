import type { ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { requireRole } from '#app/auth/permissions.server.ts'
import { beijingDate } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { foldOnlineCredits, OnlineError, recordHeartbeat } from '#app/models/online.server.ts'
import { getDb } from '#app/utils/db.server.ts'

const beatSchema = z.strictObject({
  lessonId: z.string().min(1).max(40),
  tabToken: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  seq: z.number().int().min(1).max(1_000_000_000),
  /** The page's clock, milliseconds since the epoch. */
  sentAt: z.number().int().min(0).max(8.64e15),
})

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } })

/**
 * POST /learn/heartbeat — one beat of an open lesson page (JSON). Answers
 * { credited, lessonSecondsToday, status } after the credit is committed.
 * status: started | credited | other_tab | replay | future | gap_restart | lesson_cap | daily_cap | new_day.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return json({ error: 'method' }, 405)
  const user = await requireRole(request, ['learner', 'teacher'])
  const t = serverT(request, user.locale)
  let body: unknown
  try {
    body = await request.json()
  } catch {
    body = null
  }
  const parsed = beatSchema.safeParse(body)
  if (!parsed.success || !user.personId) return json({ error: t('online.error.invalid'), status: 'refused' }, 400)
  const db = getDb()
  const now = new Date()
  try {
    const r = await recordHeartbeat(db, { personId: user.personId, ...parsed.data, sentAt: new Date(parsed.data.sentAt), now })
    if (r.dayChanged) {
      // Once a day per person: earlier days are closed, fold them into the ledger now rather than wait for the worker.
      await foldOnlineCredits(db, { beforeDay: beijingDate(now), personId: user.personId }).catch((error) => console.error('fold failed', error))
    }
    return json({
      credited: r.credited,
      lessonSecondsToday: r.lessonSecondsToday,
      status: r.reason === 'other_tab_took_over' ? 'other_tab' : r.reason,
    })
  } catch (error) {
    if (error instanceof OnlineError) {
      const message = error.code === 'lesson_not_found' ? t('online.error.lesson') : t('online.error.enrollment')
      return json({ error: message, status: 'refused' }, error.code === 'lesson_not_found' ? 404 : 403)
    }
    throw error
  }
}
