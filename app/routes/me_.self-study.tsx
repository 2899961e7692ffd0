import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, isRouteErrorResponse, Link, useActionData, useLoaderData, useNavigation, useRevalidator, useRouteError, useSearchParams } from '@remix-run/react'
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
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
import {
  answeredOnline,
  enqueue,
  flushQueue,
  keptAfterFailedSend,
  newClientKey,
  readQueue,
  SELF_STUDY_FIELDS,
  sendingOnline,
  type QueuedLog,
} from '#app/utils/offline-self-study.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

const ROLES = SELF_ROLES
const HOURS = Array.from({ length: 13 }, (_, i) => i)
const MINUTES = Array.from({ length: 12 }, (_, i) => i * 5)

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

export const loader = withMessages(['outcomes', 'pwa', 'selfStudy'], async ({ request }: LoaderFunctionArgs) => {
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
})

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
  const offline = useOfflineQueue(queueOwner)
  // The server answered a log sent online (saved: the redirect's ?saved=1; refused: the form's errors).
  const answered = navigation.state === 'idle' && (actionData !== undefined || params.has('saved'))
  useEffect(() => {
    if (answered) answeredOnline()
  }, [answered])
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
              <LogItem key={q.idempotencyKey} date={q.date} minutes={Number(q.hours) * 60 + Number(q.minutes)} tag={t('pwa.waitingTag')} content={q.content} />
            ))}
          </ul>
        </>
      ) : null}
      {logs.length === 0 && offline.queued.length === 0 ? <p className="muted">{t('selfStudy.noneYet')}</p> : null}
      <ul className="list" data-testid="my-logs">
        {logs.map((l) => (
          <LogItem key={l.id} date={l.date} minutes={l.minutes} tag={t(`selfStudy.status.${l.status}`)} approved={l.status === 'approved'} content={l.content}>
            {l.status === 'rejected' && l.rejectReason ? <div className="field-error">{t('selfStudy.rejectReason', { reason: l.rejectReason })}</div> : null}
            {l.hasPhoto ? (
              <a href={`/self-study/${l.id}/photo`} target="_blank" rel="noreferrer">
                {t('selfStudy.viewPhoto')}
              </a>
            ) : null}
            <div className="muted">{l.group}</div>
          </LogItem>
        ))}
      </ul>
    </div>
  )
}

/** One log in the lists: its day, how long, its state and what was learnt (then what the list adds). */
function LogItem(p: { date: Date | string; minutes: number; tag: string; approved?: boolean; content: string; children?: ReactNode }) {
  const t = useT()
  const locale = useLocale()
  return (
    <li>
      <div>
        <strong>{showDate(p.date, locale)}</strong> · {t('selfStudy.minutesText', { minutes: p.minutes })}{' '}
        <span className={p.approved ? 'tag tag-must' : 'tag'}>{p.tag}</span>
      </div>
      <div>{p.content}</div>
      {p.children}
    </li>
  )
}

/**
 * The signal went while a log was being sent (the request failed; the phone
 * thought it was online): say the log is kept on the phone, and the way back
 * to the page that sends it. Anything else is the root's error page.
 */
export function ErrorBoundary() {
  const error = useRouteError()
  const t = useT()
  // (On the server nothing is in flight: keptAfterFailedSend is null.)
  const kept = isRouteErrorResponse(error) ? null : keptAfterFailedSend()
  if (!kept) throw error
  return (
    <div className="card narrow" role="alert" data-testid="send-failed">
      <h1>{t('error.sendLost.title')}</h1>
      <p>{t('error.sendLost.body')}</p>
      {kept.withPhoto ? <p>{t('error.sendLost.photo')}</p> : null}
      <a className="button" href="/me/self-study">
        {t('error.sendLost.back')}
      </a>
    </div>
  )
}

/**
 * Self-study without a network (issue 13, PWA): with JavaScript, a form sent
 * while the phone is offline is kept on it (app/utils/offline-self-study.ts)
 * instead, and the queue is sent on load and when the network comes back;
 * the list is then loaded again, so each log shows up once, pending review.
 * A form sent online is kept there as well until the server answers, so a
 * signal that drops mid-send loses nothing (the page's ErrorBoundary).
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
    const form = new FormData(event.currentTarget)
    const entry = { queuedAt: Date.now() } as QueuedLog
    for (const f of SELF_STUDY_FIELDS) entry[f] = String(form.get(f) ?? '').trim()
    // Online as far as the phone knows: the form goes as usual, a copy kept until the server answers.
    const photo = form.get('photo')
    const withPhoto = photo instanceof File && photo.size > 0
    if (navigator.onLine) return sendingOnline(owner, entry, withPhoto)
    event.preventDefault()
    const total = Number(entry.hours) * 60 + Number(entry.minutes)
    const problems: Errors = {}
    if (!isIsoDate(entry.date)) problems.date = t('selfStudy.err.date')
    if (!(total >= MIN_LOG_MINUTES && total <= MAX_LOG_MINUTES)) problems.duration = t('selfStudy.err.minutes')
    if (!entry.content) problems.content = t('selfStudy.err.content')
    if (Object.keys(problems).length > 0) return setErrors(problems)
    enqueue(owner, entry)
    setQueued(readQueue(owner))
    setNote(withPhoto ? 'queuedPhoto' : 'queued')
    setResult({ sent: 0, refused: 0 })
    setFresh({ after: serverKey, key: newClientKey() })
  }

  return { queued, note, result, errors, fresh, onSubmit }
}
