/**
 * The zod schemas of the public API v1 (../shared/api-v1.md). The same
 * objects validate requests (app/api/*.server.ts) and generate the OpenAPI
 * description (app/api/openapi.server.ts): every schema registered in
 * `apiSchemas` with an id becomes `#/components/schemas/<id>`. Later
 * endpoints add their schemas here and their operations to openapi.server.ts.
 */
import { z } from 'zod'
import { COURSE_STATES, OUTCOME_STATUSES } from '#app/domain/outcomes.ts'
import { API_MESSAGES, apiMessage } from './messages.ts'

/** Component schemas of the OpenAPI document, by id. */
export const apiSchemas = z.registry<{ id: string; description?: string }>()

function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  apiSchemas.add(schema, { id, ...(description ? { description } : {}) })
  return schema
}

export const API_ERROR_CODES = [
  'unauthenticated',
  'forbidden',
  'not_found',
  'validation_failed',
  'conflict',
  'not_eligible',
  'tasks_incomplete',
  'rate_limited',
] as const
export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  validation_failed: 422,
  conflict: 409,
  not_eligible: 409,
  tasks_incomplete: 409,
  rate_limited: 429,
}

// ─── Building blocks ───────────────────────────────────────────────────────

/** A Beijing calendar date, YYYY-MM-DD (2026-02-30 is refused). */
export const IsoDate = z.iso.date({ error: API_MESSAGES.isoDate }).meta({ description: 'Beijing date YYYY-MM-DD', examples: ['2026-11-24'] })

export const HOUR_CATEGORIES = ['concentrated', 'online', 'self_study', 'practical', 'school_based'] as const
export const HourCategory = z.enum(HOUR_CATEGORIES, { error: API_MESSAGES.category })

/** One entry is dated one day, so it never exceeds a day's minutes. */
export const MAX_ENTRY_MINUTES = 24 * 60
export const MAX_REASON_LENGTH = 500

// ─── Errors ────────────────────────────────────────────────────────────────

export const ApiErrorBody = component(
  z.object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string().meta({ description: 'Chinese, for people' }),
      fields: z.record(z.string(), z.string()).optional().meta({ description: 'field (dot path) → its problem, in Chinese' }),
      retryAfterSeconds: z.number().int().optional().meta({ description: 'with rate_limited: seconds to wait (also the Retry-After header)' }),
      reasons: z.array(z.string()).optional().meta({ description: 'with not_eligible: the unmet conditions, one Chinese sentence each' }),
      existingId: z.string().optional().meta({ description: 'with conflict, where a record already exists (the enrollment in that group): its id' }),
    }),
  }),
  'Error',
  "Every error answer. 404 not_found is also the answer for anything outside the caller's scope.",
)

// ─── POST /api/v1/auth/token ──────────────────────────────────────────────

export const TokenRequest = component(
  z.object({
    username: z.string({ error: API_MESSAGES.required }).trim().min(1, API_MESSAGES.required).max(64),
    password: z.string({ error: API_MESSAGES.required }).min(1, API_MESSAGES.required).max(256),
  }),
  'TokenRequest',
  "A username (or the account's phone number) and its password.",
)

export const TokenResponse = component(
  z.object({
    token: z.string().meta({ description: 'Send as `Authorization: Bearer <token>`' }),
    expiresAt: z.iso.datetime({ offset: true }).meta({
      description:
        'Absolute expiry. The token is a session: it also ends after the idle time of the role (staff 30 minutes, learners and teachers 10 days) and on any password, role or scope change.',
    }),
  }),
  'TokenResponse',
)

// ─── POST /api/v1/enrollments/{id}/hours ──────────────────────────────────

export const HoursRequest = component(
  z.object({
    category: HourCategory,
    minutes: z
      .number({ error: API_MESSAGES.minutesInteger })
      .int(API_MESSAGES.minutesInteger)
      .min(-MAX_ENTRY_MINUTES, apiMessage('minutesRange', { max: MAX_ENTRY_MINUTES }))
      .max(MAX_ENTRY_MINUTES, apiMessage('minutesRange', { max: MAX_ENTRY_MINUTES }))
      .refine((m) => m !== 0, API_MESSAGES.minutesNonZero)
      .meta({ description: 'Whole minutes, not 0; negative minutes are a correction' }),
    date: IsoDate.meta({ description: 'The Beijing date the hours belong to; inside the enrollment period and not after today' }),
    reason: z
      .string({ error: API_MESSAGES.reasonRequired })
      .trim()
      .min(1, API_MESSAGES.reasonRequired)
      .max(MAX_REASON_LENGTH, apiMessage('reasonTooLong', { max: MAX_REASON_LENGTH })),
  }),
  'HoursRequest',
  'An audited adjustment of the hour ledger (coordinators and admins, in scope).',
)

