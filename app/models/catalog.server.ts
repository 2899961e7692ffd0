/**
 * The catalog in the database: content/catalog/ loaded by `npm run
 * content:sync` (app/server/content-sync.ts), and the coordinator's own
 * courses, classes and rounds.
 *
 * Sync rules: rows are matched by code; a row is written only when a value
 * differs (a second run writes nothing); what left the files is RETIRED
 * (retiredAt), never deleted, so results, credits and completions that refer
 * to it stay; what comes back is un-retired. Only rows the content owns are
 * touched: majors and courses with `fromContent`, and the tasks, lessons and
 * plan items of those. A course a coordinator created in the UI is left
 * alone; a content course a coordinator edited is set back to the file.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseCatalog, type Catalog, type CatalogFile, type RoundTemplate } from '#app/domain/catalog.ts'
import { Prisma } from '#app/generated/prisma/client.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { recordAudit } from './audit.server.ts'
import { newId } from '#app/utils/ids.server.ts'

export const CATALOG_DIR = path.resolve(import.meta.dirname, '../../content/catalog')

/** The YAML files of content/catalog/ (top level and courses/), as paths relative to it. */
export async function readCatalogFiles(dir = CATALOG_DIR): Promise<CatalogFile[]> {
  const files: CatalogFile[] = []
  const isYaml = (n: string) => n.endsWith('.yaml') || n.endsWith('.yml')
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && isYaml(entry.name)) files.push({ file: entry.name, text: await readFile(path.join(dir, entry.name), 'utf8') })
    if (entry.isDirectory() && entry.name === 'courses') {
      for (const name of (await readdir(path.join(dir, 'courses'))).filter(isYaml).sort()) {
        files.push({ file: `courses/${name}`, text: await readFile(path.join(dir, 'courses', name), 'utf8') })
      }
    }
  }
  return files
}

/** Reads and validates content/catalog; throws a CatalogError naming file and field. */
export async function loadCatalog(dir = CATALOG_DIR): Promise<Catalog> {
  return parseCatalog(await readCatalogFiles(dir))
}

let templatesCache: { at: number; templates: RoundTemplate[] } | null = null

/** Round templates for the coordinator's form (read from content, cached for a minute). */
export async function listRoundTemplates(): Promise<RoundTemplate[]> {
  if (templatesCache && Date.now() - templatesCache.at < 60_000) return templatesCache.templates
  const templates = (await loadCatalog()).templates
  templatesCache = { at: Date.now(), templates }
  return templates
}

export type SyncCounts = { added: number; updated: number; retired: number; unchanged: number }
export type CatalogSyncResult = Record<'programs' | 'majors' | 'courses' | 'tasks' | 'lessons' | 'planItems', SyncCounts>

const counts = (): SyncCounts => ({ added: 0, updated: 0, retired: 0, unchanged: 0 })

/** JSON with sorted keys, so a stored jsonb document compares equal to the file's. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const sameCredits = (stored: Prisma.Decimal, value: number) => stored.equals(new Prisma.Decimal(value))

/**
 * Writes the catalog into the database (inside the caller's transaction).
 * Returns per kind how many rows were added, updated (un-retired included),
 * retired and left unchanged.
 */
