import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { requireRole } from '#app/auth/permissions.server.ts'
import { formatReason, STATUS_KEYS } from '#app/domain/outcomes.ts'
import { ENROLLMENT_ACTORS } from '#app/domain/roles.ts'
import { beijingDate, formatDate, isIsoDate, dateOnly } from '#app/domain/time.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import {
  completeTask,
  decideEarlyGraduation,
  enrollmentToActOn,
  loadStudyRecord,
  recordMoralEvaluation,
  recordResult,
  requestEarlyGraduation,
  withdrawEnrollment,
} from '#app/models/study-records.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { pageLoad, refusal } from '#app/utils/page-errors.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'study.link') }]

/** One enrollment's records of study: plan courses with tasks and results, moral evaluation, withdrawal, early graduation (the acting rule: its class or round in scope; the 404 page otherwise). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ENROLLMENT_ACTORS)
  const today = beijingDate(new Date())
  const record = await pageLoad(() => loadStudyRecord(getDb(), user, params.enrollmentId, today))
  const { progress } = record
  const t = serverT(request, user.locale)
  const locale = getLocale(request, user.locale)
  const e = record.enrollment
  return {
    today,
    enrollment: {
      id: e.id,
      status: e.status,
      startDate: dateOnly(e.startDate),
      periodEnd: e.periodEnd ? dateOnly(e.periodEnd) : null,
      studyYears: e.studyYears,
      programCode: e.program.code,
      person: { id: e.person.id, name: e.person.name, idMasked: e.person.idMasked, region: e.person.region.name },
      group: { id: e.group.id, code: e.group.code, name: e.group.name, kind: e.group.kind, major: e.group.major?.name ?? null },
    },
    courses: record.courses.map((c) => ({ ...c, latestResult: c.latestResult ? { ...c.latestResult, at: beijingDate(c.latestResult.at) } : null })),
    moral: e.moralEvaluations[0]
      ? { passed: e.moralEvaluations[0].passed, note: e.moralEvaluations[0].note, at: beijingDate(e.moralEvaluations[0].createdAt) }
      : null,
    /** Certificates not revoked: once one is issued, the results it states are read-only here. */
    certificates: e.certificates.map((c) => c.serial),
    withdrawal: e.withdrawal ? { date: dateOnly(e.withdrawal.withdrawnOn), reason: e.withdrawal.reason } : null,
    early: e.earlyGraduationRequests.map((r) => ({
      id: r.id,
      status: r.status,
      at: beijingDate(r.createdAt),
      decidedAt: r.reviewedAt ? beijingDate(r.reviewedAt) : null,
      reason: r.reviewReason,
    })),
    /** The same rule the model applies on submit (a rejected application is not sent again). */
    canApplyEarly: record.canApplyEarly,
    outcome: {
      status: progress.outcome.status,
      label: t(STATUS_KEYS[progress.outcome.status]),
      reasons: progress.outcome.reasonData.map((r) => formatReason(r, t, locale)),
    },
  }
}

const bool = z.enum(['true', 'false']).transform((v) => v === 'true')

const actionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('task'), taskId: z.string().min(1) }),
  z.object({ intent: z.literal('result'), courseId: z.string().min(1), score: z.string(), passed: z.string().optional() }),
  z.object({ intent: z.literal('moral'), passed: z.string().optional(), note: z.string().max(500).optional() }),
  z.object({ intent: z.literal('withdraw'), date: z.string(), reason: z.string().optional(), confirm: z.string().optional() }),
  z.object({ intent: z.literal('early-apply') }),
  z.object({
    intent: z.literal('early-decide'),
    requestId: z.string().min(1),
    decision: z.enum(['approve', 'reject']),
    reason: z.string().max(500).optional(),
  }),
])

