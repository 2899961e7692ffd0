/**
 * The catalog in the database: content/catalog/ loaded by `npm run
 * content:sync` (app/server/content-sync.ts), and the coordinator's own
 * courses and their tasks (classes and rounds: app/models/groups.server.ts).
 *
 * Sync rules: rows are matched by code; a row is written only when a value
 * differs (a second run writes nothing); what left the files is RETIRED
 * (retiredAt), never deleted, so results, credits and completions that refer
 * to it stay; what comes back is un-retired. Only rows the content owns are
 * touched: majors and courses with `fromContent`, and the tasks, lessons and
 * plan items of those. A course a coordinator created in the UI is left
 * alone; a content course a coordinator edited is set back to the file.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { parseCatalog, type Catalog, type CatalogFile, type MediaSizes, type RoundTemplate } from '#app/domain/catalog.ts'
import { MEDIA_PREFIX, UPLOADED_MEDIA } from '#app/domain/lesson-media.ts'
import { CATALOG_MANAGERS, mayEditCatalog } from '#app/domain/roles.ts'
import { Prisma } from '#app/generated/prisma/client.ts'
import { isUniqueViolation, type Db, type Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { scopesFor, type CurrentUser, type Scope } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { lessonMediaDir } from './uploads.server.ts'
import { ForbiddenError, NotFoundError } from './errors.server.ts'

export const CATALOG_DIR = path.resolve(import.meta.dirname, '../../content/catalog')
/** Lesson images and recordings (content/media/), served at /lesson-media/ by app/routes/lesson-media.$file.ts. */
export const MEDIA_DIR = path.resolve(import.meta.dirname, '../../content/media')

/**
 * The files of content/catalog/ as paths relative to it: the YAML at the top
 * level and in courses/, and every file under lessons/<course>/ (Markdown
 * lessons; anything else there is reported as an unknown file).
 */
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
    if (entry.isDirectory() && entry.name === 'lessons') {
      for (const course of (await readdir(path.join(dir, 'lessons'), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
        if (!course.isDirectory()) {
          files.push({ file: `lessons/${course.name}`, text: '' })
          continue
        }
        for (const name of (await readdir(path.join(dir, 'lessons', course.name))).sort()) {
          files.push({ file: `lessons/${course.name}/${name}`, text: await readFile(path.join(dir, 'lessons', course.name, name), 'utf8') })
        }
      }
    }
  }
  return files
}

/** The files under content/media/ with their sizes, by address (/lesson-media/x.svg). */
export async function readMediaSizes(dir = MEDIA_DIR): Promise<MediaSizes> {
  const sizes = new Map<string, number>()
  let names: string[] = []
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  for (const name of names) {
    const s = await stat(path.join(dir, name))
    if (s.isFile()) sizes.set(`${MEDIA_PREFIX}${name}`, s.size)
  }
  return sizes
}