export async function syncCatalog(tx: Tx, catalog: Catalog, now = new Date()): Promise<CatalogSyncResult> {
  const result: CatalogSyncResult = {
    programs: counts(), majors: counts(), courses: counts(), tasks: counts(), lessons: counts(), planItems: counts(),
  }

  // Programs: created with the file's minutes per 学时; afterwards the newest policy owns that figure.
  const programId = new Map<string, string>()
  const storedPrograms = await tx.program.findMany()
  for (const p of catalog.programs) {
    const row = storedPrograms.find((s) => s.code === p.code)
    if (!row) {
      const id = newId()
      await tx.program.create({ data: { id, code: p.code, name: p.name, minutesPerHour: p.minutesPerHour } })
      programId.set(p.code, id)
      result.programs.added++
    } else {
      programId.set(p.code, row.id)
      if (row.name !== p.name) {
        await tx.program.update({ where: { id: row.id }, data: { name: p.name } })
        result.programs.updated++
      } else result.programs.unchanged++
    }
  }

  // Majors.
  const majorId = new Map<string, string>()
  const storedMajors = await tx.major.findMany()
  const newMajors: Prisma.MajorCreateManyInput[] = []
  for (const m of catalog.majors) {
    const row = storedMajors.find((s) => s.code === m.code)
    if (!row) {
      const id = newId()
      newMajors.push({ id, code: m.code, name: m.name, fromContent: true })
      majorId.set(m.code, id)
      result.majors.added++
      continue
    }
    majorId.set(m.code, row.id)
    if (row.name !== m.name || row.retiredAt !== null || !row.fromContent) {
      await tx.major.update({ where: { id: row.id }, data: { name: m.name, retiredAt: null, fromContent: true } })
      result.majors.updated++
    } else result.majors.unchanged++
  }
  if (newMajors.length) await tx.major.createMany({ data: newMajors })
  const contentMajorCodes = new Set(catalog.majors.map((m) => m.code))
  const goneMajors = storedMajors.filter((s) => s.fromContent && s.retiredAt === null && !contentMajorCodes.has(s.code))
  if (goneMajors.length) await tx.major.updateMany({ where: { id: { in: goneMajors.map((m) => m.id) } }, data: { retiredAt: now } })
  result.majors.retired += goneMajors.length

  // Courses.
  const courseId = new Map<string, string>()
  const storedCourses = await tx.course.findMany()
  const newCourses: Prisma.CourseCreateManyInput[] = []
  for (const c of catalog.courses) {
    const pid = programId.get(c.program)!
    const row = storedCourses.find((s) => s.code === c.code)
    if (!row) {
      const id = newId()
      newCourses.push({ id, programId: pid, code: c.code, name: c.name, credits: c.credits, kind: c.kind, fromContent: true })
      courseId.set(c.code, id)
      result.courses.added++
      continue
    }
    courseId.set(c.code, row.id)
    if (row.programId !== pid || row.name !== c.name || !sameCredits(row.credits, c.credits) || row.kind !== c.kind || row.retiredAt !== null || !row.fromContent) {
      await tx.course.update({
        where: { id: row.id },
        data: { programId: pid, name: c.name, credits: c.credits, kind: c.kind, retiredAt: null, fromContent: true },
      })
      result.courses.updated++
    } else result.courses.unchanged++
  }
  if (newCourses.length) await tx.course.createMany({ data: newCourses })
  const contentCourseCodes = new Set(catalog.courses.map((c) => c.code))
  const goneCourses = storedCourses.filter((s) => s.fromContent && s.retiredAt === null && !contentCourseCodes.has(s.code))
  if (goneCourses.length) await tx.course.updateMany({ where: { id: { in: goneCourses.map((c) => c.id) } }, data: { retiredAt: now } })
  result.courses.retired += goneCourses.length
  // Everything below belongs to content courses and majors, retired ones included (their parts retire with them).
  const ownedCourseIds = [...courseId.values(), ...storedCourses.filter((s) => s.fromContent).map((s) => s.id)]
  const ownedMajorIds = [...majorId.values(), ...storedMajors.filter((s) => s.fromContent).map((s) => s.id)]

  // Tasks (unique per course).
  const storedTasks = await tx.courseTask.findMany({ where: { courseId: { in: ownedCourseIds } } })
  const newTasks: Prisma.CourseTaskCreateManyInput[] = []
  const keptTasks = new Set<string>()
  for (const c of catalog.courses) {
    const cid = courseId.get(c.code)!
    for (const [position, t] of c.tasks.entries()) {
      const row = storedTasks.find((s) => s.courseId === cid && s.code === t.code)
      if (!row) {
        newTasks.push({ id: newId(), courseId: cid, code: t.code, name: t.name, kind: t.kind, position })
        result.tasks.added++
        continue
      }
      keptTasks.add(row.id)
      if (row.name !== t.name || row.kind !== t.kind || row.position !== position || row.retiredAt !== null) {
        await tx.courseTask.update({ where: { id: row.id }, data: { name: t.name, kind: t.kind, position, retiredAt: null } })
        result.tasks.updated++
      } else result.tasks.unchanged++
    }
  }
  if (newTasks.length) await tx.courseTask.createMany({ data: newTasks })
  const goneTasks = storedTasks.filter((s) => s.retiredAt === null && !keptTasks.has(s.id))
  if (goneTasks.length) await tx.courseTask.updateMany({ where: { id: { in: goneTasks.map((t) => t.id) } }, data: { retiredAt: now } })
  result.tasks.retired += goneTasks.length

  // Lessons (codes unique across courses; a lesson may move to another course).
  const lessonCodes = catalog.courses.flatMap((c) => c.lessons.map((l) => l.code))
  const storedLessons = await tx.lesson.findMany({ where: { OR: [{ courseId: { in: ownedCourseIds } }, { code: { in: lessonCodes } }] } })
  const newLessons: Prisma.LessonCreateManyInput[] = []
  const keptLessons = new Set<string>()
  for (const c of catalog.courses) {
    const cid = courseId.get(c.code)!
    for (const [position, l] of c.lessons.entries()) {
      const row = storedLessons.find((s) => s.code === l.code)
      const content = l.content as unknown as Prisma.InputJsonValue
      if (!row) {
        newLessons.push({ id: newId(), courseId: cid, code: l.code, title: l.title, content, nominalMinutes: l.nominalMinutes, position })
        result.lessons.added++
        continue
      }
      keptLessons.add(row.id)
      if (
        row.courseId !== cid || row.title !== l.title || row.nominalMinutes !== l.nominalMinutes || row.position !== position ||
        row.retiredAt !== null || canonical(row.content) !== canonical(l.content)
      ) {
        await tx.lesson.update({
          where: { id: row.id },
          data: { courseId: cid, title: l.title, content, nominalMinutes: l.nominalMinutes, position, retiredAt: null },
        })
        result.lessons.updated++
      } else result.lessons.unchanged++
    }
  }
  if (newLessons.length) await tx.lesson.createMany({ data: newLessons })
  const goneLessons = storedLessons.filter((s) => s.retiredAt === null && !keptLessons.has(s.id) && ownedCourseIds.includes(s.courseId))
  if (goneLessons.length) await tx.lesson.updateMany({ where: { id: { in: goneLessons.map((l) => l.id) } }, data: { retiredAt: now } })
  result.lessons.retired += goneLessons.length

  // Teaching plans.
  const storedItems = await tx.planItem.findMany({ where: { majorId: { in: ownedMajorIds } } })
  const newItems: Prisma.PlanItemCreateManyInput[] = []
  const keptItems = new Set<string>()
  for (const m of catalog.majors) {
    const mid = majorId.get(m.code)!
    for (const [position, code] of m.plan.entries()) {
      const cid = courseId.get(code)!
      const row = storedItems.find((s) => s.majorId === mid && s.courseId === cid)
      if (!row) {
        newItems.push({ id: newId(), majorId: mid, courseId: cid, position })
        result.planItems.added++
        continue
      }
      keptItems.add(row.id)
      if (row.position !== position || row.retiredAt !== null) {
        await tx.planItem.update({ where: { id: row.id }, data: { position, retiredAt: null } })
        result.planItems.updated++
      } else result.planItems.unchanged++
    }
  }
  if (newItems.length) await tx.planItem.createMany({ data: newItems })
  const goneItems = storedItems.filter((s) => s.retiredAt === null && !keptItems.has(s.id))
  if (goneItems.length) await tx.planItem.updateMany({ where: { id: { in: goneItems.map((i) => i.id) } }, data: { retiredAt: now } })
  result.planItems.retired += goneItems.length

  return result
}

