/**
 * The person page's account and phone actions (app/routes/coordinator.people.$personId.tsx):
 * one form per action, told apart by `intent`. The models check the person is in the
 * caller's scope (404 otherwise) and audit each change.
 */
import { data, type ActionFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import type { AccountActionResult } from '#app/components/person-account.tsx'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { personAccount, resetPersonPassword, setPersonAccountDisabled, setPersonPhone } from '#app/models/accounts.server.ts'
import { cardStatusFor } from '#app/models/sign-in-cards.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { refusal } from '#app/utils/page-errors.server.ts'

export async function personAccountAction({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, PEOPLE_MANAGERS)
  const t = serverT(request, user.locale)
  const form = await request.formData()
  const intent = String(form.get('intent') ?? '')
  const personId = params.personId ?? ''
  const db = getDb()
  const ok = (notice: string, temporaryPassword?: string | null) => data<AccountActionResult>({ ok: true, intent, notice, temporaryPassword })
  try {
    switch (intent) {
      case 'phone': {
        const phone = form.get('phone')
        const { changed } = await setPersonPhone(db, user, { personId, phone: typeof phone === 'string' ? phone.slice(0, 40) : '', ip: context.ip })
        return ok(t(changed ? 'person.phoneSaved' : 'person.phoneUnchanged'))
      }
      case 'password-clear':
      case 'password-temporary': {
        const mode = intent === 'password-clear' ? 'clear' : 'temporary'
        const { temporaryPassword } = await resetPersonPassword(db, user, { personId, mode, ip: context.ip })
        return ok(t(mode === 'clear' ? 'account.cleared' : 'account.temporarySet'), temporaryPassword)
      }
      case 'disable':
      case 'enable': {
        const disabled = intent === 'disable'
        await setPersonAccountDisabled(db, user, { personId, disabled, ip: context.ip })
        return ok(t(disabled ? 'account.disabledNotice' : 'account.enabledNotice'))
      }
      default:
        return data<AccountActionResult>({ ok: false, message: t('error.generic.body'), field: null }, { status: 400 })
    }
  } catch (error) {
    return refusal(error, t)
  }
}

/** What the person page shows of the account: the model's view (null when there is none) and whether a sign-in card is in force (null: not known). */
export async function personAccountPanel(user: Parameters<typeof personAccount>[1], personId: string) {
  const db = getDb()
  const account = await personAccount(db, user, personId)
  const card = account?.manageable ? await cardStatusFor(db, account.userId) : null
  return { account, card: card && { active: card.active, issuedAt: card.issuedAt } }
}
