/**
 * Lessons written in the coordinators' Tiptap editor (issue 13): the editor
 * page's data, saving a lesson (its JSON checked against THE lesson schema,
 * audited), and the pictures, recordings and videos uploaded for lessons.
 *
 * Who: whoever may change the course catalog (`catalogEditor`: a county
 * coordinator or the admin), checked here in every function. A lesson of
 * another course, or a retired course, is NotFoundError.
 *
 * Uploaded files live under XX_UPLOAD_DIR/lesson-media/ as `u-<32 hex>.<ext>`
 * (pictures re-encoded by sharp to WebP, at most 1280 px wide, and a 640-px
 * copy `u-<hex>-640.webp` for phones) and are served publicly by
 * /lesson-media/<name> (readLessonMedia in catalog.server.ts) like the files of content/media (lessons are open
 * course material; the names cannot be guessed).
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { sniffLessonImage, sniffLessonMedia } from '#app/domain/file-kind.ts'
import { renderLessonHtml } from '#app/domain/lesson-render.ts'
import { parseLessonJson } from '#app/domain/lesson-validate.ts'
import type { T } from '#app/i18n/index.ts'
import type { Prisma } from '#app/generated/prisma/client.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import type { CurrentUser } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { catalogEditor, contentFileOfLesson } from './catalog.server.ts'
import { AppError, NotFoundError, type AppErrorKind } from './errors.server.ts'
import { lessonMediaDir, MAX_UPLOAD_BYTES } from './uploads.server.ts'

/** The editor page: the course, and the lesson (null for a new one) with its server-rendered HTML. */
export async function lessonForEditor(db: Db, user: CurrentUser, courseId: string, lessonId: string | null) {
  catalogEditor(user)
  const course = await db.course.findUnique({ where: { id: courseId }, select: { id: true, code: true, name: true, retiredAt: true } })
  if (!course) throw new NotFoundError('course')
  let lesson = null
  if (lessonId !== null) {
    const row = await db.lesson.findFirst({
      where: { id: lessonId, courseId },
      select: { id: true, code: true, title: true, nominalMinutes: true, content: true, fromContent: true, retiredAt: true },
    })
    if (!row) throw new NotFoundError('record')
    lesson = {
      id: row.id,
      code: row.code,
      title: row.title,
      nominalMinutes: row.nominalMinutes,
      content: row.content,
      html: renderLessonHtml(row.content),
      retired: row.retiredAt !== null,
      contentFile: row.fromContent ? `content/catalog/${(await contentFileOfLesson(row.code)) ?? ''}` : null,
    }
  }
  return { course: { id: course.id, code: course.code, name: course.name, retired: course.retiredAt !== null }, lesson }
}

/** The lesson's content is not a lesson of THE schema: what is wrong, in Chinese, block by block. */
export class LessonContentError extends AppError {
  constructor(readonly issues: string[]) {
    super(issues.join('\n'))
    this.name = 'LessonContentError'
  }
  get kind(): AppErrorKind {
    return 'validation_failed'
  }
  get field() {
    return 'content'
  }
  describe(_t: T) {
    return this.issues.join('；')
  }
}

const digest = (content: unknown) => createHash('sha256').update(JSON.stringify(content)).digest('hex')
const lessonAudit = (l: { courseId: string; code: string; title: string; nominalMinutes: number; content: unknown }) => ({
  courseId: l.courseId,
  code: l.code,
  title: l.title,
  nominalMinutes: l.nominalMinutes,
  contentSha256: digest(l.content),
  contentChars: JSON.stringify(l.content).length,
})

export type LessonInput = { title: string; nominalMinutes: number; content: string }

/**
 * Creates (lessonId null: at the end of the course) or changes a lesson. The
 * content is the editor's JSON text, checked by `parseLessonJson`
 * (LessonContentError names what is wrong); what is stored is the checked
 * document. Audited as `lesson.create` / `lesson.update`.
 */
export async function saveLesson(db: Db, user: CurrentUser, ip: string | null, courseId: string, lessonId: string | null, input: LessonInput) {
  const editor = catalogEditor(user, ip)
  const checked = parseLessonJson(input.content)
  if (!checked.ok) throw new LessonContentError(checked.issues)
  const content = checked.doc as unknown as Prisma.InputJsonValue
  return db.$transaction(async (tx) => {
    const course = await tx.course.findUnique({ where: { id: courseId }, select: { id: true, code: true } })
    if (!course) throw new NotFoundError('course')
    if (lessonId === null) {
      const last = await tx.lesson.aggregate({ where: { courseId }, _max: { position: true } })
      const code = `${course.code}-E${randomBytes(3).toString('hex').toUpperCase()}`.slice(0, 40)
      const lesson = await tx.lesson.create({
        data: {
          id: newId(),
          courseId,
          code,
          title: input.title,
          nominalMinutes: input.nominalMinutes,
          content,
          position: (last._max.position ?? -1) + 1,
          fromContent: false,
        },
      })
      await recordAudit(tx, {
        actorId: editor.id,
        action: 'lesson.create',
        entityType: 'Lesson',
        entityId: lesson.id,
        after: lessonAudit(lesson),
        ip: editor.ip,
        scopePath: editor.scopePath,
      })
      return lesson
    }
    const before = await tx.lesson.findFirst({ where: { id: lessonId, courseId } })
    if (!before) throw new NotFoundError('record')
    const after = await tx.lesson.update({ where: { id: lessonId }, data: { title: input.title, nominalMinutes: input.nominalMinutes, content } })
    await recordAudit(tx, {
      actorId: editor.id,
      action: 'lesson.update',
      entityType: 'Lesson',
      entityId: lessonId,
      before: lessonAudit(before),
      after: lessonAudit(after),
      ip: editor.ip,
      scopePath: editor.scopePath,
    })
    return after
  })
}

