import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator, useSearchParams } from '@remix-run/react'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { z } from 'zod'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { Field, SelectField } from '#app/components/ui/field.tsx'
import { MAX_LOG_MINUTES, MIN_LOG_MINUTES, type SelfStudyProblem } from '#app/domain/self-study.ts'
import { beijingDate, formatDate, isIsoDate } from '#app/domain/time.ts'
import type { T } from '#app/i18n/index.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { loadSelfStudyPage, SelfStudyError, submitSelfStudyLog } from '#app/models/self-study.server.ts'
import { UploadError } from '#app/models/uploads.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { readUploadForm, type UploadForm } from '#app/utils/uploads.server.ts'
import { showDate } from '#app/utils/format.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { enqueue, flushQueue, newClientKey, readQueue, type QueuedLog } from '#app/utils/offline-self-study.ts'

const ROLES = SELF_ROLES
const HOURS = Array.from({ length: 13 }, (_, i) => i)
const MINUTES = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'selfStudy.title') }]

const schema = (t: T) =>
  z
    .object({
      enrollmentId: z.string({ error: t('selfStudy.err.enrollment') }).min(1, t('selfStudy.err.enrollment')),
      date: z.string({ error: t('selfStudy.err.date') }).refine(isIsoDate, t('selfStudy.err.date')),
      hours: z.coerce
        .number({ error: t('selfStudy.err.minutes') })
        .int(t('selfStudy.err.minutes'))
        .min(0, t('selfStudy.err.minutes'))
        .max(12, t('selfStudy.err.minutes'))
        .default(0),
      minutes: z.coerce
        .number({ error: t('selfStudy.err.minutes') })
        .int(t('selfStudy.err.minutes'))
        .min(0, t('selfStudy.err.minutes'))
        .max(59, t('selfStudy.err.minutes'))
        .default(0),
      content: z
        .string({ error: t('selfStudy.err.content') })
        .trim()
        .min(1, t('selfStudy.err.content'))
        .max(200, t('selfStudy.err.contentLong')),
      idempotencyKey: z.string({ error: t('selfStudy.err.expired') }).regex(/^[a-z0-9]{16,64}$/, t('selfStudy.err.expired')),
    })
    .transform((v) => ({ ...v, total: v.hours * 60 + v.minutes }))
    .refine((v) => v.total >= MIN_LOG_MINUTES && v.total <= MAX_LOG_MINUTES, { message: t('selfStudy.err.minutes'), path: ['duration'] })

type Errors = Partial<Record<'enrollmentId' | 'date' | 'duration' | 'content' | 'photo' | 'form', string>>

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const { enrollments, logs } = await loadSelfStudyPage(getDb(), user.personId)
  return {
    enrollments: enrollments.map((e) => ({ id: e.id, name: e.group.name })),
    logs: logs.map((l) => ({
      id: l.id,
      date: l.studiedOn,
      minutes: l.minutes,
      content: l.content,
      status: l.status,
      rejectReason: l.rejectReason,
      hasPhoto: l.photoKey !== null,
      group: l.enrollment.group.name,
    })),
    today: beijingDate(new Date()),
    // A fresh key per page view: a double submit of this form creates one log.
    idempotencyKey: newId(),
    // Whose logs made offline this phone keeps and sends (app/utils/offline-self-study.ts).
    queueOwner: user.personId ?? user.id,
  }
}

