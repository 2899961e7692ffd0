import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { CERTIFICATE_TYPES, type CertificateType } from '#app/domain/certificates.ts'
import { formatInstant } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { createBatch, eligibleByType } from '#app/models/certificate-batches.server.ts'
import { CertificateError } from '#app/models/certificates.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { findGroupInScope } from '#app/models/groups.server.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'certificateBatches.title') }]

async function loadGroup(request: Request, groupId: string | undefined) {
  const user = await requireRole(request, ROLES)
  const group = await findGroupInScope(getDb(), scopesFor(user, ROLES), groupId ?? '', { id: true, name: true })
  if (!group) throw notFound()
  return { user, group }
}

/** 批量颁发: per certificate type, how many learners of the group may get one now; the group's recent batches. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { group } = await loadGroup(request, params.groupId)
  const db = getDb()
  const [eligible, batches] = await Promise.all([
    eligibleByType(db, { groupId: group.id }),
    db.certificateBatch.findMany({ where: { groupId: group.id }, orderBy: { createdAt: 'desc' }, take: 10 }),
  ])
  return {
    group,
    counts: CERTIFICATE_TYPES.map((type) => ({ type, count: eligible[type].length })),
    batches: batches.map((b) => ({ id: b.id, type: b.type, status: b.status, issued: b.issued, total: b.total, createdAt: b.createdAt.toISOString() })),
  }
}

const ActionSchema = z.object({ intent: z.literal('create'), type: z.enum(CERTIFICATE_TYPES) })

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, group } = await loadGroup(request, params.groupId)
  const t = serverT(request, user.locale)
  const parsed = ActionSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return data({ message: t('error.generic.body') }, { status: 400 })
  try {
    const batch = await createBatch(getDb(), { groupId: group.id, type: parsed.data.type, actorId: user.id, ip: (context as { ip?: string }).ip ?? null })
    return redirect(`/coordinator/certificate-batches/${batch.id}`)
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error
    return data({ message: t('certificateBatches.noneEligible') }, { status: 409 })
  }
}

export default function GroupCertificateBatches() {
  const { group, counts, batches } = useLoaderData<typeof loader>()
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
          <Form method="post">
            <input type="hidden" name="intent" value="create" />
            <label>
              {t('certificateBatches.type')}
              <select name="type" defaultValue={available[0]!.type}>
                {available.map((c) => (
                  <option key={c.type} value={c.type}>
                    {t('certificateBatches.eligible', { type: typeName(c.type), count: String(c.count) })}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button block" disabled={busy}>
              {t('certificateBatches.start')}
            </button>
          </Form>
        )}
      </section>
      <h2>{t('certificateBatches.recent')}</h2>
      {batches.length === 0 ? <p>{t('certificateBatches.none')}</p> : null}
      <ul>
        {batches.map((b) => (
          <li key={b.id}>
            <Link to={`/coordinator/certificate-batches/${b.id}`}>
              {typeName(b.type)} · {t(`certificateBatches.status.${b.status}`)} · {t('certificateBatches.progress', { issued: String(b.issued), total: String(b.total) })}
            </Link>{' '}
            <span className="muted">{t('certificateBatches.createdAt', { when: formatInstant(new Date(b.createdAt), locale) })}</span>
          </li>
        ))}
      </ul>
    </div>
  )
}
