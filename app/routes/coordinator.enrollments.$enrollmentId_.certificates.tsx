import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { requireRole } from '#app/auth/permissions.server.ts'
import { CERTIFICATE_TYPES, type CertificateType } from '#app/domain/certificates.ts'
import { STATUS_KEYS } from '#app/domain/outcomes.ts'
import { ENROLLMENT_ACTORS } from '#app/domain/roles.ts'
import { beijingDate, formatDate } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import {
  enrollmentToCertify,
  findCertificateInScope,
  issueCertificate,
  loadEnrollmentCertificates,
  revokeCertificate,
} from '#app/models/certificates.server.ts'
import { CertificatePreviewLinks } from '#app/components/certificate-preview-links.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { pageLoad, refusal } from '#app/utils/page-errors.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'certificates.page.title') }]

/** An enrollment's certificates: the types its outcome allows now (not yet issued) and those issued, with PDF, check page and revoke (the acting rule; the 404 page otherwise). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ENROLLMENT_ACTORS)
  const page = await pageLoad(() => loadEnrollmentCertificates(getDb(), user, params.enrollmentId, beijingDate(new Date())))
  const t = serverT(request, user.locale)
  return {
    enrollmentId: page.enrollment.id,
    name: page.enrollment.person.name,
    outcome: t(STATUS_KEYS[page.outcome]),
    allowed: page.allowed,
    certificates: page.certificates.map((c) => ({
      serial: c.serial,
      type: c.type,
      status: c.status,
      issuedOn: beijingDate(c.issuedAt),
      revokedOn: c.revokedAt ? beijingDate(c.revokedAt) : null,
      revokeReason: c.revokeReason,
      verifyUrl: c.verifyUrl,
    })),
  }
}

const ActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('issue'), type: z.enum(CERTIFICATE_TYPES) }),
  z.object({ intent: z.literal('revoke'), serial: z.string().min(1).max(40), reason: z.string().trim().max(500) }),
])

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ENROLLMENT_ACTORS)
  const db = getDb()
  // The acting rule (its class or round in scope), the one finder; the 404 page otherwise.
  const enrollment = await pageLoad(() => enrollmentToCertify(db, user, params.enrollmentId))
  const t = serverT(request, user.locale)
  const parsed = ActionSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return data({ ok: false as const, message: t('error.generic.body') }, { status: 400 })
  const ip = (context as { ip?: string }).ip ?? null
  try {
    if (parsed.data.intent === 'issue') {
      const { certificate, created } = await issueCertificate(db, { enrollmentId: enrollment.id, type: parsed.data.type, actorId: user.id, ip })
      return { ok: true as const, message: t(created ? 'certificates.page.issuedNow' : 'certificates.page.issuedBefore', { serial: certificate.serial }) }
    }
    const { serial } = await findCertificateInScope(db, user, parsed.data.serial, 'act', { enrollmentId: enrollment.id })
    if (!parsed.data.reason) return data({ ok: false as const, message: t('certificates.error.reasonRequired') }, { status: 400 })
    await revokeCertificate(db, { serial, reason: parsed.data.reason, actorId: user.id, ip })
    return { ok: true as const, message: t('certificates.page.revokedNow', { serial }) }
  } catch (error) {
    // The model's refusal, said once for every page (the 404 page when it is not found).
    return refusal(error, t)
  }
}

export default function EnrollmentCertificates() {
  const { enrollmentId, name, outcome, allowed, certificates } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state !== 'idle'
  const t = useT()
  const locale = useLocale()
  return (
    <div className="narrow">
      <p>
        <Link to={`/coordinator/enrollments/${enrollmentId}`}>{t('certificates.page.back')}</Link>
      </p>
      <h1>{t('certificates.page.titleOf', { name })}</h1>
      <p>{t('certificates.page.outcome', { status: outcome })}</p>
      {result ? (
        <p className={result.ok ? 'notice' : 'error'} role={result.ok ? 'status' : 'alert'}>
          {result.message}
        </p>
      ) : null}
      <section className="card">
        {allowed.length === 0 ? <p>{t('certificates.page.noneAllowed')}</p> : null}
        {allowed.map((type) => (
          <Form method="post" key={type}>
            <input type="hidden" name="intent" value="issue" />
            <input type="hidden" name="type" value={type} />
            <button type="submit" className="button block" disabled={busy}>
              {t('certificates.page.issue', { type: t(`certificates.type.${type as CertificateType}`) })}
            </button>
          </Form>
        ))}
        <CertificatePreviewLinks types={allowed.length > 0 ? allowed : [...new Set(certificates.map((c) => c.type))]} />
      </section>
      <h2>{t('certificates.page.issued')}</h2>
      {certificates.length === 0 ? <p>{t('certificates.page.none')}</p> : null}
      {certificates.map((c) => (
        <section className="card" key={c.serial} data-testid={`certificate-${c.serial}`}>
          <h3>{t(`certificates.type.${c.type as CertificateType}`)}</h3>
          <p>
            {t('certificates.page.serial')}：{c.serial} · {t('certificates.page.issuedOn')}：{formatDate(c.issuedOn, locale)}
          </p>
          <p>
            <strong>
              {c.status === 'revoked' && c.revokedOn
                ? t('certificates.status.revokedOn', { date: formatDate(c.revokedOn, locale) })
                : t(`certificates.status.${c.status}`)}
            </strong>
            {c.revokeReason ? ` · ${c.revokeReason}` : null}
          </p>
          <p>
            <a href={`/certificates/${c.serial}/pdf`}>{t('certificates.page.download')}</a> · <a href={c.verifyUrl}>{t('certificates.page.check')}</a>
          </p>
          {c.status !== 'revoked' ? (
            <Form method="post">
              <input type="hidden" name="intent" value="revoke" />
              <input type="hidden" name="serial" value={c.serial} />
              <label>
                {t('certificates.page.revokeReason')}
                <input name="reason" required maxLength={500} />
              </label>
              <button type="submit" className="button secondary" disabled={busy}>
                {t('certificates.page.revoke')}
              </button>
            </Form>
          ) : null}
        </section>
      ))}
    </div>
  )
}