function problemMessage(t: T, p: SelfStudyProblem, locale: 'zh-CN' | 'en'): { field: keyof Errors; message: string } {
  switch (p.code) {
    case 'future':
      return { field: 'date', message: t('selfStudy.err.future') }
    case 'before_period':
      return { field: 'date', message: t('selfStudy.err.beforePeriod', { start: formatDate(p.start, locale) }) }
    case 'after_period':
      return { field: 'date', message: t('selfStudy.err.afterPeriod', { end: formatDate(p.end, locale) }) }
    case 'day_full':
      return { field: 'duration', message: t('selfStudy.err.dayFull', { already: p.alreadyMinutes, left: p.leftMinutes }) }
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const locale = getLocale(request, user.locale)
  const fail = (errors: Errors, values: Record<string, string>, status = 422) => data({ errors, values }, { status })

  let upload: UploadForm
  try {
    upload = await readUploadForm(request, { file: 'photo' })
  } catch (error) {
    if (error instanceof UploadError) return fail({ photo: t('selfStudy.err.photoSize') }, {}, 413)
    throw error
  }
  const { values } = upload
  if (!user.personId) return fail({ enrollmentId: t('selfStudy.err.enrollment') }, values, 404)

  const parsed = schema(t).safeParse(values)
  if (!parsed.success) {
    const errors: Errors = {}
    for (const issue of parsed.error.issues) {
      const field = (
        issue.path[0] === 'hours' || issue.path[0] === 'minutes' ? 'duration' : issue.path[0] === 'idempotencyKey' ? 'form' : issue.path[0]
      ) as keyof Errors
      errors[field] ??= issue.message
    }
    return fail(errors, values)
  }
  const v = parsed.data

  try {
    await submitSelfStudyLog(getDb(), {
      personId: user.personId,
      enrollmentId: v.enrollmentId,
      date: v.date,
      minutes: v.total,
      content: v.content,
      photo: upload.file,
      idempotencyKey: v.idempotencyKey,
      today: beijingDate(new Date()),
    })
  } catch (error) {
    if (error instanceof UploadError) return fail({ photo: t(error.code === 'too_large' ? 'selfStudy.err.photoSize' : 'selfStudy.err.photoType') }, values)
    if (error instanceof SelfStudyError) {
      if (error.code === 'invalid' && error.problem) {
        const { field, message } = problemMessage(t, error.problem, locale)
        return fail({ [field]: message }, values)
      }
      if (error.code === 'not_found') return fail({ enrollmentId: t('selfStudy.err.enrollment') }, values, 404)
      return fail({ form: t('selfStudy.err.expired') }, values, 409)
    }
    throw error
  }
  return redirect('/me/self-study?saved=1')
}

export default function SelfStudy() {
  const { enrollments, logs, today, idempotencyKey, queueOwner } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const navigation = useNavigation()
  const t = useT()
  const locale = useLocale()
  const offline = useOfflineQueue(queueOwner)
  const errors: Errors = { ...(actionData?.errors ?? {}), ...offline.errors }
  const values: Record<string, string> = actionData?.values ?? {}
  // After a log kept offline the form starts again with a key of the phone's; a new page view brings the server's.
  const key = offline.fresh?.after === idempotencyKey ? offline.fresh.key : values.idempotencyKey || idempotencyKey
  return (
    <div className="narrow">
      <p>
        <Link to="/me">{t('selfStudy.back')}</Link>
      </p>
      <h1>{t('selfStudy.title')}</h1>
      {params.get('saved') && !actionData ? (
        <p className="card notice" role="status">
          {t('selfStudy.saved')}
        </p>
      ) : null}
      {enrollments.length === 0 ? (
        <p className="card">{t('selfStudy.noEnrollment')}</p>
      ) : (
        <Form
          method="post"
          encType="multipart/form-data"
          className="card"
          key={key}
          aria-label={t('selfStudy.formTitle')}
          noValidate
          onSubmit={(event) => offline.onSubmit(event, t, idempotencyKey)}
        >
          <h2>{t('selfStudy.formTitle')}</h2>
          {errors.form ? (
            <p className="form-error" role="alert">
              {errors.form}
            </p>
          ) : null}
          <input type="hidden" name="idempotencyKey" value={key} />
          {enrollments.length > 1 ? (
            <SelectField
              id="enrollmentId"
              name="enrollmentId"
              label={t('selfStudy.enrollment')}
              error={errors.enrollmentId}
              defaultValue={values.enrollmentId ?? enrollments[0]!.id}
            >
              {enrollments.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </SelectField>
          ) : (
            <>
              <input type="hidden" name="enrollmentId" value={enrollments[0]!.id} />
              {errors.enrollmentId ? <p className="form-error">{errors.enrollmentId}</p> : null}
            </>
          )}
          <Field id="date" name="date" type="date" label={t('selfStudy.date')} error={errors.date} defaultValue={values.date ?? today} max={today} required />
          <fieldset className="field" aria-describedby={errors.duration ? 'duration-error' : undefined}>
            <legend>{t('selfStudy.duration')}</legend>
            <div className="row">
              <SelectField id="hours" name="hours" label={t('selfStudy.hours')} defaultValue={values.hours ?? '1'}>
                {HOURS.map((h) => (
                  <option key={h} value={h}>
                    {t('selfStudy.hoursOption', { n: h })}
                  </option>
                ))}
              </SelectField>
              <SelectField id="minutes" name="minutes" label={t('selfStudy.minutes')} defaultValue={values.minutes ?? '0'}>
                {MINUTES.map((m) => (
                  <option key={m} value={m}>
                    {t('selfStudy.minutesOption', { n: m })}
                  </option>
                ))}
              </SelectField>
            </div>
            {errors.duration ? (
              <div className="field-error" id="duration-error" role="alert">
                {errors.duration}
              </div>
            ) : null}
          </fieldset>
          <Field
            id="content"
            name="content"
            type="text"
            label={t('selfStudy.content')}
            hint={t('selfStudy.contentHint')}
            error={errors.content}
            defaultValue={values.content ?? ''}
            maxLength={200}
            required
          />
          <Field
            id="photo"
            name="photo"
            type="file"
            accept="image/jpeg,image/png"
            label={t('selfStudy.photo')}
            hint={t('selfStudy.photoHint')}
            error={errors.photo}
          />
          <button type="submit" className="block" disabled={navigation.state === 'submitting'}>
            {t('selfStudy.submit')}
          </button>
        </Form>
      )}

      {offline.note ? (
        <p className="card notice" role="status" data-testid="offline-note">
          {offline.note === 'queued' || offline.note === 'queuedPhoto' ? t('pwa.queued') : null}
          {offline.note === 'queuedPhoto' ? ` ${t('pwa.queuedPhoto')}` : null}
          {offline.note === 'sent' ? t('pwa.sent', { count: offline.result.sent }) : null}
        </p>
      ) : null}
      {offline.result.refused > 0 ? (
        <p className="form-error" role="alert">
          {t('pwa.refused', { count: offline.result.refused })}
        </p>
      ) : null}

      <h2>{t('selfStudy.mine')}</h2>
      {offline.queued.length > 0 ? (
        <>
          <h3>{t('pwa.waiting', { count: offline.queued.length })}</h3>
          <ul className="list" data-testid="queued-logs">
            {offline.queued.map((q) => (
              <li key={q.idempotencyKey}>
                <div>
                  <strong>{showDate(q.date, locale)}</strong> · {t('selfStudy.minutesText', { minutes: Number(q.hours) * 60 + Number(q.minutes) })}{' '}
                  <span className="tag">{t('pwa.waitingTag')}</span>
                </div>
                <div>{q.content}</div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {logs.length === 0 && offline.queued.length === 0 ? <p className="muted">{t('selfStudy.noneYet')}</p> : null}
      <ul className="list" data-testid="my-logs">
        {logs.map((l) => (
          <li key={l.id}>
            <div>
              <strong>{showDate(l.date, locale)}</strong> · {t('selfStudy.minutesText', { minutes: l.minutes })}{' '}
              <span className={l.status === 'approved' ? 'tag tag-must' : 'tag'}>{t(`selfStudy.status.${l.status}`)}</span>
            </div>
            <div>{l.content}</div>
            {l.status === 'rejected' && l.rejectReason ? <div className="field-error">{t('selfStudy.rejectReason', { reason: l.rejectReason })}</div> : null}
            {l.hasPhoto ? (
              <a href={`/self-study/${l.id}/photo`} target="_blank" rel="noreferrer">
                {t('selfStudy.viewPhoto')}
              </a>
            ) : null}
            <div className="muted">{l.group}</div>
          </li>
        ))}
      </ul>
    </div>
  )
}

/**
 * Self-study without a network (issue 13, PWA): with JavaScript, a form sent
 * while the phone is offline is kept on it (app/utils/offline-self-study.ts)
 * instead, and the queue is sent on load and when the network comes back;
 * the list is then loaded again, so each log shows up once, pending review.
 */
function useOfflineQueue(owner: string) {
  const revalidator = useRevalidator()
  const revalidate = useRef(revalidator.revalidate)
  revalidate.current = revalidator.revalidate
  const [queued, setQueued] = useState<QueuedLog[]>([])
  const [note, setNote] = useState<'queued' | 'queuedPhoto' | 'sent' | null>(null)
  const [result, setResult] = useState({ sent: 0, refused: 0 })
  const [errors, setErrors] = useState<Errors>({})
  const [fresh, setFresh] = useState<{ after: string; key: string } | null>(null)

  useEffect(() => {
    setQueued(readQueue(owner))
    const flush = () => {
      if (!navigator.onLine || readQueue(owner).length === 0) return
      void flushQueue(owner).then((r) => {
        setQueued(readQueue(owner))
        if (r.sent === 0 && r.refused === 0) return
        setResult(r)
        setNote(r.sent > 0 ? 'sent' : null)
        if (r.sent > 0) void revalidate.current()
      })
    }
    flush()
    window.addEventListener('online', flush)
    return () => window.removeEventListener('online', flush)
  }, [owner])

  const onSubmit = (event: FormEvent<HTMLFormElement>, t: T, serverKey: string) => {
    setErrors({})
    if (navigator.onLine) return
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const field = (name: string) => {
      const v = form.get(name)
      return typeof v === 'string' ? v : ''
    }
    const content = field('content').trim()
    const total = Number(field('hours')) * 60 + Number(field('minutes'))
    const problems: Errors = {}
    if (!isIsoDate(field('date'))) problems.date = t('selfStudy.err.date')
    if (!(total >= MIN_LOG_MINUTES && total <= MAX_LOG_MINUTES)) problems.duration = t('selfStudy.err.minutes')
    if (!content) problems.content = t('selfStudy.err.content')
    if (Object.keys(problems).length > 0) return setErrors(problems)
    const photo = form.get('photo')
    enqueue(owner, {
      idempotencyKey: field('idempotencyKey'),
      enrollmentId: field('enrollmentId'),
      date: field('date'),
      hours: field('hours'),
      minutes: field('minutes'),
      content,
      queuedAt: Date.now(),
    })
    setQueued(readQueue(owner))
    setNote(photo instanceof File && photo.size > 0 ? 'queuedPhoto' : 'queued')
    setResult({ sent: 0, refused: 0 })
    setFresh({ after: serverKey, key: newClientKey() })
  }

  return { queued, note, result, errors, fresh, onSubmit }
}
