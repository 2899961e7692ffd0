/**
 * Teacher rounds in the browser (issue 18): on a phone a teacher in two
 * rounds at once sees both, each with its face-to-face sessions, online
 * modules and 学时 progress; on a desktop a coordinator links an online
 * module to a round, plans its 学时 and tags it 乡村.
 */
import { randomBytes } from 'node:crypto'
import { beijingDate } from '#app/domain/time.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createPersonIn } from '#tests/fixtures/db.ts'
import { enroll } from '#tests/fixtures/training.ts'
import { expect, signIn, test } from './fixtures.ts'

const H = 45
const plusDays = (days: number) => beijingDate(new Date(Date.now() + days * 86_400_000))
const day = (d: string) => new Date(`${d}T00:00:00Z`)

/** A county round running now with one online module (a seeded content course) and one face-to-face day. */
async function roundWithProgramme(db: Db, opts: { name: string; module: string; venue: string; inDays: number }) {
  const [program, county, course] = await Promise.all([
    db.program.findUniqueOrThrow({ where: { code: 'teacher-training' } }),
    db.region.findUniqueOrThrow({ where: { code: '522327' } }),
    db.course.findUniqueOrThrow({ where: { code: opts.module } }),
  ])
  const group = await db.group.create({
    data: {
      id: newId(),
      code: `E2E-R-${newId().slice(0, 6).toUpperCase()}`,
      name: opts.name,
      programId: program.id,
      kind: 'round',
      regionId: county.id,
      startDate: day(plusDays(-20)),
      endDate: day(plusDays(60)),
      requiredMinutes: 40 * H,
      plannedConcentratedMinutes: 24 * H,
      plannedOnlineMinutes: 3 * H,
      plannedSchoolBasedMinutes: 13 * H,
      tags: ['rural'],
      roundCourses: { create: [{ courseId: course.id, position: 0 }] },
    },
  })
  const session = plusDays(opts.inDays)
  await db.classSession.create({
    data: {
      id: newId(),
      groupId: group.id,
      startsAt: new Date(`${session}T09:00:00+08:00`),
      endsAt: new Date(`${session}T17:30:00+08:00`),
      venue: opts.venue,
      plannedMinutes: 8 * H,
      description: '集中研修',
      checkinKey: new Uint8Array(randomBytes(32)),
    },
  })
  return group
}

test('a teacher in two rounds at once sees both on the phone, each with its sessions, modules and progress', async ({ page, db, makeUser }) => {
  await page.setViewportSize({ width: 360, height: 740 })
  const suffix = newId().slice(0, 4)
  const a = await roundWithProgramme(db, { name: `信息技术应用能力提升（${suffix}）`, module: 'TT-XX-201', venue: '册亨县教师发展中心 多功能厅', inDays: 5 })
  const b = await roundWithProgramme(db, { name: `新课标与课堂教学（${suffix}）`, module: 'TT-XKB-101', venue: '者楼街道第一小学 会议室', inDays: 9 })
  const zhelou = await db.region.findUniqueOrThrow({ where: { code: '522327001' } })
  const person = await createPersonIn(db, zhelou.id, 'teacher')
  const inA = await enroll(db, { personId: person.id, group: a })
  await enroll(db, { personId: person.id, group: b })
  // 8 学时 face-to-face in round A so far.
  await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: inA.id,
      category: 'concentrated',
      minutes: 8 * H,
      date: plusDays(-10),
      source: 'transfer',
      reason: '测试',
      createdById: null,
    }),
  )
  const user = await makeUser({ role: 'teacher', personId: person.id })
  await signIn(page, user.username, user.password)

  // Home: both rounds with their progress.
  const cardA = page.getByRole('region', { name: a.name })
  const cardB = page.getByRole('region', { name: b.name })
  await expect(cardA).toBeVisible()
  await expect(cardB).toBeVisible()
  await expect(cardA).toContainText('已学 8 / 40 学时')
  // Each round's split of what was earned (issue 13): 集中面授 / 线上学习 / 校本研修.
  const roundA = page.getByTestId('home-round').filter({ hasText: a.name })
  await expect(roundA.getByTestId('round-earned')).toHaveText('已学：集中面授 8 学时 · 线上学习 0 学时 · 校本研修 0 学时')
  await expect(roundA).toContainText('册亨县教师发展中心 多功能厅')

  for (const [round, card, venue, module, earned] of [
    [a, cardA, '册亨县教师发展中心 多功能厅', '信息技术与课堂教学融合', '8.0'],
    [b, cardB, '者楼街道第一小学 会议室', '新课标与课堂教学', '0.0'],
  ] as const) {
    await expect(card).toBeVisible()
    await page.getByTestId('home-round').filter({ hasText: round.name }).getByRole('link', { name: '看这次培训' }).click()
    await expect(page.getByRole('heading', { name: round.name, level: 1 })).toBeVisible()
    await expect(page.getByTestId('round-tags')).toContainText('乡村')
    await expect(page.getByTestId('round-sessions')).toContainText(venue)
    await expect(page.getByTestId('round-sessions')).toContainText('8.0 学时')
    const mod = page.getByTestId('round-module')
    await expect(mod).toHaveCount(1)
    await expect(mod).toContainText(module)
    await expect(mod).toContainText('已学 0 / 135 分钟')
    await expect(page.getByRole('region', { name: '本项目学时' })).toContainText(earned)
    await expect(page.getByTestId('planned-hours')).toContainText('集中面授 24.0 学时 · 线上学习 3.0 学时 · 校本研修 13.0 学时')
    // Nothing scrolls sideways on the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await page.getByRole('link', { name: '← 返回' }).click()
  }

  // 线上学习 lists the lessons by round.
  await page.goto('/learn')
  await expect(page.getByRole('region', { name: a.name })).toContainText('用好国家中小学智慧教育平台')
  await expect(page.getByRole('region', { name: b.name })).toContainText('读懂新课标：从核心素养出发')
  await expect(page.getByRole('region', { name: a.name })).not.toContainText('读懂新课标')
})

