import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { AUDIT_READERS } from '#app/domain/roles.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { formatInstant } from '#app/domain/time.ts'
import { listAuditEvents } from '#app/models/audit.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { useLocale, useT } from '#app/utils/i18n.ts'

/** Read-only audit log: admin sees everything, a bureau its own jurisdiction. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, AUDIT_READERS)
  return listAuditEvents(getDb(), user, { before: new URL(request.url).searchParams.get('before') })
}

export default function AuditLog() {
  const { events, next } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  return (
    <>
      <h1>{t('audit.title')}</h1>
      <p className="muted">{t('audit.readOnly')}</p>
      {events.length === 0 ? <p className="card">{t('audit.none')}</p> : null}
      <Table headers={[t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.entity'), t('audit.ip'), t('audit.details')]}>
        {events.map((e) => (
          <tr key={e.id}>
            <td>{formatInstant(new Date(e.at), locale)}</td>
            <td className="mono">{e.actor}</td>
            <td className="mono">{e.action}</td>
            <td className="mono">{e.entity}</td>
            <td className="mono">{e.ip ?? '—'}</td>
            <td className="mono" style={{ maxWidth: 360, wordBreak: 'break-all' }}>
              {e.change}
            </td>
          </tr>
        ))}
      </Table>
      {next ? (
        <p>
          <Link to={`?before=${next}`}>{t('common.next')}</Link>
        </p>
      ) : null}
    </>
  )
}
