import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { ExemptionForm } from '#app/components/exemption-form.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { MAX_REVIEW_REASON } from '#app/domain/exemptions.ts'
import { ENROLLMENT_ACTORS } from '#app/domain/roles.ts'
import { formatInstant } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { submitApplicationForm } from '#app/models/exemption-form.server.ts'
import { countPendingExemptions, decideExemption, enrollmentForApplicant, listPendingExemptions, planCourses } from '#app/models/exemptions.server.ts'
import { UploadError } from '#app/models/uploads.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { refusal } from '#app/utils/page-errors.server.ts'
import { readUploadForm, type UploadForm } from '#app/utils/uploads.server.ts'

const ROLES = ENROLLMENT_ACTORS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'exemptionQueue.title') }]

/** The enrollment of `?enrollmentId=` (active, in scope) with its plan courses, for the "代为申请" form. */
async function onBehalfTarget(enrollmentId: string | null, scopes: ReturnType<typeof scopesFor>, userId: string) {
  if (!enrollmentId) return null
  const enrollment = await enrollmentForApplicant(getDb(), enrollmentId, { kind: 'staff', userId, scopes })
  if (!enrollment) return { found: false as const }
  const plans = enrollment.group.majorId ? await planCourses(getDb(), [enrollment.group.majorId]) : new Map()
  return {
    found: true as const,
    person: enrollment.person.name,
    enrollment: { id: enrollment.id, name: enrollment.group.name, courses: plans.get(enrollment.group.majorId ?? '') ?? [] },
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const scopes = scopesFor(user, ROLES)
  const enrollmentId = new URL(request.url).searchParams.get('enrollmentId')
  const db = getDb()
  const [rows, total, target] = await Promise.all([
    listPendingExemptions(db, scopes),
    countPendingExemptions(db, scopes),
    onBehalfTarget(enrollmentId, scopes, user.id),
  ])
  return {
    total,
    target,
    idempotencyKey: newId(),
    applications: rows.map((a) => ({
      id: a.id,
      person: a.enrollment.person,
      group: a.enrollment.group.name,
      course: a.course ? { code: a.course.code, name: a.course.name, credits: Number(a.course.credits) } : null,
      basis: a.basis,
      mode: a.mode,
      certificateNo: a.certificateNo,
      issuer: a.issuer,
      proposedCredits: a.credits === null ? null : Number(a.credits),
      note: a.note,
      evidenceType: a.evidenceType,
      submittedAt: a.createdAt,
    })),
  }
}

const reviewSchema = z.object({
  exemptionId: z.string().min(1),
  intent: z.enum(['approve', 'reject']),
  reason: z.string().trim().max(MAX_REVIEW_REASON).optional(),
  credits: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? Number(v) : null)),
})

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const scopes = scopesFor(user, ROLES)
  const t = serverT(request, user.locale)
  const url = new URL(request.url)
  const ip = context.ip as string | undefined

  if (url.searchParams.get('apply')) {
    const enrollmentId = url.searchParams.get('enrollmentId') ?? ''
    const refuse = (errors: Record<string, string>, values: Record<string, string>, status: number) =>
      data({ kind: 'apply' as const, errors, values, message: null, exemptionId: null }, { status })
    let upload: UploadForm
    try {
      upload = await readUploadForm(request, { file: 'evidence' })
    } catch (error) {
      if (error instanceof UploadError) return refuse({ evidence: t('exemptions.err.evidenceSize') }, {}, 413)
      throw error
    }
    const result = await submitApplicationForm(getDb(), upload, { t, applicant: { kind: 'staff', userId: user.id, scopes }, ip, enrollmentId })
    if (!result.ok) {
      if (result.status === 404) throw notFound()
      return refuse(result.errors as Record<string, string>, result.values, result.status)
    }
    return redirect('/coordinator/exemptions?applied=1')
  }

  const fields = Object.fromEntries(await request.formData())
  const parsed = reviewSchema.safeParse(fields)
  if (!parsed.success) {
    if (!parsed.error.issues.every((i) => i.path[0] === 'reason')) throw notFound()
    return data(
      { kind: 'review' as const, exemptionId: String(fields.exemptionId), errors: { form: t('exemptions.err.reasonTooLong') }, values: {}, message: null },
      { status: 422 },
    )
  }
  const v = parsed.data
  try {
    const result = await decideExemption(getDb(), {
      exemptionId: v.exemptionId,
      scopes,
      reviewerId: user.id,
      approve: v.intent === 'approve',
      reason: v.reason,
      credits: v.credits,
      ip,
    })
    const message = !result.changed
      ? t('exemptionQueue.alreadyReviewed')
      : t(result.status === 'approved' ? 'exemptionQueue.approved' : 'exemptionQueue.rejected')
    return { kind: 'review' as const, exemptionId: v.exemptionId, errors: {} as Record<string, string>, values: {} as Record<string, string>, message }
  } catch (error) {
    // The model's refusal beside the application (one not in scope is the 404 page).
    const { data: refused, init } = refusal(error, t)
    return data({ kind: 'review' as const, exemptionId: v.exemptionId, errors: { form: refused.message }, values: {}, message: null }, init ?? undefined)
  }
}

