/**
 * Requirement policies as data (DESIGN.md §2.3): one versioned YAML file per
 * program in content/policies/, validated here with zod at load.
 *
 * A requirement is one of three kinds:
 * - `min_hours`: the sum of some ledger categories reaches `minHours` 学时;
 * - `not_below`: the sum of `categories` is not below the sum of `compareTo`;
 * - `min_count`: a counted fact (`metric`, e.g. lesson observations) reaches `minCount`.
 * Each is measured in a window, is blocking or advisory, and may apply only
 * to people with one of some roles.
 */
import { z } from 'zod'
import { parse as parseYaml } from 'yaml'
import { HOUR_CATEGORIES, type HourCategory } from './hour-categories.ts'

/** Ledger categories (DESIGN.md §3), in their own zod-free module for the browser. */
export { HOUR_CATEGORIES, type HourCategory }

/** Counted (non-hour) facts a `min_count` requirement may use. */
export const COUNT_METRICS = ['observations'] as const
export type CountMetric = (typeof COUNT_METRICS)[number]

/** One 学时 is 45 minutes unless the policy says otherwise. */
export const DEFAULT_MINUTES_PER_HOUR = 45
/** Online credit per day is capped at 8 学时 unless the policy says otherwise. */
export const DEFAULT_DAILY_ONLINE_CAP_HOURS = 8

const slug = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_"')
const categoryList = z
  .array(z.enum(HOUR_CATEGORIES))
  .min(1, 'must list at least one category')
  .refine((list) => new Set(list).size === list.length, 'must not repeat a category')

const windowSchema = z.discriminatedUnion('kind', [
  /** From the enrollment's start date to its period end. */
  z.strictObject({ kind: z.literal('enrollment') }),
  /** The group's (round's) window; the enrollment period when there is none. */
  z.strictObject({ kind: z.literal('round') }),
  /** The calendar year containing the evaluation date. */
  z.strictObject({ kind: z.literal('calendar_year') }),
  /** The semester containing the evaluation date: spring 1 Feb–31 Jul, autumn 1 Aug–31 Jan. */
  z.strictObject({ kind: z.literal('semester') }),
  /** The N-year cycle containing the evaluation date, cycles starting 1 Jan of anchorYear + k·years. */
  z.strictObject({
    kind: z.literal('cycle'),
    years: z.number().int().min(1).max(20),
    anchorYear: z.number().int().min(1990).max(2200),
  }),
])

const common = {
  code: slug,
  label: z.string().trim().min(1, 'must not be empty'),
  window: windowSchema,
  blocking: z.boolean(),
  roles: z.array(slug).min(1, 'must list at least one role').optional(),
}

const requirementSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('min_hours'),
    ...common,
    categories: categoryList,
    minHours: z.number().positive(),
    /** The group (round) may set its own required minutes instead of minHours. */
    overridable: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('not_below'),
    ...common,
    categories: categoryList,
    compareTo: categoryList,
  }),
  z.strictObject({
    kind: z.literal('min_count'),
    ...common,
    metric: z.enum(COUNT_METRICS),
    minCount: z.number().int().positive(),
  }),
])

export const policySchema = z
  .strictObject({
    version: z.string().regex(/^\d{4}\.\d+$/, 'must look like "2026.1"'),
    program: slug,
    name: z.string().trim().min(1).optional(),
    source: z.string().trim().min(1).optional(),
    minutesPerHour: z.number().int().positive().default(DEFAULT_MINUTES_PER_HOUR),
    dailyOnlineCapMinutes: z.number().int().positive().optional(),
    requirements: z.array(requirementSchema).min(1, 'must list at least one requirement'),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>()
    policy.requirements.forEach((r, i) => {
      if (seen.has(r.code)) ctx.addIssue({ code: 'custom', path: ['requirements', i, 'code'], message: `duplicate code "${r.code}"` })
      seen.add(r.code)
    })
  })
  .transform((policy) => ({
    ...policy,
    dailyOnlineCapMinutes: policy.dailyOnlineCapMinutes ?? DEFAULT_DAILY_ONLINE_CAP_HOURS * policy.minutesPerHour,
  }))

export type Policy = z.output<typeof policySchema>
export type Requirement = Policy['requirements'][number]
export type RequirementWindow = Requirement['window']

export type PolicyIssue = { path: string; message: string }

/** A policy file that is not valid YAML or does not match the schema; the message names each field. */
export class PolicyError extends Error {
  readonly issues: PolicyIssue[]
  constructor(issues: PolicyIssue[], source?: string) {
    const where = source ? ` (${source})` : ''
    super(`Invalid policy${where}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`)
    this.name = 'PolicyError'
    this.issues = issues
  }
}

/** Parse and validate a policy file's text. `source` (e.g. a file name) only goes into error messages. */
export function parsePolicy(yamlText: string, source?: string): Policy {
  let data: unknown
  try {
    data = parseYaml(yamlText)
  } catch (error) {
    throw new PolicyError([{ path: '', message: `not valid YAML: ${(error as Error).message}` }], source)
  }
  const result = policySchema.safeParse(data, { error: readableMessage })
  if (!result.success) {
    throw new PolicyError(
      result.error.issues.map((issue) => {
        const path = formatPath(issue.path)
        if (issue.code !== 'unrecognized_keys') return { path, message: issue.message }
        return { path, message: `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` }
      }),
      source,
    )
  }
  return result.data
}

/** requirements[0].window.kind */
export function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('')
}

const TYPE_NAMES: Record<string, string> = { array: 'a list', object: 'a mapping of fields', string: 'text', number: 'a number', boolean: 'true or false' }
const list = (values: readonly unknown[]) => values.map(String).join(', ')

/** Shorter messages than zod's defaults for the mistakes people make in policy files. */
export function readableMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required'
      if (issue.expected === 'string' && typeof issue.input === 'number') return `must be text (quote it: "${issue.input}")`
      return `must be ${TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`}`
    case 'invalid_value':
      return `unknown value ${JSON.stringify(issue.input)} (expected one of ${list(issue.values)})`
    case 'too_small':
      if (issue.origin !== 'number') return undefined
      return issue.inclusive ? `must be at least ${issue.minimum}` : `must be more than ${issue.minimum}`
    case 'too_big':
      if (issue.origin !== 'number') return undefined
      return issue.inclusive ? `must be at most ${issue.maximum}` : `must be less than ${issue.maximum}`
    case 'invalid_union': {
      const input = issue.input as Record<string, unknown> | undefined
      const options = 'options' in issue && Array.isArray(issue.options) ? list(issue.options) : undefined
      if (!options) return undefined
      return input?.kind === undefined ? `is required (one of ${options})` : `unknown kind ${JSON.stringify(input.kind)} (expected one of ${options})`
    }
    default:
      return undefined
  }
}
