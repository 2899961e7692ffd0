import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { ACCOUNT_ADMINS } from '#app/domain/roles.ts'
import { formatInstant } from '#app/domain/time.ts'
import { checkRedisHealth, queueSnapshot, type QueueSnapshot } from '#app/jobs/reminders.ts'
import { deliveryCounts } from '#app/models/notifications.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import type { MessageKey } from '#app/i18n/index.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'queues.title') }]

/**
 * The admin's queue dashboard: a page of counts rendered by the app itself
 * (bull-board's client bundle would need its own script and style sources in
 * the CSP), with Redis's maxmemory-policy check and the delivery rows by status.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ACCOUNT_ADMINS)
  const [health, deliveries] = await Promise.all([checkRedisHealth(), deliveryCounts(getDb())])
  let queues: QueueSnapshot[] = []
  let error: string | null = null
  try {
    queues = await queueSnapshot()
  } catch (e) {
    error = (e as Error).message
  }
  return { health, queues, error, deliveries }
}

const STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const
const COUNTS = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const

export default function Queues() {
  const { health, queues, error, deliveries } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  return (
    <>
      <h1>{t('queues.title')}</h1>
      <p className={health.ok ? 'notice' : 'form-error'} role={health.ok ? 'status' : 'alert'} data-testid="redis-health">
        <strong>{t(health.ok ? 'queues.redisOk' : 'queues.redisBad')}</strong>：{health.message}
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {t('queues.unavailable', { error })}
        </p>
      ) : (
        <Table cards headers={[t('queues.name'), ...COUNTS.map((c) => t(`queues.${c}`))]}>
          {queues.map((q) => (
            <tr key={q.name} data-testid={`queue-${q.name}`}>
              <td className="mono cell-title">{q.name}</td>
              {COUNTS.map((c) => (
                <td key={c} data-label={t(`queues.${c}`)}>
                  {q.counts[c] ?? 0}
                </td>
              ))}
            </tr>
          ))}
        </Table>
      )}
      <h2>{t('queues.schedules')}</h2>
      <Table cards headers={[t('queues.name'), t('queues.what'), t('queues.pattern'), t('queues.next')]}>
        {queues
          .flatMap((q) => q.schedulers)
          .map((s) => (
            <tr key={s.name}>
              <td className="mono cell-title">{s.name}</td>
              <td data-label={t('queues.what')}>{t(`queues.job.${s.name}` as MessageKey)}</td>
              <td data-label={t('queues.pattern')} className="mono">
                {s.pattern ?? s.every}
              </td>
              <td data-label={t('queues.next')}>{s.next ? formatInstant(new Date(s.next), locale) : '—'}</td>
            </tr>
          ))}
      </Table>
      <h2>{t('queues.deliveries')}</h2>
      <Table cards headers={STATUSES.map((s) => t(`queues.status.${s}`))}>
        <tr>
          {STATUSES.map((s) => (
            <td key={s} data-label={t(`queues.status.${s}`)}>
              {deliveries[s] ?? 0}
            </td>
          ))}
        </tr>
      </Table>
      <p>
        <Link to="/admin/deliveries">{t('queues.failedLink')}</Link>
      </p>
    </>
  )
}
