/**
 * API v1 schemas of the statistics (../shared/api-v1.md "Person-times"):
 * GET /api/v1/stats/person-times. Registered in `apiSchemas` for the OpenAPI
 * document like app/api/schemas.ts.
 */
import { z } from 'zod'
import { STATS_GROUP_BYS } from '#app/domain/person-times.ts'
import { apiSchemas, IsoDate } from './schemas.ts'

function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  apiSchemas.add(schema, { id, ...(description ? { description } : {}) })
  return schema
}

export const STATS_MESSAGES = {
  groupBy: `分组方式应为 ${STATS_GROUP_BYS.join('、')} 之一`,
  order: '结束日期不能早于开始日期',
  span: '统计区间最长 30 年',
  programCode: '没有这个项目代码',
} as const

const MAX_SPAN_DAYS = 30 * 366

export const PersonTimesQuery = component(
  z
    .object({
      from: IsoDate.meta({ description: 'First Beijing date counted (inclusive)' }),
      to: IsoDate.meta({ description: 'Last Beijing date counted (inclusive)' }),
      programCode: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .optional()
        .meta({ description: 'Only this program: skills-credential or teacher-training', examples: ['teacher-training'] }),
      groupBy: z.enum(STATS_GROUP_BYS, { error: STATS_MESSAGES.groupBy }).default('none').meta({
        description:
          "county, township, school: by the person's home region or school; group: by the class or round; none: one row. Also program and major. Default none.",
      }),
    })
    .superRefine((q, ctx) => {
      if (q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: STATS_MESSAGES.order })
      else if ((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 > MAX_SPAN_DAYS)
        ctx.addIssue({ code: 'custom', path: ['to'], message: STATS_MESSAGES.span })
    }),
  'PersonTimesQuery',
)

const Figures = {
  personTimes: z
    .number()
    .int()
    .meta({ description: '人次: enrollments (a person in one class or round) with net credited minutes > 0 dated within [from, to]' }),
  persons: z.number().int().meta({ description: 'Distinct people among them (in the totals: distinct over all rows, never a sum of rows)' }),
  personHours: z.number().meta({ description: "人学时: those net minutes as 学时 (each program's minutes per 学时), one decimal" }),
  completions: z.number().int().meta({ description: 'Graduation, completion and training certificates issued in the range (Beijing date) and not revoked' }),
}

export const PersonTimesResponse = component(
  z.object({
    rows: z.array(
      z.object({
        key: z.string().meta({
          description: 'Region code (county, township), school code, program, major or group code; "all" for groupBy=none; "" for people without a school',
        }),
        label: z.string(),
        ...Figures,
      }),
    ),
    totals: z.object(Figures),
    from: IsoDate,
    to: IsoDate,
    groupBy: z.enum(STATS_GROUP_BYS),
    programCode: z.string().optional(),
  }),
  'PersonTimes',
  "Person-times within the caller's scope, per row of the grouping and in total.",
)
