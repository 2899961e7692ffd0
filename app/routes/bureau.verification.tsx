import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import type { CertificateSnapshot } from '#app/domain/certificates.ts'
import { GRADUATION_VERIFIER_ROLES } from '#app/domain/roles.ts'
import { beijingDate, formatDate } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { requireGraduationVerifier, verificationQueue, verifyCertificates } from '#app/models/certificates.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'certificates.queue.title') }]

const PAGE = 500

/** 州教育局验印: pending graduation certificates of the counties in the caller's scope (403 for anyone who may not verify). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, GRADUATION_VERIFIER_ROLES)
  const rows = await pageLoad(() => verificationQueue(getDb(), user, PAGE))
  return {
    rows: rows.map((c) => {
      const s = c.snapshot as unknown as CertificateSnapshot
      return {
        serial: c.serial,
        holder: s.holderName,
        county: s.countyName,
        group: s.groupName,
        issuedOn: beijingDate(c.issuedAt),
        evidence: c.enrollment.exemptions.map((x) => ({ id: x.id, course: x.course?.name ?? '' })),
      }
    }),
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, GRADUATION_VERIFIER_ROLES)
  await pageLoad(async () => requireGraduationVerifier(user))
  const t = serverT(request, user.locale)
  const serials = (await request.formData())
    .getAll('serial')
    .map(String)
    .filter((s) => s.length > 0 && s.length <= 40)
    .slice(0, PAGE)
  if (serials.length === 0) return data({ message: t('certificates.queue.pickOne'), problems: [] as string[] }, { status: 400 })
  const results = await pageLoad(() => verifyCertificates(getDb(), { serials, actorId: user.id, ip: (context as { ip?: string }).ip ?? null }))
  const done = results.filter((r) => r.result === 'verified').length
  const problems = results
    .filter((r) => r.result !== 'verified')
    .map((r) =>
      t('certificates.queue.skipped', { serial: r.serial, why: t(`certificates.queue.why.${r.result as 'not_found' | 'not_pending' | 'already_valid'}`) }),
    )
  return { message: t('certificates.queue.done', { count: done }), problems }
}

export default function VerificationQueue() {
  const { rows } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state !== 'idle'
  const t = useT()
  const locale = useLocale()
  return (
    <div>
      <h1>{t('certificates.queue.title')}</h1>
      <p>{t('certificates.queue.intro')}</p>
      {result ? (
        <div role="status" className="notice">
          <p>{result.message}</p>
          {result.problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      ) : null}
      {rows.length === 0 ? (
        <p className="card">{t('certificates.queue.none')}</p>
      ) : (
        <Form method="post">
          <table>
            <thead>
              <tr>
                <th>
                  <input
                    type="checkbox"
                    aria-label={t('certificates.queue.selectAll')}
                    onChange={(e) => {
                      for (const box of e.currentTarget.form?.querySelectorAll<HTMLInputElement>('input[name="serial"]') ?? [])
                        box.checked = e.currentTarget.checked
                    }}
                  />
                </th>
                <th>{t('certificates.page.serial')}</th>
                <th>{t('certificates.queue.holder')}</th>
                <th>{t('certificates.queue.county')}</th>
                <th>{t('certificates.queue.group')}</th>
                <th>{t('certificates.page.issuedOn')}</th>
                <th>{t('certView.queue.check')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.serial}>
                  <td>
                    <input type="checkbox" name="serial" value={r.serial} id={`serial-${r.serial}`} aria-label={r.serial} />
                  </td>
                  <td className="mono">
                    <label htmlFor={`serial-${r.serial}`}>{r.serial}</label>
                  </td>
                  <td>{r.holder}</td>
                  <td>{r.county}</td>
                  <td>{r.group}</td>
                  <td>{formatDate(r.issuedOn, locale)}</td>
                  <td>
                    <ul className="plain-list">
                      <li>
                        <a
                          href={`/certificates/${encodeURIComponent(r.serial)}/pdf`}
                          target="_blank"
                          rel="noreferrer"
                          aria-label={`${t('certView.queue.pdf')} ${r.serial}`}
                        >
                          {t('certView.queue.pdf')}
                        </a>
                      </li>
                      {r.evidence.map((x) => (
                        <li key={x.id}>
                          <a href={`/exemptions/${x.id}/evidence`} target="_blank" rel="noreferrer">
                            {t('certView.queue.evidence', { course: x.course })}
                          </a>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="submit" className="button" disabled={busy}>
            {t('certificates.queue.submit')}
          </button>
        </Form>
      )}
    </div>
  )
}
