import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { CertificatePreviewLinks } from '#app/components/certificate-preview-links.tsx'
import { CERTIFICATE_TYPES, type CertificateType } from '#app/domain/certificates.ts'
import { formatInstant } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { BatchListChanged, batchPreview, createBatchInScope, groupBatchOverview } from '#app/models/certificate-batches.server.ts'
import { CertificateError } from '#app/models/certificates.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad, rethrowAsPage } from '#app/utils/page-errors.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'certificateBatches.title') }]

/**
 * 批量颁发: per certificate type, how many learners of the group may get one now; the group's
 * recent batches. `?type=` (the GET form, no JS needed) lists the names a batch of that type would
 * issue, with the button that confirms it (issue 15).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const type = z.enum(CERTIFICATE_TYPES).safeParse(new URL(request.url).searchParams.get('type'))
  const scopes = scopesFor(user, ROLES)
  return pageLoad(async () => {
    const overview = await groupBatchOverview(getDb(), scopes, params.groupId ?? '')
    const preview = type.success ? await batchPreview(getDb(), scopes, overview.group.id, type.data) : null
    return { ...overview, preview }
  })
}

const ActionSchema = z.object({ intent: z.literal('create'), type: z.enum(CERTIFICATE_TYPES), expected: z.coerce.number().int().min(0).optional() })

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const parsed = ActionSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return data({ message: t('error.generic.body') }, { status: 400 })
  try {
    const batch = await createBatchInScope(getDb(), scopesFor(user, ROLES), {
      groupId: params.groupId ?? '',
      type: parsed.data.type,
      expected: parsed.data.expected,
      actorId: user.id,
      ip: (context as { ip?: string }).ip ?? null,
    })
    return redirect(`/coordinator/certificate-batches/${batch.id}`)
  } catch (error) {
    if (error instanceof BatchListChanged) return data({ message: t('certificateBatches.listChanged') }, { status: 409 })
    if (!(error instanceof CertificateError)) return rethrowAsPage(error)
    return data({ message: t('certificateBatches.noneEligible') }, { status: 409 })
  }
}

export default function GroupCertificateBatches() {
  const { group, counts, batches, preview } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state !== 'idle'
  const t = useT()
  const locale = useLocale()
  const typeName = (type: string) => t(`certificates.type.${type as CertificateType}`)
  const available = counts.filter((c) => c.count > 0)
  return (
    <div className="narrow">
      <p>
        <Link to={`/coordinator/groups/${group.id}`}>{t('certificateBatches.back')}</Link>
      </p>
      <h1>
        {t('certificateBatches.title')} · {group.name}
      </h1>
      <p>{t('certificateBatches.intro')}</p>
      {result ? (
        <p className="error" role="alert">
          {result.message}
        </p>
      ) : null}
      <section className="card">
        <ul>
          {counts.map((c) => (
            <li key={c.type} data-testid={`eligible-${c.type}`}>
              {t('certificateBatches.eligible', { type: typeName(c.type), count: String(c.count) })}
            </li>
          ))}
        </ul>
        {available.length === 0 ? (
          <p>{t('certificateBatches.noneEligible')}</p>
        ) : (
          <Form method="get">
            <label>
              {t('certificateBatches.type')}
              <select name="type" defaultValue={preview?.type ?? available[0]!.type}>
                {available.map((c) => (
                  <option key={c.type} value={c.type}>
                    {t('certificateBatches.eligible', { type: typeName(c.type), count: String(c.count) })}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className={`button block${preview ? ' secondary' : ''}`}>
              {t('certificateBatches.start')}
            </button>
          </Form>
        )}
        <CertificatePreviewLinks types={counts.map((c) => c.type)} />
      </section>
      {preview ? (
        <section className="card" aria-labelledby="batch-preview-title" data-testid="batch-preview">
          <h2 id="batch-preview-title">{t('certificateBatches.previewTitle', { type: typeName(preview.type), count: String(preview.people.length) })}</h2>
          {preview.people.length === 0 ? (
            <p>{t('certificateBatches.noneEligible')}</p>
          ) : (
            <>
              <ol className="batch-names">
                {preview.people.map((p) => (
                  <li key={p.enrollmentId}>
                    {p.name} <span className="muted mono">{p.idMasked}</span> · {typeName(preview.type)}
                  </li>
                ))}
              </ol>
              <p>{t('certificateBatches.confirmHint')}</p>
              <Form method="post">
                <input type="hidden" name="intent" value="create" />
                <input type="hidden" name="type" value={preview.type} />
                <input type="hidden" name="expected" value={preview.people.length} />
                <div className="row">
                  <button type="submit" disabled={busy}>
                    {t('certificateBatches.confirm', { type: typeName(preview.type), count: String(preview.people.length) })}
                  </button>
                  <Link className="button secondary" to=".">
                    {t('certificateBatches.cancel')}
                  </Link>
                </div>
              </Form>
            </>
          )}
        </section>
      ) : null}
      <h2>{t('certificateBatches.recent')}</h2>
      {batches.length === 0 ? <p>{t('certificateBatches.none')}</p> : null}
      <ul>
        {batches.map((b) => (
          <li key={b.id}>
            <Link to={`/coordinator/certificate-batches/${b.id}`}>
              {typeName(b.type)} · {t(`certificateBatches.status.${b.status}`)} ·{' '}
              {t('certificateBatches.progress', { issued: String(b.issued), total: String(b.total) })}
            </Link>{' '}
            <span className="muted">{t('certificateBatches.createdAt', { when: formatInstant(new Date(b.createdAt), locale) })}</span>
          </li>
        ))}
      </ul>
    </div>
  )
}