export const HoursResponse = component(
  z.object({
    entryId: z.string(),
    enrollmentId: z.string(),
    category: HourCategory,
    minutes: z.number().int(),
    hours: z.number().meta({ description: "学时, one decimal, with the program's minutes per 学时" }),
    date: IsoDate,
  }),
  'HoursResponse',
)

// ─── GET /api/v1/enrollments/{id}/progress ────────────────────────────────

export const ProgressQuery = component(
  z.object({
    asOf: IsoDate.optional().meta({ description: 'Evaluate as of this Beijing date (default: today in Beijing)' }),
  }),
  'ProgressQuery',
)

export const ProgressRequirement = component(
  z.object({
    code: z.string().meta({ examples: ['self-study-and-online', 'round-hours'] }),
    label: z.string(),
    requiredHours: z.number().nullable().meta({ description: '学时 (one decimal); null for count requirements' }),
    earnedHours: z.number().nullable(),
    met: z.boolean(),
    blocking: z.boolean().meta({ description: 'false: advisory (shown, never refuses an outcome)' }),
    requiredMinutes: z.number().int().optional(),
    earnedMinutes: z.number().int().optional(),
    requiredCount: z.number().int().optional(),
    earnedCount: z.number().int().optional(),
    window: z.object({ start: IsoDate, end: IsoDate.nullable() }),
  }),
  'ProgressRequirement',
)

export const ProgressCourse = component(
  z.object({
    code: z.string(),
    name: z.string(),
    credits: z.number(),
    kind: z.enum(['culture', 'skill', 'internship']),
    state: z.enum(COURSE_STATES).meta({
      description: 'pending: no result yet; failed: the latest result failed; exempted: 免修/免考 approved; waived: internship waived for work experience',
    }),
    tasksComplete: z.boolean().meta({ description: 'Every 作业/实操 of the course is complete (an exam result can be recorded only then)' }),
  }),
  'ProgressCourse',
)

export const ProgressResponse = component(
  z.object({
    enrollmentId: z.string(),
    programCode: z.string(),
    groupCode: z.string(),
    groupName: z.string(),
    status: z.enum(['active', 'withdrawn', 'graduated', 'completed']).meta({ description: "The enrollment record's status (not the computed outcome)" }),
    asOf: IsoDate,
    startDate: IsoDate,
    periodEnd: IsoDate.nullable(),
    minutesPerHour: z.number().int(),
    requirements: z.array(ProgressRequirement),
    pace: z.object({
      requirementCode: z.string().nullable().meta({ description: 'The blocking requirement the pace is measured on' }),
      expectedMinutes: z.number().int(),
      earnedMinutes: z.number().int(),
      expectedHours: z.number(),
      earnedHours: z.number(),
      behind: z.boolean(),
      shareOfPeriod: z.number(),
    }),
    courses: z
      .array(ProgressCourse)
      .meta({ description: "The teaching plan of the class's major, each course with its state; [] for teacher-training rounds" }),
    credits: z.object({
      earned: z.number().meta({ description: 'Credits of passed, exempted and waived courses plus award/innovation credits (one decimal)' }),
      required: z.number().meta({ description: "Sum of the plan's course credits" }),
    }),
    outcome: z.object({
      status: z.enum(OUTCOME_STATUSES),
      reasons: z.array(z.string()).meta({ description: 'Why, in Chinese, e.g. 还差 2 门课程未通过：电子商务基础、网店运营' }),
      earlyGraduation: z.enum(['needed', 'pending', 'approved', 'rejected']).optional().meta({
        description:
          'Present while the period has not ended and every other graduation condition is met. needed: no approved request yet, so a graduation certificate cannot be issued before the period ends; pending / approved / rejected: the latest request',
      }),
    }),
  }),
  'Progress',
  'Progress of one enrollment: requirements from the one requirement engine, course states, credits and the outcome.',
)
