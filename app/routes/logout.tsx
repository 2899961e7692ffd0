import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { clearSessionCookie } from '#app/auth/cookie.server.ts'
import { getCurrentUser } from '#app/auth/permissions.server.ts'
import { signOut } from '#app/models/sign-in.server.ts'
import { getDb } from '#app/utils/db.server.ts'

export async function loader() {
  throw redirect('/')
}

/** The form's intent; a post without a readable form (no body, not a form) asks for the default. */
async function intentOf(request: Request): Promise<string | null> {
  try {
    const value = (await request.formData()).get('intent')
    return typeof value === 'string' ? value : null
  } catch {
    return null
  }
}

/**
 * intent=this (default) ends this session; intent=everywhere ends all of the
 * user's sessions. Asked to sign out, it always does: a post without a body
 * (or with one that is not a form) ends this session like the default.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getCurrentUser(request)
  if (user) {
    const everywhere = (await intentOf(request)) === 'everywhere'
    await signOut(getDb(), { userId: user.id, sessionId: user.sessionId, everywhere, ip: context.ip })
  }
  return redirect('/login?signedOut=1', { headers: { 'Set-Cookie': clearSessionCookie() } })
}
