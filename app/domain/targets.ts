/**
 * Targets as data (issue 12, DESIGN.md §11): per region, program, metric and
 * period of whole years, optionally for rounds with a tag. content/targets.yaml
 * seeds them (only when absent); the bureau edits them afterwards.
 */
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'

export const TARGET_METRICS = ['person_times', 'persons', 'person_hours', 'completions', 'enrolled'] as const
export type TargetMetric = (typeof TARGET_METRICS)[number]

export const MIN_TARGET_YEAR = 2000
export const MAX_TARGET_YEAR = 2100
export const MAX_TARGET_VALUE = 10_000_000

const Period = z
  .union([z.number().int(), z.string().regex(/^\d{4}(-\d{4})?$/)])
  .transform((p) => {
    const [a, b] = String(p).split('-').map(Number) as [number, number | undefined]
    return { start: a, end: b ?? a }
  })
  .refine((p) => p.start >= MIN_TARGET_YEAR && p.end <= MAX_TARGET_YEAR && p.start <= p.end, 'period: years 2000–2100, start ≤ end')

const TargetEntry = z.object({
  region: z.union([z.string(), z.number()]).transform(String),
  program: z.string().min(1),
  metric: z.enum(TARGET_METRICS),
  period: Period,
  yearly: z.boolean().default(false),
  value: z.number().int().positive().max(MAX_TARGET_VALUE),
  roundTag: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/)
    .optional(),
  label: z.string().max(200).default(''),
})

const TargetsFile = z.object({ targets: z.array(TargetEntry) })

export type TargetSeed = {
  regionCode: string
  programCode: string
  metric: TargetMetric
  periodStartYear: number
  periodEndYear: number
  value: number
  roundTag: string
  label: string
}

/** content/targets.yaml → one seed per target (a yearly one expanded per year); errors name the entry and field. */
export function parseTargets(yamlText: string, file = 'targets.yaml'): TargetSeed[] {
  const result = TargetsFile.safeParse(parseYaml(yamlText))
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`)
  }
  return result.data.targets.flatMap((t) => {
    const years = t.yearly ? Array.from({ length: t.period.end - t.period.start + 1 }, (_, i) => t.period.start + i) : [null]
    return years.map((y) => ({
      regionCode: t.region,
      programCode: t.program,
      metric: t.metric,
      periodStartYear: y ?? t.period.start,
      periodEndYear: y ?? t.period.end,
      value: t.value,
      roundTag: t.roundTag ?? '',
      label: t.label,
    }))
  })
}

/** A target's period as dates: 1 January of the first year to 31 December of the last. */
export const targetRange = (t: { periodStartYear: number; periodEndYear: number }) => ({ from: `${t.periodStartYear}-01-01`, to: `${t.periodEndYear}-12-31` })

export type TargetInput = { value: number; label: string }

/** The bureau's edit of a target: a whole number 1–10,000,000 and a label of at most 200 characters. Message keys for errors. */
export function checkTargetInput(raw: {
  value: string
  label: string
}): { ok: true; value: TargetInput } | { ok: false; field: 'value' | 'label'; error: 'targets.error.value' | 'targets.error.label' } {
  const v = raw.value.replace(/[,，\s]/g, '')
  if (!/^\d{1,8}$/.test(v) || Number(v) < 1 || Number(v) > MAX_TARGET_VALUE) return { ok: false, field: 'value', error: 'targets.error.value' }
  const label = raw.label.trim()
  if (label.length > 200 || [...label].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return { ok: false, field: 'label', error: 'targets.error.label' }
  return { ok: true, value: { value: Number(v), label } }
}
