/**
 * The exemption application form, as the learner's page and the
 * coordinator's "代为申请" form post it (multipart, optional evidence file):
 * the route reads it with `readUploadForm(request, { file: 'evidence' })`
 * (app/utils/uploads.server.ts, with the upload limit); here it is validated
 * with zod, the evidence stored by its content, the application recorded.
 * Errors come back per field in the caller's locale; a refused application
 * leaves no file behind.
 */
import { z } from 'zod'
import { EXEMPTION_BASES, EXEMPTION_MODES, MAX_NOTE } from '#app/domain/exemptions.ts'
import type { T } from '#app/i18n/index.ts'
import { applyForExemption, ExemptionError, problemMessage, type Applicant } from './exemptions.server.ts'
import { deleteUpload, storeEvidence, UploadError } from './uploads.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import type { UploadForm } from '#app/utils/uploads.server.ts'

export type ApplicationErrors = Partial<
  Record<'enrollmentId' | 'courseId' | 'basis' | 'mode' | 'certificateNo' | 'issuer' | 'note' | 'evidence' | 'form', string>
>

export type ApplicationFormResult =
  { ok: true; created: boolean; exemptionId: string } | { ok: false; status: number; errors: ApplicationErrors; values: Record<string, string> }

/** The form's name for each field the model's refusals name (the API's request fields); the rest are the form's own. */
const FORM_FIELD: Partial<Record<string, keyof ApplicationErrors>> = { courseCode: 'courseId', credits: 'form', reason: 'form' }

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : null))

function schema(t: T) {
  return z.object({
    enrollmentId: z.string({ error: t('exemptions.err.enrollment') }).min(1, t('exemptions.err.enrollment')),
    courseId: optionalText,
    basis: z.enum(EXEMPTION_BASES, { error: t('exemptions.err.basis') }),
    mode: z.enum(EXEMPTION_MODES, { error: t('exemptions.err.mode') }),
    certificateNo: optionalText,
    issuer: optionalText,
    note: z.string().trim().max(MAX_NOTE, t('exemptions.err.noteTooLong')).optional(),
    idempotencyKey: z.string({ error: t('exemptions.err.form') }).regex(/^[a-z0-9]{16,64}$/, t('exemptions.err.form')),
  })
}

/** Validates and records the application of `upload` (its text fields and its evidence file). */
export async function submitApplicationForm(
  db: Db,
  upload: UploadForm,
  opts: { t: T; applicant: Applicant; ip?: string | null; enrollmentId?: string },
): Promise<ApplicationFormResult> {
  const { t } = opts
  const values: Record<string, string> = { ...upload.values }
  if (opts.enrollmentId) values.enrollmentId = opts.enrollmentId
  const fail = (errors: ApplicationErrors, status = 422): ApplicationFormResult => ({ ok: false, status, errors, values })

  const parsed = schema(t).safeParse(values)
  if (!parsed.success) {
    const errors: ApplicationErrors = {}
    for (const issue of parsed.error.issues) {
      const field = (issue.path[0] === 'idempotencyKey' ? 'form' : issue.path[0]) as keyof ApplicationErrors
      errors[field] ??= issue.message
    }
    return fail(errors)
  }
  const v = parsed.data

  let evidence: { key: string; type: string } | null = null
  const file = upload.file
  if (file) {
    try {
      const stored = await storeEvidence(file, 'exemptions')
      evidence = { key: stored.key, type: stored.mime }
    } catch (error) {
      if (error instanceof UploadError)
        return fail(
          { evidence: t(error.code === 'too_large' ? 'exemptions.err.evidenceSize' : 'exemptions.err.evidenceType') },
          error.code === 'too_large' ? 413 : 422,
        )
      throw error
    }
  }

  try {
    const { exemption, created } = await applyForExemption(db, {
      enrollmentId: v.enrollmentId,
      applicant: opts.applicant,
      basis: v.basis,
      mode: v.mode,
      course: v.courseId ? { id: v.courseId } : null,
      certificateNo: v.certificateNo,
      issuer: v.issuer,
      note: v.note,
      evidence,
      idempotencyKey: v.idempotencyKey,
      ip: opts.ip ?? null,
    })
    if (!created && evidence) await deleteUpload(evidence.key)
    return { ok: true, created, exemptionId: exemption.id }
  } catch (error) {
    if (evidence) await deleteUpload(evidence.key)
    if (error instanceof ExemptionError) {
      if (error.code === 'not_found') return fail({ enrollmentId: t('exemptions.err.enrollment') }, 404)
      if (error.code === 'conflict') return fail({ form: t('exemptions.err.form') }, 409)
      const errors: ApplicationErrors = {}
      for (const p of error.problems) errors[FORM_FIELD[p.field] ?? (p.field as keyof ApplicationErrors)] ??= problemMessage(t, p)
      return fail(errors)
    }
    throw error
  }
}
