/**
 * Server side of the coordinator's class/round form: the choices a user may
 * make (majors, regions and organizations in their scope, round templates)
 * and the form's value checked against them and turned into a row, then
 * created or saved (app/models/groups.server.ts).
 */
import { regionScopeWhere, type Scope } from '#app/models/access.server.ts'
import { plannedOf, type GroupForm } from '#app/domain/catalog-forms.ts'
import { hasProgramme, normalizeRoundTags, planProblem, templateProgramme } from '#app/domain/rounds.ts'
import type { T } from '#app/i18n/index.ts'
import type { Db } from '#app/utils/db.server.ts'
import { listRoundTemplates } from './catalog.server.ts'
import { createGroup, updateGroup, type GroupInput } from './groups.server.ts'

export async function groupFormOptions(db: Db, scopes: Scope[]) {
  const regionWhere = regionScopeWhere(scopes)
  const [majors, regions, organizations, templates, courses] = await Promise.all([
    db.major.findMany({ where: { retiredAt: null }, orderBy: { code: 'asc' }, select: { id: true, code: true, name: true } }),
    db.region.findMany({
      where: { AND: [regionWhere, { level: { in: ['county', 'township', 'village'] } }] },
      orderBy: { path: 'asc' },
      select: { id: true, code: true, name: true, level: true, path: true },
    }),
    db.organization.findMany({ where: { region: regionWhere }, orderBy: { code: 'asc' }, select: { id: true, code: true, name: true } }),
    listRoundTemplates(),
    // A round's online modules: the current teacher-training courses.
    db.course.findMany({
      where: { retiredAt: null, program: { code: 'teacher-training' } },
      orderBy: { code: 'asc' },
      select: {
        id: true,
        code: true,
        name: true,
        program: { select: { minutesPerHour: true } },
        lessons: { where: { retiredAt: null }, select: { nominalMinutes: true } },
      },
    }),
  ])
  const modules = courses.map((c) => {
    const minutes = c.lessons.reduce((sum, l) => sum + l.nominalMinutes, 0)
    return {
      id: c.id,
      code: c.code,
      name: c.name,
      lessons: c.lessons.length,
      hours: Math.floor((minutes / c.program.minutesPerHour) * 10) / 10,
      minutes,
      minutesPerHour: c.program.minutesPerHour,
    }
  })
  return { majors, regions, organizations, templates, modules }
}

/** A template's programme as form values: planned 学时 per kind and its online modules (those that exist). */
export function templateDefaults(options: GroupFormOptions, templateCode: string) {
  const template = options.templates.find((x) => x.code === templateCode)
  if (!template?.sessions) return {}
  const { planned, courseCodes } = templateProgramme(template.sessions)
  const text = (h: number | null) => (h === null ? undefined : String(h))
  return {
    plannedConcentratedHours: text(planned.concentrated),
    plannedOnlineHours: text(planned.online),
    plannedSchoolBasedHours: text(planned.school_based),
    courseIds: courseCodes.flatMap((code) => options.modules.filter((m) => m.code === code).map((m) => m.id)),
  }
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
  if (value.organizationId && !options.organizations.some((o) => o.id === value.organizationId))
    errors.organizationId = [t('catalog.error.organizationInvalid')]
  if (value.kind === 'class' && !options.majors.some((m) => m.id === value.majorId)) errors.majorId = [t('catalog.error.majorRequired')]
  const template = value.kind === 'round' && value.template ? options.templates.find((x) => x.code === value.template) : undefined
  if (value.kind === 'round' && value.template && !template) errors.template = [t('catalog.error.templateUnknown')]
  const courseIds = value.kind === 'round' ? [...new Set(value.courseIds)] : []
  const modules = courseIds.map((id) => options.modules.find((m) => m.id === id))
  if (modules.some((m) => !m)) errors.courseIds = [t('rounds.error.moduleUnknown')]
  if (Object.keys(errors).length) return { errors }

  const program = await db.program.findUniqueOrThrow({
    where: { code: value.kind === 'class' ? 'skills-credential' : 'teacher-training' },
    select: { id: true, minutesPerHour: true },
  })
  const endDate = value.kind === 'round' ? (value.endDate ?? addDays(value.startDate, template!.days - 1)) : null
  const hours = value.kind === 'round' ? (value.requiredHours ?? template?.requiredHours ?? 40) : null
  // A round's programme: the three kinds add up to its 学时, and the modules can yield the online ones.
  const planned = value.kind === 'round' ? plannedOf(value) : { concentrated: null, online: null, school_based: null }
  const available = modules.reduce((sum, m) => sum + m!.minutes / m!.minutesPerHour, 0)
  const problem = hours === null ? null : planProblem({ requiredHours: hours, planned, availableOnlineHours: available })
  if (problem?.code === 'plan_sum') return { errors: { plan: [t('rounds.error.planSum', { total: problem.total, required: problem.required })] } }
  if (problem?.code === 'online_modules_short') {
    return { errors: { plannedOnlineHours: [t('rounds.error.onlineShort', { available: problem.available, planned: problem.planned })] } }
  }
  const minutes = (h: number | null) => (h === null || !hasProgramme(planned) ? null : Math.round(h * program.minutesPerHour))
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
      // A kind left empty in a programme is planned at 0.
      plannedConcentratedMinutes: minutes(planned.concentrated ?? 0),
      plannedOnlineMinutes: minutes(planned.online ?? 0),
      plannedSchoolBasedMinutes: minutes(planned.school_based ?? 0),
      tags: value.kind === 'round' ? normalizeRoundTags(value.tags) : [],
      courseIds,
    },
  }
}

type FieldErrors = Record<string, string[]>
type Actor = { id: string; ip?: string | null }

/**
 * The new-class/round form's use case: the value checked against the caller's
 * options, then the group created. Field errors to show, or the group;
 * CatalogEditError `code_taken` when the code exists.
 */
export async function createGroupFromForm(db: Db, scopes: Scope[], value: GroupForm & { code: string }, t: T, actor: Actor) {
  const resolved = await resolveGroupInput(db, await groupFormOptions(db, scopes), value, t)
  if (resolved.errors) return { errors: resolved.errors as FieldErrors }
  return { group: await createGroup(db, { ...resolved.input, code: value.code, kind: value.kind }, actor) }
}

/**
 * The edit form's use case for a group found in scope (findGroupForEdit): the
 * kind and program never change. Field errors to show, or nothing;
 * CatalogEditError `major_locked` when the major changes under enrollees.
 */
export async function saveGroupFromForm(db: Db, scopes: Scope[], groupId: string, value: GroupForm, t: T, actor: Actor): Promise<{ errors?: FieldErrors }> {
  const resolved = await resolveGroupInput(db, await groupFormOptions(db, scopes), { ...value, template: undefined }, t)
  if (resolved.errors) return { errors: resolved.errors }
  const { programId: _programId, ...input } = resolved.input
  await updateGroup(db, groupId, input, actor)
  return {}
}