/** Reads and validates content/catalog (lesson media included); throws a CatalogError naming file and field or line. */
export async function loadCatalog(dir = CATALOG_DIR, mediaDir = MEDIA_DIR): Promise<Catalog> {
  return parseCatalog(await readCatalogFiles(dir), { media: await readMediaSizes(mediaDir) })
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
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`
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
    programs: counts(),
    majors: counts(),
    courses: counts(),
    tasks: counts(),
    lessons: counts(),
    planItems: counts(),
  }

  // Programs: created with the file's minutes per 学时; afterwards the newest policy owns that figure.
  // The enrollment rule follows the file (a change reaches every enrollment of the program: a trigger).
  const programId = new Map<string, string>()
  const storedPrograms = await tx.program.findMany()
  for (const p of catalog.programs) {
    const row = storedPrograms.find((s) => s.code === p.code)
    if (!row) {
      const id = newId()
      await tx.program.create({ data: { id, code: p.code, name: p.name, minutesPerHour: p.minutesPerHour, enrollmentRule: p.enrollmentRule } })
      programId.set(p.code, id)
      result.programs.added++
    } else {
      programId.set(p.code, row.id)
      if (row.name !== p.name || row.enrollmentRule !== p.enrollmentRule) {
        await tx.program.update({ where: { id: row.id }, data: { name: p.name, enrollmentRule: p.enrollmentRule } })
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
    if (
      row.programId !== pid ||
      row.name !== c.name ||
      !sameCredits(row.credits, c.credits) ||
      row.kind !== c.kind ||
      row.retiredAt !== null ||
      !row.fromContent
    ) {
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
        newLessons.push({ id: newId(), courseId: cid, code: l.code, title: l.title, content, nominalMinutes: l.nominalMinutes, position, fromContent: true })
        result.lessons.added++
        continue
      }
      keptLessons.add(row.id)
      if (
        row.courseId !== cid ||
        row.title !== l.title ||
        row.nominalMinutes !== l.nominalMinutes ||
        row.position !== position ||
        row.retiredAt !== null ||
        !row.fromContent ||
        canonical(row.content) !== canonical(l.content)
      ) {
        await tx.lesson.update({
          where: { id: row.id },
          data: { courseId: cid, title: l.title, content, nominalMinutes: l.nominalMinutes, position, retiredAt: null, fromContent: true },
        })
        result.lessons.updated++
      } else result.lessons.unchanged++
    }
  }
  if (newLessons.length) await tx.lesson.createMany({ data: newLessons })
  // A lesson written in the editor (fromContent false) is the coordinators', not the files': it stays.
  const goneLessons = storedLessons.filter((s) => s.retiredAt === null && s.fromContent && !keptLessons.has(s.id) && ownedCourseIds.includes(s.courseId))
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
    programs: '项目',
    majors: '专业',
    courses: '课程',
    tasks: '作业/实操',
    lessons: '线上课',
    planItems: '教学计划条目',
  }
  return (Object.keys(names) as (keyof CatalogSyncResult)[]).map((k) => {
    const c = result[k]
    return `${names[k]}：新增 ${c.added}，更新 ${c.updated}，停用 ${c.retired}，未变 ${c.unchanged}`
  })
}

// ─── The coordinator's own edits: courses and their tasks ──────────────────
// (classes and rounds are edited through app/models/groups.server.ts)

export type CatalogEditCode = 'code_taken' | 'major_locked' | 'program_unknown'
export class CatalogEditError extends Error {
  constructor(readonly code: CatalogEditCode) {
    super(code)
    this.name = 'CatalogEditError'
  }
}

/** Who changes the course catalog, as its audit events record them. Only `catalogEditor` makes one. */
export type CatalogEditor = { id: string; ip: string | null; scopePath: string | null }

/** Where a catalog edit by this user is audited: their own jurisdiction (null = admin only). */
export function actorScopePath(scopes: Scope[]): string | null {
  for (const s of scopes) {
    if (s.kind === 'region') return s.path
    if (s.kind === 'organization') return s.regionPath
  }
  return null
}

/**
 * THE rule for changing the course catalog, at the one place every edit
 * passes: the caller's grants must satisfy mayEditCatalog (a county
 * coordinator or the admin); anyone else gets ForbiddenError.
 */
export function catalogEditor(user: CurrentUser, ip?: string | null): CatalogEditor {
  const scopes = scopesFor(user, CATALOG_MANAGERS)
  if (!mayEditCatalog(scopes)) throw new ForbiddenError()
  return { id: user.id, ip: ip ?? null, scopePath: actorScopePath(scopes) }
}

/** The courses page: programs for the filter, the courses (of one program when given), and whether the caller may add one. */
export async function courseCatalog(db: Db, user: CurrentUser, opts: { program: string }) {
  const [programs, courses] = await Promise.all([
    db.program.findMany({ orderBy: { code: 'asc' }, select: { id: true, code: true, name: true } }),
    db.course.findMany({
      where: opts.program ? { program: { code: opts.program } } : {},
      orderBy: [{ retiredAt: { sort: 'asc', nulls: 'first' } }, { code: 'asc' }],
      select: {
        id: true,
        code: true,
        name: true,
        credits: true,
        kind: true,
        retiredAt: true,
        fromContent: true,
        program: { select: { name: true } },
        _count: { select: { tasks: { where: { retiredAt: null } } } },
      },
    }),
  ])
  return {
    canEdit: mayEditCatalog(scopesFor(user, CATALOG_MANAGERS)),
    program: opts.program,
    programs,
    courses: courses.map(({ retiredAt, ...c }) => ({ ...c, credits: Number(c.credits).toFixed(1), retired: retiredAt !== null })),
  }
}

/** One course's page: its fields, its 作业/实操, and for a content course the file the next sync puts back; NotFoundError otherwise. */
export async function courseForEdit(db: Db, user: CurrentUser, courseId: string) {
  const course = await db.course.findUnique({
    where: { id: courseId },
    include: {
      program: { select: { name: true } },
      tasks: { orderBy: [{ position: 'asc' }, { code: 'asc' }] },
      lessons: {
        where: { retiredAt: null },
        orderBy: [{ position: 'asc' }, { code: 'asc' }],
        select: { id: true, code: true, title: true, nominalMinutes: true, fromContent: true },
      },
      _count: { select: { lessons: { where: { retiredAt: null } }, planItems: { where: { retiredAt: null } } } },
    },
  })
  if (!course) throw new NotFoundError('course')
  return {
    canEdit: mayEditCatalog(scopesFor(user, CATALOG_MANAGERS)),
    course: {
      id: course.id,
      code: course.code,
      name: course.name,
      credits: Number(course.credits).toFixed(1),
      kind: course.kind,
      retired: course.retiredAt !== null,
      fromContent: course.fromContent,
      program: course.program.name,
      lessons: course._count.lessons,
      plans: course._count.planItems,
    },
    contentFile: course.fromContent ? ((await contentFileOf(course.code)) ?? 'content/catalog') : null,
    tasks: course.tasks.map((t) => ({ id: t.id, code: t.code, name: t.name, kind: t.kind, retired: t.retiredAt !== null })),
    lessonList: course.lessons,
  }
}

const courseAudit = (c: { code: string; name: string; credits: Prisma.Decimal | number; kind: string; retiredAt: Date | null; programId: string }) => ({
  code: c.code,
  name: c.name,
  credits: Number(c.credits),
  kind: c.kind,
  retired: c.retiredAt !== null,
  programId: c.programId,
})

async function uniqueOr<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (isUniqueViolation(error)) throw new CatalogEditError('code_taken')
    throw error
  }
}

/** A local course (not from content); CatalogEditError `program_unknown` or `code_taken`. */
export async function createCourse(
  db: Db,
  editor: CatalogEditor,
  input: { code: string; name: string; programId: string; credits: number; kind: 'culture' | 'skill' | 'internship' },
) {
  if (!(await db.program.findUnique({ where: { id: input.programId }, select: { id: true } }))) throw new CatalogEditError('program_unknown')
  return uniqueOr(() =>
    db.$transaction(async (tx) => {
      const course = await tx.course.create({ data: { id: newId(), ...input, fromContent: false } })
      await recordAudit(tx, {
        actorId: editor.id,
        action: 'course.create',
        entityType: 'Course',
        entityId: course.id,
        after: courseAudit(course),
        ip: editor.ip,
        scopePath: editor.scopePath,
      })
      return course
    }),
  )
}

export async function updateCourse(
  db: Db,
  editor: CatalogEditor,
  courseId: string,
  input: { name: string; credits: number; kind: 'culture' | 'skill' | 'internship'; retired: boolean },
) {
  return db.$transaction(async (tx) => {
    const before = await tx.course.findUnique({ where: { id: courseId } })
    if (!before) throw new NotFoundError('course')
    const retiredAt = input.retired ? (before.retiredAt ?? new Date()) : null
    const after = await tx.course.update({ where: { id: courseId }, data: { name: input.name, credits: input.credits, kind: input.kind, retiredAt } })
    await recordAudit(tx, {
      actorId: editor.id,
      action: 'course.update',
      entityType: 'Course',
      entityId: courseId,
      before: courseAudit(before),
      after: courseAudit(after),
      ip: editor.ip,
      scopePath: editor.scopePath,
    })
    return after
  })
}

const taskAudit = (t: { code: string; name: string; kind: string; retiredAt: Date | null; courseId: string }) => ({
  courseId: t.courseId,
  code: t.code,
  name: t.name,
  kind: t.kind,
  retired: t.retiredAt !== null,
})

/** A new 作业/实操 at the end of the course's list; CatalogEditError `code_taken`. */
export async function addTask(db: Db, editor: CatalogEditor, courseId: string, input: { code: string; name: string; kind: 'assignment' | 'practical' }) {
  return uniqueOr(() =>
    db.$transaction(async (tx) => {
      if (!(await tx.course.findUnique({ where: { id: courseId }, select: { id: true } }))) throw new NotFoundError('course')
      const position = await tx.courseTask.count({ where: { courseId } })
      const task = await tx.courseTask.create({ data: { id: newId(), courseId, ...input, position } })
      await recordAudit(tx, {
        actorId: editor.id,
        action: 'course.task.create',
        entityType: 'CourseTask',
        entityId: task.id,
        after: taskAudit(task),
        ip: editor.ip,
        scopePath: editor.scopePath,
      })
      return task
    }),
  )
}

/** Changes one task of the course (a task of another course is NotFoundError). */
export async function updateTask(
  db: Db,
  editor: CatalogEditor,
  courseId: string,
  taskId: string,
  input: { name: string; kind: 'assignment' | 'practical'; retired: boolean },
) {
  return db.$transaction(async (tx) => {
    const before = await tx.courseTask.findFirst({ where: { id: taskId, courseId } })
    if (!before) throw new NotFoundError('task')
    const retiredAt = input.retired ? (before.retiredAt ?? new Date()) : null
    const after = await tx.courseTask.update({ where: { id: taskId }, data: { name: input.name, kind: input.kind, retiredAt } })
    await recordAudit(tx, {
      actorId: editor.id,
      action: 'course.task.update',
      entityType: 'CourseTask',
      entityId: taskId,
      before: taskAudit(before),
      after: taskAudit(after),
      ip: editor.ip,
      scopePath: editor.scopePath,
    })
    return after
  })
}

/** Which content file a content lesson comes from (its Markdown file, or the course file that lists it), or null. */
export async function contentFileOfLesson(lessonCode: string): Promise<string | null> {
  try {
    for (const c of (await loadCatalog()).courses) {
      const l = c.lessons.find((x) => x.code === lessonCode)
      if (l) return l.file ?? c.file
    }
    return null
  } catch {
    return null
  }
}

/** Which content file a content course comes from (for the page's note), or null. */
export async function contentFileOf(courseCode: string): Promise<string | null> {
  try {
    return (await loadCatalog()).courses.find((c) => c.code === courseCode)?.file ?? null
  } catch {
    return null
  }
}

const MEDIA_TYPES: Record<string, string> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  webm: 'video/webm',
}

/** One lesson picture, recording or video (content/media, or uploaded in the editor) by its file name (no paths: anything but a plain name is not found). */
export async function readLessonMedia(name: string): Promise<{ bytes: Buffer; type: string } | null> {
  const m = /^[a-z0-9][a-z0-9_-]*\.([a-z0-9]+)$/i.exec(name)
  const type = m ? MEDIA_TYPES[m[1]!.toLowerCase()] : undefined
  if (!m || !type) return null
  // Files uploaded in the lesson editor (u-<hex>…) live in the upload directory, the rest in content/media.
  const dir = UPLOADED_MEDIA.test(name) ? lessonMediaDir() : MEDIA_DIR
  try {
    return { bytes: await readFile(path.join(dir, name)), type }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}
