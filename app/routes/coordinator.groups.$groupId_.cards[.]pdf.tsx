import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { CARD_PRINTERS, printGroupCards, SignInCardError } from '#app/models/sign-in-cards.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { downloadResponse } from '#app/utils/downloads.ts'
import { rethrowAsPage } from '#app/utils/page-errors.server.ts'

const printPage = (groupId: string | undefined) => `/coordinator/groups/${encodeURIComponent(groupId ?? '')}/cards`

/** A GET prints nothing (printing revokes the old cards): it goes to the confirm page. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, CARD_PRINTERS)
  return redirect(printPage(params.groupId))
}

/**
 * POST /coordinator/groups/:groupId/cards.pdf — issues a card to everyone
 * with an account in the class or round (their old cards revoked, all in one
 * transaction) and answers the PDF. The secrets exist only in this answer:
 * the database keeps their hashes, so a lost PDF means printing again.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, CARD_PRINTERS)
  try {
    const printed = await printGroupCards(getDb(), user, params.groupId ?? '', { ip: context.ip })
    return downloadResponse({ bytes: printed.pdf, contentType: 'application/pdf', fileName: printed.fileName })
  } catch (error) {
    if (error instanceof SignInCardError) return redirect(`${printPage(params.groupId)}?error=${error.code}`)
    return rethrowAsPage(error)
  }
}
