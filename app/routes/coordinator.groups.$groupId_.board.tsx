import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { CERTIFICATE_TYPES } from '#app/domain/certificates.ts'
import { enrollmentToCertify, issueCertificate } from '#app/models/certificates.server.ts'
import { refusal } from '#app/utils/page-errors.server.ts'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { Pager } from '#app/components/ui/pager.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { BOARD_FILTERS, parseBoardFilter, type BoardFilter, type OutcomeStatus } from '#app/domain/outcomes.ts'
import { parsePage } from '#app/domain/page-numbers.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { groupOutcomeBoard } from '#app/models/outcome-board.server.ts'
import { outcomeView } from '#app/models/outcome-view.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { showDate } from '#app/utils/format.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches, data }) => [
  {
    title: pageTitle(
      matches,
      (data as { group?: { kind: string } } | undefined)?.group?.kind === 'round' ? 'coordinator.board.link.round' : 'outcomes.board.link',
    ),
  },
]

/** A class is 可毕业 / 有结业风险; a round (teacher training) is 合格 / 有未合格风险, never 毕业 / 结业. */
const FILTER_LABEL = {
  class: { all: 'outcomes.board.all', eligible: 'outcomes.board.eligible', at_risk: 'outcomes.board.atRisk' },
  round: { all: 'outcomes.board.all', eligible: 'coordinator.board.eligible.round', at_risk: 'coordinator.board.atRisk.round' },
} as const

const TONE: Record<OutcomeStatus, string> = {
  eligible_for_graduation: 'ok',
  graduated: 'ok',
  round_complete: 'ok',
  completion: 'warn',
  round_incomplete: 'warn',
  withdrawn: 'off',
  in_progress: '',
}

/** Each enrollee's outcome and reasons, 30 a page; the filters and pages are GET links (work without JS). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const search = new URL(request.url).searchParams
  const filter = parseBoardFilter(search.get('show'))
  const board = await groupOutcomeBoard(getDb(), {
    groupId: params.groupId ?? '',
    scopes: scopesFor(user, ROLES),
    asOf: beijingDate(new Date()),
    filter,
    page: parsePage(search.get('page')),
  })
  if (!board) throw notFound()
  const t = serverT(request)
  const locale = getLocale(request)
  const isRound = board.group.kind === 'round'
  return {
    group: { id: board.group.id, code: board.group.code, name: board.group.name, kind: board.group.kind, region: board.group.region.name },
    total: board.total,
    counts: board.counts,
    filter,
    paging: board.paging,
    rows: board.rows.map((r) => {
      const outcome = outcomeView(r.progress, t, locale)
      // A teacher in a round is 进行中 (not 在读) and 已退出 (not 已退学).
      if (isRound && (outcome.status === 'in_progress' || outcome.status === 'withdrawn')) outcome.label = t(`coordinator.board.status.round.${outcome.status}`)
      return {
        enrollmentId: r.enrollmentId,
        personId: r.personId,
        name: r.name,
        atRisk: r.atRisk,
        periodEnd: r.periodEnd,
        outcome,
        credits: r.progress.credits,
        issuable: r.issuable,
      }
    }),
  }
}

/** Issues one certificate from the board row in one step (issue 15): the enrollment page's rule and the same eligibility check (issueCertificate). */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  // Built here, not at module level, so the board's browser bundle carries no schema.
  const IssueSchema = z.object({ intent: z.literal('issue'), enrollmentId: z.string().min(1).max(64), type: z.enum(CERTIFICATE_TYPES) })
  const parsed = IssueSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return data({ ok: false as const, message: t('error.generic.body') }, { status: 400 })
  const db = getDb()
  try {
    const enrollment = await enrollmentToCertify(db, user, parsed.data.enrollmentId)
    const ip = (context as { ip?: string }).ip ?? null
    const { certificate, created } = await issueCertificate(db, { enrollmentId: enrollment.id, type: parsed.data.type, actorId: user.id, ip })
    const key = created ? 'certificates.page.issuedNow' : 'certificates.page.issuedBefore'
    return { ok: true as const, message: `${enrollment.person.name}：${t(key, { serial: certificate.serial })}`, enrollmentId: enrollment.id }
  } catch (error) {
    return refusal(error, t)
  }
}

