/**
 * Targets (issue 12): seeded from content/targets.yaml only when absent, read
 * with their progress (the figures of app/models/person-times.server.ts over
 * the target's period, in the target region), edited by county bureau users
 * and the admin, every edit audited.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { targetProgress } from '#app/domain/person-times.ts'
import { STATS_READERS } from '#app/domain/roles.ts'
import { parseTargets, targetRange, type TargetInput, type TargetMetric, type TargetSeed } from '#app/domain/targets.ts'
import { beijingDate } from '#app/domain/time.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { regionScopeWhere, scopesFor, type CurrentUser, type Scope } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { ForbiddenError, NotFoundError } from './errors.server.ts'
import { enrolledCount, personTimeStats } from './person-times.server.ts'

export const TARGETS_FILE = path.resolve(import.meta.dirname, '../../content/targets.yaml')

/** The seeds of content/targets.yaml, validated (read before any write). */
export async function readTargetSeeds(file = TARGETS_FILE): Promise<TargetSeed[]> {
  return parseTargets(await readFile(file, 'utf8'), path.basename(file))
}

/**
 * Inserts the seeds that are absent (same region, program, metric, period and
 * tag); a target already there keeps its edited value. Regions or programs
 * that do not exist are skipped.
 */
export async function syncTargets(tx: Db | Tx, seeds: TargetSeed[]): Promise<{ added: number }> {
  const regions = new Map(
    (await tx.region.findMany({ where: { code: { in: [...new Set(seeds.map((s) => s.regionCode))] } }, select: { id: true, code: true } })).map((r) => [
      r.code,
      r.id,
    ]),
  )
  const programs = new Set((await tx.program.findMany({ select: { code: true } })).map((p) => p.code))
  const data = seeds.flatMap((s) => {
    const regionId = regions.get(s.regionCode)
    if (!regionId || !programs.has(s.programCode)) return []
    const { regionCode: _code, ...rest } = s
    return [{ id: newId(), regionId, ...rest, fromContent: true }]
  })
  if (data.length === 0) return { added: 0 }
  const { count } = await tx.target.createMany({ data, skipDuplicates: true })
  return { added: count }
}

/** County bureau users (a bureau grant on a county or below) may edit targets in their county; the admin everywhere. */
function editableBy(user: Pick<CurrentUser, 'grants'>, regionPath: string): boolean {
  return user.grants.some(
    (g) =>
      (g.role === 'admin' && g.scope.kind === 'all') ||
      (g.role === 'bureau' && g.scope.kind === 'region' && g.scope.path.split('/').filter(Boolean).length >= 3 && regionPath.startsWith(g.scope.path)),
  )
}

export const mayEditSomeTargets = (user: Pick<CurrentUser, 'grants'>) =>
  user.grants.some(
    (g) =>
      (g.role === 'admin' && g.scope.kind === 'all') ||
      (g.role === 'bureau' && g.scope.kind === 'region' && g.scope.path.split('/').filter(Boolean).length === 3),
  )

export type TargetWithProgress = {
  id: string
  regionCode: string
  regionName: string
  programCode: string
  metric: TargetMetric
  periodStartYear: number
  periodEndYear: number
  value: number
  roundTag: string
  label: string
  actual: number
  percent: number
  gap: number
  onTrack: boolean
  expectedByNow: number
  perMonthNeeded: number | null
  editable: boolean
}

/** What a target's metric counts, in its region (the reading rule of scope), over its period. */
export async function targetActual(
  db: Db | Tx,
  t: { metric: TargetMetric; programCode: string; roundTag: string; periodStartYear: number; periodEndYear: number },
  region: { id: string; code: string; name: string; path: string },
) {
  const range = targetRange(t)
  const scopes: Scope[] = [{ kind: 'region', regionId: region.id, code: region.code, name: region.name, path: region.path }]
  const filter = { scopes, programCode: t.programCode, roundTag: t.roundTag || null }
  if (t.metric === 'enrolled') return enrolledCount(db, range, filter)
  const { totals } = await personTimeStats(db, range, { ...filter, groupBy: 'none' })
  return t.metric === 'person_times'
    ? totals.personTimes
    : t.metric === 'persons'
      ? totals.persons
      : t.metric === 'person_hours'
        ? totals.personHours
        : totals.completions
}

