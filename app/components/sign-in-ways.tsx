/**
 * The three ways to sign in (issue 17), for a phone at 360×740 and a reader
 * who reads little: big tiles with a picture and two to five characters,
 * each a plain link (`?way=card|sms|password`), and forms that work without
 * JavaScript. The SMS way is two plain forms: the phone, then the code with
 * the phone carried in a hidden field.
 */
import { Form, Link } from '@remix-run/react'
import type { ReactNode } from 'react'
import { Field } from '#app/components/ui/field.tsx'
import { useT } from '#app/utils/i18n.ts'

export type SignInWay = 'card' | 'sms' | 'password'
export const SIGN_IN_WAYS: readonly SignInWay[] = ['card', 'sms', 'password']

export function parseWay(value: string | null | undefined): SignInWay {
  return value === 'card' || value === 'sms' || value === 'password' ? value : 'password'
}

/** `/login?way=…` keeping where to go afterwards. */
export function wayHref(way: SignInWay, redirectTo: string | null, base = '/login') {
  const params = new URLSearchParams({ way })
  if (redirectTo) params.set('redirectTo', redirectTo)
  return `${base}?${params}`
}

const svg = {
  width: 40,
  height: 40,
  viewBox: '0 0 40 40',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2.4,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
} as const

/** A card with a QR code. */
export function CardIcon() {
  return (
    <svg {...svg}>
      <rect x="3" y="7" width="34" height="26" rx="4" />
      <rect x="8" y="12" width="7" height="7" />
      <rect x="8" y="22" width="7" height="6" />
      <rect x="18" y="12" width="6" height="6" />
      <path d="M18 22h3v3h3v3h-6z" fill="currentColor" stroke="none" />
      <path d="M27 13h6M27 18h6M27 23h4" />
    </svg>
  )
}

/** A phone with a message bubble. */
export function SmsIcon() {
  return (
    <svg {...svg}>
      <rect x="9" y="3" width="18" height="34" rx="3" />
      <path d="M16 32h4" />
      <path d="M22 9h14v11h-8l-4 4v-4h-2z" fill="var(--card, #fff)" />
      <path d="M26 14.5h0.01M29 14.5h0.01M32 14.5h0.01" strokeWidth="3" />
    </svg>
  )
}

/** A key. */
export function KeyIcon() {
  return (
    <svg {...svg}>
      <circle cx="13" cy="20" r="7" />
      <circle cx="13" cy="20" r="2" fill="currentColor" stroke="none" />
      <path d="M20 20h16M31 20v6M36 20v5" />
    </svg>
  )
}

const ICONS: Record<SignInWay, () => ReactNode> = { card: CardIcon, sms: SmsIcon, password: KeyIcon }

/** The three tiles; the chosen one is marked (aria-current) and the others are links. */
export function WayTiles({ way, redirectTo }: { way: SignInWay; redirectTo: string | null }) {
  const t = useT()
  return (
    <nav className="ways" aria-label={t('signin.ways')}>
      {SIGN_IN_WAYS.map((w) => {
        const Icon = ICONS[w]
        return (
          <Link key={w} to={wayHref(w, redirectTo)} className="way" aria-current={w === way ? 'page' : undefined} replace>
            <Icon />
            <span>{t(`signin.way.${w}`)}</span>
          </Link>
        )
      })}
    </nav>
  )
}

/** 扫卡登录: nothing to type here; the card's QR code opens its own page. */
export function CardWay() {
  const t = useT()
  return (
    <div className="card signin-way" data-testid="way-card">
      <h2>{t('signin.way.card')}</h2>
      <div className="signin-picture">
        <CardIcon />
      </div>
      <ol className="signin-steps">
        <li>{t('signin.card.step1')}</li>
        <li>{t('signin.card.step2')}</li>
        <li>{t('signin.card.step3')}</li>
      </ol>
      <p className="signin-hint">{t('signin.card.noCard')}</p>
    </div>
  )
}

export type SmsStep = { step: 'phone'; phone?: string; error?: string } | { step: 'code'; phone: string; phoneMasked: string; error?: string }

/**
 * 短信验证码, or the first half of 忘记密码: step 1 asks for the phone, step 2
 * for the code (and, with `children`, more fields such as a new password).
 */
export function SmsCodeForms({
  state,
  action,
  redirectTo,
  requestIntent,
  verifyIntent,
  submitLabel,
  restartHref,
  children,
}: {
  state: SmsStep
  action: string
  redirectTo: string | null
  requestIntent: string
  verifyIntent: string
  submitLabel: string
  restartHref: string
  children?: ReactNode
}) {
  const t = useT()
  const hidden = redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null
  if (state.step === 'phone') {
    return (
      <Form method="post" action={action} className="card signin-way" data-testid="way-sms">
        {hidden}
        <input type="hidden" name="intent" value={requestIntent} />
        <Field
          id="phone"
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          label={t('signin.sms.phone')}
          hint={t('signin.sms.phoneHint')}
          defaultValue={state.phone ?? ''}
          error={state.error}
          maxLength={20}
          required
        />
        <button type="submit" className="block">
          {t('signin.sms.request')}
        </button>
      </Form>
    )
  }
  return (
    <div className="card signin-way" data-testid="way-sms">
      <p className="notice signin-sent">{t('signin.sms.sent')}</p>
      <p className="signin-hint">{t('signin.sms.sentTo', { phone: state.phoneMasked })}</p>
      <Form method="post" action={action}>
        {hidden}
        <input type="hidden" name="intent" value={verifyIntent} />
        <input type="hidden" name="phone" value={state.phone} />
        <Field
          id="code"
          name="code"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          label={t('signin.sms.code')}
          error={state.error}
          maxLength={8}
          required
          autoFocus
          className="code-input"
        />
        {children}
        <button type="submit" className="block">
          {submitLabel}
        </button>
      </Form>
      <div className="signin-again">
        <p className="signin-hint">
          <strong>{t('signin.sms.noSms')}</strong> {t('signin.sms.noSmsHint')}
        </p>
        <Form method="post" action={action}>
          {hidden}
          <input type="hidden" name="intent" value={requestIntent} />
          <input type="hidden" name="phone" value={state.phone} />
          <button type="submit" className="secondary block">
            {t('signin.sms.resend')}
          </button>
        </Form>
        <Link to={restartHref} className="button secondary block">
          {t('signin.sms.otherPhone')}
        </Link>
      </div>
    </div>
  )
}
