/**
 * Lessons written in the coordinators' Tiptap editor (issue 13): a county
 * coordinator saves a lesson through the page's action and it is stored as
 * the checked JSON and audited; a lesson with a script, a javascript: link,
 * an onerror attribute, an unknown node or a __proto__ attribute is refused
 * on save, naming what is wrong, and nothing is stored (Must show 5); a
 * township coordinator may not edit the catalog; content:sync leaves an
 * editor lesson alone; pictures are re-encoded and resized, anything that is
 * not a picture by its bytes is refused.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { renderLessonHtml } from '#app/domain/lesson-render.ts'
import { LessonUploadError, uploadLessonImage, uploadLessonMedia } from '#app/models/lessons.server.ts'
import { userForSessionToken } from '#app/auth/permissions.server.ts'
import * as editRoute from '#app/routes/coordinator.courses.$courseId_.lessons.$lessonId.edit.tsx'
import * as newRoute from '#app/routes/coordinator.courses.$courseId_.lessons.new.tsx'
import * as mediaRoute from '#app/routes/lesson-media.$file.ts'
import { syncContent } from '#app/server/content-sync.ts'
import { getDb } from '#app/utils/db.server.ts'
import { resetEnvCache } from '#app/utils/env.server.ts'
import { callRoute, createUserWithSession, createWorld, type World } from '#tests/fixtures/db.ts'

const db = getDb()
let uploads: string
let world: World
let course: { id: string; code: string }
let county: Awaited<ReturnType<typeof createUserWithSession>>
let township: Awaited<ReturnType<typeof createUserWithSession>>

beforeAll(async () => {
  uploads = await mkdtemp(path.join(os.tmpdir(), 'xx-lesson-uploads-'))
  process.env.XX_UPLOAD_DIR = uploads
  resetEnvCache()
  world = await createWorld(db)
  await syncContent(db)
  course = await db.course.findFirstOrThrow({ where: { code: 'SC-ZZ-101' }, select: { id: true, code: true } })
  county = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
  township = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
}, 120_000)

afterAll(async () => {
  await rm(uploads, { recursive: true, force: true })
})

const t = (text: string, marks?: unknown[]) => (marks ? { type: 'text', text, marks } : { type: 'text', text })
const p = (...content: unknown[]) => ({ type: 'paragraph', content })
const doc = (...content: unknown[]) => ({ type: 'doc', content })
const GOOD = doc(
  { type: 'heading', attrs: { level: 2 }, content: [t('先看天气')] },
  p(t('下雨前', [{ type: 'bold' }]), t('不要打药。'), t('气象台', [{ type: 'link', attrs: { href: 'https://www.cma.gov.cn/' } }])),
  {
    type: 'bulletList',
    content: [
      { type: 'listItem', content: [p(t('看云'))] },
      { type: 'listItem', content: [p(t('听预报'))] },
    ],
  },
)

const form = (fields: Record<string, string>) => new URLSearchParams(fields)
const save = (cookie: string, content: unknown, lessonId?: string) =>
  lessonId
    ? callRoute(editRoute.action as never, {
        url: `/coordinator/courses/${course.id}/lessons/${lessonId}/edit`,
        cookie,
        method: 'POST',
        params: { courseId: course.id, lessonId },
        body: form({ title: '看天打药', minutes: '12', content: typeof content === 'string' ? content : JSON.stringify(content) }),
      })
    : callRoute(newRoute.action as never, {
        url: `/coordinator/courses/${course.id}/lessons/new`,
        cookie,
        method: 'POST',
        params: { courseId: course.id },
        body: form({ title: '看天打药', minutes: '12', content: typeof content === 'string' ? content : JSON.stringify(content) }),
      })

const errorsOf = (r: { value: unknown }) => (r.value as { data: { errors: { content?: string[] } } }).data.errors.content ?? []

describe('saving a lesson', () => {
  test('a county coordinator creates a lesson at the end of the course: stored as checked, audited, rendered for learners', async () => {
    const before = await db.lesson.count({ where: { courseId: course.id } })
    const r = await save(county.cookie, GOOD)
    expect(r.status).toBe(302)
    const lesson = await db.lesson.findFirstOrThrow({ where: { courseId: course.id, fromContent: false } })
    expect((r.value as Response).headers.get('location')).toBe(`/coordinator/courses/${course.id}/lessons/${lesson.id}/edit?saved=1`)
    expect(lesson).toMatchObject({ title: '看天打药', nominalMinutes: 12, position: before, content: GOOD })
    expect(lesson.code).toMatch(/^SC-ZZ-101-E[0-9A-F]{6}$/)
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'lesson.create', entityId: lesson.id } })
    expect(audit).toMatchObject({ actorId: county.id, entityType: 'Lesson', scopePath: world.regions.county.path })
    expect(audit.after).toMatchObject({ title: '看天打药', nominalMinutes: 12, courseId: course.id })
    expect(renderLessonHtml(lesson.content)).toBe(
      '<h2>先看天气</h2><p><strong>下雨前</strong>不要打药。<a href="https://www.cma.gov.cn/" rel="noopener noreferrer nofollow" target="_blank">气象台</a></p>' +
        '<ul><li><p>看云</p></li><li><p>听预报</p></li></ul>',
    )

    // Editing it: before and after in the audit.
    const edited = doc(...GOOD.content, p(t('记住了吗？')))
    const r2 = await save(county.cookie, edited, lesson.id)
    expect(r2.status).toBe(302)
    expect((await db.lesson.findUniqueOrThrow({ where: { id: lesson.id } })).content).toEqual(edited)
    const update = await db.auditEvent.findFirstOrThrow({ where: { action: 'lesson.update', entityId: lesson.id } })
    expect((update.before as { contentSha256: string }).contentSha256).not.toBe((update.after as { contentSha256: string }).contentSha256)

    // content:sync changes nothing and retires nothing it did not load.
    const sync = await syncContent(db)
    expect(sync.catalog.lessons).toMatchObject({ added: 0, updated: 0, retired: 0 })
    expect((await db.lesson.findUniqueOrThrow({ where: { id: lesson.id } })).retiredAt).toBeNull()
  })

  test.each<[string, unknown, string]>([
    ['a <script> node', doc(p(t('好')), { type: 'script', content: [t('alert(1)')] }), '第 2 块：不认识的内容类型「script」，课文里不能用'],
    ['a javascript: link', doc(p(t('点我', [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }]))), '链接只能以 http:// 或 https:// 开头'],
    [
      'an onerror attribute',
      doc({ type: 'image', attrs: { src: '/lesson-media/maize-spacing.svg', alt: '图', onerror: 'alert(1)' } }),
      '第 1 块：图片不能带属性「onerror」',
    ],
    ['an unknown node type', doc({ type: 'iframe', attrs: { src: 'https://evil.example/' } }), '第 1 块：不认识的内容类型「iframe」'],
    [
      'a __proto__ attribute',
      '{"type":"doc","content":[{"type":"paragraph","attrs":{"__proto__":{"isAdmin":true}},"content":[{"type":"text","text":"好"}]}]}',
      '第 1 块：段落不能带属性「__proto__」',
    ],
    ['a picture from elsewhere', doc({ type: 'image', attrs: { src: 'https://evil.example/a.png', alt: '图' } }), '只能用上传到本站的图片'],
    ['not JSON', '<p>hello</p>', '内容不是有效的 JSON'],
  ])('%s is refused on save, in Chinese, and nothing is stored or audited', async (_name, content, message) => {
    const lessons = await db.lesson.count()
    const audits = await db.auditEvent.count()
    const r = await save(county.cookie, content)
    expect(r.status).toBe(422)
    expect(errorsOf(r).join('\n')).toContain(message)
    expect(await db.lesson.count()).toBe(lessons)
    expect(await db.auditEvent.count()).toBe(audits)
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  })

  test('a township coordinator may not edit the catalog (403); a lesson of another course is 404', async () => {
    expect((await save(township.cookie, GOOD)).status).toBe(403)
    const page = await callRoute(newRoute.loader as never, {
      url: `/coordinator/courses/${course.id}/lessons/new`,
      cookie: township.cookie,
      params: { courseId: course.id },
    })
    expect(page.status).toBe(403)
    const other = await db.lesson.findFirstOrThrow({ where: { course: { code: 'SC-ZZ-102' } } })
    expect((await save(county.cookie, GOOD, other.id)).status).toBe(404)
  })

  test('the edit page of a content lesson says the next sync replaces it, and carries its server HTML', async () => {
    const lesson = await db.lesson.findFirstOrThrow({ where: { courseId: course.id, fromContent: true }, orderBy: { position: 'asc' } })
    const r = await callRoute(editRoute.loader as never, {
      url: `/coordinator/courses/${course.id}/lessons/${lesson.id}/edit`,
      cookie: county.cookie,
      params: { courseId: course.id, lessonId: lesson.id },
    })
    expect(r.status).toBe(200)
    const page = r.value as { lesson: { contentFile: string | null; html: string } }
    expect(page.lesson.contentFile).toBe(`content/catalog/lessons/SC-ZZ-101/01-know-your-soil.md`)
    expect(page.lesson.html).toContain('<h2>')
  })
})

describe('uploads for lessons', () => {
  test('a large PNG becomes a 1280-px WebP and a 640-px copy, served publicly from /lesson-media/', async () => {
    const user = (await userForSessionToken(county.token))!
    const png = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer()
    const out = await uploadLessonImage(db, user, '127.0.0.1', new File([new Uint8Array(png)], 'field.png', { type: 'image/png' }))
    expect(out).toMatchObject({ width: 1280, height: 640 })
    expect(out.src).toMatch(/^\/lesson-media\/u-[0-9a-f]{32}\.webp$/)
    const name = out.src.split('/').pop()!
    expect((await readdir(path.join(uploads, 'lesson-media'))).sort()).toEqual([name.replace('.webp', '-640.webp'), name].sort())
    const res = await mediaRoute.loader({ request: new Request(`http://localhost${out.src}`), params: { file: name }, context: {} } as never)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/webp')
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata()
    expect(meta).toMatchObject({ format: 'webp', width: 1280 })
    const small = await sharp(path.join(uploads, 'lesson-media', name.replace('.webp', '-640.webp'))).metadata()
    expect(small.width).toBe(640)
    expect(await db.auditEvent.count({ where: { action: 'lesson.media.upload', entityId: out.src } })).toBe(1)
  })

  test.each<[string, Uint8Array<ArrayBuffer>, string]>([
    ['an .exe named .png', new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]), 'not_image'],
    ['an SVG (may carry script)', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'not_image'],
    ['a PNG signature with garbage after it', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), 'unreadable'],
  ])('%s is refused', async (_name, bytes, code) => {
    const user = (await userForSessionToken(county.token))!
    const error = await uploadLessonImage(db, user, null, new File([bytes], 'x.png', { type: 'image/png' })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LessonUploadError)
    expect((error as LessonUploadError).code).toBe(code)
  })

  test('a recording is kept as it is; an HTML page is not a recording; a township coordinator may not upload', async () => {
    const user = (await userForSessionToken(county.token))!
    const mp3 = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0])
    const out = await uploadLessonMedia(db, user, null, new File([mp3], 'a.mp3'))
    expect(out).toMatchObject({ kind: 'audio' })
    expect(out.src).toMatch(/^\/lesson-media\/u-[0-9a-f]{32}\.mp3$/)
    const html = await uploadLessonMedia(db, user, null, new File(['<!doctype html><script>'], 'a.mp3')).catch((e: unknown) => e)
    expect((html as LessonUploadError).code).toBe('not_media')
    const townshipUser = (await userForSessionToken(township.token))!
    await expect(uploadLessonImage(db, townshipUser, null, new File([mp3], 'a.png'))).rejects.toThrow('forbidden')
  })
})
