import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { ACCOUNT_ADMINS } from '#app/domain/roles.ts'
import { listRegions, listUsers } from '#app/models/admin.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { useT } from '#app/utils/i18n.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ACCOUNT_ADMINS)
  const db = getDb()
  const [users, regions] = await Promise.all([listUsers(db), listRegions(db)])
  return { users, regions }
}

export default function AdminHome() {
  const { users, regions } = useLoaderData<typeof loader>()
  const t = useT()
  return (
    <>
      <h1>{t('admin.title')}</h1>
      <p className="row">
        <Link to="/admin/queues">{t('queues.title')}</Link>
        <Link to="/admin/deliveries">{t('deliveries.title')}</Link>
      </p>
      <div className="row">
        <h2 style={{ marginRight: 'auto' }}>{t('admin.users')}</h2>
        <Link to="/admin/tokens">{t('apiTokens.link')}</Link>
        <Link className="button" to="/admin/users/new">
          {t('admin.newUser')}
        </Link>
      </div>
      <Table headers={[t('admin.username'), t('admin.displayName'), t('admin.role'), t('admin.scope'), t('admin.status')]}>
        {users.map((u) => (
          <tr key={u.id}>
            <td className="mono">
              <Link to={`/admin/users/${u.id}`}>{u.username}</Link>
            </td>
            <td>{u.displayName}</td>
            <td>{u.roles.map((r) => t(`role.${r.role}`)).join('、')}</td>
            <td>{u.roles.map((r) => r.scopeRegion?.name ?? r.scopeOrganization?.name ?? (r.role === 'admin' ? t('admin.scopeAll') : '—')).join('、')}</td>
            <td>{u.disabled ? t('admin.disabled') : t('admin.enabled')}</td>
          </tr>
        ))}
      </Table>
      <h2>{t('admin.regions')}</h2>
      <Table headers={[t('group.name'), t('admin.code'), t('admin.level')]}>
        {regions.map((r) => (
          <tr key={r.id}>
            <td>
              {'\u3000'.repeat(Math.max(0, r.path.split('/').length - 3))}
              {r.name}
            </td>
            <td className="mono">{r.code}</td>
            <td>{t(`admin.level.${r.level}`)}</td>
          </tr>
        ))}
      </Table>
    </>
  )
}