// ─── Uploads ──────────────────────────────────────────────────────────────

export type LessonUploadCode = 'too_large' | 'not_image' | 'not_media' | 'unreadable'
const LESSON_UPLOAD_MESSAGES: Record<LessonUploadCode, string> = {
  too_large: '文件不能超过 10 MB',
  not_image: '图片只能是 JPG、PNG 或 WebP',
  not_media: '音频只能是 MP3、M4A 或 OGG，视频只能是 MP4 或 WebM',
  unreadable: '这张图片打不开，请换一张',
}

export class LessonUploadError extends AppError {
  constructor(readonly code: LessonUploadCode) {
    super(LESSON_UPLOAD_MESSAGES[code])
    this.name = 'LessonUploadError'
  }
  get kind(): AppErrorKind {
    return 'validation_failed'
  }
  get field() {
    return 'file'
  }
  describe(_t: T) {
    return LESSON_UPLOAD_MESSAGES[this.code]
  }
}

/** Widest picture kept; phones get the 640-px copy. */
export const LESSON_IMAGE_WIDTH = 1280
export const LESSON_IMAGE_PHONE_WIDTH = 640

const newName = () => `u-${randomBytes(16).toString('hex')}`

async function writeMedia(name: string, bytes: Uint8Array) {
  await mkdir(lessonMediaDir(), { recursive: true, mode: 0o700 })
  await writeFile(path.join(lessonMediaDir(), name), bytes, { flag: 'wx', mode: 0o600 })
}

/**
 * A picture for a lesson: ≤ 10 MB, a JPEG, PNG or WebP by its bytes; turned
 * upright (EXIF), shrunk to at most 1280 px wide (never enlarged), metadata
 * dropped, re-encoded as WebP, plus a 640-px copy when wider than that.
 * Returns the address the image node takes, and its size.
 */
export async function uploadLessonImage(db: Db, user: CurrentUser, ip: string | null, file: File) {
  const editor = catalogEditor(user, ip)
  if (file.size > MAX_UPLOAD_BYTES) throw new LessonUploadError('too_large')
  const bytes = new Uint8Array(await file.arrayBuffer())
  if (!sniffLessonImage(bytes)) throw new LessonUploadError('not_image')
  const name = newName()
  let width: number
  let height: number
  try {
    const big = await sharp(bytes, { limitInputPixels: 50_000_000 })
      .rotate()
      .resize({ width: LESSON_IMAGE_WIDTH, withoutEnlargement: true })
      .webp({ quality: 78 })
      .toBuffer({ resolveWithObject: true })
    width = big.info.width
    height = big.info.height
    await writeMedia(`${name}.webp`, big.data)
    if (width > LESSON_IMAGE_PHONE_WIDTH) {
      const small = await sharp(bytes, { limitInputPixels: 50_000_000 }).rotate().resize({ width: LESSON_IMAGE_PHONE_WIDTH }).webp({ quality: 74 }).toBuffer()
      await writeMedia(`${name}-640.webp`, small)
    }
  } catch (error) {
    if (error instanceof LessonUploadError) throw error
    if ((error as NodeJS.ErrnoException).code) throw error
    throw new LessonUploadError('unreadable')
  }
  const src = `/lesson-media/${name}.webp`
  await auditUpload(db, editor, src, 'image', file.size)
  return { src, width, height }
}

/** A recording or video for a lesson: ≤ 10 MB, MP3/M4A/OGG or MP4/WebM by its bytes, stored as it is. */
export async function uploadLessonMedia(db: Db, user: CurrentUser, ip: string | null, file: File) {
  const editor = catalogEditor(user, ip)
  if (file.size > MAX_UPLOAD_BYTES) throw new LessonUploadError('too_large')
  const bytes = new Uint8Array(await file.arrayBuffer())
  const kind = sniffLessonMedia(bytes)
  if (!kind) throw new LessonUploadError('not_media')
  const name = `${newName()}.${kind.ext}`
  await writeMedia(name, bytes)
  const src = `/lesson-media/${name}`
  await auditUpload(db, editor, src, kind.kind, file.size)
  return { src, kind: kind.kind }
}

async function auditUpload(db: Db, editor: ReturnType<typeof catalogEditor>, src: string, kind: string, bytes: number) {
  await recordAudit(db, {
    actorId: editor.id,
    action: 'lesson.media.upload',
    entityType: 'LessonMedia',
    entityId: src,
    after: { kind, bytes },
    ip: editor.ip,
    scopePath: editor.scopePath,
  })
}
