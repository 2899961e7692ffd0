import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { conformProps, Field } from '#app/components/ui/field.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { RoundProgrammeCard } from '#app/components/round-programme.tsx'
import { minutesToHours } from '#app/domain/requirements.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate, dateOnly, formatDate, formatInstant, isIsoDate } from '#app/domain/time.ts'
import type { T } from '#app/i18n/index.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { AttendanceError, createSession, findScheduleGroup, groupScheduleCheck, listSessionsOfGroup } from '#app/models/attendance.server.ts'
import { roundProgramme } from '#app/models/rounds.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'attendance.sessions') }]

const time = (t: T) => z.string({ error: t('attendance.form.timeInvalid') }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, t('attendance.form.timeInvalid'))

const scheduleSchema = (t: T) =>
  z.object({
    intent: z.literal('schedule'),
    date: z.string({ error: t('attendance.form.dateInvalid') }).refine(isIsoDate, t('attendance.form.dateInvalid')),
    startTime: time(t),
    endTime: time(t),
    venue: z
      .string({ error: t('attendance.error.venue_required') })
      .trim()
      .min(1, t('attendance.error.venue_required'))
      .max(100),
    plannedHours: z.coerce
      .number({ error: t('attendance.form.hoursInvalid') })
      .positive(t('attendance.error.planned_not_positive'))
      .max(24, t('attendance.form.hoursInvalid'))
      .refine((h) => Number.isInteger(Math.round(h * 10)) && Math.abs(h * 10 - Math.round(h * 10)) < 1e-9, t('attendance.form.hoursInvalid')),
    description: z.string().trim().max(500).optional(),
  })

async function loadGroup(request: Request, groupId: string | undefined) {
  const user = await requireRole(request, ROLES)
  const group = await findScheduleGroup(getDb(), scopesFor(user, ROLES), groupId ?? '')
  if (!group) throw notFound()
  return { user, group }
}