test('@desktop a coordinator links an online module to a round, plans its 学时 and tags it 乡村', async ({ page, db, makeUser }) => {
  const [program, county] = await Promise.all([
    db.program.findUniqueOrThrow({ where: { code: 'teacher-training' } }),
    db.region.findUniqueOrThrow({ where: { code: '522327' } }),
  ])
  const round = await db.group.create({
    data: {
      id: newId(),
      code: `E2E-R-${newId().slice(0, 6).toUpperCase()}`,
      name: `2027年乡村教师新课标培训（${newId().slice(0, 4)}）`,
      programId: program.id,
      kind: 'round',
      regionId: county.id,
      startDate: day('2027-03-01'),
      endDate: day('2027-06-30'),
      requiredMinutes: 40 * H,
    },
  })
  const coordinator = await makeUser({ role: 'coordinator', scopeRegionCode: '522327' })
  await signIn(page, coordinator.username, coordinator.password)
  await page.goto(`/coordinator/groups/${round.id}`)
  await expect(page.getByRole('region', { name: '培训方案' })).toContainText('还没有设置线上课程和学时安排')
  await page.getByRole('link', { name: '修改信息', exact: true }).click()

  await page.getByLabel(/新课标与课堂教学（TT-XKB-101/).check()
  await page.getByLabel('乡村', { exact: true }).check()
  await page.getByLabel('集中面授（学时）').fill('24')
  await page.getByLabel('线上学习（学时）').fill('3')
  await page.getByLabel('校本研修（学时）').fill('12')
  await page.getByRole('button', { name: '保存' }).click()
  await expect(page.getByText('计划学时合计 39 学时，与本项目要求的 40 学时不一致')).toBeVisible()
  await page.getByLabel('校本研修（学时）').fill('13')
  await page.getByRole('button', { name: '保存' }).click()

  await expect(page.getByRole('heading', { name: round.name, level: 1 })).toBeVisible()
  const programme = page.getByRole('region', { name: '培训方案' })
  await expect(programme.getByTestId('round-tags')).toContainText('乡村')
  await expect(programme.getByTestId('round-modules')).toContainText('新课标与课堂教学')
  await expect(programme.getByTestId('planned-hours')).toContainText('集中面授 24.0 学时 · 线上学习 3.0 学时 · 校本研修 13.0 学时')
  const saved = await db.group.findUniqueOrThrow({ where: { id: round.id }, include: { roundCourses: { include: { course: true } } } })
  expect(saved.tags).toEqual(['rural'])
  expect(saved.roundCourses.map((c) => c.course.code)).toEqual(['TT-XKB-101'])
})
