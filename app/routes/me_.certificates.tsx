import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import type { CertificateType } from '#app/domain/certificates.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { formatDate } from '#app/domain/time.ts'
import { listOwnCertificates } from '#app/models/certificate-holder.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'certificates.me.title') }]

/** The learner's or teacher's own certificates with their status and the PDF (works without JavaScript). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  return { certificates: await listOwnCertificates(getDb(), user) }
}

export default function MyCertificates() {
  const { certificates } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  return (
    <div className="narrow">
      <p>
        <Link to="/me">←</Link>
      </p>
      <h1>{t('certificates.me.title')}</h1>
      {certificates.length === 0 ? <p className="card">{t('certificates.me.none')}</p> : null}
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
              <a href={`/me/certificates/${c.id}/badge`} download>
                {t('certificates.me.badge')}
              </a>
              <br />
              <span className="muted">{t('certificates.me.badgeHint')}</span>
            </p>
          ) : null}
          <a href={c.verifyUrl}>{t('certificates.page.check')}</a>
        </section>
      ))}
    </div>
  )
}
