import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { ExemptionForm } from '#app/components/exemption-form.tsx'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { submitApplicationForm } from '#app/models/exemption-form.server.ts'
import { exemptionEnrollments, listExemptionsOfPerson, offersExemptions, planCourses } from '#app/models/exemptions.server.ts'
import { UploadError } from '#app/models/uploads.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { showDate } from '#app/utils/format.ts'
import { newId } from '#app/utils/ids.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { readUploadForm, type UploadForm } from '#app/utils/uploads.server.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

const ROLES = SELF_ROLES

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'exemptions.title') }]

/** No exemption feature for someone whose programs have none (a teacher in training rounds): the 404 page. */
async function requireExemptionFeature(personId: string | null) {
  if (!personId || !(await offersExemptions(getDb(), personId))) throw notFound()
}

export const loader = withMessages(['exemptions', 'outcomes'], async ({ request }: LoaderFunctionArgs) => {
  const user = await requireRole(request, ROLES)
  await requireExemptionFeature(user.personId)
  const db = getDb()
  const [enrollments, applications] = user.personId
    ? await Promise.all([exemptionEnrollments(db, user.personId), listExemptionsOfPerson(db, user.personId)])
    : [[], []]
  const plans = await planCourses(
    db,
    enrollments.map((e) => e.group.majorId!),
  )
  return {
    enrollments: enrollments.map((e) => ({ id: e.id, name: e.group.name, courses: plans.get(e.group.majorId!) ?? [] })),
    applications: applications.map((a) => ({
      id: a.id,
      course: a.course ? { name: a.course.name, code: a.course.code } : null,
      basis: a.basis,
      mode: a.mode,
      status: a.status,
      credits: a.credits === null ? null : Number(a.credits),
      reviewReason: a.reviewReason,
      hasEvidence: a.evidenceKey !== null,
      appliedOn: beijingDate(a.createdAt),
      group: a.enrollment.group.name,
    })),
    // A fresh key per page view: a double submit of this form creates one application.
    idempotencyKey: newId(),
  }
})

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const fail = (errors: Record<string, string>, values: Record<string, string>, status: number) => data({ errors, values }, { status })
  if (!user.personId) return fail({ enrollmentId: t('exemptions.err.enrollment') }, {}, 404)
  await requireExemptionFeature(user.personId)
  let upload: UploadForm
  try {
    upload = await readUploadForm(request, { file: 'evidence' })
  } catch (error) {
    if (error instanceof UploadError) return fail({ evidence: t('exemptions.err.evidenceSize') }, {}, 413)
    throw error
  }
  const result = await submitApplicationForm(getDb(), upload, {
    t,
    applicant: { kind: 'self', userId: user.id, personId: user.personId },
    ip: context.ip as string | undefined,
  })
  if (!result.ok) return fail(result.errors as Record<string, string>, result.values, result.status)
  return redirect('/me/exemptions?saved=1')
}

export default function MyExemptions() {
  const { enrollments, applications, idempotencyKey } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const t = useT()
  const locale = useLocale()
  const values = actionData?.values ?? {}
  return (
    <div className="narrow">
      <p>
        <Link to="/me">{t('exemptions.back')}</Link>
      </p>
      <h1>{t('exemptions.title')}</h1>
      {params.get('saved') && !actionData ? (
        <p className="card notice" role="status">
          {t('exemptions.saved')}
        </p>
      ) : null}
      <p className="muted">{t('exemptions.intro')}</p>
      {enrollments.length === 0 ? (
        <p className="card">{t('exemptions.noEnrollment')}</p>
      ) : (
        <ExemptionForm
          enrollments={enrollments}
          errors={actionData?.errors ?? {}}
          values={values}
          idempotencyKey={values.idempotencyKey || idempotencyKey}
          title={t('exemptions.formTitle')}
        />
      )}

      <h2>{t('exemptions.mine')}</h2>
      {applications.length === 0 ? <p className="muted">{t('exemptions.noneYet')}</p> : null}
      <ul className="list" data-testid="my-exemptions">
        {applications.map((a) => (
          <li key={a.id} data-testid={`exemption-${a.id}`}>
            <div>
              <strong>{a.course ? a.course.name : t('exemptions.noCourse')}</strong>{' '}
              <span className={a.status === 'approved' ? 'tag tag-must' : 'tag'}>{t(`exemptions.status.${a.status}`)}</span>
            </div>
            <div>
              {t(`exemptions.basis.${a.basis}`)} · {t(`exemptions.mode.${a.mode}`)}
              {a.status === 'approved' && a.credits !== null ? ` · ${t('exemptions.creditsText', { credits: a.credits })}` : ''}
            </div>
            {a.status === 'approved' && a.course && a.mode !== 'credit' ? (
              <div>{t(a.mode === 'waive_internship' ? 'exemptions.courseState.waived' : 'exemptions.courseState.exempted')}</div>
            ) : null}
            {a.reviewReason ? (
              <div className={a.status === 'rejected' ? 'field-error' : 'muted'}>{t('exemptions.reviewReason', { reason: a.reviewReason })}</div>
            ) : null}
            {a.hasEvidence ? (
              <a href={`/exemptions/${a.id}/evidence`} target="_blank" rel="noreferrer">
                {t('exemptions.viewEvidence')}
              </a>
            ) : null}
            <div className="muted">
              {a.group} · {t('exemptions.appliedOn', { date: showDate(a.appliedOn, locale) })}
            </div>
          </li>
        ))}
      </ul>
    </div>
  )
}
