import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import type { CertificateType } from '#app/domain/certificates.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { formatDate } from '#app/domain/time.ts'
import { listOwnCertificates } from '#app/models/certificate-holder.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'certificates.me.title') }]

/**
 * The learner's or teacher's own certificates with their status and the PDF
 * (works without JavaScript). With none yet, the page says what earns which
 * certificate; a learner also reads what early graduation needs before they
 * are eligible (the button itself is on 我的课程 once they are).
 */
export const loader = withMessages(['certificates', 'outcomes'], async ({ request }: LoaderFunctionArgs) => {
  const user = await requireRole(request, SELF_ROLES)
  return { certificates: await listOwnCertificates(getDb(), user), learner: user.grants.some((g) => g.role === 'learner') }
})

const LEARNER_TYPES = ['graduation', 'completion', 'study_record'] as const

export default function MyCertificates() {
  const { certificates, learner } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  const graduated = certificates.some((c) => c.type === 'graduation' && c.status !== 'revoked')
  return (
    <div className="narrow">
      <p>
        <Link className="button secondary" to="/me" style={{ fontSize: '1.1rem' }}>
          <span aria-hidden="true">←</span> {t('certificates.me.back')}
        </Link>
      </p>
      <h1>{t('certificates.me.title')}</h1>
      {certificates.length === 0 ? (
        <section className="card" aria-labelledby="none-title" data-testid="certificates-none">
          <h2 id="none-title" style={{ marginTop: 0 }}>
            {t('certificates.me.noneTitle')}
          </h2>
          <h3>{t('certificates.me.howTitle')}</h3>
          <ul style={{ fontSize: '1.05rem', lineHeight: 1.7, paddingLeft: '1.2em' }}>
            {(learner ? LEARNER_TYPES : (['training'] as const)).map((type) => (
              <li key={type}>{t(`certificates.me.how.${type}`, { type: t(`certificates.type.${type}`) })}</li>
            ))}
          </ul>
          <p>
            <Link className="button secondary block" to={learner ? '/me/courses' : '/me/records'}>
              {t('certificates.me.how.progress')}
            </Link>
          </p>
        </section>
      ) : null}
      {certificates.map((c) => (
        <section className="card" key={c.serial}>
          <h2>{t(`certificates.type.${c.type as CertificateType}`)}</h2>
          <p>{c.group}</p>
          <p>
            <strong>
              {c.status === 'revoked' && c.revokedOn
                ? t('certificates.status.revokedOn', { date: formatDate(c.revokedOn, locale) })
                : t(`certificates.status.${c.status}`)}
            </strong>
          </p>
          <p className="muted">
            {c.serial} · {formatDate(c.issuedOn, locale)}
          </p>
          {c.status !== 'revoked' ? (
            <a className="button block" href={`/certificates/${c.serial}/pdf`}>
              {t('certificates.page.download')}
            </a>
          ) : null}
          {c.status === 'valid' ? (
            <p>
              <a className="button secondary block" href={`/me/certificates/${c.id}/badge`} download>
                {t('certificates.me.badge')}
              </a>
              <span className="hint" style={{ fontSize: '1rem' }}>
                {t('certificates.me.badgeHint')}
              </span>
            </p>
          ) : null}
          <p>
            <a href={c.verifyUrl} style={{ display: 'inline-flex', alignItems: 'center', minHeight: 48 }}>
              {t('certificates.page.check')}
            </a>
          </p>
        </section>
      ))}
      {learner && !graduated ? (
        <section className="card" aria-labelledby="early-title" data-testid="early-graduation">
          <h2 id="early-title" style={{ marginTop: 0 }}>
            {t('certificates.me.earlyTitle')}
          </h2>
          <p style={{ fontSize: '1.05rem', lineHeight: 1.7 }}>{t('certificates.me.earlyText')}</p>
          <p>
            <Link className="button secondary block" to="/me/courses">
              {t('certificates.me.earlyLink')}
            </Link>
          </p>
        </section>
      ) : null}
    </div>
  )
}
