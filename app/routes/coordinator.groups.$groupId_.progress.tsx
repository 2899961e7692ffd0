import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { Pager } from '#app/components/ui/pager.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { formatHours } from '#app/domain/progress-display.ts'
import { pageOf, parsePage } from '#app/domain/page-numbers.ts'
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
  const { rows, ...paging } = pageOf(roster.rows, parsePage(url.searchParams.get('page')))
  return { ...roster, rows, paging, sort, behindOnly }
}

export default function GroupProgress() {
  const { group, total, columns, rows, paging, sort, behindOnly } = useLoaderData<typeof loader>()
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
          <label className="check">
            <input type="checkbox" name="behind" value="1" defaultChecked={behindOnly} /> {t('roster.behindOnly')}
          </label>
        </div>
        <div className="field">
          <button type="submit">{t('roster.apply')}</button>
        </div>
      </Form>
      <p className="muted" data-testid="roster-shown">
        {paging.pages > 1
          ? t('coordinator.board.range', { from: paging.from, to: paging.from + rows.length - 1, total: paging.matching })
          : t('roster.shown', { count: rows.length })}
      </p>
      {rows.length === 0 ? (
        <p className="card">{t('roster.none')}</p>
      ) : (
        <Table
          cards
          label={t('roster.title', { group: group.name })}
          headers={[
            t('roster.name'),
            t('roster.pace'),
            ...columns.map((c) => (
              <>
                {c.label} <span className={c.blocking ? 'tag tag-must' : 'tag'}>{t(c.blocking ? 'progress.blocking' : 'progress.advisory')}</span>
              </>
            )),
          ]}
        >
          {rows.map((r) => (
            <tr key={r.enrollmentId} data-testid="roster-row">
              <td className="cell-title cell-short">
                <Link to={`/coordinator/people/${r.personId}`}>{r.name}</Link>
              </td>
              <td className="cell-inline" data-testid="pace">
                {r.behind ? (
                  <span className="status-tag warn">{t('roster.behind', { hours: formatHours(r.expectedHours) })}</span>
                ) : (
                  <span className="status-tag">{t('coordinator.roster.onPace')}</span>
                )}
              </td>
              {columns.map((c) => {
                const cell = r.cells.find((x) => x.code === c.code)
                if (!cell) return <td key={c.code} className="cell-empty" />
                const missing = cell.met
                  ? t('roster.met')
                  : cell.count
                    ? ''
                    : cell.missingHours > 0
                      ? t('coordinator.roster.missing', { hours: formatHours(cell.missingHours) })
                      : t('progress.missingMinutes', { minutes: cell.missingMinutes })
                return (
                  <td key={c.code} data-label={c.label} className="cell-req">
                    {cell.count ? `${cell.count.earned} / ${cell.count.required}` : `${formatHours(cell.earnedHours)} / ${formatHours(cell.requiredHours)}`}
                    {missing ? <span className={cell.met ? 'req-met' : 'req-missing'}> {missing}</span> : null}
                  </td>
                )
              })}
            </tr>
          ))}
        </Table>
      )}
      <Pager
        page={paging.page}
        pages={paging.pages}
        href={(page) => `?${new URLSearchParams({ sort, ...(behindOnly ? { behind: '1' } : {}), page: String(page) })}`}
      />
    </>
  )
}
