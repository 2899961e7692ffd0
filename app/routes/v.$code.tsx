import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import type { CertificateType } from '#app/domain/certificates.ts'
import { formatDate } from '#app/domain/time.ts'
import { findByVerificationCode, publicPageView } from '#app/models/certificates.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { rateLimit, VERIFY_LIMIT } from '#app/utils/rate-limit.server.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'certificates.verify.title') }, { name: 'robots', content: 'noindex' }]

/**
 * GET /v/:code — the public verification page a certificate's QR code opens:
 * no sign-in; type, masked name, program, issuing school, major, group, issue
 * date, hours where the certificate states them, and the status in words,
 * colour and icon (pending: the "验印前本证书尚未生效" warning the PDF carries).
 * Nothing more (no ID number).
 * Unknown code: 404; too many checks from one IP: 429.
 */
export const loader = withMessages(['certView', 'certificates', 'outcomes'], async ({ params, context }: LoaderFunctionArgs) => {
  const ip = (context as { ip?: string }).ip ?? 'unknown'
  const limit = await rateLimit(`verify:${ip}`, VERIFY_LIMIT)
  if (!limit.allowed) return data({ state: 'rate_limited' as const, view: null }, { status: 429, headers: { 'Retry-After': String(limit.retryAfterSeconds) } })
  const c = await findByVerificationCode(getDb(), params.code ?? '')
  if (!c) return data({ state: 'not_found' as const, view: null }, { status: 404 })
  return data({ state: 'ok' as const, view: publicPageView(c) }, { headers: { 'Cache-Control': 'no-store' } })
})

export default function VerifyCertificate() {
  const { state, view } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  if (state !== 'ok' || !view) {
    const [title, body] =
      state === 'rate_limited'
        ? [t('certificates.verify.tooManyTitle'), t('certificates.verify.tooMany')]
        : [t('certificates.verify.notFoundTitle'), t('certificates.verify.notFound')]
    return (
      <div className="narrow card" role="alert">
        <h1>{title}</h1>
        <p>{body}</p>
      </div>
    )
  }
  const status =
    view.status === 'revoked' && view.revokedOn
      ? t('certificates.status.revokedOn', { date: formatDate(view.revokedOn, locale) })
      : t(`certificates.status.${view.status}`)
  return (
    <div className="narrow">
      <h1>{t('certificates.verify.title')}</h1>
      <div className={`card cert-view cert-view-${view.status}`}>
        <p className={`cert-status cert-status-${view.status}`}>
          <StatusIcon status={view.status} />
          <span data-testid="cert-status">{status}</span>
        </p>
        {view.status === 'pending_verification' ? (
          <p className="cert-warning" data-testid="cert-warning">
            {t('certView.pendingWarning')}
          </p>
        ) : view.status === 'revoked' ? (
          <p className="cert-warning">{t('certView.revokedWarning')}</p>
        ) : null}
        <h2>{t(`certificates.type.${view.type as CertificateType}`)}</h2>
        <dl>
          <dt>{t('certificates.verify.holder')}</dt>
          <dd data-testid="cert-holder">{view.holderName}</dd>
          <dt>{t('certView.school')}</dt>
          <dd data-testid="cert-school">{view.organizationName}</dd>
          <dt>{t('certificates.verify.program')}</dt>
          <dd>{view.programName}</dd>
          {view.majorName ? (
            <>
              <dt>{t('certView.major')}</dt>
              <dd data-testid="cert-major">{view.majorName}</dd>
            </>
          ) : null}
          <dt>{t('certificates.verify.group')}</dt>
          <dd>{view.groupName}</dd>
          <dt>{t('certificates.verify.issuedOn')}</dt>
          <dd>{formatDate(view.issuedOn, locale)}</dd>
          {view.hours !== undefined ? (
            <>
              <dt>{t('certificates.verify.hours')}</dt>
              <dd>{t('certificates.verify.hoursValue', { hours: view.hours.toFixed(1) })}</dd>
            </>
          ) : null}
          <dt>{t('certificates.verify.serial')}</dt>
          <dd>{view.serial}</dd>
        </dl>
      </div>
    </div>
  )
}

/** The status's icon beside its words (never the only sign): a tick, a clock, a cross. */
function StatusIcon({ status }: { status: string }) {
  const common = { width: 28, height: 28, viewBox: '0 0 24 24', 'aria-hidden': true, focusable: false, className: 'cert-status-icon' } as const
  if (status === 'valid')
    return (
      <svg {...common}>
        <circle cx="12" cy="12" r="11" fill="currentColor" />
        <path d="M6.5 12.5l3.5 3.5 7.5-8" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    )
  if (status === 'pending_verification')
    return (
      <svg {...common}>
        <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" strokeWidth="2.4" />
        <path d="M12 6.5V12l3.5 2.5" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />
      </svg>
    )
  return (
    <svg {...common}>
      <circle cx="12" cy="12" r="11" fill="currentColor" />
      <path d="M8 8l8 8M16 8l-8 8" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" />
    </svg>
  )
}
