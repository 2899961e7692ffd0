/**
 * The catalog as content (DESIGN.md §2.1, §6): programs, majors and their
 * teaching plans, courses with their tasks (作业/实操) and online lessons, and
 * teacher-training round templates, kept as YAML under content/catalog/ and
 * validated here with zod. `npm run content:sync` (app/models/catalog.server.ts)
 * loads the result into the database.
 *
 * Files (paths relative to content/catalog/):
 * - `programs.yaml`: `programs: [{ code, name, minutesPerHour, enrollmentRule? }]`; the rule
 *   (app/domain/enrollment.ts) is one_active_per_program unless the file says one_per_group
 * - `majors.yaml`: `sharedPlan: [course codes]` (every major's plan starts with
 *   them: the culture courses) and `majors: [{ code, name, plan: [course codes] }]`
 * - `courses/*.yaml`: `courses: [{ code, program, name, credits, kind, tasks?, lessons? }]`;
 *   a lesson's text is `paragraphs: [text]` or `body:` Tiptap JSON
 * - `lessons/<course code>/NN-slug.md`: one lesson each, Markdown with front
 *   matter (app/domain/lesson-markdown.ts); a course has its lessons either
 *   here or inline in its YAML, not both
 * - `round-templates.yaml`: `templates: [{ code, name, requiredHours, days, summary?, sessions? }]`;
 *   `sessions` is the programme a coordinator schedules from: face-to-face
 *   days, online modules (a teacher-training course whose lessons can yield
 *   the hours) and school-based study, adding up to requiredHours
 *
 * Every error names the file and the field (`courses/planting.yaml:
 * courses[1].credits: must be at least 0`) or, for Markdown, the line
 * (`lessons/SC-WH-102/03-notice.md:12: links are not shown to learners`).
 * Codes are unique across files; task codes are unique across all courses so
 * a task code alone names a task.
 */
import { z } from 'zod'
import { parse as parseYaml } from 'yaml'
import { CODE, COURSE_KINDS, SLUG, TASK_KINDS } from './catalog-codes.ts'
import { ENROLLMENT_RULES } from './enrollment.ts'
import { parseLessonMarkdown } from './lesson-markdown.ts'
import { checkLessonDoc } from './lesson-validate.ts'
import { MAX_AUDIO_BYTES, MAX_IMAGE_BYTES } from './lesson-media.ts'
import { formatPath, readableMessage } from './policy.ts'

export { CODE, COURSE_KINDS, SLUG, TASK_KINDS, type CourseKind, type TaskKind } from './catalog-codes.ts'

/** The program whose majors have teaching plans. */
export const PLAN_PROGRAM = 'skills-credential'

const slug = z.string().regex(SLUG, 'must be lower-case letters, digits or "-"')
const code = z.string().regex(CODE, 'must be upper-case letters, digits or "-" (2–40 characters)')
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)

/** Credits: 0–100 in steps of 0.1 (the column is Decimal(5,1)). */
export const credits = z
  .number()
  .min(0)
  .max(100)
  .refine((n) => Math.abs(n * 10 - Math.round(n * 10)) < 1e-9, 'must have at most one decimal')

/** A Tiptap (ProseMirror) node: a type, optional attrs, content or text. */
type TiptapNode = { type: string; attrs?: Record<string, unknown>; content?: TiptapNode[]; text?: string; marks?: unknown[] }
const tiptapNode: z.ZodType<TiptapNode> = z.lazy(() =>
  z.object({
    type: z.string().min(1),
    attrs: z.record(z.string(), z.unknown()).optional(),
    content: z.array(tiptapNode).optional(),
    text: z.string().optional(),
    marks: z.array(z.unknown()).optional(),
  }),
)
export type TiptapDoc = { type: 'doc'; content: TiptapNode[] }
const tiptapDoc = z.object({ type: z.literal('doc'), content: z.array(tiptapNode).min(1, 'must not be empty') })