type ActionResult = { ok: boolean; intent: string; target: string | null; message: string }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ENROLLMENT_ACTORS)
  const db = getDb()
  // The acting rule (its class or round in scope), the one finder; the 404 page otherwise.
  const { id: enrollmentId } = await pageLoad(() => enrollmentToActOn(db, user, params.enrollmentId))
  const t = serverT(request, user.locale)
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return data<ActionResult>({ ok: false, intent: 'unknown', target: null, message: t('study.error.invalid_date') }, { status: 400 })
  const v = parsed.data
  const target = v.intent === 'result' ? v.courseId : v.intent === 'task' ? v.taskId : null
  const fail = (message: string, status = 422) => data<ActionResult>({ ok: false, intent: v.intent, target, message }, { status })
  const ok = (message: string) => data<ActionResult>({ ok: true, intent: v.intent, target, message })
  const actor = { actorId: user.id, ip: context.ip }
  try {
    switch (v.intent) {
      case 'task': {
        const { task } = await completeTask(db, { enrollmentId, taskId: v.taskId, source: 'coordinator', ...actor })
        return ok(t('study.taskCompleted', { task: task.name }))
      }
      case 'result': {
        const score = Number(v.score.trim())
        if (v.score.trim() === '' || !Number.isFinite(score)) return fail(t('study.scoreInvalid'))
        const passed = bool.safeParse(v.passed)
        if (!passed.success) return fail(t('study.verdictRequired'))
        const result = await recordResult(db, { enrollmentId, courseId: v.courseId, score, passed: passed.data, ...actor })
        return ok(t('study.resultRecorded', { course: result.course.name }))
      }
      case 'moral': {
        const passed = bool.safeParse(v.passed)
        if (!passed.success) return fail(t('study.verdictRequired'))
        await recordMoralEvaluation(db, { enrollmentId, passed: passed.data, note: v.note, ...actor })
        return ok(t('study.moralRecorded'))
      }
      case 'withdraw': {
        if (!isIsoDate(v.date)) return fail(t('study.error.invalid_date'))
        if (v.confirm !== 'yes') return fail(t('study.withdrawConfirmRequired'))
        await withdrawEnrollment(db, { enrollmentId, date: v.date, reason: v.reason ?? '', today: beijingDate(new Date()), ...actor })
        return ok(t('study.withdrawn', { date: formatDate(v.date, getLocale(request, user.locale)), reason: (v.reason ?? '').trim() }))
      }
      case 'early-apply': {
        await requestEarlyGraduation(db, { enrollmentId, ...actor })
        return ok(t('study.earlyApplied'))
      }
      case 'early-decide': {
        await decideEarlyGraduation(db, {
          requestId: v.requestId,
          enrollmentId,
          approve: v.decision === 'approve',
          reason: v.reason,
          asOf: beijingDate(new Date()),
          ...actor,
        })
        return ok(t('study.earlyDecided'))
      }
    }
  } catch (error) {
    // The model's refusal, said once for every page (the 404 page when it is not found).
    const { data: refused, init } = refusal(error, t)
    return data<ActionResult>({ ok: false, intent: v.intent, target, message: refused.message }, init ?? undefined)
  }
}

function Outcome({ ok, message }: { ok: boolean; message: string }) {
  return ok ? (
    <p className="notice" role="status">
      {message}
    </p>
  ) : (
    <p className="form-error" role="alert">
      {message}
    </p>
  )
}

