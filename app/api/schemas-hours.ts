/**
 * API v1 schemas of POST /api/v1/hours/batch (../shared/api-v1.md): another
 * platform's days of study, synced. Registered in `apiSchemas` for the
 * OpenAPI document like app/api/schemas.ts. The handler checks the envelope
 * first (at most 1,000 entries), then each entry with HoursBatchEntry, so
 * one bad entry is an entry error and the good ones are kept.
 */
import { z } from 'zod'
import { API_MESSAGES, apiMessage } from './messages.ts'
import { apiSchemas, HourCategory, IsoDate, MAX_ENTRY_MINUTES, MAX_REASON_LENGTH } from './schemas.ts'

function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  apiSchemas.add(schema, { id, ...(description ? { description } : {}) })
  return schema
}

export const MAX_BATCH_ENTRIES = 1000
export const MAX_EXTERNAL_ID = 100

export const HOURS_BATCH_MESSAGES = {
  entries: `entries 应为 1 到 ${MAX_BATCH_ENTRIES} 条记录的数组`,
  enrollmentId: 'enrollmentId 应为学籍（报名）记录的 id',
  externalId: `externalId 应为 1 到 ${MAX_EXTERNAL_ID} 个可见字符（对方平台这一天这条记录的编号）`,
  entry: '每条记录应为一个对象',
} as const

export const HoursBatchEntry = component(
  z.object(
    {
      enrollmentId: z
        .string({ error: HOURS_BATCH_MESSAGES.enrollmentId })
        .trim()
        .min(1, HOURS_BATCH_MESSAGES.enrollmentId)
        .max(64, HOURS_BATCH_MESSAGES.enrollmentId),
      category: HourCategory,
      minutes: z
        .number({ error: API_MESSAGES.minutesInteger })
        .int(API_MESSAGES.minutesInteger)
        .min(-MAX_ENTRY_MINUTES, apiMessage('minutesRange', { max: MAX_ENTRY_MINUTES }))
        .max(MAX_ENTRY_MINUTES, apiMessage('minutesRange', { max: MAX_ENTRY_MINUTES }))
        .refine((m) => m !== 0, API_MESSAGES.minutesNonZero)
        .meta({ description: 'One day: 1–1,440 minutes, or a negative correction (not 0)' }),
      date: IsoDate.meta({ description: 'The Beijing day of the study; inside the enrollment period and not after today' }),
      reason: z
        .string({ error: API_MESSAGES.reasonRequired })
        .trim()
        .min(1, API_MESSAGES.reasonRequired)
        .max(MAX_REASON_LENGTH, apiMessage('reasonTooLong', { max: MAX_REASON_LENGTH })),
      externalId: z
        .string({ error: HOURS_BATCH_MESSAGES.externalId })
        .regex(new RegExp(`^[\\x21-\\x7e]{1,${MAX_EXTERNAL_ID}}$`), HOURS_BATCH_MESSAGES.externalId)
        .meta({
          description:
            "The other platform's id of this record, unique per enrollment: the same externalId again with the same content is unchanged, with other content a conflict",
        }),
    },
    { error: HOURS_BATCH_MESSAGES.entry },
  ),
  'HoursBatchEntry',
  "One day's study of one enrollment, from another platform.",
)

export const HoursBatchRequest = component(
  z.object({
    entries: z
      .array(HoursBatchEntry, { error: HOURS_BATCH_MESSAGES.entries })
      .min(1, HOURS_BATCH_MESSAGES.entries)
      .max(MAX_BATCH_ENTRIES, HOURS_BATCH_MESSAGES.entries),
  }),
  'HoursBatchRequest',
  'At most 1,000 entries (body at most 512 KB). Coordinators and admins, for enrollments whose class or round is in their scope.',
)

/** The envelope as the handler reads it: each entry is then checked by itself with HoursBatchEntry. */
export const HoursBatchEnvelope = HoursBatchRequest.extend({
  entries: z
    .array(z.unknown(), { error: HOURS_BATCH_MESSAGES.entries })
    .min(1, HOURS_BATCH_MESSAGES.entries)
    .max(MAX_BATCH_ENTRIES, HOURS_BATCH_MESSAGES.entries),
})

export const HoursBatchError = component(
  z.object({
    index: z.number().int().meta({ description: 'Position of the entry in `entries` (from 0)' }),
    code: z.enum(['not_found', 'validation_failed', 'conflict']).meta({
      description:
        "not_found: no such enrollment, or outside the caller's scope (the same message); validation_failed: a bad field; conflict: the externalId is already used with other content",
    }),
    field: z.string().meta({ description: "The entry's field the error is about" }),
    message: z.string().meta({ description: 'Chinese' }),
  }),
  'HoursBatchError',
)

export const HoursBatchResponse = component(
  z.object({
    created: z.number().int().meta({ description: 'Entries recorded now' }),
    unchanged: z.number().int().meta({ description: 'Entries whose externalId was already recorded with the same content (nothing recorded twice)' }),
    errors: z.array(HoursBatchError).meta({ description: 'Refused entries; the others are kept' }),
  }),
  'HoursBatchResponse',
)
