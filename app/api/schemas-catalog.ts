/**
 * API v1 schemas of the catalog (../shared/api-v1.md): GET /api/v1/programs
 * and GET /api/v1/groups/{code}. Registered in `apiSchemas` for the OpenAPI
 * document like app/api/schemas.ts.
 */
import { z } from 'zod'
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#app/domain/paging.ts'
import { apiSchemas, IsoDate } from './schemas.ts'

function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  apiSchemas.add(schema, { id, ...(description ? { description } : {}) })
  return schema
}

export const GroupSummary = component(
  z.object({
    code: z.string().meta({ examples: ['CH2026-ZZ01'] }),
    name: z.string(),
    kind: z.enum(['class', 'round']).meta({ description: 'class (班级, skills-plus-credential) or round (培训项目, teacher training)' }),
    majorCode: z.string().optional().meta({ description: 'Classes: the major (专业)' }),
    regionCode: z.string(),
    startDate: IsoDate,
    endDate: IsoDate.optional().meta({ description: 'Rounds: the last day of the round' }),
  }),
  'GroupSummary',
)

export const ProgramsResponse = component(
  z.array(
    z.object({
      code: z.string().meta({ examples: ['skills-credential', 'teacher-training'] }),
      name: z.string(),
      minutesPerHour: z.number().int(),
      groups: z.array(GroupSummary).meta({ description: 'The classes and rounds the caller may see' }),
    }),
  ),
  'Programs',
  "The programs with the classes and rounds in the caller's scope (staff), or those the caller is enrolled in (learners, teachers).",
)

export const GroupTask = component(
  z.object({ code: z.string().meta({ examples: ['SC-ZZ-101-T1'] }), name: z.string(), kind: z.enum(['assignment', 'practical']) }),
  'GroupTask',
)

export const GroupCourse = component(
  z.object({
    code: z.string().meta({ examples: ['SC-ZZ-101'] }),
    name: z.string(),
    credits: z.number().meta({ description: '学分, one decimal' }),
    kind: z.enum(['culture', 'skill', 'internship']),
    tasks: z.array(GroupTask).meta({ description: '作业/实操 that must be complete before an exam result is recorded' }),
  }),
  'GroupCourse',
)

export const GroupResponse = component(
  z.object({
    code: z.string(),
    name: z.string(),
    programCode: z.string(),
    kind: z.enum(['class', 'round']),
    majorCode: z.string().optional(),
    majorName: z.string().optional(),
    regionCode: z.string(),
    regionName: z.string(),
    organizationCode: z.string().optional(),
    startDate: IsoDate,
    endDate: IsoDate.optional(),
    requiredHours: z.number().optional().meta({ description: 'Rounds: the 学时 the round requires (40 unless it says otherwise)' }),
    courses: z.array(GroupCourse).meta({ description: 'Classes: the teaching plan of the major, in order. Rounds: empty.' }),
  }),
  'Group',
)

// ─── GET /api/v1/groups/{code}/enrollments ────────────────────────────────

export const PageQuery = component(
  z.object({
    cursor: z.string().max(400).optional().meta({ description: 'Opaque: the nextCursor of the previous page' }),
    limit: z.coerce
      .number({ error: `limit 应为 1 到 ${MAX_PAGE_SIZE} 的整数` })
      .int(`limit 应为 1 到 ${MAX_PAGE_SIZE} 的整数`)
      .min(1, `limit 应为 1 到 ${MAX_PAGE_SIZE} 的整数`)
      .max(MAX_PAGE_SIZE, `limit 应为 1 到 ${MAX_PAGE_SIZE} 的整数`)
      .optional()
      .meta({ description: `Items per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE})` }),
  }),
  'PageQuery',
)

export const GroupEnrollmentsPage = component(
  z.object({
    items: z.array(
      z.object({
        id: z.string(),
        personId: z.string(),
        name: z.string(),
        status: z.enum(['active', 'withdrawn', 'graduated', 'completed']),
        startDate: IsoDate,
        periodEnd: IsoDate.nullable(),
      }),
    ),
    nextCursor: z.string().nullable().meta({ description: 'Pass as ?cursor= for the next page; null on the last page' }),
  }),
  'GroupEnrollmentsPage',
  'Ordered by startDate, then id.',
)
