/**
 * Server side of the coordinator's class/round form: the choices a user may
 * make (majors, regions and organizations in their scope, round templates)
 * and the form's value checked against them and turned into a row.
 */
import { regionScopeWhere, type Scope } from '#app/models/access.server.ts'
import type { GroupForm } from '#app/domain/catalog-forms.ts'
import type { T } from '#app/i18n/index.ts'
import type { Db } from '#app/utils/db.server.ts'
import { listRoundTemplates, type GroupInput } from './catalog.server.ts'

export async function groupFormOptions(db: Db, scopes: Scope[]) {
  const regionWhere = regionScopeWhere(scopes)
  const [majors, regions, organizations, templates] = await Promise.all([
    db.major.findMany({ where: { retiredAt: null }, orderBy: { code: 'asc' }, select: { id: true, code: true, name: true } }),
    db.region.findMany({
      where: { AND: [regionWhere, { level: { in: ['county', 'township', 'village'] } }] },
      orderBy: { path: 'asc' },
      select: { id: true, code: true, name: true, level: true, path: true },
    }),
    db.organization.findMany({ where: { region: regionWhere }, orderBy: { code: 'asc' }, select: { id: true, code: true, name: true } }),
    listRoundTemplates(),
  ])
  return { majors, regions, organizations, templates }
}

export type GroupFormOptions = Awaited<ReturnType<typeof groupFormOptions>>

const day = (d: string) => new Date(`${d}T00:00:00Z`)
const addDays = (d: string, n: number) => new Date(day(d).getTime() + n * 86_400_000).toISOString().slice(0, 10)

/**
 * The form's value as a row, or the field errors a user can fix: the region
 * and organization must lie in the user's scope, the major must be current.
 */
export async function resolveGroupInput(
  db: Db,
  options: GroupFormOptions,
  value: GroupForm,
  t: T,
): Promise<{ input: GroupInput & { programId: string }; errors?: undefined } | { errors: Record<string, string[]>; input?: undefined }> {
  const errors: Record<string, string[]> = {}
  if (!options.regions.some((r) => r.id === value.regionId)) errors.regionId = [t('catalog.error.regionRequired')]
  if (value.organizationId && !options.organizations.some((o) => o.id === value.organizationId)) errors.organizationId = [t('catalog.error.organizationInvalid')]
  if (value.kind === 'class' && !options.majors.some((m) => m.id === value.majorId)) errors.majorId = [t('catalog.error.majorRequired')]
  const template = value.kind === 'round' && value.template ? options.templates.find((x) => x.code === value.template) : undefined
  if (value.kind === 'round' && value.template && !template) errors.template = [t('catalog.error.templateUnknown')]
  if (Object.keys(errors).length) return { errors }

  const program = await db.program.findUniqueOrThrow({
    where: { code: value.kind === 'class' ? 'skills-credential' : 'teacher-training' },
    select: { id: true, minutesPerHour: true },
  })
  const endDate = value.kind === 'round' ? (value.endDate ?? addDays(value.startDate, template!.days - 1)) : null
  const hours = value.kind === 'round' ? (value.requiredHours ?? template?.requiredHours ?? 40) : null
  return {
    input: {
      programId: program.id,
      name: value.name,
      majorId: value.kind === 'class' ? value.majorId! : null,
      regionId: value.regionId,
      organizationId: value.organizationId || null,
      startDate: day(value.startDate),
      endDate: endDate ? day(endDate) : null,
      requiredMinutes: hours === null ? null : Math.round(hours * program.minutesPerHour),
    },
  }
}

/** Where a catalog edit by this user is audited: their own jurisdiction (null = admin only). */
export function actorScopePath(scopes: Scope[]): string | null {
  for (const s of scopes) {
    if (s.kind === 'region') return s.path
    if (s.kind === 'organization') return s.regionPath
  }
  return null
}