export default function ExemptionQueue() {
  const { applications, total, target, idempotencyKey } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const [params] = useSearchParams()
  const t = useT()
  const locale = useLocale()
  const applyResult = result?.kind === 'apply' ? result : null
  const reviewResult = result?.kind === 'review' ? result : null
  return (
    <>
      <p>
        <Link to="/coordinator">{t('exemptionQueue.back')}</Link>
      </p>
      <h1>{t('exemptionQueue.title')}</h1>
      {params.get('applied') && !result ? (
        <p className="card notice" role="status">
          {t('exemptionQueue.appliedByCoordinator')}
        </p>
      ) : null}
      {reviewResult?.message ? (
        <p className="card notice" role="status">
          {reviewResult.message}
        </p>
      ) : null}

      {target ? (
        target.found ? (
          <section aria-label={t('exemptionQueue.onBehalf')}>
            <p className="muted">{t('exemptionQueue.onBehalfIntro')}</p>
            <p>
              <strong>{t('exemptionQueue.forLearner', { name: target.person, group: target.enrollment.name })}</strong>
            </p>
            <ExemptionForm
              enrollments={[target.enrollment]}
              errors={applyResult?.errors ?? {}}
              values={applyResult?.values ?? {}}
              idempotencyKey={applyResult?.values.idempotencyKey || idempotencyKey}
              action={`/coordinator/exemptions?${new URLSearchParams({ enrollmentId: target.enrollment.id, apply: '1' })}`}
              title={t('exemptionQueue.onBehalf')}
            />
          </section>
        ) : (
          <p className="card form-error" role="alert">
            {t('exemptionQueue.enrollmentNotFound')}
          </p>
        )
      ) : null}

      <h2>{t('exemptionQueue.title')}</h2>
      {applications.length === 0 ? (
        <p className="card">{t('exemptionQueue.none')}</p>
      ) : (
        <>
          <p className="muted">{t('exemptionQueue.count', { count: total })}</p>
          <Table
            cards
            label={t('exemptionQueue.title')}
            headers={[t('exemptionQueue.person'), t('exemptionQueue.application'), t('exemptionQueue.evidence'), t('exemptionQueue.decision')]}
          >
            {applications.map((a) => (
              <tr key={a.id} data-testid={`exemption-${a.id}`}>
                <td className="cell-title">
                  <Link to={`/coordinator/people/${a.person.id}`}>{a.person.name}</Link>
                  <div className="muted">{a.group}</div>
                  <div className="muted">{formatInstant(new Date(a.submittedAt), locale)}</div>
                </td>
                <td data-label={t('exemptionQueue.application')}>
                  <div>
                    <strong>{a.course ? a.course.name : t('exemptions.noCourse')}</strong>
                    {a.course ? <span className="muted"> · {t('exemptionQueue.courseCredits', { credits: a.course.credits })}</span> : null}
                  </div>
                  <div>
                    {t(`exemptions.basis.${a.basis}`)} · {t(`exemptions.mode.${a.mode}`)}
                  </div>
                  {a.certificateNo ? <div>{t('exemptionQueue.certificate', { no: a.certificateNo, issuer: a.issuer ?? '—' })}</div> : null}
                  {a.note ? <div className="muted">{a.note}</div> : null}
                </td>
                <td data-label={t('exemptionQueue.evidence')}>
                  {a.evidenceType === null ? (
                    t('exemptionQueue.noEvidence')
                  ) : a.evidenceType === 'application/pdf' ? (
                    <a href={`/exemptions/${a.id}/evidence`}>{t('exemptionQueue.openPdf')}</a>
                  ) : (
                    <a href={`/exemptions/${a.id}/evidence`} target="_blank" rel="noreferrer">
                      <img src={`/exemptions/${a.id}/evidence`} alt={t('exemptions.viewEvidence')} width={160} loading="lazy" />
                    </a>
                  )}
                </td>
                <td className="cell-actions">
                  {reviewResult && reviewResult.exemptionId === a.id && reviewResult.errors.form ? (
                    <div className="field-error" role="alert">
                      {reviewResult.errors.form}
                    </div>
                  ) : null}
                  <Form method="post" className="row">
                    <input type="hidden" name="exemptionId" value={a.id} />
                    {a.mode === 'credit' ? (
                      <div className="field">
                        <label htmlFor={`credits-${a.id}`}>{t('exemptionQueue.creditsToGrant')}</label>
                        <input
                          id={`credits-${a.id}`}
                          name="credits"
                          type="number"
                          inputMode="decimal"
                          min="0.5"
                          max="20"
                          step="0.5"
                          defaultValue={a.proposedCredits ?? ''}
                        />
                      </div>
                    ) : null}
                    <button type="submit" name="intent" value="approve">
                      {t('exemptionQueue.approve')}
                    </button>
                  </Form>
                  <Form method="post" className="row">
                    <input type="hidden" name="exemptionId" value={a.id} />
                    <div className="field">
                      <label htmlFor={`reason-${a.id}`}>{t('exemptionQueue.reason')}</label>
                      <input id={`reason-${a.id}`} name="reason" type="text" maxLength={MAX_REVIEW_REASON} />
                    </div>
                    <button type="submit" name="intent" value="reject" className="secondary">
                      {t('exemptionQueue.reject')}
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
