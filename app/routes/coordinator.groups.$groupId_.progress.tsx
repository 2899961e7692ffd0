import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { formatHours } from '#app/domain/progress-display.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { parseRosterSort, ROSTER_SORTS } from '#app/domain/roster.ts'
import { beijingDate } from '#app/domain/time.ts'
import { groupProgressRoster } from '#app/models/progress-roster.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'progress.heading') }]

/** Every active enrollee's requirement status; sort and "behind pace" are GET params (works without JS). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const url = new URL(request.url)
  const sort = parseRosterSort(url.searchParams.get('sort'))
  const behindOnly = url.searchParams.get('behind') === '1'
  const roster = await groupProgressRoster(getDb(), {
    groupId: params.groupId ?? '',
    scopes: scopesFor(user, ROLES),
    asOf: beijingDate(new Date()),
    sort,
    behindOnly,
  })
  if (!roster) throw notFound()
  return { ...roster, sort, behindOnly }
}

export default function GroupProgress() {
  const { group, total, columns, rows, sort, behindOnly } = useLoaderData<typeof loader>()
  const t = useT()
  return (
    <>
      <p>
        <Link to="/coordinator">{t('roster.back')}</Link>
      </p>
      <h1>{t('roster.title', { group: group.name })}</h1>
      <p className="muted">
        <span className="mono">{group.code}</span> · {group.region.name} · {t('roster.count', { count: total })}
      </p>
      <Form method="get" className="row" aria-label={t('roster.sort')}>
        <div className="field">
          <label htmlFor="sort">{t('roster.sort')}</label>
          <select id="sort" name="sort" defaultValue={sort}>
            {ROSTER_SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`roster.sort.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label>
            <input type="checkbox" name="behind" value="1" defaultChecked={behindOnly} /> {t('roster.behindOnly')}
          </label>
        </div>
        <div className="field">
          <button type="submit">{t('roster.apply')}</button>
        </div>
      </Form>
      <p className="muted">{t('roster.shown', { count: rows.length })}</p>
      {rows.length === 0 ? (
        <p className="card">{t('roster.none')}</p>
      ) : (
        <Table
          headers={[
            t('roster.name'),
            ...columns.map((c) => (
              <>
                {c.label} <span className={c.blocking ? 'tag tag-must' : 'tag'}>{t(c.blocking ? 'progress.blocking' : 'progress.advisory')}</span>
              </>
            )),
            t('roster.pace'),
          ]}
        >
          {rows.map((r) => (
            <tr key={r.enrollmentId} data-testid="roster-row">
              <td>
                <Link to={`/coordinator/people/${r.personId}`}>{r.name}</Link>
              </td>
              {columns.map((c) => {
                const cell = r.cells.find((x) => x.code === c.code)
                if (!cell) return <td key={c.code}>—</td>
                return (
                  <td key={c.code}>
                    {cell.count ? `${cell.count.earned} / ${cell.count.required}` : `${formatHours(cell.earnedHours)} / ${formatHours(cell.requiredHours)}`}
                    <div className={cell.met ? 'req-met' : 'req-missing'}>
                      {cell.met
                        ? t('roster.met')
                        : cell.count
                          ? ''
                          : cell.missingHours > 0
                            ? t('roster.missing', { hours: formatHours(cell.missingHours) })
                            : t('progress.missingMinutes', { minutes: cell.missingMinutes })}
                    </div>
                  </td>
                )
              })}
              <td data-testid="pace">
                {r.behind ? <span className="req-missing">{t('roster.behind', { hours: formatHours(r.expectedHours) })}</span> : t('roster.onPace')}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  )
}
