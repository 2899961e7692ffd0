import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useFetcher, useLoaderData } from '@remix-run/react'
import { useEffect } from 'react'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import type { CertificateType } from '#app/domain/certificates.ts'
import { findBatchInScope } from '#app/models/certificate-batches.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'certificateBatches.title') }]

/** One batch's progress (coordinator in scope; anyone else 404). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const batch = await findBatchInScope(getDb(), scopesFor(user, ROLES), params.batchId ?? '')
  if (!batch) throw notFound()
  return {
    id: batch.id,
    group: batch.group,
    type: batch.type,
    status: batch.status,
    issued: batch.issued,
    total: batch.total,
    error: batch.error,
  }
}

export default function CertificateBatchPage() {
  const initial = useLoaderData<typeof loader>()
  const fetcher = useFetcher<typeof loader>()
  const b = fetcher.data ?? initial
  const finished = b.status === 'done' || b.status === 'failed'
  const t = useT()
  useEffect(() => {
    if (finished) return
    const timer = setInterval(() => {
      if (fetcher.state === 'idle') fetcher.load(`/coordinator/certificate-batches/${b.id}`)
    }, 2000)
    return () => clearInterval(timer)
  }, [finished, b.id, fetcher])
  return (
    <div className="narrow">
      {/* Without JavaScript the page reloads itself every 2 s until the batch is finished. */}
      {finished ? null : (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      )}
      <p>
        <Link to={`/coordinator/groups/${b.group.id}/certificate-batches`}>{t('certificateBatches.back')}</Link>
      </p>
      <h1>{t('certificateBatches.batchTitle', { type: t(`certificates.type.${b.type as CertificateType}`) })}</h1>
      <p>{b.group.name}</p>
      <section className="card" aria-live="polite">
        <p>
          <strong data-testid="batch-status">{t(`certificateBatches.status.${b.status}`)}</strong>
        </p>
        <progress max={b.total} value={b.issued} style={{ width: '100%' }} />
        <p data-testid="batch-progress">{t('certificateBatches.progress', { issued: String(b.issued), total: String(b.total) })}</p>
        {b.error ? <p className={b.status === 'failed' ? 'error' : 'hint'}>{b.status === 'queued' ? t('certificateBatches.queueDown') : b.error}</p> : null}
        {b.status === 'done' && b.issued > 0 ? (
          <p>
            <a className="button block" href={`/coordinator/certificate-batches/${b.id}.zip`} download>
              {t('certificateBatches.zip')}
            </a>
          </p>
        ) : null}
      </section>
    </div>
  )
}
