/**
 * The coordinator's class/round and course forms, shared by the browser
 * (Conform's instant checks) and the server (the authority). Messages come
 * from the caller's locale. Scope checks (region, organization) and
 * uniqueness are the server's, in the route and model.
 */
import { z } from 'zod'
import type { T } from '#app/i18n/index.ts'
import { CODE, COURSE_KINDS, TASK_KINDS } from './catalog-codes.ts'
import { planProblem, ROUND_TAGS } from './rounds.ts'
import { isIsoDate } from './time.ts'

/** Group codes: letters, digits and "-", stored upper-case (CH2026-ZZ01). */
export const GROUP_CODE = /^[A-Za-z0-9][A-Za-z0-9-]{1,29}$/

const oneDecimal = (n: number) => Math.abs(n * 10 - Math.round(n * 10)) < 1e-9

export function groupFormSchema(t: T, opts: { creating: boolean }) {
  const date = z.string({ error: t('catalog.error.dateInvalid') }).refine(isIsoDate, t('catalog.error.dateInvalid'))
  const plannedHours = z.coerce
    .number({ error: t('rounds.error.hoursInvalid') })
    .min(0, t('rounds.error.hoursInvalid'))
    .max(1000, t('rounds.error.hoursInvalid'))
    .refine(oneDecimal, t('rounds.error.hoursInvalid'))
    .optional()
  return z
    .object({
      intent: z.literal(opts.creating ? 'create' : 'update'),
      kind: z.enum(['class', 'round'], { error: t('catalog.error.kindRequired') }),
      code: opts.creating
        ? z
            .string({ error: t('catalog.error.codeInvalid') })
            .trim()
            .regex(GROUP_CODE, t('catalog.error.codeInvalid'))
            .transform((c) => c.toUpperCase())
        : z.string().optional(),
      name: z
        .string({ error: t('catalog.error.nameRequired') })
        .trim()
        .min(2, t('catalog.error.nameRequired'))
        .max(50, t('catalog.error.nameRequired')),
      majorId: z.string().optional(),
      regionId: z.string({ error: t('catalog.error.regionRequired') }).min(1, t('catalog.error.regionRequired')),
      organizationId: z.string().optional(),
      startDate: date,
      endDate: date.optional(),
      requiredHours: z.coerce
        .number({ error: t('catalog.error.hoursInvalid') })
        .positive(t('catalog.error.hoursInvalid'))
        .max(1000, t('catalog.error.hoursInvalid'))
        .refine(oneDecimal, t('catalog.error.hoursInvalid'))
        .optional(),
      template: z.string().optional(),
      // A round's programme (rounds only; app/domain/rounds.ts): online modules, planned 学时 per kind, tags.
      courseIds: z.array(z.string().min(1)),
      plannedConcentratedHours: plannedHours,
      plannedOnlineHours: plannedHours,
      plannedSchoolBasedHours: plannedHours,
      tags: z.array(z.enum(ROUND_TAGS, { error: t('rounds.error.tagUnknown') })),
    })
    .superRefine((v, ctx) => {
      if (v.kind === 'class' && !v.majorId) ctx.addIssue({ code: 'custom', path: ['majorId'], message: t('catalog.error.majorRequired') })
      if (v.kind === 'round' && !v.endDate && !v.template) ctx.addIssue({ code: 'custom', path: ['endDate'], message: t('catalog.error.endRequired') })
      if (v.endDate && v.startDate && v.endDate < v.startDate) {
        ctx.addIssue({ code: 'custom', path: ['endDate'], message: t('catalog.error.endBeforeStart') })
      }
      // The sum is checked here when the requirement is on the form; the server checks it always (and the modules' lessons).
      if (v.kind === 'round' && v.requiredHours !== undefined) {
        const problem = planProblem({ requiredHours: v.requiredHours, planned: plannedOf(v), availableOnlineHours: Infinity })
        if (problem?.code === 'plan_sum')
          ctx.addIssue({ code: 'custom', path: ['plan'], message: t('rounds.error.planSum', { total: problem.total, required: problem.required }) })
      }
    })
}

/** The form's planned 学时 per kind (null: left empty). */
export function plannedOf(v: { plannedConcentratedHours?: number; plannedOnlineHours?: number; plannedSchoolBasedHours?: number }) {
  return { concentrated: v.plannedConcentratedHours ?? null, online: v.plannedOnlineHours ?? null, school_based: v.plannedSchoolBasedHours ?? null }
}

export type GroupForm = z.output<ReturnType<typeof groupFormSchema>>

const credits = (t: T) =>
  z.coerce
    .number({ error: t('catalog.error.creditsInvalid') })
    .min(0, t('catalog.error.creditsInvalid'))
    .max(100, t('catalog.error.creditsInvalid'))
    .refine(oneDecimal, t('catalog.error.creditsInvalid'))

const courseCode = (t: T, message: Parameters<T>[0]) =>
  z
    .string({ error: t(message) })
    .trim()
    .transform((c) => c.toUpperCase())
    .pipe(z.string().regex(CODE, t(message)))

export function courseCreateSchema(t: T) {
  return z.object({
    intent: z.literal('create'),
    code: courseCode(t, 'catalog.error.courseCodeInvalid'),
    name: z
      .string({ error: t('catalog.error.nameRequired') })
      .trim()
      .min(2, t('catalog.error.nameRequired'))
      .max(50, t('catalog.error.nameRequired')),
    programId: z.string({ error: t('catalog.error.programRequired') }).min(1, t('catalog.error.programRequired')),
    credits: credits(t),
    kind: z.enum(COURSE_KINDS, { error: t('catalog.error.courseKindRequired') }),
  })
}

export function courseEditSchemas(t: T) {
  const name = z
    .string({ error: t('catalog.error.nameRequired') })
    .trim()
    .min(2, t('catalog.error.nameRequired'))
    .max(50, t('catalog.error.nameRequired'))
  const taskName = z
    .string({ error: t('catalog.error.nameRequired') })
    .trim()
    .min(2, t('catalog.error.nameRequired'))
    .max(100, t('catalog.error.nameRequired'))
  const taskKind = z.enum(TASK_KINDS, { error: t('catalog.error.taskKindRequired') })
  return z.discriminatedUnion('intent', [
    z.object({
      intent: z.literal('course'),
      name,
      credits: credits(t),
      kind: z.enum(COURSE_KINDS, { error: t('catalog.error.courseKindRequired') }),
      retired: z.literal('on').optional(),
    }),
    z.object({ intent: z.literal('addTask'), code: courseCode(t, 'catalog.error.taskCodeInvalid'), name: taskName, kind: taskKind }),
    z.object({ intent: z.literal('task'), taskId: z.string().min(1), name: taskName, kind: taskKind, retired: z.literal('on').optional() }),
  ])
}
