import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import type { CertificateType } from '#app/domain/certificates.ts'
import { formatDate } from '#app/domain/time.ts'
import { findByVerificationCode, publicView } from '#app/models/certificates.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { rateLimit, VERIFY_LIMIT } from '#app/utils/rate-limit.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'certificates.verify.title') }, { name: 'robots', content: 'noindex' }]

/**
 * GET /v/:code — the public verification page a certificate's QR code opens:
 * no sign-in; type, masked name, program, group, issue date, hours where the
 * certificate states them, and the status. Nothing more (no ID number).
 * Unknown code: 404; too many checks from one IP: 429.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const ip = (context as { ip?: string }).ip ?? 'unknown'
  const limit = await rateLimit(`verify:${ip}`, VERIFY_LIMIT)
  if (!limit.allowed) return data({ state: 'rate_limited' as const, view: null }, { status: 429, headers: { 'Retry-After': String(limit.retryAfterSeconds) } })
  const c = await findByVerificationCode(getDb(), params.code ?? '')
  if (!c) return data({ state: 'not_found' as const, view: null }, { status: 404 })
  return data({ state: 'ok' as const, view: publicView(c) }, { headers: { 'Cache-Control': 'no-store' } })
}

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
      <div className="card">
        <p className={`cert-status cert-status-${view.status}`} data-testid="cert-status" style={{ fontSize: '1.4em', fontWeight: 'bold' }}>
          {status}
        </p>
        <h2>{t(`certificates.type.${view.type as CertificateType}`)}</h2>
        <dl>
          <dt>{t('certificates.verify.holder')}</dt>
          <dd data-testid="cert-holder">{view.holderName}</dd>
          <dt>{t('certificates.verify.program')}</dt>
          <dd>{view.programName}</dd>
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