/** "新增 2，更新 1，停用 0，未变 40" per kind, for the console. */
export function describeSync(result: CatalogSyncResult): string[] {
  const names: Record<keyof CatalogSyncResult, string> = {
    programs: '项目', majors: '专业', courses: '课程', tasks: '作业/实操', lessons: '线上课', planItems: '教学计划条目',
  }
  return (Object.keys(names) as (keyof CatalogSyncResult)[]).map((k) => {
    const c = result[k]
    return `${names[k]}：新增 ${c.added}，更新 ${c.updated}，停用 ${c.retired}，未变 ${c.unchanged}`
  })
}


// ─── The coordinator's own edits: classes, rounds, courses and tasks ───────

export type CatalogEditCode = 'code_taken' | 'major_locked'
export class CatalogEditError extends Error {
  constructor(readonly code: CatalogEditCode) {
    super(code)
    this.name = 'CatalogEditError'
  }
}

type Actor = { id: string; ip?: string | null; scopePath?: string | null }

export type GroupInput = {
  name: string
  majorId: string | null
  regionId: string
  organizationId: string | null
  startDate: Date
  endDate: Date | null
  requiredMinutes: number | null
}

const groupAudit = (g: { code: string; name: string; kind: string; majorId: string | null; regionId: string; organizationId: string | null; startDate: Date; endDate: Date | null; requiredMinutes: number | null }) => ({
  code: g.code, name: g.name, kind: g.kind, majorId: g.majorId, regionId: g.regionId, organizationId: g.organizationId,
  startDate: g.startDate.toISOString().slice(0, 10), endDate: g.endDate?.toISOString().slice(0, 10) ?? null, requiredMinutes: g.requiredMinutes,
})

async function uniqueOr<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new CatalogEditError('code_taken')
    throw error
  }
}

/** A new class (skills-plus-credential) or round (teacher training); audited in the region's jurisdiction. */
export async function createGroup(db: Db, input: GroupInput & { code: string; kind: 'class' | 'round'; programId: string }, actor: Actor) {
  return uniqueOr(() =>
    db.$transaction(async (tx) => {
      const group = await tx.group.create({ data: { id: newId(), ...input }, include: { region: { select: { path: true } } } })
      await recordAudit(tx, {
        actorId: actor.id, action: 'group.create', entityType: 'Group', entityId: group.id, after: groupAudit(group), ip: actor.ip, scopePath: group.region.path,
      })
      return group
    }),
  )
}

