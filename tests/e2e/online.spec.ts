import { newId } from '#app/utils/ids.server.ts'
import { expect, personInSeededGroup, signIn, test } from './fixtures.ts'

/**
 * The lesson page's heartbeat through the real server: the browser's fetch
 * passes the CSRF gate and reaches the fast-path handler that
 * app/server/http.ts mounts before Remix (app/server/heartbeat.server.ts).
 */
test('a learner reads a lesson on the phone: the page says it is counting and the time is credited', async ({ page, db, makeUser }) => {
  const { person, group } = await personInSeededGroup()
  const learner = await makeUser({ role: 'learner', personId: person.id })
  const suffix = newId().slice(0, 8)
  // A lesson of the learner's own plan (a course of the class's major): other lessons are not theirs (issue 13).
  const { course } = await db.planItem.findFirstOrThrow({
    where: { majorId: group.majorId!, retiredAt: null },
    orderBy: { position: 'asc' },
    include: { course: true },
  })
  const content = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: '玉米要种在向阳的地里。' }] }] }
  const lesson = await db.lesson.create({
    data: { id: newId(), courseId: course.id, code: `E2E-L-${suffix}`, title: '玉米种植第一课', content, nominalMinutes: 30, position: 900 },
  })

  // The page's clock starts 30 s behind the server's, so that after fast-forwarding it the next
  // beat's sentAt is "now" again (a beat dated in the future credits nothing).
  await page.clock.install({ time: new Date(Date.now() - 30_000) })
  await signIn(page, learner.username, learner.password)
  await page.goto(`/learn/lessons/${lesson.id}`)
  await expect(page.getByRole('heading', { name: '玉米种植第一课' })).toBeVisible()
  const status = page.getByTestId('online-status')
  await expect(status.getByText('正在计时')).toBeVisible()
  await expect(status.getByText('这节课今天记了 0 分钟（最多记 36 分钟）')).toBeVisible()
  await expect.poll(() => db.onlinePresence.count({ where: { personId: person.id, lessonId: lesson.id } })).toBe(1)

  // The first beat was 30 s ago (server side); the page's next beat comes 30 s later on its clock.
  await db.onlinePresence.update({ where: { personId: person.id }, data: { lastBeatAt: new Date(Date.now() - 30_000) } })
  await page.clock.fastForward(30_000)
  await expect
    .poll(async () => (await db.onlineCredit.findFirst({ where: { personId: person.id, lessonId: lesson.id } }))?.seconds ?? 0)
    .toBeGreaterThanOrEqual(29)
  await expect(status.getByText('正在计时')).toBeVisible()
})
