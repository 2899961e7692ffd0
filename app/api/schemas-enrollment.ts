/**
 * API v1 schemas of people, enrollments and records of study
 * (../shared/api-v1.md): registered in `apiSchemas` like app/api/schemas.ts,
 * so they validate requests and appear in /api/v1/openapi.json.
 */
import { z } from 'zod'
import { API_MESSAGES } from './messages.ts'
import { apiSchemas, IsoDate, MAX_REASON_LENGTH } from './schemas.ts'

function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  apiSchemas.add(schema, { id, ...(description ? { description } : {}) })
  return schema
}

export const ENROLLMENT_API_MESSAGES = {
  name: '姓名应为 2 到 30 个字',
  kind: '人员类别应为 adult_learner 或 teacher',
  priorEducation: '原有学历应为 none、primary、junior、senior 或 vocational 之一',
  regionCode: '找不到该地区，或不在您的管辖范围内（须为乡镇/街道或村）',
  schoolName: '在您的管辖范围内找不到这所学校',
  phone: '手机号应为 11 位，以 1 开头',
  duplicateIdNumber: '该身份证号已登记',
  personNotFound: '找不到此人，或不在您的管辖范围内',
  groupNotFound: '找不到该班级或培训项目，或不在您的管辖范围内',
  alreadyEnrolled: '此人已在该班级/培训项目中',
  score: '分数应为 0 到 100 的数，最多一位小数',
  passed: '是否合格应为 true 或 false',
  noteTooLong: '说明最多 500 个字',
  taskNotFound: '本报名记录的教学计划中没有这个作业/实操',
} as const

const M = ENROLLMENT_API_MESSAGES

const PersonKind = z.enum(['adult_learner', 'teacher'], { error: M.kind })
const PriorEducation = z.enum(['none', 'primary', 'junior', 'senior', 'vocational'], { error: M.priorEducation })

// ─── POST /api/v1/people, GET /api/v1/people/{id} ─────────────────────────

export const PersonCreateRequest = component(
  z.object({
    name: z.string({ error: API_MESSAGES.required }).trim().min(2, M.name).max(30, M.name),
    idNumber: z.string({ error: API_MESSAGES.required }).trim().min(1, API_MESSAGES.required).max(30).meta({
      description: 'Resident ID number (GB 11643): 18 characters, real birth date, MOD 11-2 check digit',
    }),
    phone: z.string().trim().max(20).optional(),
    regionCode: z
      .string({ error: API_MESSAGES.required })
      .trim()
      .min(1, API_MESSAGES.required)
      .max(20)
      .meta({ description: "A township or village in the caller's scope" }),
    kind: PersonKind,
    priorEducation: PriorEducation.optional(),
    schoolName: z.string().trim().min(1).max(100).optional().meta({ description: "A school or organization in the caller's scope, by its exact name" }),
  }),
  'PersonCreateRequest',
  'Register a person (coordinators and admins). The ID number is stored encrypted and answered masked.',
)

export const PersonCreated = component(
  z.object({ id: z.string(), name: z.string(), idNumberMasked: z.string().meta({ examples: ['5223**********1234'] }) }),
  'PersonCreated',
)

export const PersonDuplicate = component(
  z.object({
    error: z.object({
      code: z.literal('conflict'),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional().meta({ description: 'idNumber → the problem, in Chinese' }),
      existingId: z.string().meta({ description: "The id of the person already registered with this ID number (only when in the caller's scope)" }).optional(),
    }),
  }),
  'PersonDuplicate',
  '409: the same ID number is already registered.',
)

export const PersonResponse = component(
  z.object({
    id: z.string(),
    name: z.string(),
    idNumberMasked: z.string(),
    regionCode: z.string(),
    kind: PersonKind,
    priorEducation: PriorEducation.nullable(),
  }),
  'Person',
)

// ─── POST /api/v1/enrollments ─────────────────────────────────────────────

