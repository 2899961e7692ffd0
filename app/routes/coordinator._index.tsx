import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { listPeople, scopeLabel } from '#app/models/directory.server.ts'
import { listGroups } from '#app/models/groups.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { showDate } from '#app/utils/format.ts'
import { Table } from '#app/components/ui/table.tsx'
import { useLocale, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const scopes = scopesFor(user, ROLES)
  const url = new URL(request.url)
  const q = url.searchParams.get('q')?.trim().slice(0, 30) || undefined
  const page = Number(url.searchParams.get('page')) || 1
  const db = getDb()
  const [people, groups] = await Promise.all([listPeople(db, { scopes, q, page }), listGroups(db, { scopes })])
  return { q: q ?? '', people, groups, scope: scopeLabel(scopes, serverT(request, user.locale)) }
}

export default function CoordinatorHome() {
  const { q, people, groups, scope } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  const pageLink = (page: number) => `?${new URLSearchParams({ ...(q ? { q } : {}), page: String(page) })}`
  return (
    <>
      <h1>{t('coordinator.title')}</h1>
      <p className="muted">{t('coordinator.scope', { scope })}</p>
      <p>
        <Link className="button secondary" to="/coordinator/self-study">
          {t('selfStudyQueue.link')}
        </Link>{' '}
        <Link className="button secondary" to="/coordinator/exemptions">
          {t('exemptionQueue.link')}
        </Link>{' '}
        <Link className="button secondary" to="/coordinator/courses">
          {t('catalog.courses.link')}
        </Link>
      </p>

      <h2>{t('coordinator.groups')}</h2>
      <p>
        <Link className="button secondary" to="/coordinator/groups/new">
          {t('catalog.groups.new')}
        </Link>
      </p>
      <Table headers={[t('group.name'), t('group.program'), t('group.region'), t('group.start'), t('group.enrolled')]}>
        {groups.map((g) => (
          <tr key={g.id}>
            <td>
              <Link to={`/coordinator/groups/${g.id}`}>{g.name}</Link>
              <div className="muted mono">{g.code}</div>
              <Link to={`/coordinator/groups/${g.id}/progress`}>{t('roster.link')}</Link>
            </td>
            <td>
              {t(g.kind === 'class' ? 'group.kind.class' : 'group.kind.round')}
              {g.major ? ` · ${g.major.name}` : ''}
            </td>
            <td>{g.region.name}</td>
            <td>{showDate(g.startDate, locale)}</td>
            <td>{g._count.enrollments}</td>
          </tr>
        ))}
      </Table>

      <h2>{t('coordinator.people')}</h2>
      <div className="row">
        <Form method="get" className="row" role="search" style={{ flex: '1 1 320px' }}>
          <div className="field">
            <label htmlFor="q">{t('coordinator.search')}</label>
            <input id="q" name="q" type="search" defaultValue={q} maxLength={30} />
          </div>
          <div className="field">
            <button type="submit">{t('coordinator.searchSubmit')}</button>
          </div>
        </Form>
        <div className="field">
          <Link className="button secondary" to="/coordinator/people/new">
            {t('person.new')}
          </Link>{' '}
          <Link className="button secondary" to="/coordinator/imports">
            {t('rosterImport.link')}
          </Link>
        </div>
      </div>
      <p className="muted">{t('coordinator.peopleCount', { count: people.total })}</p>
      {people.people.length === 0 ? (
        <p className="card">{t('coordinator.noPeople')}</p>
      ) : (
        <Table headers={[t('person.name'), t('person.idNumber'), t('person.kind'), t('person.region')]}>
          {people.people.map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={`/coordinator/people/${p.id}`}>{p.name}</Link>
              </td>
              <td className="mono">{p.idMasked}</td>
              <td>{t(`person.kind.${p.kind}`)}</td>
              <td>{p.region.name}</td>
            </tr>
          ))}
        </Table>
      )}
      {people.pages > 1 ? (
        <p className="row">
          {people.page > 1 ? <Link to={pageLink(people.page - 1)}>{t('common.prev')}</Link> : null}
          <span className="muted">
            {people.page} / {people.pages}
          </span>
          {people.page < people.pages ? <Link to={pageLink(people.page + 1)}>{t('common.next')}</Link> : null}
        </p>
      ) : null}
    </>
  )
}
