import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { formatInstant } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { countPendingLogs, listPendingLogs, reviewSelfStudyLog, SelfStudyError } from '#app/models/self-study.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { showDate } from '#app/utils/format.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'selfStudyQueue.title') }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const scopes = scopesFor(user, ROLES)
  const [logs, total] = await Promise.all([listPendingLogs(getDb(), scopes), countPendingLogs(getDb(), scopes)])
  return {
    total,
    logs: logs.map((l) => ({
      id: l.id,
      date: l.studiedOn,
      minutes: l.minutes,
      content: l.content,
      hasPhoto: l.photoKey !== null,
      submittedAt: l.createdAt,
      person: l.enrollment.person,
      group: l.enrollment.group.name,
    })),
  }
}

const reviewSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('approve'), logId: z.string().min(1) }),
  z.object({ intent: z.literal('reject'), logId: z.string().min(1), reason: z.string().trim().max(200).optional() }),
])

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const parsed = reviewSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) throw notFound()
  const v = parsed.data
  try {
    const result = await reviewSelfStudyLog(getDb(), {
      logId: v.logId,
      scopes: scopesFor(user, ROLES),
      reviewerId: user.id,
      decision: v.intent,
      reason: v.intent === 'reject' ? v.reason : null,
      ip: context.ip as string | undefined,
    })
    const message = !result.changed
      ? t('selfStudyQueue.alreadyReviewed')
      : t(result.status === 'approved' ? 'selfStudyQueue.approved' : 'selfStudyQueue.rejected')
    return { ok: true as const, logId: v.logId, message, error: null }
  } catch (error) {
    if (error instanceof SelfStudyError && error.code === 'not_found') throw notFound()
    if (error instanceof SelfStudyError && error.code === 'reason_required') {
      return data({ ok: false as const, logId: v.logId, message: null, error: t('selfStudyQueue.reasonRequired') }, { status: 422 })
    }
    throw error
  }
}

export default function SelfStudyQueue() {
  const { logs, total } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const t = useT()
  const locale = useLocale()
  return (
    <>
      <p>
        <Link to="/coordinator">{t('roster.back')}</Link>
      </p>
      <h1>{t('selfStudyQueue.title')}</h1>
      {result?.message ? (
        <p className="card notice" role="status">
          {result.message}
        </p>
      ) : null}
      {logs.length === 0 ? (
        <p className="card">{t('selfStudyQueue.none')}</p>
      ) : (
        <>
          <p className="muted">{t('selfStudyQueue.count', { count: total })}</p>
          <Table
            cards
            label={t('selfStudyQueue.title')}
            headers={[
              t('selfStudyQueue.person'),
              t('selfStudyQueue.date'),
              t('selfStudyQueue.duration'),
              t('selfStudyQueue.content'),
              t('selfStudyQueue.photo'),
              t('selfStudyQueue.approve'),
              t('selfStudyQueue.reject'),
            ]}
          >
            {logs.map((l) => (
              <tr key={l.id} data-testid={`log-${l.id}`}>
                <td className="cell-title">
                  <Link to={`/coordinator/people/${l.person.id}`}>{l.person.name}</Link>
                  <div className="muted">{l.group}</div>
                  <div className="muted">
                    {t('selfStudyQueue.submittedAt')} {formatInstant(new Date(l.submittedAt), locale)}
                  </div>
                </td>
                <td className="cell-inline" data-label={t('selfStudyQueue.date')}>
                  {showDate(l.date, locale)}
                </td>
                <td className="cell-inline" data-label={t('selfStudyQueue.duration')}>
                  {t('selfStudy.minutesText', { minutes: l.minutes })}
                </td>
                <td data-label={t('selfStudyQueue.content')}>{l.content}</td>
                <td data-label={t('selfStudyQueue.photo')}>
                  {l.hasPhoto ? (
                    <a href={`/self-study/${l.id}/photo`} target="_blank" rel="noreferrer">
                      <img src={`/self-study/${l.id}/photo`} alt={t('selfStudy.viewPhoto')} width={96} loading="lazy" />
                    </a>
                  ) : (
                    t('selfStudyQueue.noPhoto')
                  )}
                </td>
                <td className="cell-actions">
                  <Form method="post">
                    <input type="hidden" name="logId" value={l.id} />
                    <button type="submit" name="intent" value="approve">
                      {t('selfStudyQueue.approve')}
                    </button>
                  </Form>
                </td>
                <td className="cell-actions">
                  <Form method="post" className="row">
                    <input type="hidden" name="logId" value={l.id} />
                    <div className="field">
                      <label htmlFor={`reason-${l.id}`}>{t('selfStudyQueue.reason')}</label>
                      <input id={`reason-${l.id}`} name="reason" type="text" maxLength={200} />
                      {result && !result.ok && result.logId === l.id ? (
                        <div className="field-error" role="alert">
                          {result.error}
                        </div>
                      ) : null}
                    </div>
                    <button type="submit" name="intent" value="reject" className="secondary">
                      {t('selfStudyQueue.reject')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </>
  )
}
