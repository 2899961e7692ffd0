import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { BOARD_FILTERS, parseBoardFilter } from '#app/domain/outcomes.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { groupOutcomeBoard } from '#app/models/outcome-board.server.ts'
import { outcomeView } from '#app/models/outcome-view.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { showDate } from '#app/utils/format.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'outcomes.board.link') }]

const FILTER_LABEL = { all: 'outcomes.board.all', eligible: 'outcomes.board.eligible', at_risk: 'outcomes.board.atRisk' } as const

/** Each enrollee's outcome and reasons; "可毕业" and "有结业风险" are GET filters (works without JS). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const filter = parseBoardFilter(new URL(request.url).searchParams.get('show'))
  const board = await groupOutcomeBoard(getDb(), { groupId: params.groupId ?? '', scopes: scopesFor(user, ROLES), asOf: beijingDate(new Date()), filter })
  if (!board) throw notFound()
  const t = serverT(request)
  const locale = getLocale(request)
  return {
    group: { id: board.group.id, code: board.group.code, name: board.group.name, kind: board.group.kind, region: board.group.region.name },
    total: board.total,
    counts: board.counts,
    filter,
    rows: board.rows.map((r) => ({
      enrollmentId: r.enrollmentId,
      personId: r.personId,
      name: r.name,
      atRisk: r.atRisk,
      periodEnd: r.periodEnd,
      outcome: outcomeView(r.progress, t, locale),
      credits: r.progress.credits,
    })),
  }
}

export default function OutcomeBoard() {
  const { group, counts, filter, rows } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  const isClass = group.kind === 'class'
  return (
    <>
      <p>
        <Link to={`/coordinator/groups/${group.id}`}>← {group.name}</Link>
      </p>
      <h1>{t('outcomes.board.title', { group: group.name })}</h1>
      <p className="muted">
        <span className="mono">{group.code}</span> · {group.region}
      </p>
      <p data-testid="board-counts">{t('outcomes.board.counts', counts)}</p>
      <Form method="get" className="row" aria-label={t('outcomes.board.filter')}>
        <div className="field">
          <label htmlFor="show">{t('outcomes.board.filter')}</label>
          <select id="show" name="show" defaultValue={filter}>
            {BOARD_FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(FILTER_LABEL[f])}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <button type="submit">{t('outcomes.board.apply')}</button>
        </div>
      </Form>
      <p className="muted">{t('outcomes.board.shown', { count: rows.length })}</p>
      {rows.length === 0 ? (
        <p className="card">{t('outcomes.board.none')}</p>
      ) : (
        <Table
          headers={[
            t('outcomes.board.name'),
            t('outcomes.board.outcome'),
            t('outcomes.board.reasons'),
            ...(isClass ? [t('outcomes.board.credits')] : []),
            t('outcomes.board.periodEnd'),
          ]}
        >
          {rows.map((r) => (
            <tr key={r.enrollmentId} data-testid="board-row" data-status={r.outcome.status}>
              <td>
                <Link to={`/coordinator/people/${r.personId}`}>{r.name}</Link>
              </td>
              <td>
                <strong className={r.outcome.status === 'eligible_for_graduation' || r.outcome.status === 'round_complete' ? 'req-met' : undefined}>
                  {r.outcome.label}
                </strong>
                {r.atRisk ? (
                  <div>
                    <span className="tag req-missing">{t('outcomes.board.riskTag')}</span>
                  </div>
                ) : null}
              </td>
              <td>
                {r.outcome.reasons.map((reason) => (
                  <div key={reason}>{reason}</div>
                ))}
              </td>
              {isClass ? <td>{`${r.credits.earned} / ${r.credits.required}`}</td> : null}
              <td>{r.periodEnd ? showDate(r.periodEnd, locale) : '—'}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  )
}