export default function OutcomeBoard() {
  const { group, counts, filter, paging, rows } = useLoaderData<typeof loader>()
  const issued = useActionData<typeof action>()
  const busy = useNavigation().state !== 'idle'
  const t = useT()
  const locale = useLocale()
  const isClass = group.kind === 'class'
  const labels = isClass ? FILTER_LABEL.class : FILTER_LABEL.round
  const pageLink = (page: number) => `?${new URLSearchParams({ ...(filter === 'all' ? {} : { show: filter }), page: String(page) })}`
  return (
    <>
      <p>
        <Link to={`/coordinator/groups/${group.id}`}>← {group.name}</Link>
      </p>
      <h1>{t(isClass ? 'outcomes.board.title' : 'coordinator.board.title.round', { group: group.name })}</h1>
      <p className="muted">
        <span className="mono">{group.code}</span> · {group.region}
      </p>
      {issued ? (
        <p className={issued.ok ? 'notice' : 'form-error'} role={issued.ok ? 'status' : 'alert'}>
          {issued.message}
          {issued.ok && 'enrollmentId' in issued ? (
            <>
              {' '}
              <Link to={`/coordinator/enrollments/${issued.enrollmentId}/certificates`}>{t('coordHome.boardCertificates')}</Link>
            </>
          ) : null}
        </p>
      ) : null}
      <p data-testid="board-counts">{t(isClass ? 'outcomes.board.counts' : 'coordinator.board.counts.round', counts)}</p>
      <Form method="get" className="row" aria-label={t('outcomes.board.filter')}>
        <div className="field">
          <label htmlFor="show">{t('outcomes.board.filter')}</label>
          <select id="show" name="show" defaultValue={filter}>
            {BOARD_FILTERS.map((f: BoardFilter) => (
              <option key={f} value={f}>
                {t(labels[f])}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <button type="submit">{t('outcomes.board.apply')}</button>
        </div>
      </Form>
      <p className="muted" data-testid="board-shown">
        {paging.pages > 1
          ? t('coordinator.board.range', { from: paging.from, to: paging.from + rows.length - 1, total: paging.matching })
          : t('outcomes.board.shown', { count: rows.length })}
      </p>
      {rows.length === 0 ? (
        <p className="card">{t('outcomes.board.none')}</p>
      ) : (
        <>
          <Table
            cards
            label={t(isClass ? 'outcomes.board.title' : 'coordinator.board.title.round', { group: group.name })}
            headers={[
              t('outcomes.board.name'),
              t('outcomes.board.outcome'),
              t('outcomes.board.reasons'),
              // A round ends on one day for all (its reasons say so): no column of the same date.
              ...(isClass ? [t('outcomes.board.credits'), t('outcomes.board.periodEnd')] : []),
              '',
            ]}
          >
            {rows.map((r) => (
              <tr key={r.enrollmentId} data-testid="board-row" data-status={r.outcome.status}>
                <td className="cell-title cell-short">
                  <Link to={`/coordinator/people/${r.personId}`}>{r.name}</Link>
                </td>
                <td className="cell-inline" data-testid="board-status">
                  <span className={`status-tag ${TONE[r.outcome.status]}`}>{r.outcome.label}</span>
                  {r.atRisk ? (
                    <>
                      {' '}
                      <span className="status-tag warn">{t(isClass ? 'outcomes.board.riskTag' : 'coordinator.board.riskTag.round')}</span>
                    </>
                  ) : null}
                </td>
                <td className="cell-reasons" data-testid="board-reasons">
                  <ul className="reasons">
                    {r.outcome.reasons.map((reason) => (
                      <li key={reason}>{reason}</li>
                    ))}
                  </ul>
                </td>
                {isClass ? (
                  <td className="cell-inline" data-label={t('outcomes.board.credits')}>
                    {`${r.credits.earned} / ${r.credits.required}`}
                  </td>
                ) : null}
                {isClass ? (
                  <td className={r.periodEnd ? 'cell-inline' : 'cell-inline cell-empty'} data-label={t('outcomes.board.periodEnd')}>
                    {r.periodEnd ? showDate(r.periodEnd, locale) : '—'}
                  </td>
                ) : null}
                <td className="cell-actions cell-link">
                  {r.issuable.map((type) => (
                    <Form method="post" key={type} aria-label={`${t('certificates.page.issue', { type: t(`certificates.type.${type}`) })} ${r.name}`}>
                      <input type="hidden" name="intent" value="issue" />
                      <input type="hidden" name="enrollmentId" value={r.enrollmentId} />
                      <input type="hidden" name="type" value={type} />
                      <button type="submit" disabled={busy}>
                        {t('certificates.page.issue', { type: t(`certificates.type.${type}`) })}
                      </button>
                    </Form>
                  ))}
                  <Link
                    className="button secondary"
                    to={`/coordinator/enrollments/${r.enrollmentId}`}
                    aria-label={t(isClass ? 'coordinator.board.openFor' : 'coordinator.board.openFor.round', { name: r.name })}
                  >
                    {t(isClass ? 'coordinator.board.open' : 'coordinator.board.open.round')}
                  </Link>
                </td>
              </tr>
            ))}
          </Table>
          <Pager page={paging.page} pages={paging.pages} href={pageLink} />
        </>
      )}
    </>
  )
}
