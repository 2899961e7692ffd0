import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { CARD_PRINTERS, printPersonCard, SignInCardError } from '#app/models/sign-in-cards.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { downloadResponse } from '#app/utils/downloads.ts'
import { rethrowAsPage } from '#app/utils/page-errors.server.ts'

const cardPage = (personId: string | undefined) => `/coordinator/people/${encodeURIComponent(personId ?? '')}/card`

/** A GET prints nothing (printing revokes the card in force): it goes to the card page. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, CARD_PRINTERS)
  return redirect(cardPage(params.personId))
}

/**
 * POST /coordinator/people/:personId/card.pdf — prints the person's card (the
 * one in force revoked, a new one issued, in one transaction) and answers
 * the one-card PDF. A staff account or a person without an account: the
 * card page says why.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, CARD_PRINTERS)
  try {
    const printed = await printPersonCard(getDb(), user, params.personId ?? '', { ip: context.ip })
    return downloadResponse({ bytes: printed.pdf, contentType: 'application/pdf', fileName: printed.fileName })
  } catch (error) {
    // The page shows why no card may be printed for this account; a race with another print says so.
    if (error instanceof SignInCardError) return redirect(error.code === 'busy' ? `${cardPage(params.personId)}?error=busy` : cardPage(params.personId))
    return rethrowAsPage(error)
  }
}
