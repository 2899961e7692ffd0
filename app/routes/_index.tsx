import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { getCurrentUser, homePath } from '#app/auth/permissions.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request)
  throw redirect(user ? (user.mustChangePassword ? '/password' : homePath(user)) : '/login')
}
