/**
 * API v1 schemas of early graduation (../shared/api-v1.md):
 * POST /api/v1/enrollments/{id}/early-graduation and
 * POST /api/v1/early-graduation/{id}/decision. Registered in `apiSchemas`
 * for the OpenAPI document like app/api/schemas.ts.
 */
import { z } from 'zod'
import { apiSchemas, MAX_REASON_LENGTH } from './schemas.ts'

function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  apiSchemas.add(schema, { id, ...(description ? { description } : {}) })
  return schema
}

export const EarlyGraduationRequest = component(
  z.object({
    note: z
      .string({ error: '说明应为文字' })
      .trim()
      .max(MAX_REASON_LENGTH, `说明最多 ${MAX_REASON_LENGTH} 个字`)
      .optional()
      .meta({ description: 'Optional; not stored (the request itself is what counts)' }),
  }),
  'EarlyGraduationRequest',
  'Apply to graduate before the period ends: the learner for their own enrollment, or a coordinator or admin in scope on their behalf.',
)

export const EarlyGraduationAnswer = component(
  z.object({
    id: z.string(),
    status: z.enum(['pending', 'approved']).meta({ description: '201: a new pending request; 200: the request already pending or approved' }),
  }),
  'EarlyGraduationAnswer',
)

export const EarlyGraduationDecisionRequest = component(
  z.object({
    approve: z.boolean({ error: 'approve 应为 true 或 false' }),
    reason: z
      .string({ error: '原因应为文字' })
      .trim()
      .max(MAX_REASON_LENGTH, `原因最多 ${MAX_REASON_LENGTH} 个字`)
      .optional()
      .meta({ description: 'Required when rejecting (the learner reads it)' }),
  }),
  'EarlyGraduationDecisionRequest',
  'Approve (only while every graduation condition is met: else 409 not_eligible with the reasons) or reject a pending request. Deciding the same again answers 200 with the status recorded; the opposite is 409 conflict.',
)

export const EarlyGraduationDecisionAnswer = component(z.object({ id: z.string(), status: z.enum(['approved', 'rejected']) }), 'EarlyGraduationDecisionAnswer')
