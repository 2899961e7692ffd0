import { Form, useNavigation } from '@remix-run/react'
import { Field, SelectField } from '#app/components/ui/field.tsx'
import { EXEMPTION_BASES, EXEMPTION_MODES } from '#app/domain/exemptions.ts'
import { useT } from '#app/utils/i18n.ts'

export type ApplicationEnrollment = {
  id: string
  name: string
  courses: { id: string; code: string; name: string; credits: number; kind: string }[]
}

/**
 * The application form (learner on the phone, or a coordinator on their
 * behalf). Plain form fields posting to the page's action: works with
 * JavaScript off; the server checks which basis allows which mode.
 */
export function ExemptionForm({
  enrollments,
  errors,
  values,
  idempotencyKey,
  action,
  title,
}: {
  enrollments: ApplicationEnrollment[]
  errors: Partial<Record<string, string>>
  values: Record<string, string>
  idempotencyKey: string
  action?: string
  title: string
}) {
  const t = useT()
  const navigation = useNavigation()
  const only = enrollments.length === 1 ? enrollments[0]! : null
  return (
    <Form method="post" action={action} encType="multipart/form-data" className="card" key={idempotencyKey} aria-label={title} noValidate>
      <h2>{title}</h2>
      {errors.form ? (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      ) : null}
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {only ? (
        <>
          <input type="hidden" name="enrollmentId" value={only.id} />
          {errors.enrollmentId ? <p className="form-error">{errors.enrollmentId}</p> : null}
        </>
      ) : (
        <SelectField
          id="enrollmentId"
          name="enrollmentId"
          label={t('exemptions.enrollment')}
          error={errors.enrollmentId}
          defaultValue={values.enrollmentId ?? enrollments[0]?.id}
        >
          {enrollments.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </SelectField>
      )}
      {/* No choice is made for the applicant: a preset basis and mode could disagree (issue 13); the hint says which go together. */}
      <SelectField id="basis" name="basis" label={t('exemptions.basis')} error={errors.basis} defaultValue={values.basis ?? ''}>
        <option value="">{t('exemptions.choose')}</option>
        {EXEMPTION_BASES.map((b) => (
          <option key={b} value={b}>
            {t(`exemptions.basis.${b}`)}
          </option>
        ))}
      </SelectField>
      <SelectField id="mode" name="mode" label={t('exemptions.mode')} hint={t('exemptions.modeHint')} error={errors.mode} defaultValue={values.mode ?? ''}>
        <option value="">{t('exemptions.choose')}</option>
        {EXEMPTION_MODES.map((m) => (
          <option key={m} value={m}>
            {t(`exemptions.mode.${m}`)}
          </option>
        ))}
      </SelectField>
      <SelectField
        id="courseId"
        name="courseId"
        label={t('exemptions.course')}
        hint={t('exemptions.courseHint')}
        error={errors.courseId}
        defaultValue={values.courseId ?? ''}
      >
        <option value="">{t('exemptions.courseNone')}</option>
        {enrollments.map((e) =>
          only ? (
            e.courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}（{t('exemptions.creditsText', { credits: c.credits })}）
              </option>
            ))
          ) : (
            <optgroup key={e.id} label={e.name}>
              {e.courses.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}（{t('exemptions.creditsText', { credits: c.credits })}）
                </option>
              ))}
            </optgroup>
          ),
        )}
      </SelectField>
      <Field
        id="certificateNo"
        name="certificateNo"
        type="text"
        label={t('exemptions.certificateNo')}
        hint={t('exemptions.certificateHint')}
        error={errors.certificateNo}
        defaultValue={values.certificateNo ?? ''}
        maxLength={64}
        autoComplete="off"
      />
      <Field id="issuer" name="issuer" type="text" label={t('exemptions.issuer')} error={errors.issuer} defaultValue={values.issuer ?? ''} maxLength={100} />
      <Field id="note" name="note" type="text" label={t('exemptions.note')} error={errors.note} defaultValue={values.note ?? ''} maxLength={500} />
      <Field
        id="evidence"
        name="evidence"
        type="file"
        accept="image/*,application/pdf"
        label={t('exemptions.evidence')}
        hint={t('exemptions.evidenceHint')}
        error={errors.evidence}
      />
      <button type="submit" className="block" disabled={navigation.state === 'submitting'}>
        {t('exemptions.submit')}
      </button>
    </Form>
  )
}
