/**
 * Must show 5, the reading side: whatever got into Lesson.content (here
 * written straight into the database, past the check on save), the learner's
 * lesson page gets server-rendered HTML in which a <script>, a javascript:
 * link, an onerror attribute, an unknown node or a __proto__ attribute is
 * inert, and the lesson's JSON is not sent to the page.
 */
import { beforeAll, expect, test } from 'vitest'
import * as lessonRoute from '#app/routes/learn.lessons.$lessonId.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const db = getDb()
let world: TrainingWorld

beforeAll(async () => {
  world = await createTrainingWorld(db)
  // The lesson's course is in the class's plan: a learner reads only the lessons of their own plan.
  await db.planItem.create({ data: { id: newId(), majorId: world.groups.class.majorId!, courseId: world.lessons.lesson.courseId, position: 1 } })
})

const HOSTILE = JSON.parse(`{"type":"doc","content":[
  {"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"标题<script>alert(1)</script>"}]},
  {"type":"script","content":[{"type":"text","text":"alert(2)"}]},
  {"type":"paragraph","content":[{"type":"text","text":"点我","marks":[{"type":"link","attrs":{"href":"javascript:alert(3)"}}]}]},
  {"type":"image","attrs":{"src":"/lesson-media/maize-spacing.svg","alt":"玉米","onerror":"alert(4)"}},
  {"type":"image","attrs":{"src":"data:image/svg+xml,<svg onload=alert(5)>","alt":"x"}},
  {"type":"iframe","attrs":{"src":"https://evil.example/"}},
  {"type":"paragraph","attrs":{"__proto__":{"onclick":"alert(6)"},"style":"x"},"content":[{"type":"text","text":"原型"}]}
]}`)

test('a hostile lesson in the database renders inert on the learner page', async () => {
  const { person } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  const learner = await createUserWithSession(db, { role: 'learner', personId: person.id })
  const lesson = world.lessons.lesson
  await db.lesson.update({ where: { id: lesson.id }, data: { content: HOSTILE } })
  const r = await callRoute(lessonRoute.loader as never, { url: `/learn/lessons/${lesson.id}`, cookie: learner.cookie, params: { lessonId: lesson.id } })
  expect(r.status).toBe(200)
  const page = r.value as { lesson: { html: string; content?: unknown } }
  expect(page.lesson.content).toBeUndefined()
  expect(page.lesson.html).toBe(
    '<h2>标题&lt;script&gt;alert(1)&lt;/script&gt;</h2><p>点我</p>' +
      '<figure class="lesson-figure"><img src="/lesson-media/maize-spacing.svg" alt="玉米" loading="lazy" decoding="async"/></figure><p>原型</p>',
  )
})
