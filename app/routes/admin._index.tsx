import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { ACCOUNT_ADMINS } from '#app/domain/roles.ts'
import { listUsers } from '#app/models/admin.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { useT } from '#app/utils/i18n.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireRole(request, ACCOUNT_ADMINS)
  const url = new URL(request.url)
  const page = await listUsers(getDb(), { q: url.searchParams.get('q'), after: url.searchParams.get('after') })
  return { ...page, selfId: admin.id }
}

export default function AdminHome() {
  const { users, q, total, offset, next, selfId } = useLoaderData<typeof loader>()
  const t = useT()
  const pageLink = (after: string | null) => {
    const params = new URLSearchParams()
    if (q) params.set('q', q)
    if (after) params.set('after', after)
    const s = params.toString()
    return s ? `/admin?${s}` : '/admin'
  }
  return (
    <>
      <h1>{t('admin.title')}</h1>
      <p className="row">
        <Link to="/admin/queues">{t('queues.title')}</Link>
        <Link to="/admin/deliveries">{t('deliveries.title')}</Link>
        <Link to="/admin/regions">{t('admin.regions.link')}</Link>
      </p>
      <div className="row">
        <h2 style={{ marginRight: 'auto' }}>{t('admin.users')}</h2>
        <Link to="/admin/tokens">{t('apiTokens.link')}</Link>
        <Link className="button" to="/admin/users/new">
          {t('admin.newUser')}
        </Link>
      </div>
      <Form method="get" className="row" role="search">
        <label htmlFor="user-q">{t('admin.search.label')}</label>
        <input id="user-q" name="q" type="search" defaultValue={q} maxLength={64} />
        <button type="submit">{t('admin.search.submit')}</button>
        {q ? <Link to="/admin">{t('admin.search.clear')}</Link> : null}
      </Form>
      {users.length === 0 ? (
        <p className="card">{t('admin.search.none')}</p>
      ) : (
        <>
          <p className="muted" data-testid="user-count">
            {t('admin.page.showing', { from: offset + 1, to: offset + users.length, total })}
          </p>
          <Table headers={[t('admin.username'), t('admin.displayName'), t('admin.role'), t('admin.scope'), t('admin.status')]}>
            {users.map((u) => (
              <tr key={u.id}>
                <td className="mono">
                  <Link to={`/admin/users/${u.id}`}>{u.username}</Link>
                  {u.id === selfId ? t('admin.self') : null}
                </td>
                <td>{u.displayName}</td>
                <td>{u.roles.map((r) => t(`role.${r.role}`)).join('、')}</td>
                <td>{u.roles.map((r) => r.scopeRegion?.name ?? r.scopeOrganization?.name ?? (r.role === 'admin' ? t('admin.scopeAll') : '—')).join('、')}</td>
                <td>{u.disabled ? t('admin.disabled') : t('admin.enabled')}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
      <p className="row">
        {offset > 0 ? <Link to={pageLink(null)}>{t('admin.page.first')}</Link> : null}
        {next ? (
          <Link to={pageLink(next)} rel="next">
            {t('admin.page.next')}
          </Link>
        ) : null}
      </p>
    </>
  )
}
