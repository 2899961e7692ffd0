import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { ACCOUNT_ADMINS } from '#app/domain/roles.ts'
import { formatInstant } from '#app/domain/time.ts'
import { enqueueDeliveryNow } from '#app/jobs/reminders.ts'
import { listFailedDeliveries, markEnqueued, retryDelivery } from '#app/models/notifications.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'deliveries.title') }]

/** The admin's list of SMS and email that failed for good, each with a retry button. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ACCOUNT_ADMINS)
  const rows = await listFailedDeliveries(getDb())
  return {
    rows: rows.map((d) => ({
      id: d.id,
      channel: d.channel,
      attempts: d.attempts,
      error: d.lastError,
      at: d.createdAt.toISOString(),
      title: d.notification.title,
      to: `${d.notification.user.displayName} (${d.notification.user.username})`,
    })),
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ACCOUNT_ADMINS)
  const form = await request.formData()
  const db = getDb()
  const retried = await retryDelivery(db, String(form.get('id') ?? ''), user.id, { ip: context.ip as string | undefined })
  if (!retried) return redirect('/admin/deliveries?result=not')
  try {
    await enqueueDeliveryNow(retried)
    await markEnqueued(db, [retried.id])
    return redirect('/admin/deliveries?result=ok')
  } catch {
    // Redis is down: the row is pending and never enqueued, so the dispatcher sends it once Redis is back.
    return redirect('/admin/deliveries?result=later')
  }
}

export default function FailedDeliveries() {
  const { rows } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  const [params] = useSearchParams()
  const result = params.get('result')
  return (
    <>
      <h1>{t('deliveries.title')}</h1>
      {result ? (
        <p className="notice" role="status">
          {t(result === 'ok' ? 'deliveries.retried' : result === 'later' ? 'deliveries.retryQueuedLater' : 'deliveries.notRetried')}
        </p>
      ) : null}
      <p>
        <Link to="/admin/queues">{t('deliveries.queues')}</Link>
      </p>
      {rows.length === 0 ? (
        <p className="card">{t('deliveries.none')}</p>
      ) : (
        <Table
          headers={[
            t('deliveries.when'),
            t('deliveries.to'),
            t('deliveries.channel'),
            t('deliveries.what'),
            t('deliveries.attempts'),
            t('deliveries.error'),
            '',
          ]}
        >
          {rows.map((d) => (
            <tr key={d.id} data-testid="failed-delivery">
              <td>{formatInstant(new Date(d.at), locale)}</td>
              <td>{d.to}</td>
              <td>{t(`deliveries.channel.${d.channel}`)}</td>
              <td>{d.title}</td>
              <td>{d.attempts}</td>
              <td>{d.error}</td>
              <td>
                <Form method="post">
                  <input type="hidden" name="id" value={d.id} />
                  <button type="submit">{t('deliveries.retry')}</button>
                </Form>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  )
}
