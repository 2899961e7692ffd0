import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { minutesToHours } from '#app/domain/requirements.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate, formatDate, formatInstant } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import {
  AttendanceError,
  cancelSession,
  correctAttendance,
  findSessionInScope,
  getRoster,
  tickRoster,
  undoCheckoutInScope,
} from '#app/models/attendance.server.ts'
import { rethrowAsPage } from '#app/utils/page-errors.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'attendance.roster') }]

async function loadSession(request: Request, sessionId: string | undefined) {
  const user = await requireRole(request, ROLES)
  const session = await findSessionInScope(getDb(), scopesFor(user, ROLES), sessionId ?? '')
  if (!session) throw notFound()
  return { user, session }
}

/** A session's details and roster: status, credited 学时, a tick form (works without JS) and corrections. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session } = await loadSession(request, params.sessionId)
  const roster = await getRoster(getDb(), session)
  return {
    session: {
      id: session.id,
      startsAt: session.startsAt.toISOString(),
      endsAt: session.endsAt.toISOString(),
      venue: session.venue,
      plannedMinutes: session.plannedMinutes,
      description: session.description,
      cancelled: session.cancelledAt !== null,
    },
    group: { id: session.group.id, name: session.group.name, code: session.group.code, minutesPerHour: session.group.program.minutesPerHour },
    roster: roster.map((r) => ({ ...r, checkedInAt: r.checkedInAt?.toISOString() ?? null, checkedOutAt: r.checkedOutAt?.toISOString() ?? null })),
  }
}

const actionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('tick'), enrollmentIds: z.array(z.string().min(1).max(40)).max(2000) }),
  z.object({ intent: z.literal('correct'), attendanceId: z.string().min(1).max(40), minutes: z.string(), reason: z.string() }),
  z.object({ intent: z.literal('cancel') }),
  z.object({ intent: z.literal('undo'), attendanceId: z.string().min(1).max(40) }),
])

type ActionResult = { ok: true; message: string } | { ok: false; error: string; attendanceId?: string }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, session } = await loadSession(request, params.sessionId)
  const t = serverT(request, user.locale)
  const form = await request.formData()
  const parsed = actionSchema.safeParse({ ...Object.fromEntries(form), enrollmentIds: form.getAll('enrollmentId').map(String) })
  if (!parsed.success) return data<ActionResult>({ ok: false, error: t('attendance.tickNone') }, { status: 400 })
  const v = parsed.data
  const db = getDb()
  try {
    switch (v.intent) {
      case 'tick': {
        if (v.enrollmentIds.length === 0) return data<ActionResult>({ ok: false, error: t('attendance.tickNone') }, { status: 422 })
        const r = await tickRoster(db, { sessionId: session.id, enrollmentIds: v.enrollmentIds, actorId: user.id, ip: context.ip })
        return data<ActionResult>({ ok: true, message: t('attendance.ticked', { credited: r.credited, already: r.already }) })
      }
      case 'correct': {
        const minutes = Number(v.minutes.trim())
        if (!/^\d{1,4}$/.test(v.minutes.trim()) || minutes <= 0) {
          return data<ActionResult>({ ok: false, error: t('attendance.correct.minutesInvalid'), attendanceId: v.attendanceId }, { status: 422 })
        }
        if (!v.reason.trim())
          return data<ActionResult>({ ok: false, error: t('attendance.correct.reasonRequired'), attendanceId: v.attendanceId }, { status: 422 })
        // Control characters (U+0000 above all, which PostgreSQL refuses in text) are no reason.
        // eslint-disable-next-line no-control-regex
        if (/[\u0000-\u001f\u007f]/.test(v.reason))
          return data<ActionResult>({ ok: false, error: t('attendance.correct.reasonInvalid'), attendanceId: v.attendanceId }, { status: 422 })
        const { personName } = await correctAttendance(db, {
          sessionId: session.id,
          attendanceId: v.attendanceId,
          minutesToRemove: minutes,
          reason: v.reason.trim().slice(0, 200),
          actorId: user.id,
          ip: context.ip,
        })
        return data<ActionResult>({ ok: true, message: t('attendance.correct.done', { name: personName, minutes }) })
      }
      case 'cancel': {
        await cancelSession(db, { sessionId: session.id, actorId: user.id, ip: context.ip })
        return data<ActionResult>({ ok: true, message: t('attendance.cancelled.done') })
      }
      case 'undo': {
        const undone = await undoCheckoutInScope(db, user, { sessionId: session.id, attendanceId: v.attendanceId, ip: context.ip })
        const name = (await getRoster(db, session)).find((r) => r.attendanceId === undone.attendanceId)?.person.name ?? ''
        const hours = minutesToHours(undone.reversedMinutes, undone.minutesPerHour).toFixed(1)
        return data<ActionResult>({ ok: true, message: t('checkout.undo.doneStaff', { name, hours }) })
      }
    }
  } catch (error) {
    if (error instanceof AttendanceError) {
      if (error.code === 'not_found') throw notFound()
      if (v.intent === 'undo') {
        return data<ActionResult>({ ok: false, error: t(`attendance.error.${error.code}` as Parameters<typeof t>[0]) }, { status: 409 })
      }
      const attendanceId = v.intent === 'correct' ? v.attendanceId : undefined
      const message =
        error.code === 'correction_invalid'
          ? t('attendance.error.correction_invalid', { message: error.message })
          : error.code === 'has_attendance' || error.code === 'cancelled' || error.code === 'not_started'
            ? t(`attendance.error.${error.code}`)
            : error.message
      return data<ActionResult>({ ok: false, error: message, attendanceId }, { status: 409 })
    }
    return rethrowAsPage(error)
  }
}

export default function SessionPage() {
  const { session, group, roster } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const t = useT()
  const locale = useLocale()
  const hours = (m: number) => minutesToHours(m, group.minutesPerHour).toFixed(1)
  const time = (iso: string) => formatInstant(new Date(iso), locale).slice(-5)
  const credited = roster.filter((r) => r.attendanceId && r.originalMinutes > 0)
  const active = roster.filter((r) => r.enrollmentStatus === 'active')
  return (
    <>
      <p>
        <Link to={`/coordinator/groups/${group.id}`}>← {group.name}</Link>
      </p>
      <h1>{t('attendance.sessionTitle', { date: formatDate(beijingDate(new Date(session.startsAt)), locale) })}</h1>
      <div className="card">
        <dl className="facts">
          <dt>{t('attendance.col.when')}</dt>
          <dd>
            {formatInstant(new Date(session.startsAt), locale)}–{time(session.endsAt)}
          </dd>
          <dt>{t('attendance.col.venue')}</dt>
          <dd>{session.venue}</dd>
          <dt>{t('attendance.col.planned')}</dt>
          <dd>{t('common.hours', { hours: hours(session.plannedMinutes) })}</dd>
          {session.description ? (
            <>
              <dt>{t('attendance.form.description')}</dt>
              <dd>{session.description}</dd>
            </>
          ) : null}
          <dt>{t('attendance.col.state')}</dt>
          <dd>{session.cancelled ? <span className="tag">{t('attendance.cancelled')}</span> : '—'}</dd>
        </dl>
        {!session.cancelled ? (
          <p>
            <Link className="button" to={`/coordinator/sessions/${session.id}/checkin`}>
              {t('attendance.openScreen')}
            </Link>
          </p>
        ) : null}
      </div>

      {actionData ? (
        actionData.ok ? (
          <p className="notice" role="status">
            {actionData.message}
          </p>
        ) : !actionData.attendanceId ? (
          <p className="form-error" role="alert">
            {actionData.error}
          </p>
        ) : null
      ) : null}

      <h2>{t('attendance.roster')}</h2>
      {!session.cancelled ? <p className="hint">{t('attendance.rosterHint', { hours: hours(session.plannedMinutes) })}</p> : null}
      <Form method="post">
        <input type="hidden" name="intent" value="tick" />
        <Table headers={[t('attendance.col.select'), t('attendance.col.name'), t('attendance.col.status'), t('attendance.col.credited')]}>
          {roster.map((r) => {
            const label = `tick-${r.enrollmentId}`
            const done = r.status === 'checked_out'
            return (
              <tr key={r.enrollmentId} data-testid={`roster-${r.person.id}`}>
                <td>
                  {r.enrollmentStatus === 'active' && !done && !session.cancelled ? (
                    <input type="checkbox" name="enrollmentId" value={r.enrollmentId} id={label} aria-label={r.person.name} />
                  ) : null}
                </td>
                <td>
                  <label htmlFor={label} style={{ fontWeight: 'normal', margin: 0 }}>
                    {r.person.name}
                  </label>
                  {r.enrollmentStatus !== 'active' ? <span className="tag">{t('attendance.withdrawn')}</span> : null}
                </td>
                <td data-testid="status">
                  {r.status === 'absent'
                    ? t('attendance.status.absent')
                    : r.status === 'checked_in'
                      ? t('attendance.status.checked_in', { time: time(r.checkedInAt!) })
                      : t('attendance.status.checked_out')}
                  {r.method === 'roster' ? <span className="muted"> · {t('attendance.method.roster')}</span> : null}
                  {r.undoable ? (
                    <button
                      type="submit"
                      form={`undo-${r.attendanceId}`}
                      className="secondary"
                      aria-label={t('checkout.roster.undoLabel', { name: r.person.name })}
                      style={{ marginLeft: 8 }}
                    >
                      {t('checkout.roster.undo')}
                    </button>
                  ) : null}
                </td>
                <td data-testid="credited">
                  {t('common.hours', { hours: hours(r.creditedMinutes) })}
                  {r.corrections.map((c, i) => (
                    <div key={i} className="muted">
                      {c.minutes > 0
                        ? t('checkout.roster.recredit', { minutes: c.minutes })
                        : t('attendance.correction', { minutes: -c.minutes, reason: c.reason ?? '' })}
                    </div>
                  ))}
                </td>
              </tr>
            )
          })}
        </Table>
        {!session.cancelled && active.length > 0 ? (
          <p>
            <button type="submit">{t('attendance.tick')}</button>
          </p>
        ) : null}
      </Form>

      {/* The undo buttons in the roster belong to these forms (a form cannot sit inside the tick form). */}
      {roster
        .filter((r) => r.undoable)
        .map((r) => (
          <Form key={r.attendanceId} method="post" id={`undo-${r.attendanceId}`} hidden>
            <input type="hidden" name="intent" value="undo" />
            <input type="hidden" name="attendanceId" value={r.attendanceId!} />
          </Form>
        ))}

      {credited.length > 0 ? (
        <>
          <h2>{t('attendance.col.correct')}</h2>
          <Table headers={[t('attendance.col.name'), t('attendance.col.credited'), t('attendance.col.correct')]}>
            {credited.map((r) => (
              <tr key={r.attendanceId}>
                <td>{r.person.name}</td>
                <td>{t('common.hours', { hours: hours(r.creditedMinutes) })}</td>
                <td>
                  <Form method="post" className="row" aria-label={`${t('attendance.col.correct')} ${r.person.name}`}>
                    <input type="hidden" name="intent" value="correct" />
                    <input type="hidden" name="attendanceId" value={r.attendanceId!} />
                    <div className="field">
                      <label htmlFor={`m-${r.attendanceId}`}>{t('attendance.correct.minutes')}</label>
                      <input id={`m-${r.attendanceId}`} name="minutes" inputMode="numeric" pattern="[0-9]*" maxLength={4} style={{ maxWidth: 100 }} />
                    </div>
                    <div className="field">
                      <label htmlFor={`r-${r.attendanceId}`}>{t('attendance.correct.reason')}</label>
                      <input id={`r-${r.attendanceId}`} name="reason" maxLength={200} />
                    </div>
                    <div className="field">
                      <button type="submit" className="secondary">
                        {t('attendance.correct.submit')}
                      </button>
                    </div>
                    {actionData && !actionData.ok && actionData.attendanceId === r.attendanceId ? (
                      <p className="form-error" role="alert" style={{ flexBasis: '100%' }}>
                        {actionData.error}
                      </p>
                    ) : null}
                  </Form>
                </td>
              </tr>
            ))}
          </Table>
        </>
      ) : null}

      {!session.cancelled && roster.every((r) => !r.attendanceId) ? (
        <Form method="post">
          <input type="hidden" name="intent" value="cancel" />
          <button type="submit" className="danger">
            {t('attendance.cancel')}
          </button>
        </Form>
      ) : null}
    </>
  )
}