/**
 * The targets of regions in the caller's scope (optionally only those whose
 * period overlaps [fromYear, toYear]), with actual figures, gap and pace as of
 * `asOf`, and whether the caller may edit each.
 */
export async function listTargets(db: Db, user: CurrentUser, opts: { fromYear?: number; toYear?: number; asOf?: string } = {}): Promise<TargetWithProgress[]> {
  const scopes = scopesFor(user, STATS_READERS)
  if (scopes.length === 0) throw new ForbiddenError()
  const asOf = opts.asOf ?? beijingDate(new Date())
  const targets = await db.target.findMany({
    where: {
      region: regionScopeWhere(scopes),
      ...(opts.toYear != null ? { periodStartYear: { lte: opts.toYear } } : {}),
      ...(opts.fromYear != null ? { periodEndYear: { gte: opts.fromYear } } : {}),
    },
    include: { region: { select: { id: true, code: true, name: true, path: true } } },
    orderBy: [
      { region: { code: 'asc' } },
      { programCode: 'asc' },
      { periodStartYear: 'asc' },
      { periodEndYear: 'asc' },
      { metric: 'asc' },
      { roundTag: 'asc' },
    ],
  })
  // Each target's actual value is a statement of its own (its period, program, tag and region); they run side by side.
  const actuals = await Promise.all(targets.map((t) => targetActual(db, t, t.region)))
  return targets.map((t, i) => {
    const actual = actuals[i]!
    const range = targetRange(t)
    const progress = targetProgress({ value: t.value, periodStart: range.from, periodEnd: range.to }, actual, asOf)
    return {
      id: t.id,
      regionCode: t.region.code,
      regionName: t.region.name,
      programCode: t.programCode,
      metric: t.metric,
      periodStartYear: t.periodStartYear,
      periodEndYear: t.periodEndYear,
      value: t.value,
      roundTag: t.roundTag,
      label: t.label,
      actual,
      ...progress,
      editable: editableBy(user, t.region.path),
    }
  })
}

/** The bureau's edit of one target (value and label), audited with before and after. */
export async function updateTarget(db: Db, user: CurrentUser, targetId: string, input: TargetInput, opts: { ip?: string | null } = {}) {
  const scopes = scopesFor(user, STATS_READERS)
  if (scopes.length === 0) throw new ForbiddenError()
  return db.$transaction(async (tx) => {
    const target = await tx.target.findFirst({ where: { id: targetId, region: regionScopeWhere(scopes) }, include: { region: { select: { path: true } } } })
    if (!target) throw new NotFoundError('record')
    if (!editableBy(user, target.region.path)) throw new ForbiddenError()
    const before = { value: target.value, label: target.label }
    const updated = await tx.target.update({ where: { id: target.id }, data: { value: input.value, label: input.label, updatedById: user.id } })
    await recordAudit(tx, {
      actorId: user.id,
      action: 'target.update',
      entityType: 'Target',
      entityId: target.id,
      before,
      after: {
        value: updated.value,
        label: updated.label,
        metric: target.metric,
        programCode: target.programCode,
        period: [target.periodStartYear, target.periodEndYear],
        roundTag: target.roundTag,
      },
      ip: opts.ip ?? null,
      scopePath: target.region.path,
    })
    return updated
  })
}

/** Program codes and names, for labels. */
export async function listProgramNames(db: Db | Tx) {
  return db.program.findMany({ orderBy: { code: 'asc' }, select: { code: true, name: true } })
}
