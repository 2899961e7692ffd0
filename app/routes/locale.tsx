import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { getCurrentUser } from '#app/auth/permissions.server.ts'
import { isLocale } from '#app/i18n/index.ts'
import { localeCookie } from '#app/i18n/locale.server.ts'
import { setUserLocale } from '#app/models/users.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { safeRedirect } from '#app/utils/http.ts'

export async function loader() {
  throw redirect('/')
}

/** The language switch: a cookie for this browser, and the account's choice when signed in. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData()
  const locale = form.get('locale')
  const to = safeRedirect(form.get('redirectTo'))
  if (!isLocale(locale)) return redirect(to)
  const user = await getCurrentUser(request)
  if (user) await setUserLocale(getDb(), user.id, locale)
  return redirect(to, { headers: { 'Set-Cookie': localeCookie(locale) } })
}
