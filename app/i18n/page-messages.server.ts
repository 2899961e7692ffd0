/**
 * A learner page's own messages, sent by its loader (app/i18n/audiences.ts):
 * the root loader gives learners only the core namespaces. Staff already have
 * the whole catalog from the root, so they get nothing more here.
 * tests/unit/i18n-audiences.test.ts reads the namespaces each learner route
 * names in `withMessages([...])` and checks they cover every key it can show.
 */
import { data as dataWithInit, type LoaderFunctionArgs } from '@remix-run/node'
import { getCurrentUser } from '#app/auth/permissions.server.ts'
import { namespaceMessages } from './audiences.ts'
import { audienceOf, catalogFor, getLocale } from './locale.server.ts'

/** The messages of these namespaces for the request's viewer and locale (none for staff: the root sent them all). */
export async function pageMessages(request: Request, namespaces: readonly string[]) {
  const user = await getCurrentUser(request)
  if (audienceOf(user?.grants) === 'staff') return undefined
  return namespaceMessages(catalogFor(getLocale(request, user?.locale)), namespaces)
}

type DataResult = ReturnType<typeof dataWithInit>
const isDataResult = (v: unknown): v is DataResult => typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'DataWithResponseInit'

/**
 * A loader whose answer also carries its page's messages (`messages`, read by
 * useT from every matched route). The answer must be an object, or `data()`
 * of one; a Response (a redirect) passes through untouched.
 */
export function withMessages<A extends LoaderFunctionArgs, R extends Record<string, unknown> | DataResult | Response>(
  namespaces: readonly string[],
  loader: (args: A) => Promise<R>,
): (args: A) => Promise<R> {
  return async (args) => {
    const [result, messages] = await Promise.all([loader(args), pageMessages(args.request, namespaces)])
    if (result instanceof Response || !messages) return result
    if (isDataResult(result)) {
      result.data = { ...(result.data as Record<string, unknown>), messages }
      return result
    }
    return { ...result, messages }
  }
}
