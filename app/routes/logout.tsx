import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { clearSessionCookie } from '#app/auth/cookie.server.ts'
import { getCurrentUser } from '#app/auth/permissions.server.ts'
import { signOut } from '#app/models/sign-in.server.ts'
import { getDb } from '#app/utils/db.server.ts'

export async function loader() {
  throw redirect('/')
}

/** intent=this (default) ends this session; intent=everywhere ends all of the user's sessions. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getCurrentUser(request)
  if (user) {
    const everywhere = (await request.formData()).get('intent') === 'everywhere'
    await signOut(getDb(), { userId: user.id, sessionId: user.sessionId, everywhere, ip: context.ip })
  }
  return redirect('/login?signedOut=1', { headers: { 'Set-Cookie': clearSessionCookie() } })
}