const lessonSchema = z
  .strictObject({
    code,
    title: text(100),
    nominalMinutes: z.number().int().min(1).max(600),
    paragraphs: z.array(text(5000)).min(1, 'must list at least one paragraph').optional(),
    body: tiptapDoc.optional(),
  })
  .refine((l) => (l.paragraphs === undefined) !== (l.body === undefined), {
    message: 'needs either paragraphs or body (not both)',
    path: ['paragraphs'],
  })

const taskSchema = z.strictObject({ code, name: text(100), kind: z.enum(TASK_KINDS) })

const courseSchema = z.strictObject({
  code,
  program: slug,
  name: text(100),
  credits,
  kind: z.enum(COURSE_KINDS),
  tasks: z.array(taskSchema).default([]),
  lessons: z.array(lessonSchema).default([]),
})

const programsFile = z.strictObject({
  programs: z
    .array(
      z.strictObject({
        code: slug,
        name: text(50),
        minutesPerHour: z.number().int().min(1).max(120),
        enrollmentRule: z.enum(ENROLLMENT_RULES).default('one_active_per_program'),
      }),
    )
    .min(1, 'must list at least one program'),
})
const majorsFile = z.strictObject({
  sharedPlan: z.array(code).default([]),
  majors: z.array(z.strictObject({ code: slug, name: text(50), plan: z.array(code).default([]) })).min(1, 'must list at least one major'),
})
const coursesFile = z.strictObject({ courses: z.array(courseSchema).min(1, 'must list at least one course') })
export const SESSION_KINDS = ['face-to-face', 'online', 'school-based'] as const
const hours = z
  .number()
  .positive()
  .max(1000)
  .refine((n) => Math.abs(n * 2 - Math.round(n * 2)) < 1e-9, 'must be whole or half 学时')
const sessionSchema = z
  .strictObject({
    title: text(100),
    kind: z.enum(SESSION_KINDS),
    hours,
    /** The teacher-training course whose lessons make up an online module. */
    course: code.optional(),
    description: text(1000),
  })
  .refine((s) => (s.kind === 'online') === (s.course !== undefined), { message: 'an online module names its course; other sessions do not', path: ['course'] })
const templatesFile = z.strictObject({
  templates: z.array(
    z.strictObject({
      code,
      name: text(100),
      requiredHours: z.number().positive().max(1000),
      days: z.number().int().min(1).max(366),
      summary: text(1000).optional(),
      sessions: z.array(sessionSchema).min(1).optional(),
    }),
  ),
})

export type Program = z.output<typeof programsFile>['programs'][number]
export type Task = z.output<typeof taskSchema>
export type Lesson = { code: string; title: string; nominalMinutes: number; content: TiptapDoc; file?: string }
export type Course = Omit<z.output<typeof courseSchema>, 'lessons'> & { lessons: Lesson[]; file: string }
/** A major with its whole plan: the shared courses first, then its own. */
export type Major = { code: string; name: string; plan: string[] }
export type RoundTemplate = z.output<typeof templatesFile>['templates'][number]
export type Catalog = { programs: Program[]; majors: Major[]; courses: Course[]; templates: RoundTemplate[] }
export type CatalogFile = { file: string; text: string }

export type CatalogIssue = { file: string; path: string; message: string; line?: number }
/** Sizes in bytes of the files under /lesson-media/, by their address (/lesson-media/x.svg). */
export type MediaSizes = ReadonlyMap<string, number>

