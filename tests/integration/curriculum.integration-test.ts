/**
 * The starter curriculum (issue 16): `npm run content:sync` loads the
 * Markdown lessons into this file's database; after the demo seed, every
 * course of every plan of the demo classes has lessons, every lesson is the
 * validated Markdown (front matter, nominal minutes, pictures ≤ 100 KB that
 * exist), the two round programmes add up to 40 学时, and a broken lesson
 * file is refused with its file and line, changing nothing.
 * (Readability limits are checked in app/domain/lesson-readability.test.ts.)
 */
import { execFile } from 'node:child_process'
import { cp, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CatalogError, type Catalog } from '#app/domain/catalog.ts'
import { IMAGE_SRC, MAX_IMAGE_BYTES } from '#app/domain/lesson-media.ts'
import { CATALOG_DIR, loadCatalog, MEDIA_DIR } from '#app/models/catalog.server.ts'
import { POLICY_DIR } from '#app/models/policies.server.ts'
import { syncContent } from '#app/server/content-sync.ts'
import { getDb } from '#app/utils/db.server.ts'
import { seedDemo } from '#prisma/seed.ts'

const db = getDb()
const ROOT = path.resolve(import.meta.dirname, '../..')
let catalog: Catalog
let syncOutput: string
let tmp: string

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'xx-curriculum-'))
  // The real command, as a coordinator would run it, against this file's database.
  const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'app/server/content-sync.ts'], {
    cwd: ROOT,
    env: { ...process.env },
    timeout: 120_000,
  })
  syncOutput = run.stdout
  catalog = await loadCatalog()
  await seedDemo(db)
}, 240_000)

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

const imagesOf = (node: { type?: string; attrs?: Record<string, unknown>; content?: unknown[] }): string[] => [
  ...(node.type === 'image' ? [String(node.attrs?.src)] : []),
  ...((node.content ?? []) as (typeof node)[]).flatMap(imagesOf),
]

describe('npm run content:sync', () => {
  test('loads every lesson of content/catalog into the database', async () => {
    const fileLessons = catalog.courses.flatMap((c) => c.lessons)
    expect(fileLessons.length).toBeGreaterThanOrEqual(60)
    expect(syncOutput).toContain(`线上课：新增 ${fileLessons.length}，`)
    const stored = await db.lesson.findMany({ where: { retiredAt: null }, include: { course: { select: { code: true } } } })
    expect(stored.length).toBe(fileLessons.length)
    for (const l of fileLessons) {
      const row = stored.find((s) => s.code === l.code)
      expect(row, l.code).toBeDefined()
      expect(row!.title).toBe(l.title)
      expect(row!.nominalMinutes).toBe(l.nominalMinutes)
      expect(row!.content).toEqual(l.content)
    }
  })

  test('every course of every plan of the demo classes has lessons', async () => {
    const classes = await db.group.findMany({
      where: { kind: 'class' },
      include: {
        major: { include: { planItems: { where: { retiredAt: null }, include: { course: { include: { lessons: { where: { retiredAt: null } } } } } } } },
      },
    })
    expect(classes.map((c) => c.major?.code).sort()).toEqual(['breeding', 'catering', 'e-commerce', 'planting'])
    for (const c of classes) {
      expect(c.major!.planItems.length, c.code).toBeGreaterThanOrEqual(6)
      for (const item of c.major!.planItems) expect(item.course.lessons.length, `${c.code} ${item.course.code} ${item.course.name}`).toBeGreaterThan(0)
    }
  })

  test('every lesson is a validated Markdown file with nominal minutes; its pictures exist and are at most 100 KB', async () => {
    const media = new Map<string, number>()
    for (const name of await readdir(MEDIA_DIR)) media.set(`/lesson-media/${name}`, (await stat(path.join(MEDIA_DIR, name))).size)
    for (const [, size] of media) expect(size).toBeLessThanOrEqual(MAX_IMAGE_BYTES)
    let pictures = 0
    for (const course of catalog.courses) {
      for (const l of course.lessons) {
        expect(l.file, `${l.code} comes from a Markdown file`).toMatch(new RegExp(`^lessons/${course.code}/\\d{2}-[a-z0-9-]+\\.md$`))
        expect(l.nominalMinutes, l.code).toBeGreaterThan(0)
        for (const src of imagesOf(l.content)) {
          pictures++
          expect(src).toMatch(IMAGE_SRC)
          expect(media.get(src), src).toBeLessThanOrEqual(MAX_IMAGE_BYTES)
        }
      }
    }
    expect(pictures).toBeGreaterThanOrEqual(2)
  })

  test('the two round programmes add up to 40 学时 and their online modules have lessons', async () => {
    for (const code of ['XCXX', 'XKB']) {
      const t = catalog.templates.find((x) => x.code === code)!
      expect(t.requiredHours).toBe(40)
      expect(t.sessions!.reduce((sum, s) => sum + s.hours, 0)).toBe(40)
      expect(new Set(t.sessions!.map((s) => s.kind))).toEqual(new Set(['face-to-face', 'online', 'school-based']))
      for (const s of t.sessions!.filter((x) => x.kind === 'online')) {
        const lessons = await db.lesson.findMany({ where: { course: { code: s.course }, retiredAt: null } })
        expect(lessons.reduce((sum, l) => sum + l.nominalMinutes, 0) / 45).toBeGreaterThanOrEqual(s.hours)
      }
    }
  })

  test('a broken lesson file is refused with its file and line, and nothing changes', async () => {
    const dir = await mkdtemp(path.join(tmp, 'c-'))
    await cp(CATALOG_DIR, path.join(dir, 'catalog'), { recursive: true })
    const file = path.join(dir, 'catalog/lessons/SC-WH-102/03-read-a-notice.md')
    const { readFile } = await import('node:fs/promises')
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('## 先看四件事', '## 先看四件事\n\n详见[这里](javascript:alert(1))。').replace('minutes: 20', 'minutes: 二十'),
    )
    const before = await db.lesson.findMany({ orderBy: { id: 'asc' } })
    const error = await syncContent(db, { catalogDir: path.join(dir, 'catalog'), policyDir: POLICY_DIR }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CatalogError)
    const message = (error as Error).message
    expect(message).toContain('lessons/SC-WH-102/03-read-a-notice.md:6: front matter "minutes" must be a number')
    expect(message).toMatch(/lessons\/SC-WH-102\/03-read-a-notice\.md:\d+: link "javascript:alert\(1\)" must start with http:\/\/ or https:\/\//)
    expect(await db.lesson.findMany({ orderBy: { id: 'asc' } })).toEqual(before)
  })
})