export const EnrollmentCreateRequest = component(
  z.object({
    personId: z.string({ error: API_MESSAGES.required }).trim().min(1, API_MESSAGES.required).max(64),
    groupCode: z.string({ error: API_MESSAGES.required }).trim().min(1, API_MESSAGES.required).max(64),
    startDate: IsoDate.meta({ description: "Within the class's or round's window" }),
  }),
  'EnrollmentCreateRequest',
  'Enroll a person in a class or round. Skills-plus-credential: aged 15–59 on the start date; one active enrollment per program.',
)

export const EnrollmentCreated = component(
  z.object({
    id: z.string(),
    personId: z.string(),
    programCode: z.string(),
    groupCode: z.string(),
    startDate: IsoDate,
    periodEnd: IsoDate.nullable().meta({ description: "start + studyYears for classes; the round's end for rounds" }),
    studyYears: z.number().int().nullable().meta({ description: '1 for senior/vocational, else 3; null for teacher rounds' }),
    status: z.enum(['active', 'withdrawn', 'graduated', 'completed']),
  }),
  'EnrollmentCreated',
)

// ─── Records of study ─────────────────────────────────────────────────────

export const TaskCompleteRequest = component(
  z.object({
    courseCode: z.string().trim().min(1).max(64).optional().meta({ description: 'Only needed when two plan courses share the task code' }),
  }),
  'TaskCompleteRequest',
)

export const TaskCompleteResponse = component(
  z.object({
    enrollmentId: z.string(),
    courseCode: z.string(),
    taskCode: z.string(),
    completedAt: z.iso.datetime({ offset: true }),
    created: z.boolean().meta({ description: 'false when the task was already complete (nothing changed)' }),
  }),
  'TaskCompleteResponse',
)

export const ResultRequest = component(
  z.object({
    courseCode: z.string({ error: API_MESSAGES.required }).trim().min(1, API_MESSAGES.required).max(64),
    score: z
      .number({ error: M.score })
      .min(0, M.score)
      .max(100, M.score)
      .refine((s) => Math.abs(s * 10 - Math.round(s * 10)) < 1e-9, M.score),
    passed: z.boolean({ error: M.passed }),
  }),
  'ResultRequest',
  'An exam result; refused with 409 tasks_incomplete while the course has unfinished tasks. A re-sit is a new result; the latest counts.',
)

export const ResultResponse = component(
  z.object({
    id: z.string(),
    enrollmentId: z.string(),
    courseCode: z.string(),
    score: z.number(),
    passed: z.boolean(),
    recordedAt: z.iso.datetime({ offset: true }),
  }),
  'ResultResponse',
)

export const MoralEvaluationRequest = component(
  z.object({
    passed: z.boolean({ error: M.passed }),
    note: z.string().trim().max(MAX_REASON_LENGTH, M.noteTooLong).optional(),
  }),
  'MoralEvaluationRequest',
  '思想品德评价; the latest counts.',
)

export const MoralEvaluationResponse = component(
  z.object({ id: z.string(), enrollmentId: z.string(), passed: z.boolean(), note: z.string().nullable(), recordedAt: z.iso.datetime({ offset: true }) }),
  'MoralEvaluationResponse',
)

export const WithdrawRequest = component(
  z.object({
    date: IsoDate.meta({ description: 'Within the enrollment period and not after today' }),
    reason: z.string({ error: API_MESSAGES.reasonRequired }).trim().min(1, API_MESSAGES.reasonRequired).max(MAX_REASON_LENGTH, M.noteTooLong),
  }),
  'WithdrawRequest',
  'Withdraw an active enrollment (status becomes withdrawn); a second withdrawal is 409 conflict.',
)

export const WithdrawResponse = component(
  z.object({ enrollmentId: z.string(), status: z.literal('withdrawn'), date: IsoDate, reason: z.string() }),
  'WithdrawResponse',
)