/** Changes a class or round (its code and kind stay); the major only while nobody is enrolled. */
export async function updateGroup(db: Db, groupId: string, input: GroupInput, actor: Actor) {
  return db.$transaction(async (tx) => {
    const before = await tx.group.findUniqueOrThrow({ where: { id: groupId } })
    if (before.majorId !== input.majorId && (await tx.enrollment.count({ where: { groupId, status: 'active' } })) > 0) {
      throw new CatalogEditError('major_locked')
    }
    const after = await tx.group.update({ where: { id: groupId }, data: input, include: { region: { select: { path: true } } } })
    await recordAudit(tx, {
      actorId: actor.id, action: 'group.update', entityType: 'Group', entityId: groupId, before: groupAudit(before), after: groupAudit(after), ip: actor.ip,
      scopePath: after.region.path,
    })
    return after
  })
}

const courseAudit = (c: { code: string; name: string; credits: Prisma.Decimal | number; kind: string; retiredAt: Date | null; programId: string }) => ({
  code: c.code, name: c.name, credits: Number(c.credits), kind: c.kind, retired: c.retiredAt !== null, programId: c.programId,
})

export async function createCourse(
  db: Db,
  input: { code: string; name: string; programId: string; credits: number; kind: 'culture' | 'skill' | 'internship' },
  actor: Actor,
) {
  return uniqueOr(() =>
    db.$transaction(async (tx) => {
      const course = await tx.course.create({ data: { id: newId(), ...input, fromContent: false } })
      await recordAudit(tx, {
        actorId: actor.id, action: 'course.create', entityType: 'Course', entityId: course.id, after: courseAudit(course), ip: actor.ip, scopePath: actor.scopePath,
      })
      return course
    }),
  )
}

export async function updateCourse(
  db: Db,
  courseId: string,
  input: { name: string; credits: number; kind: 'culture' | 'skill' | 'internship'; retired: boolean },
  actor: Actor,
) {
  return db.$transaction(async (tx) => {
    const before = await tx.course.findUniqueOrThrow({ where: { id: courseId } })
    const retiredAt = input.retired ? (before.retiredAt ?? new Date()) : null
    const after = await tx.course.update({ where: { id: courseId }, data: { name: input.name, credits: input.credits, kind: input.kind, retiredAt } })
    await recordAudit(tx, {
      actorId: actor.id, action: 'course.update', entityType: 'Course', entityId: courseId, before: courseAudit(before), after: courseAudit(after), ip: actor.ip,
      scopePath: actor.scopePath,
    })
    return after
  })
}

const taskAudit = (t: { code: string; name: string; kind: string; retiredAt: Date | null; courseId: string }) => ({
  courseId: t.courseId, code: t.code, name: t.name, kind: t.kind, retired: t.retiredAt !== null,
})

export async function addTask(db: Db, courseId: string, input: { code: string; name: string; kind: 'assignment' | 'practical' }, actor: Actor) {
  return uniqueOr(() =>
    db.$transaction(async (tx) => {
      const position = await tx.courseTask.count({ where: { courseId } })
      const task = await tx.courseTask.create({ data: { id: newId(), courseId, ...input, position } })
      await recordAudit(tx, {
        actorId: actor.id, action: 'course.task.create', entityType: 'CourseTask', entityId: task.id, after: taskAudit(task), ip: actor.ip, scopePath: actor.scopePath,
      })
      return task
    }),
  )
}

export async function updateTask(
  db: Db,
  taskId: string,
  input: { name: string; kind: 'assignment' | 'practical'; retired: boolean },
  actor: Actor,
) {
  return db.$transaction(async (tx) => {
    const before = await tx.courseTask.findUniqueOrThrow({ where: { id: taskId } })
    const retiredAt = input.retired ? (before.retiredAt ?? new Date()) : null
    const after = await tx.courseTask.update({ where: { id: taskId }, data: { name: input.name, kind: input.kind, retiredAt } })
    await recordAudit(tx, {
      actorId: actor.id, action: 'course.task.update', entityType: 'CourseTask', entityId: taskId, before: taskAudit(before), after: taskAudit(after), ip: actor.ip,
      scopePath: actor.scopePath,
    })
    return after
  })
}

/** Which content file a content course comes from (for the page's note), or null. */
export async function contentFileOf(courseCode: string): Promise<string | null> {
  try {
    return (await loadCatalog()).courses.find((c) => c.code === courseCode)?.file ?? null
  } catch {
    return null
  }
}