/** A class's or round's face-to-face sessions, a form to schedule one, and (classes) the schedule check. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { group } = await loadGroup(request, params.groupId)
  const db = getDb()
  const now = new Date()
  const [sessions, check, programme] = await Promise.all([
    listSessionsOfGroup(db, group.id),
    group.kind === 'class' ? groupScheduleCheck(db, group, now) : Promise.resolve(null),
    group.kind === 'round' ? roundProgramme(db, group.id) : Promise.resolve(null),
  ])
  return {
    group: { id: group.id, code: group.code, name: group.name, kind: group.kind, region: group.region.name, minutesPerHour: group.program.minutesPerHour },
    programme,
    sessions: sessions.map((s) => ({
      id: s.id,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      venue: s.venue,
      plannedMinutes: s.plannedMinutes,
      description: s.description,
      cancelled: s.cancelledAt !== null,
      past: s.endsAt.getTime() < now.getTime(),
      attended: s._count.attendances,
    })),
    check,
    checkPeriod: { from: dateOnly(group.startDate), to: beijingDate(now) },
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, group } = await loadGroup(request, params.groupId)
  const t = serverT(request, user.locale)
  const submission = parseWithZod(await request.formData(), { schema: scheduleSchema(t) })
  if (submission.status !== 'success') return data({ result: submission.reply(), created: null }, { status: 422 })
  const v = submission.value
  const startsAt = new Date(`${v.date}T${v.startTime}:00+08:00`)
  const endsAt = new Date(`${v.date}T${v.endTime}:00+08:00`)
  try {
    const session = await createSession(getDb(), {
      groupId: group.id,
      startsAt,
      endsAt,
      venue: v.venue,
      plannedMinutes: Math.round(v.plannedHours * group.program.minutesPerHour),
      description: v.description ?? '',
      actorId: user.id,
      ip: context.ip,
    })
    return { result: submission.reply({ resetForm: true }), created: session.startsAt.toISOString() }
  } catch (error) {
    if (error instanceof AttendanceError) {
      const field = error.code === 'venue_required' ? 'venue' : error.code === 'end_before_start' || error.code === 'too_long' ? 'endTime' : 'plannedHours'
      const message = t(`attendance.error.${error.code}` as Parameters<T>[0])
      return data({ result: submission.reply({ fieldErrors: { [field]: [message] } }), created: null }, { status: 422 })
    }
    throw error
  }
}

export default function GroupSessions() {
  const { group, sessions, check, programme, checkPeriod } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const t = useT()
  const locale = useLocale()
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: scheduleSchema(t) }),
    defaultValue: { startTime: '09:00', endTime: '17:30', plannedHours: '8' },
  })
  const hours = (m: number) => t('common.hours', { hours: minutesToHours(m, group.minutesPerHour).toFixed(1) })
  const when = (s: { startsAt: string; endsAt: string }) =>
    `${formatInstant(new Date(s.startsAt), locale)}–${formatInstant(new Date(s.endsAt), locale).slice(-5)}`
  const month = (m: string) => t('attendance.check.month', { year: m.slice(0, 4), month: Number(m.slice(5, 7)) })
  return (
    <>
      <p>
        <Link to="/coordinator">← {t('common.back')}</Link>
      </p>
      <h1>{group.name}</h1>
      <p className="muted">
        <span className="mono">{group.code}</span> · {t(group.kind === 'class' ? 'group.kind.class' : 'group.kind.round')} · {group.region} ·{' '}
        <Link to={`/coordinator/groups/${group.id}/progress`}>{t('roster.link')}</Link> ·{' '}
        <Link to={`/coordinator/groups/${group.id}/enroll`}>{t('enroll.link')}</Link> ·{' '}
        <Link to={`/coordinator/groups/${group.id}/board`}>{t(group.kind === 'class' ? 'outcomes.board.link' : 'coordinator.board.link.round')}</Link> ·{' '}
        <Link to={`/coordinator/groups/${group.id}/certificate-batches`}>{t('certificateBatches.link')}</Link> ·{' '}
        <Link to={`/coordinator/groups/${group.id}/cards`}>{t('cards.group.link')}</Link> ·{' '}
        <Link to={`/coordinator/groups/${group.id}/edit`}>{t('catalog.groups.edit')}</Link>
      </p>

      <h2>{t('attendance.sessions')}</h2>
      {sessions.length === 0 ? (
        <p className="card">{t('attendance.noSessions')}</p>
      ) : (
        <Table
          headers={[t('attendance.col.when'), t('attendance.col.venue'), t('attendance.col.planned'), t('attendance.col.attended'), t('attendance.col.state')]}
        >
          {sessions.map((s) => (
            <tr key={s.id}>
              <td>
                <Link to={`/coordinator/sessions/${s.id}`}>{when(s)}</Link>
                {s.description ? <div className="muted">{s.description}</div> : null}
              </td>
              <td>{s.venue}</td>
              <td>{hours(s.plannedMinutes)}</td>
              <td>{s.attended}</td>
              <td>
                <span className="tag">{s.cancelled ? t('attendance.cancelled') : s.past ? t('attendance.past') : t('attendance.upcoming')}</span>
              </td>
            </tr>
          ))}
        </Table>
      )}

      {programme ? <RoundProgrammeCard programme={programme} /> : null}

      {group.kind === 'class' ? (
        <section className="card" aria-labelledby="schedule-check">
          <h2 id="schedule-check" style={{ marginTop: 0 }}>
            {t('attendance.check.title')}{' '}
            {check ? (
              <span className="tag" data-testid="schedule-verdict">
                {check.met ? t('attendance.check.met') : t('attendance.check.notMet')}
              </span>
            ) : null}
          </h2>
          <p className="hint">{t('attendance.check.rule')}</p>
          {check ? (
            <>
              <p className="hint">{t('attendance.check.period', { from: formatDate(checkPeriod.from, locale), to: formatDate(checkPeriod.to, locale) })}</p>
              <ul>
                <li data-testid="missing-months">
                  {check.months.every((m) => !m.required)
                    ? t('attendance.check.noFullMonth')
                    : check.missingMonths.length === 0
                      ? t('attendance.check.monthlyMet')
                      : t('attendance.check.missingMonths', { months: check.missingMonths.map(month).join('、') })}
                </li>
                {check.years.map((y, i) => (
                  <li key={y.from}>
                    {t('attendance.check.year', { n: i + 1, from: formatDate(y.from, locale), to: formatDate(y.to, locale), count: y.countingBlocks })}
                    {y.complete ? '' : t('attendance.check.yearOpen')}
                    {y.countingBlocks < 2 ? t('attendance.check.yearNeeds', { count: 2 - y.countingBlocks }) : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>{t('attendance.check.notStarted')}</p>
          )}
        </section>
      ) : null}

      <h2>{t('attendance.schedule')}</h2>
      {actionData?.created ? (
        <p className="notice" role="status">
          {t('attendance.form.created', { when: formatInstant(new Date(actionData.created), locale) })}
        </p>
      ) : null}
      <Form method="post" className="card" {...getFormProps(form)} style={{ maxWidth: 560 }}>
        <input type="hidden" name="intent" value="schedule" />
        <Field
          label={t('attendance.form.date')}
          error={fields.date.errors}
          {...conformProps(getInputProps(fields.date, { type: 'date' }))}
          id={fields.date.id}
        />
        <div className="row">
          <Field
            label={t('attendance.form.startTime')}
            error={fields.startTime.errors}
            {...conformProps(getInputProps(fields.startTime, { type: 'time' }))}
            id={fields.startTime.id}
          />
          <Field
            label={t('attendance.form.endTime')}
            error={fields.endTime.errors}
            {...conformProps(getInputProps(fields.endTime, { type: 'time' }))}
            id={fields.endTime.id}
          />
        </div>
        <Field
          label={t('attendance.form.venue')}
          error={fields.venue.errors}
          maxLength={100}
          {...conformProps(getInputProps(fields.venue, { type: 'text' }))}
          id={fields.venue.id}
        />
        <Field
          label={t('attendance.form.plannedHours')}
          hint={t('attendance.form.plannedHoursHint', { minutes: group.minutesPerHour })}
          error={fields.plannedHours.errors}
          inputMode="decimal"
          {...conformProps(getInputProps(fields.plannedHours, { type: 'text' }))}
          id={fields.plannedHours.id}
        />
        <Field
          label={t('attendance.form.description')}
          error={fields.description.errors}
          maxLength={500}
          {...conformProps(getInputProps(fields.description, { type: 'text' }))}
          id={fields.description.id}
        />
        <button type="submit" className="block">
          {t('attendance.form.submit')}
        </button>
      </Form>
    </>
  )
}
