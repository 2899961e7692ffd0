import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { clearSessionCookie } from '#app/auth/cookie.server.ts'
import { getCurrentUser } from '#app/auth/permissions.server.ts'
import { invalidateSession, invalidateUserSessions } from '#app/auth/session.server.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import { userScopePath } from '#app/models/users.server.ts'
import { getDb } from '#app/utils/db.server.ts'

export async function loader() {
  throw redirect('/')
}

/** intent=this (default) ends this session; intent=everywhere ends all of the user's sessions. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getCurrentUser(request)
  if (user) {
    const everywhere = (await request.formData()).get('intent') === 'everywhere'
    const db = getDb()
    await db.$transaction(async (tx) => {
      if (everywhere) await invalidateUserSessions(tx, user.id)
      else await invalidateSession(tx, user.sessionId)
      await recordAudit(tx, {
        actorId: user.id,
        action: everywhere ? 'auth.sign_out_everywhere' : 'auth.sign_out',
        entityType: 'User',
        entityId: user.id,
        ip: context.ip,
        scopePath: await userScopePath(tx, user.id),
      })
    })
  }
  return redirect('/login?signedOut=1', { headers: { 'Set-Cookie': clearSessionCookie() } })
}
