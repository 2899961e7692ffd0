/**
 * The person page's account panel (issue 17): status, last sign-in, how the
 * person signs in (password / SMS code / sign-in card) and the coordinator's
 * actions — reset the password, disable or enable, print a card — plus the
 * phone-of-record form. Plain forms: everything works without JavaScript.
 */
import { Form, Link } from '@remix-run/react'
import { formatInstant } from '#app/domain/time.ts'
import { showDate } from '#app/utils/format.ts'
import { Field } from '#app/components/ui/field.tsx'
import { useLocale, useT } from '#app/utils/i18n.ts'

export type AccountView = {
  username: string
  disabled: boolean
  lastSignInAt: string | Date | null
  hasPassword: boolean
  mustChangePassword: boolean
  smsSignIn: boolean
  manageable: boolean
}

/** What an account action answered: a notice (and once, a temporary password) or a refusal. */
export type AccountActionResult =
  { ok: true; intent: string; notice: string; temporaryPassword?: string | null } | { ok: false; message: string; field: string | null; kind?: string }

export function AccountPanel({
  personId,
  account,
  card,
  result,
}: {
  personId: string
  account: AccountView | null
  /** Whether a sign-in card is in force; null when not known (nothing is said about cards). */
  card: { active: boolean; issuedAt?: string | Date | null } | null
  result?: AccountActionResult
}) {
  const t = useT()
  const locale = useLocale()
  const accountResult =
    result && (!('intent' in result) || result.intent !== 'phone') && !(result.ok === false && result.field === 'phone') ? result : undefined
  return (
    <section className="card" aria-labelledby="account-title" data-testid="account-panel">
      <h2 id="account-title" className="records-block-title">
        {t('account.title')}
      </h2>
      {accountResult ? (
        accountResult.ok ? (
          <p className="notice" role="status">
            {accountResult.notice}
            {accountResult.temporaryPassword ? (
              <>
                <br />
                <strong className="mono" data-testid="temporary-password">
                  {t('account.temporaryShown', { password: accountResult.temporaryPassword })}
                </strong>
              </>
            ) : null}
          </p>
        ) : (
          <p className="form-error" role="alert">
            {accountResult.message}
          </p>
        )
      ) : null}
      {account ? (
        <>
          <dl className="facts">
            <dt>{t('account.username')}</dt>
            <dd className="mono">{account.username}</dd>
            <dt>{t('account.status')}</dt>
            <dd data-testid="account-status">{t(account.disabled ? 'account.status.disabled' : 'account.status.enabled')}</dd>
            <dt>{t('account.lastSignIn')}</dt>
            <dd>{account.lastSignInAt ? formatInstant(new Date(account.lastSignInAt), locale) : t('account.neverSignedIn')}</dd>
            <dt>{t('account.way.password')}</dt>
            <dd data-testid="account-password">
              {t(account.hasPassword ? (account.mustChangePassword ? 'account.way.passwordTemporary' : 'account.way.passwordSet') : 'account.way.passwordNone')}
            </dd>
            {account.manageable ? (
              <>
                <dt>{t('account.way.sms')}</dt>
                <dd data-testid="account-sms">{t(account.smsSignIn ? 'account.way.smsOn' : 'account.way.smsOff')}</dd>
              </>
            ) : null}
            {account.manageable && card ? (
              <>
                <dt>{t('account.way.card')}</dt>
                <dd data-testid="account-card">
                  {card.active ? t('account.way.cardActive') : t('account.way.cardNone')}
                  {card.active && card.issuedAt ? `（${t('account.way.cardIssued', { date: showDate(card.issuedAt, locale) })}）` : ''}
                </dd>
              </>
            ) : null}
          </dl>
          {account.manageable ? (
            <div className="row" style={{ marginTop: 12 }}>
              <Form method="post">
                <input type="hidden" name="intent" value="password-clear" />
                <button type="submit" className="secondary" disabled={!account.hasPassword}>
                  {t('account.resetClear')}
                </button>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="password-temporary" />
                <button type="submit" className="secondary">
                  {t('account.resetTemporary')}
                </button>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value={account.disabled ? 'enable' : 'disable'} />
                <button type="submit" className={account.disabled ? 'secondary' : 'danger'}>
                  {t(account.disabled ? 'account.enable' : 'account.disable')}
                </button>
              </Form>
              <Link to={`/coordinator/people/${personId}/card`} className="button secondary">
                {t('account.printCard')}
              </Link>
            </div>
          ) : (
            <p className="hint">{t('account.staff')}</p>
          )}
          {account.manageable ? <p className="hint">{t('account.resetClearHint')}</p> : null}
        </>
      ) : (
        <p className="muted">{t('account.none')}</p>
      )}
    </section>
  )
}

/** The phone of record: set, change or (left empty) remove it. */
export function PhoneForm({ phone, result }: { phone: string | null; result?: AccountActionResult }) {
  const t = useT()
  const mine = result && (('intent' in result && result.intent === 'phone') || (result.ok === false && result.field === 'phone')) ? result : undefined
  return (
    <Form method="post" className="card" data-testid="phone-form">
      <input type="hidden" name="intent" value="phone" />
      {mine?.ok ? (
        <p className="notice" role="status">
          {mine.notice}
        </p>
      ) : null}
      <Field
        id="phone"
        name="phone"
        type="tel"
        inputMode="tel"
        autoComplete="off"
        maxLength={20}
        label={t('person.phoneEdit')}
        hint={t('person.phoneEditHint')}
        defaultValue={phone ?? ''}
        error={mine && !mine.ok ? mine.message : undefined}
      />
      <button type="submit" className="secondary">
        {t('person.phoneSave')}
      </button>
    </Form>
  )
}
