/**
 * API v1 schemas of certificates (../shared/api-v1.md): issue, revoke,
 * prefecture verification and the public verification endpoint. Registered
 * in `apiSchemas` for the OpenAPI document like app/api/schemas.ts.
 */
import { z } from 'zod'
import { CERTIFICATE_TYPES } from '#app/domain/certificates.ts'
import { apiSchemas, IsoDate } from './schemas.ts'

function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  apiSchemas.add(schema, { id, ...(description ? { description } : {}) })
  return schema
}

const CertificateType = z.enum(CERTIFICATE_TYPES, { error: '证书类型须为 graduation、completion、study_record 或 training' })
const CertificateStatus = z.enum(['pending_verification', 'valid', 'revoked'])
const Serial = z.string().meta({ examples: ['522327-2026-B-000123'] })

export const CertificateIssueRequest = component(
  z.object({
    type: CertificateType.meta({ description: 'graduation (毕业证书), completion (结业证书), study_record (写实性学习证明), training (培训合格证书)' }),
    asOf: IsoDate.optional().meta({ description: 'Evaluate the outcome as of this Beijing date (default today)' }),
  }),
  'CertificateIssueRequest',
)

export const CertificateIssued = component(
  z.object({
    serial: Serial,
    type: CertificateType,
    status: CertificateStatus,
    verificationCode: z.string(),
    verifyUrl: z.string().meta({ description: 'The public verification page /v/{verificationCode}' }),
    pdfUrl: z.string().meta({ description: 'GET with the bearer token: the PDF' }),
  }),
  'CertificateIssued',
)

export const CertificateRevokeRequest = component(
  z.object({ reason: z.string({ error: '请填写撤销原因。' }).trim().min(1, '请填写撤销原因。').max(500, '撤销原因最多 500 个字') }),
  'CertificateRevokeRequest',
)

export const CertificateStatusAnswer = component(z.object({ serial: Serial, status: CertificateStatus }), 'CertificateStatusAnswer')

export const PublicCertificate = component(
  z.object({
    valid: z.boolean(),
    status: CertificateStatus,
    type: CertificateType,
    holderName: z.string().meta({ description: 'Masked: 张*华' }),
    programName: z.string(),
    groupName: z.string(),
    issuedOn: IsoDate,
    hours: z.number().optional().meta({ description: '学时, where the certificate states them' }),
    serial: Serial,
  }),
  'PublicCertificate',
)
