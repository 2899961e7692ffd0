import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { CERTIFICATE_TYPES } from '#app/domain/certificates.ts'
import { enrollmentToCertify, issueCertificate } from '#app/models/certificates.server.ts'
import { refusal } from '#app/utils/page-errors.server.ts'
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
      issuable: r.issuable,
    })),
  }
}

const IssueSchema = z.object({ intent: z.literal('issue'), enrollmentId: z.string().min(1).max(64), type: z.enum(CERTIFICATE_TYPES) })

/** Issues one certificate from the board row in one step (issue 15): the enrollment page's rule and the same eligibility check (issueCertificate). */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
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
  const { group, counts, filter, rows } = useLoaderData<typeof loader>()
  const issued = useActionData<typeof action>()
  const busy = useNavigation().state !== 'idle'
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
                {r.issuable.map((type) => (
                  <Form method="post" key={type} aria-label={`${t('certificates.page.issue', { type: t(`certificates.type.${type}`) })} ${r.name}`}>
                    <input type="hidden" name="intent" value="issue" />
                    <input type="hidden" name="enrollmentId" value={r.enrollmentId} />
                    <input type="hidden" name="type" value={type} />
                    <button type="submit" className="secondary" disabled={busy}>
                      {t('certificates.page.issue', { type: t(`certificates.type.${type}`) })}
                    </button>
                  </Form>
                ))}
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
