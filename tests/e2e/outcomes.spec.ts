import { newId } from '#app/utils/ids.server.ts'
import { expect, personInSeededGroup, signIn, test } from './fixtures.ts'

test('a learner on the phone, JavaScript off, sees each course state, credits and what is still missing', async ({ browser, db, makeUser }) => {
  const { person, enrollment, group } = await personInSeededGroup()
  const plan = await db.planItem.findMany({
    where: { majorId: group.majorId!, retiredAt: null },
    orderBy: { position: 'asc' },
    include: { course: { include: { tasks: true } } },
  })
  const [first, second] = plan.map((p) => p.course)
  for (const c of [first!, second!]) {
    for (const task of c.tasks) await db.taskCompletion.create({ data: { id: newId(), enrollmentId: enrollment.id, taskId: task.id, source: 'coordinator' } })
  }
  await db.courseResult.create({ data: { id: newId(), enrollmentId: enrollment.id, courseId: first!.id, score: 88, passed: true } })
  await db.courseResult.create({ data: { id: newId(), enrollmentId: enrollment.id, courseId: second!.id, score: 45, passed: false } })
  const required = plan.reduce((sum, p) => sum + Number(p.course.credits) * 10, 0) / 10
  const learner = await makeUser({ role: 'learner', personId: person.id })

  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  await signIn(page, learner.username, learner.password)
  await expect(page).toHaveURL(/\/me$/)
  // The home says what is left in plain words (issue 13), not the policy's 思想品德评价尚未通过.
  const todo = page.getByTestId('home-todo')
  await expect(todo).toContainText('品德评价还没有填：由班主任填写，你不用做什么')
  await expect(todo).toContainText(`还有 ${plan.length - 1} 门课没有考过`)
  await todo.getByRole('link', { name: '看我的课程和学分' }).click()

  await expect(page.getByRole('heading', { name: '我的课程', level: 1 })).toBeVisible()
  const card = page.getByTestId(`courses-${enrollment.id}`)
  await expect(card.getByTestId('outcome')).toContainText('在读')
  await expect(card.getByTestId('credits')).toHaveText(`学分 ${Number(first!.credits)} / ${required}`)
  await expect(card.getByTestId('reasons')).toContainText(`还差 ${plan.length - 1} 门课程未通过：${second!.name}`)
  await expect(card.getByTestId('reasons')).toContainText(`1 门考试未通过，可以补考：${second!.name}`)
  await expect(card.getByTestId('reasons')).toContainText('自学与线上学习还差 360.0 学时')
  const courses = card.getByTestId('course')
  await expect(courses).toHaveCount(plan.length)
  await expect(courses.nth(0).getByTestId('course-state')).toHaveText('已通过')
  await expect(courses.nth(0)).toContainText('88 分')
  await expect(courses.nth(1).getByTestId('course-state')).toHaveText('未通过')
  await expect(courses.nth(2).getByTestId('course-state')).toHaveText('待考')
  // Nothing wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
  await context.close()
})

test("the coordinator's class board filters 可毕业 and 有结业风险; another county's coordinator gets 404 @desktop", async ({ page, db, makeUser }) => {
  const group = await db.group.findUniqueOrThrow({ where: { code: 'CH2024-CY01' } })
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
  await signIn(page, coord.username, coord.password)
  await page.goto(`/coordinator/groups/${group.id}`)
  await page.getByRole('link', { name: '结业/毕业情况' }).click()
  await expect(page.getByRole('heading', { name: `${group.name}：毕业与结业情况` })).toBeVisible()
  const all = await page.getByTestId('board-row').count()
  expect(all).toBeGreaterThan(10)
  await expect(page.locator('[data-testid=board-row][data-status=completion]').first()).toContainText('修业期已于 2025年9月1日 结束')

  await page.getByRole('combobox', { name: '筛选' }).selectOption('eligible')
  await page.getByRole('button', { name: '查看' }).click()
  await expect(page).toHaveURL(/show=eligible/)
  await expect(page.getByRole('combobox', { name: '筛选' })).toHaveValue('eligible')
  const eligible = page.getByTestId('board-row')
  expect(await eligible.count()).toBeGreaterThan(0)
  expect(await eligible.count()).toBeLessThan(all)
  for (const status of await eligible.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))) expect(status).toBe('eligible_for_graduation')
  await expect(eligible.first()).toContainText('已达到全部毕业条件')

  await page.getByRole('combobox', { name: '筛选' }).selectOption('at_risk')
  await page.getByRole('button', { name: '查看' }).click()
  await expect(page).toHaveURL(/show=at_risk/)
  const risky = page.getByTestId('board-row')
  expect(await risky.count()).toBeGreaterThan(0)
  for (const status of await risky.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))) expect(status).toBe('in_progress')
  await expect(risky.first().getByText('有结业风险')).toBeVisible()

  const outsider = await makeUser({ role: 'coordinator', scopeRegionCode: '522326' })
  await page.context().clearCookies()
  await signIn(page, outsider.username, outsider.password)
  const res = await page.goto(`/coordinator/groups/${group.id}/board`)
  expect(res?.status()).toBe(404)
})

test('a learner on the phone marks an assignment done from the course page (JavaScript off)', async ({ browser, db, makeUser }) => {
  const { person, enrollment, group } = await personInSeededGroup()
  const withTasks = await db.planItem.findFirst({
    where: { majorId: group.majorId!, retiredAt: null, course: { tasks: { some: { retiredAt: null } } } },
    include: { course: { include: { tasks: { where: { retiredAt: null }, orderBy: { position: 'asc' } } } } },
  })
  expect(withTasks, 'the seeded 种植 plan has a course with tasks').toBeTruthy()
  const course = withTasks!.course
  const task = course.tasks[0]!
  const learner = await makeUser({ role: 'learner', personId: person.id })

  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  await signIn(page, learner.username, learner.password)
  await page.goto('/me/courses')
  const row = page.getByTestId(`courses-${enrollment.id}`).getByTestId('course').filter({ hasText: course.name })
  await expect(row).toContainText(`作业实操 0 / ${course.tasks.length}`)
  await row.locator('form').filter({ hasText: task.name }).getByRole('button', { name: '我已完成' }).click()
  await expect(page.getByRole('status')).toContainText('这项作业/实操记为完成')
  await expect(row).toContainText(`作业实操 1 / ${course.tasks.length}`)
  await expect(row.locator('form').filter({ hasText: task.name })).toHaveCount(0)
  expect(await db.taskCompletion.count({ where: { enrollmentId: enrollment.id, taskId: task.id, source: 'learner' } })).toBe(1)
  await context.close()
})