export default function EnrollmentRecord() {
  const { enrollment: e, courses, moral, withdrawal, early, outcome, today, canApplyEarly, certificates } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult | undefined
  const busy = useNavigation().state === 'submitting'
  const t = useT()
  const locale = useLocale()
  const date = (d: string | null) => (d ? formatDate(d, locale) : '—')
  const active = e.status === 'active'
  // Results, tasks and the moral evaluation are read-only once a certificate states them.
  const editable = active && certificates.length === 0
  const statusLabel = t(`enrollment.status.${e.status}`)
  const shown = (intent: string, target: string | null = null) =>
    result && result.intent === intent && result.target === target ? <Outcome ok={result.ok} message={result.message} /> : null
  const pending = early.find((r) => r.status === 'pending')
  return (
    <div className="narrow">
      <p>
        <Link to={`/coordinator/people/${e.person.id}`}>← {e.person.name}</Link>
      </p>
      <h1>{t('study.title', { name: e.person.name })}</h1>
      <p>
        <Link to={`/coordinator/enrollments/${e.id}/certificates`}>{t('certificates.page.link')}</Link>
      </p>
      <div className="card">
        <dl className="facts">
          <dt>{t('enroll.col.id')}</dt>
          <dd className="mono">{e.person.idMasked}</dd>
          <dt>{t('enroll.group')}</dt>
          <dd>
            {e.group.name} <span className="muted mono">{e.group.code}</span>
            {e.group.major ? (
              <div className="muted">
                {t('group.major')}：{e.group.major}
              </div>
            ) : null}
          </dd>
          <dt>{t('study.period')}</dt>
          <dd>
            {date(e.startDate)} – {date(e.periodEnd)}
            {e.studyYears ? <span className="tag">{t('enrollment.studyYears', { years: e.studyYears })}</span> : null}
          </dd>
          <dt>{t('study.status')}</dt>
          <dd>
            {/* "已毕业 已毕业" reads once: the outcome's tag only when it says something the status does not. */}
            {statusLabel !== outcome.label ? (
              <>
                <span className="tag">{statusLabel}</span>{' '}
              </>
            ) : null}
            <span className="tag" data-testid="outcome">
              {outcome.label}
            </span>
            {outcome.reasons.length > 0 ? (
              <ul className="muted">
                {outcome.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            ) : null}
          </dd>
        </dl>
      </div>
      {certificates.length > 0 ? (
        <p className="hint" data-testid="results-locked">
          {t('certView.resultsLocked', { serials: certificates.join('、') })}
        </p>
      ) : !active ? (
        <p className="hint">{t('study.notActive')}</p>
      ) : null}

      <h2>{t('study.plan')}</h2>
      {courses.length === 0 ? <p className="card">{t('study.noPlan')}</p> : null}
      {courses.map((c) => (
        <section key={c.id} className="card" aria-labelledby={`course-${c.id}`} data-testid={`course-${c.code}`}>
          <h3 id={`course-${c.id}`} style={{ marginTop: 0 }}>
            {c.name} <span className="muted mono">{c.code}</span>
          </h3>
          <p className="muted">
            {t(`study.courseKind.${c.kind}`)} · {t('study.credits', { credits: c.credits })}
          </p>
          <h4>{t('study.tasks')}</h4>
          {c.tasks.length === 0 ? <p className="hint">{t('study.noTasks')}</p> : null}
          <ul className="list">
            {c.tasks.map((task) => (
              <li key={task.id}>
                <span className="tag">{t(`study.taskKind.${task.kind}`)}</span> {task.name}{' '}
                {task.done ? (
                  <strong>✓ {t(task.source === 'learner' ? 'study.taskDoneByLearner' : 'study.taskDone')}</strong>
                ) : editable ? (
                  <Form method="post" style={{ display: 'inline' }}>
                    <input type="hidden" name="intent" value="task" />
                    <input type="hidden" name="taskId" value={task.id} />
                    <button type="submit" className="secondary" disabled={busy}>
                      {t('study.taskComplete')}
                    </button>
                  </Form>
                ) : null}
                {shown('task', task.id)}
              </li>
            ))}
          </ul>
          <h4>{t('study.result')}</h4>
          <p data-testid={`result-${c.code}`}>
            {c.latestResult
              ? t('study.resultLatest', {
                  score: c.latestResult.score,
                  verdict: t(c.latestResult.passed ? 'study.passed' : 'study.failed'),
                  date: date(c.latestResult.at),
                })
              : t('study.resultNone')}
            {c.attempts > 1 ? <span className="muted"> · {t('study.resultAttempts', { count: c.attempts })}</span> : null}
          </p>
          {shown('result', c.id)}
          {editable ? (
            <Form method="post" className="row">
              <input type="hidden" name="intent" value="result" />
              <input type="hidden" name="courseId" value={c.id} />
              <div className="field">
                <label htmlFor={`score-${c.id}`}>{t('study.score')}</label>
                <input id={`score-${c.id}`} name="score" inputMode="decimal" required />
              </div>
              <VerdictField />
              <button type="submit" disabled={busy}>
                {t('study.recordResult')}
              </button>
            </Form>
          ) : null}
        </section>
      ))}

      <h2>{t('study.moral')}</h2>
      <section className="card">
        <p data-testid="moral">
          {moral ? t('study.moralLatest', { verdict: t(moral.passed ? 'study.passed' : 'study.failed'), date: date(moral.at) }) : t('study.moralNone')}
          {moral?.note ? <span className="muted"> · {moral.note}</span> : null}
        </p>
        {shown('moral')}
        {editable ? (
          <Form method="post">
            <input type="hidden" name="intent" value="moral" />
            <VerdictField />
            <div className="field">
              <label htmlFor="moral-note">{`${t('study.note')}（${t('common.optional')}）`}</label>
              <input id="moral-note" name="note" maxLength={500} />
            </div>
            <button type="submit" disabled={busy}>
              {t('study.recordMoral')}
            </button>
          </Form>
        ) : null}
      </section>

      {e.programCode === 'skills-credential' ? (
        <>
          <h2>{t('study.early')}</h2>
          <section className="card">
            <p className="hint">{t('study.earlyIntro')}</p>
            {early.map((r) => (
              <p key={r.id} data-testid="early-request">
                {r.status === 'pending'
                  ? t('study.earlyPending', { date: date(r.at) })
                  : r.status === 'approved'
                    ? t('study.earlyApproved', { date: date(r.decidedAt) })
                    : t('study.earlyRejected', { date: date(r.decidedAt), reason: r.reason ?? '' })}
              </p>
            ))}
            {shown('early-apply')}
            {shown('early-decide')}
            {canApplyEarly ? (
              <Form method="post">
                <input type="hidden" name="intent" value="early-apply" />
                <button type="submit" className="secondary" disabled={busy}>
                  {t('study.earlyApply')}
                </button>
              </Form>
            ) : null}
            {active && pending ? (
              <Form method="post">
                <input type="hidden" name="intent" value="early-decide" />
                <input type="hidden" name="requestId" value={pending.id} />
                <div className="field">
                  <label htmlFor="early-reason">{t('study.earlyReason')}</label>
                  <input id="early-reason" name="reason" maxLength={500} />
                </div>
                <div className="row">
                  <button type="submit" name="decision" value="approve" disabled={busy}>
                    {t('study.earlyApprove')}
                  </button>
                  <button type="submit" name="decision" value="reject" className="secondary" disabled={busy}>
                    {t('study.earlyReject')}
                  </button>
                </div>
              </Form>
            ) : null}
          </section>
        </>
      ) : null}

      <h2>{t('study.withdraw')}</h2>
      <section className="card">
        {withdrawal ? <p data-testid="withdrawal">{t('study.withdrawn', { date: date(withdrawal.date), reason: withdrawal.reason })}</p> : null}
        {shown('withdraw')}
        {active ? (
          <Form method="post">
            <input type="hidden" name="intent" value="withdraw" />
            <div className="field">
              <label htmlFor="withdraw-date">{t('study.withdrawDate')}</label>
              <input id="withdraw-date" name="date" type="date" min={e.startDate} max={today} defaultValue={today} required />
            </div>
            <div className="field">
              <label htmlFor="withdraw-reason">{t('study.withdrawReason')}</label>
              <input id="withdraw-reason" name="reason" maxLength={500} required />
            </div>
            <div className="field">
              <label>
                <input type="checkbox" name="confirm" value="yes" required /> {t('study.withdrawConfirm')}
              </label>
            </div>
            <button type="submit" className="danger" disabled={busy}>
              {t('study.withdrawSubmit')}
            </button>
          </Form>
        ) : null}
      </section>
    </div>
  )
}

/** 通过 / 不通过, for exam results and the moral evaluation. */
function VerdictField() {
  const t = useT()
  return (
    <fieldset className="field">
      <legend>{t('study.verdict')}</legend>
      <label>
        <input type="radio" name="passed" value="true" required /> {t('study.passed')}
      </label>{' '}
      <label>
        <input type="radio" name="passed" value="false" /> {t('study.failed')}
      </label>
    </fieldset>
  )
}
