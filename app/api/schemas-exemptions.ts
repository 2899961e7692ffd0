/**
 * API v1 schemas of exemptions (../shared/api-v1.md):
 * POST /api/v1/enrollments/{id}/exemptions and POST /api/v1/exemptions/{id}/decision.
 * Registered in `apiSchemas` for the OpenAPI document like app/api/schemas.ts.
 * Which basis allows which mode is checked by app/domain/exemptions.ts (422 with `fields`).
 */
import { z } from 'zod'
import { EXEMPTION_BASES, EXEMPTION_MODES, MAX_CERTIFICATE_NO, MAX_GRANTED_CREDITS, MAX_ISSUER, MAX_NOTE, MAX_REVIEW_REASON } from '#app/domain/exemptions.ts'
import { apiSchemas } from './schemas.ts'

function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  apiSchemas.add(schema, { id, ...(description ? { description } : {}) })
  return schema
}

const optionalText = (max: number, message: string) => z.string({ error: message }).trim().max(max, message).optional()

export const ExemptionRequest = component(
  z.object({
    courseCode: z.string({ error: '课程代码应为文字' }).trim().min(1, '课程代码不能为空').max(64).optional().meta({
      description:
        "A course of the enrollment's teaching plan. Required for exempt_study, exempt_exam (not the internship) and waive_internship (the internship course); optional for credit (the related course, for the reviewer).",
    }),
    basis: z.enum(EXEMPTION_BASES, { error: '依据应为 vocational_certificate、skill_certificate、competition_award、innovation 或 work_experience 之一' }),
    mode: z
      .enum(EXEMPTION_MODES, { error: '方式应为 exempt_study、exempt_exam、credit 或 waive_internship 之一' })
      .meta({ description: 'Certificates: exempt_study or exempt_exam; competition_award and innovation: credit; work_experience: waive_internship' }),
    certificateNo: optionalText(MAX_CERTIFICATE_NO, `证书编号最多 ${MAX_CERTIFICATE_NO} 个字`).meta({ description: 'Required for certificate bases' }),
    issuer: optionalText(MAX_ISSUER, `发证单位最多 ${MAX_ISSUER} 个字`).meta({
      description: 'The issuing authority of the certificate, when known (optional; an addition to api-v1.md)',
    }),
    credits: z
      .number({ error: '学分应为数字' })
      .positive('学分应大于 0')
      .max(MAX_GRANTED_CREDITS, `学分最多 ${MAX_GRANTED_CREDITS}`)
      .optional()
      .meta({ description: 'Only with mode credit: the credits asked for (the reviewer decides)' }),
    note: optionalText(MAX_NOTE, `说明最多 ${MAX_NOTE} 个字`),
  }),
  'ExemptionRequest',
  'An exemption application (pending until a coordinator decides). The learner for their own active enrollment, or a coordinator or admin in scope on their behalf. Evidence files are uploaded through the web form; the JSON API takes none.',
)

export const ExemptionCreated = component(
  z.object({
    id: z.string(),
    status: z.literal('pending'),
  }),
  'ExemptionCreated',
)

export const ExemptionDecisionRequest = component(
  z.object({
    approve: z.boolean({ error: 'approve 应为 true 或 false' }),
    reason: z
      .string({ error: '原因应为文字' })
      .trim()
      .max(MAX_REVIEW_REASON, `原因最多 ${MAX_REVIEW_REASON} 个字`)
      .optional()
      .meta({ description: 'Required when rejecting (the learner reads it)' }),
    credits: z
      .number({ error: '学分应为数字' })
      .optional()
      .meta({ description: 'Approving mode credit: the credits granted, 0.5–20 with one decimal (an addition to api-v1.md)' }),
  }),
  'ExemptionDecisionRequest',
  'Approve or reject a pending application. Deciding again changes nothing: the same decision answers 200 with the status already recorded; the opposite decision is 409 conflict.',
)

export const ExemptionDecisionResponse = component(
  z.object({
    id: z.string(),
    status: z.enum(['approved', 'rejected']),
    credits: z.number().nullable().meta({ description: "Approved: the credits counted (the course's, or the reviewer's for mode credit); rejected: null" }),
  }),
  'ExemptionDecisionResponse',
)
