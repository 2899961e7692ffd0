/**
 * Records of study in the browser: a coordinator enrolls a new person from
 * the class's filtered list with JavaScript off, opens the study record, is
 * told plainly that a result waits for the course's tasks, ticks the tasks
 * and records the result.
 */
import { createPersonIn } from '#tests/fixtures/db.ts'
import { expect, signIn, test } from './fixtures.ts'

test.describe('enrolling and recording results @desktop', () => {
  test.use({ javaScriptEnabled: false })

  test('enroll from the list, then a result is refused until the tasks are ticked', async ({ page, db, makeUser }) => {
    const group = await db.group.findUniqueOrThrow({ where: { code: 'CH2026-ZZ01' }, select: { id: true, majorId: true } })
    const zhelou = await db.region.findUniqueOrThrow({ where: { code: '522327001' } })
    const person = await createPersonIn(db, zhelou.id)
    const planCourse = await db.planItem.findFirstOrThrow({
      where: { majorId: group.majorId!, retiredAt: null, course: { tasks: { some: { retiredAt: null } } } },
      orderBy: { position: 'asc' },
      select: { course: { select: { name: true, code: true, tasks: { where: { retiredAt: null }, select: { name: true } } } } },
    })
    const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
    await signIn(page, coord.username, coord.password)

    await page.goto(`/coordinator/groups/${group.id}/enroll?q=${encodeURIComponent(person.name)}`)
    await page.locator(`input[name="personId"][value="${person.id}"]`).check()
    await page.getByRole('button', { name: '报名所选人员' }).click()
    await expect(page.getByText('报名结果：成功 1 人，已在班 0 人，未能报名 0 人')).toBeVisible()
    await page.getByRole('link', { name: '打开学习记录' }).click()
    await expect(page.getByRole('heading', { name: `${person.name} · 学习记录` })).toBeVisible()

    const course = page.getByTestId(`course-${planCourse.course.code}`)
    await course.getByLabel('分数（0–100）').fill('86')
    await course.getByLabel('合格', { exact: true }).check()
    await course.getByRole('button', { name: '记录成绩' }).click()
    await expect(page.getByRole('alert').filter({ hasText: '该课程还有作业/实操未完成：' })).toContainText(planCourse.course.tasks[0]!.name)

    for (let i = 0; i < planCourse.course.tasks.length; i++) {
      await page.getByTestId(`course-${planCourse.course.code}`).getByRole('button', { name: '标记完成' }).first().click()
    }
    await expect(page.getByTestId(`course-${planCourse.course.code}`).getByRole('button', { name: '标记完成' })).toHaveCount(0)
    const again = page.getByTestId(`course-${planCourse.course.code}`)
    await again.getByLabel('分数（0–100）').fill('86')
    await again.getByLabel('合格', { exact: true }).check()
    await again.getByRole('button', { name: '记录成绩' }).click()
    await expect(page.getByText(`已记录 ${planCourse.course.name} 的成绩。`)).toBeVisible()
    await expect(page.getByTestId(`result-${planCourse.course.code}`)).toContainText('86 分 · 合格')
  })
})

test('API over HTTP: enroll, then a result waits for the tasks (409 tasks_incomplete) @desktop', async ({ request, db, makeUser }) => {
  const zhelou = await db.region.findUniqueOrThrow({ where: { code: '522327001' } })
  const person = await createPersonIn(db, zhelou.id)
  const coord = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
  const token = (await (await request.post('/api/v1/auth/token', { data: { username: coord.username, password: coord.password } })).json()).token as string
  const headers = { authorization: `Bearer ${token}` }
  const enrolled = await request.post('/api/v1/enrollments', { headers, data: { personId: person.id, groupCode: 'CH2026-ZZ01', startDate: '2026-03-01' } })
  expect(enrolled.status()).toBe(201)
  const body = await enrolled.json()
  expect(body).toMatchObject({ programCode: 'skills-credential', groupCode: 'CH2026-ZZ01', startDate: '2026-03-01', status: 'active' })
  expect([1, 3]).toContain(body.studyYears)

  const group = await db.group.findUniqueOrThrow({ where: { code: 'CH2026-ZZ01' }, select: { majorId: true } })
  const item = await db.planItem.findFirstOrThrow({
    where: { majorId: group.majorId!, retiredAt: null, course: { tasks: { some: { retiredAt: null } } } },
    select: { course: { select: { code: true } } },
  })
  const refused = await request.post(`/api/v1/enrollments/${body.id}/results`, { headers, data: { courseCode: item.course.code, score: 75, passed: true } })
  expect(refused.status()).toBe(409)
  expect((await refused.json()).error.code).toBe('tasks_incomplete')
  // The hours endpoint below the new /api/v1/enrollments route still answers.
  const hours = await request.post(`/api/v1/enrollments/${body.id}/hours`, {
    headers,
    data: { category: 'self_study', minutes: 45, date: '2026-03-02', reason: '补录' },
  })
  expect(hours.status()).toBe(201)
})