/** Content files that are not valid: each issue names the file and the field (or line). */
export class CatalogError extends Error {
  readonly issues: CatalogIssue[]
  constructor(issues: CatalogIssue[]) {
    super(`Invalid catalog: ${issues.map((i) => `${i.file}${i.line ? `:${i.line}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('; ')}`)
    this.name = 'CatalogError'
    this.issues = issues
  }
}

/** Paragraphs of plain text as a Tiptap document. */
export function paragraphsToDoc(paragraphs: string[]): TiptapDoc {
  return { type: 'doc', content: paragraphs.map((p) => ({ type: 'paragraph', content: [{ type: 'text', text: p }] })) }
}

function parseFile<S extends z.ZodType>(schema: S, f: CatalogFile, issues: CatalogIssue[]): z.output<S> | null {
  let data: unknown
  try {
    data = parseYaml(f.text)
  } catch (error) {
    issues.push({ file: f.file, path: '', message: `not valid YAML: ${(error as Error).message}` })
    return null
  }
  const result = schema.safeParse(data ?? {}, { error: readableMessage })
  if (result.success) return result.data
  for (const issue of result.error.issues) {
    const path = formatPath(issue.path)
    issues.push({
      file: f.file,
      path,
      message: issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message,
    })
  }
  return null
}

/**
 * Parses and cross-checks the catalog files (paths relative to
 * content/catalog/). Throws a CatalogError listing every problem; nothing is
 * returned unless all files are valid.
 */
export function parseCatalog(files: CatalogFile[], { media = new Map() }: { media?: MediaSizes } = {}): Catalog {
  const issues: CatalogIssue[] = []
  const byName = new Map(files.map((f) => [f.file, f]))
  const need = (name: string) => {
    const f = byName.get(name)
    if (!f) issues.push({ file: name, path: '', message: 'file is missing' })
    return f
  }
  for (const f of files) {
    if (!['programs.yaml', 'majors.yaml', 'round-templates.yaml'].includes(f.file) && !/^courses\/[^/]+\.ya?ml$/.test(f.file) && !LESSON_FILE.test(f.file)) {
      issues.push({
        file: f.file,
        path: '',
        message: 'unknown file (expected programs.yaml, majors.yaml, round-templates.yaml, courses/*.yaml or lessons/<course>/NN-name.md)',
      })
    }
  }

  const programsF = need('programs.yaml')
  const majorsF = need('majors.yaml')
  const programs = programsF ? parseFile(programsFile, programsF, issues) : null
  const majors = majorsF ? parseFile(majorsFile, majorsF, issues) : null
  const templatesF = byName.get('round-templates.yaml')
  const templates = templatesF ? parseFile(templatesFile, templatesF, issues) : { templates: [] }
  const courseFiles = files.filter((f) => f.file.startsWith('courses/')).sort((a, b) => a.file.localeCompare(b.file))
  const courses: Course[] = []
  for (const f of courseFiles) {
    const parsed = parseFile(coursesFile, f, issues)
    for (const c of parsed?.courses ?? []) {
      courses.push({
        ...c,
        file: f.file,
        lessons: c.lessons.map((l) => ({
          code: l.code,
          title: l.title,
          nominalMinutes: l.nominalMinutes,
          content: l.body ? (l.body as TiptapDoc) : paragraphsToDoc(l.paragraphs!),
        })),
      })
    }
  }

  addMarkdownLessons(files, courses, media, issues)
  // Every lesson, Markdown or YAML `body:`, is stored as THE lesson schema's JSON (what the editor saves).
  for (const c of courses) {
    for (const [j, l] of c.lessons.entries()) {
      const check = checkLessonDoc(l.content)
      if (!check.ok) {
        const where = l.file
          ? { file: l.file, line: 1, path: '' }
          : { file: c.file, path: `courses[${courses.filter((x) => x.file === c.file).indexOf(c)}].lessons[${j}].body` }
        issues.push({ ...where, message: `does not fit the lesson schema: ${check.issues.join('; ')}` })
      }
    }
  }

  // Cross-file checks: unique codes, known programs, plans of known skills-credential courses.
  const unique = <T>(list: T[], key: (t: T) => string, where: (t: T, i: number) => { file: string; path: string }, what: string) => {
    const seen = new Map<string, string>()
    list.forEach((t, i) => {
      const k = key(t)
      const w = where(t, i)
      const first = seen.get(k)
      if (first) issues.push({ ...w, message: `duplicate ${what} "${k}" (also in ${first})` })
      else seen.set(k, w.file)
    })
  }
  if (programs)
    unique(
      programs.programs,
      (p) => p.code,
      (_, i) => ({ file: 'programs.yaml', path: `programs[${i}].code` }),
      'program code',
    )
  if (majors)
    unique(
      majors.majors,
      (m) => m.code,
      (_, i) => ({ file: 'majors.yaml', path: `majors[${i}].code` }),
      'major code',
    )
  if (templates) {
    unique(
      templates.templates,
      (t) => t.code,
      (_, i) => ({ file: 'round-templates.yaml', path: `templates[${i}].code` }),
      'template code',
    )
  }
  const courseIndex = (c: Course) => courses.filter((x) => x.file === c.file).indexOf(c)
  unique(
    courses,
    (c) => c.code,
    (c) => ({ file: c.file, path: `courses[${courseIndex(c)}].code` }),
    'course code',
  )
  const lessons = courses.flatMap((c) => c.lessons.map((l, j) => ({ c, l, j })))
  unique(
    lessons,
    (x) => x.l.code,
    (x) => (x.l.file ? { file: x.l.file, path: 'code' } : { file: x.c.file, path: `courses[${courseIndex(x.c)}].lessons[${x.j}].code` }),
    'lesson code',
  )
  const tasks = courses.flatMap((c) => c.tasks.map((t, j) => ({ c, t, j })))
  unique(
    tasks,
    (x) => x.t.code,
    (x) => ({ file: x.c.file, path: `courses[${courseIndex(x.c)}].tasks[${x.j}].code` }),
    'task code',
  )

  const programCodes = new Set(programs?.programs.map((p) => p.code))
  if (programs) {
    for (const c of courses) {
      if (!programCodes.has(c.program)) {
        issues.push({ file: c.file, path: `courses[${courseIndex(c)}].program`, message: `unknown program "${c.program}" (not in programs.yaml)` })
      }
    }
  }
  const courseByCode = new Map(courses.map((c) => [c.code, c]))
  const checkPlanItem = (courseCode: string, path: string) => {
    const c = courseByCode.get(courseCode)
    if (!c) issues.push({ file: 'majors.yaml', path, message: `unknown course "${courseCode}" (not in courses/*.yaml)` })
    else if (c.program !== PLAN_PROGRAM) issues.push({ file: 'majors.yaml', path, message: `course "${courseCode}" is not a ${PLAN_PROGRAM} course` })
  }
  if (majors) {
    majors.sharedPlan.forEach((c, i) => checkPlanItem(c, `sharedPlan[${i}]`))
    majors.majors.forEach((m, i) => {
      const seen = new Set(majors.sharedPlan)
      m.plan.forEach((c, j) => {
        checkPlanItem(c, `majors[${i}].plan[${j}]`)
        if (seen.has(c)) issues.push({ file: 'majors.yaml', path: `majors[${i}].plan[${j}]`, message: `course "${c}" is already in the plan` })
        seen.add(c)
      })
    })
  }

  if (templates && programs) checkSessions(templates.templates, courseByCode, programs.programs, issues)

  if (issues.length > 0 || !programs || !majors || !templates) throw new CatalogError(issues)
  return {
    programs: programs.programs,
    majors: majors.majors.map((m) => ({ code: m.code, name: m.name, plan: [...majors.sharedPlan, ...m.plan] })),
    courses,
    templates: templates.templates,
  }
}

/** lessons/<course code>/NN-name.md */
const LESSON_FILE = /^lessons\/([^/]+)\/(\d{2})-[a-z0-9][a-z0-9-]*\.md$/

/**
 * Lessons written as Markdown files join their course (the folder), ordered
 * by position; every problem names the file and its line.
 */
function addMarkdownLessons(files: CatalogFile[], courses: Course[], media: MediaSizes, issues: CatalogIssue[]) {
  const byCourse = new Map<string, { position: number; lesson: Lesson }[]>()
  for (const f of files.filter((x) => x.file.startsWith('lessons/')).sort((a, b) => a.file.localeCompare(b.file))) {
    const name = LESSON_FILE.exec(f.file)
    if (!name) continue // reported as an unknown file
    const parsed = parseLessonMarkdown(f.text)
    if (!parsed.ok) {
      for (const i of parsed.issues) issues.push({ file: f.file, line: i.line, path: '', message: i.message })
      continue
    }
    const { front, doc, media: refs } = parsed.lesson
    const at = (field: string) => Math.max(1, f.text.split(/\r?\n/).findIndex((l) => l.startsWith(`${field}:`)) + 1)
    let ok = true
    if (front.course !== name[1]) {
      issues.push({ file: f.file, line: at('course'), path: '', message: `front matter "course" is ${front.course} but the file is in lessons/${name[1]}/` })
      ok = false
    }
    if (front.position !== Number(name[2])) {
      issues.push({
        file: f.file,
        line: at('position'),
        path: '',
        message: `front matter "position" is ${front.position} but the file name starts with ${name[2]}`,
      })
      ok = false
    }
    for (const ref of refs) {
      const size = media.get(ref.src)
      const max = ref.kind === 'image' ? MAX_IMAGE_BYTES : MAX_AUDIO_BYTES
      if (size === undefined) issues.push({ file: f.file, line: ref.line, path: '', message: `${ref.src} not found (put the file in public${ref.src})` })
      else if (size > max)
        issues.push({ file: f.file, line: ref.line, path: '', message: `${ref.src} is ${Math.ceil(size / 1024)} KB; at most ${max / 1024} KB for phones` })
      if (size === undefined || size > max) ok = false
    }
    if (!ok) continue
    const list = byCourse.get(front.course) ?? []
    list.push({
      position: front.position,
      lesson: { code: front.code, title: front.title, nominalMinutes: front.minutes, content: doc as TiptapDoc, file: f.file },
    })
    byCourse.set(front.course, list)
  }
  for (const [courseCode, list] of byCourse) {
    const course = courses.find((c) => c.code === courseCode)
    const first = list[0]!.lesson.file!
    if (!course) {
      issues.push({ file: first, line: 1, path: '', message: `unknown course "${courseCode}" (not in courses/*.yaml)` })
      continue
    }
    if (course.lessons.length) {
      issues.push({ file: first, line: 1, path: '', message: `course ${courseCode} also lists lessons in ${course.file}: keep them in one place` })
      continue
    }
    list.sort((a, b) => a.position - b.position)
    list.forEach((x, i) => {
      if (i > 0 && list[i - 1]!.position === x.position) {
        issues.push({ file: x.lesson.file!, line: 1, path: '', message: `position ${x.position} is also used by ${list[i - 1]!.lesson.file}` })
      }
    })
    course.lessons = list.map((x) => x.lesson)
  }
}

/** A programme's sessions add up to its 学时; an online module's course exists and its lessons can yield the hours. */
function checkSessions(templates: RoundTemplate[], courses: Map<string, Course>, programs: Program[], issues: CatalogIssue[]) {
  templates.forEach((t, i) => {
    if (!t.sessions) return
    const total = t.sessions.reduce((sum, s) => sum + s.hours, 0)
    if (Math.abs(total - t.requiredHours) > 1e-9) {
      issues.push({
        file: 'round-templates.yaml',
        path: `templates[${i}].sessions`,
        message: `add up to ${total} 学时, but requiredHours is ${t.requiredHours}`,
      })
    }
    t.sessions.forEach((s, j) => {
      if (!s.course) return
      const path = `templates[${i}].sessions[${j}].course`
      const c = courses.get(s.course)
      if (!c) return issues.push({ file: 'round-templates.yaml', path, message: `unknown course "${s.course}" (not in courses/*.yaml)` })
      const perHour = programs.find((p) => p.code === c.program)?.minutesPerHour ?? 45
      const available = c.lessons.reduce((sum, l) => sum + l.nominalMinutes, 0) / perHour
      if (available + 1e-9 < s.hours) {
        issues.push({
          file: 'round-templates.yaml',
          path,
          message: `${s.course}'s lessons add up to ${available.toFixed(1)} 学时, less than the module's ${s.hours}`,
        })
      }
    })
  })
}
