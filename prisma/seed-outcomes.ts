/**
 * Demo study records so every outcome shows (DESIGN.md §6 "results spread so
 * every outcome appears"): tasks (作业/实操) done, exam results with failures
 * and re-sits, moral evaluations, approved exemptions (免修, 免考, a waived
 * internship, award credits), withdrawals and early-graduation requests.
 *
 * Generic over the teaching plans: each class's courses are read from its
 * major's PlanItem rows (content/catalog via content:sync), so a changed plan
 * changes the demo without touching this file. Outcomes themselves are never
 * stored: loadProgress computes them from these rows. With the demo date
 * 2026-11-24:
 * - CH2024-CY01 (2024-09-01): 1-year learners' period ended on 2025-09-01 —
 *   those with everything done and hours met are eligible (two marked
 *   graduated), the others 结业 (completion); a few 3-year learners are
 *   eligible early, one with a pending and one with an approved request.
 * - CH2025-DS01 (2025-09-01): 1-year learners ended 2026-09-01 (eligible or
 *   结业); one withdrawal; a 免考.
 * - CH2026-ZZ01 / CH2026-YZ01 (2026-03-01): in progress, 1-year learners
 *   ending 2027-03-01 (within 90 days: at risk of 结业); a 免修, a waived
 *   internship, award credits, one withdrawal.
 * Teacher rounds need nothing here: their outcome follows their hours.
 * Rows are inserted in bulk; the seed is initial data, so no audit events.
 */
import { addYears, dateOnly } from '#app/domain/time.ts'
import type { ExemptionBasis, ExemptionMode } from '#app/generated/prisma/enums.ts'
import type { Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { byIdNumber } from './seed-order.ts'

const H = 45
const dayMs = 86_400_000
const day = (d: string) => new Date(`${d}T00:00:00Z`)
/** A Beijing working-hours instant on a date. */
const at = (d: string) => new Date(`${d}T10:00:00+08:00`)
const addDays = (d: string, n: number) => dateOnly(new Date(day(d).getTime() + n * dayMs))
const daysBetween = (a: string, b: string) => Math.round((day(b).getTime() - day(a).getTime()) / dayMs)

/** A small seeded generator, so the demo is the same on every machine and independent of faker's sequence. */
function random(seed: number) {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, chance: (p: number) => next() < p, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) }
}

type PlanCourse = { id: string; code: string; name: string; credits: number; kind: string; taskIds: string[] }

export async function seedOutcomes(db: Db, { today, coordinatorId }: { today: string; coordinatorId: string | null }) {
  const rnd = random(20261124)
  // Stable keys only (class code, the learner's ID number, plan position and course code), never random row ids:
  // the same seed gives every learner the same outcome on every run.
  const classes = (
    await db.group.findMany({
      where: { kind: 'class', majorId: { not: null } },
      orderBy: { code: 'asc' },
      select: {
        id: true,
        code: true,
        majorId: true,
        enrollments: {
          where: { status: 'active' },
          select: { id: true, personId: true, startDate: true, periodEnd: true, studyYears: true, person: { select: { idCipher: true } } },
        },
      },
    })
  ).map((g) => ({ ...g, enrollments: byIdNumber(g.enrollments) }))
  const planItems = await db.planItem.findMany({
    where: { majorId: { in: classes.map((c) => c.majorId!) }, retiredAt: null, course: { retiredAt: null } },
    orderBy: [{ position: 'asc' }, { course: { code: 'asc' } }],
    select: {
      majorId: true,
      course: {
        select: {
          id: true,
          code: true,
          name: true,
          credits: true,
          kind: true,
          tasks: { where: { retiredAt: null }, orderBy: [{ position: 'asc' }, { code: 'asc' }], select: { id: true } },
        },
      },
    },
  })
  const plans = new Map<string, PlanCourse[]>()
  for (const item of planItems) {
    const c = item.course
    plans.set(item.majorId, [
      ...(plans.get(item.majorId) ?? []),
      { id: c.id, code: c.code, name: c.name, credits: Number(c.credits), kind: c.kind, taskIds: c.tasks.map((t) => t.id) },
    ])
  }
  const demoLearner = await db.user.findUnique({ where: { username: 'learner.demo' }, select: { personId: true } })

  // Self-study + online minutes inside each enrollment's period, to top up the learners meant to be eligible.
  const earned = new Map<string, number>()
  const sums = await db.$queryRaw<{ enrollmentId: string; minutes: bigint }[]>`
    SELECT h."enrollmentId", SUM(h.minutes) AS minutes
    FROM "HourEntry" h JOIN "Enrollment" e ON e.id = h."enrollmentId" JOIN "Group" g ON g.id = e."groupId"
    WHERE g.kind = 'class' AND h.category IN ('self_study', 'online') AND h."occurredOn" BETWEEN e."startDate" AND e."periodEnd"
    GROUP BY h."enrollmentId"`
  for (const s of sums) earned.set(s.enrollmentId, Number(s.minutes))

  const tasks: { id: string; enrollmentId: string; taskId: string; source: 'coordinator' | 'learner'; recordedById: string | null; completedAt: Date }[] = []
  const results: { id: string; enrollmentId: string; courseId: string; score: number; passed: boolean; recordedById: string | null; createdAt: Date }[] = []
  const morals: { id: string; enrollmentId: string; passed: boolean; note: string | null; recordedById: string | null; createdAt: Date }[] = []
  const exemptions: {
    id: string
    enrollmentId: string
    courseId: string | null
    basis: ExemptionBasis
    mode: ExemptionMode
    certificateNo: string | null
    issuer: string | null
    credits: number | null
    note: string | null
    status: 'approved'
    reviewedById: string | null
    reviewedAt: Date
    reviewReason: string
  }[] = []
  const topUps: {
    enrollmentId: string
    personId: string
    groupId: string
    category: 'online'
    minutes: number
    occurredOn: Date
    source: 'transfer'
    sourceRef: null
    reason: string
    createdById: string | null
  }[] = []
  const withdrawals: { id: string; enrollmentId: string; withdrawnOn: Date; reason: string; recordedById: string | null; createdAt: Date }[] = []
  const early: {
    id: string
    enrollmentId: string
    status: 'pending' | 'approved'
    requestedById: string | null
    reviewedById: string | null
    reviewedAt: Date | null
    reviewReason: string | null
    createdAt: Date
  }[] = []
  const graduated: string[] = []
  const withdrawn: string[] = []

  /** Every task of a course done, then its exam: a pass, or (sometimes) a failure and, later, a passed re-sit. */
  const sit = (e: { id: string }, c: PlanCourse, on: string, opts: { fail?: boolean; resitOn?: string } = {}) => {
    for (const taskId of c.taskIds)
      tasks.push({
        id: newId(),
        enrollmentId: e.id,
        taskId,
        source: rnd.chance(0.3) ? 'learner' : 'coordinator',
        recordedById: coordinatorId,
        completedAt: at(addDays(on, -rnd.int(7, 30))),
      })
    const fail = opts.fail ?? false
    results.push({
      id: newId(),
      enrollmentId: e.id,
      courseId: c.id,
      score: fail ? rnd.int(30, 59) : rnd.int(60, 96),
      passed: !fail,
      recordedById: coordinatorId,
      createdAt: at(on),
    })
    if (fail && opts.resitOn)
      results.push({
        id: newId(),
        enrollmentId: e.id,
        courseId: c.id,
        score: rnd.int(60, 85),
        passed: true,
        recordedById: coordinatorId,
        createdAt: at(opts.resitOn),
      })
  }
  const moral = (e: { id: string }, on: string, passed = true) =>
    morals.push({ id: newId(), enrollmentId: e.id, passed, note: passed ? null : '多次无故缺课，需改进', recordedById: coordinatorId, createdAt: at(on) })
  const approve = (
    e: { id: string },
    on: string,
    x: Pick<(typeof exemptions)[number], 'courseId' | 'basis' | 'mode' | 'certificateNo' | 'issuer' | 'credits' | 'note'>,
  ) =>
    exemptions.push({
      id: newId(),
      enrollmentId: e.id,
      status: 'approved',
      reviewedById: coordinatorId,
      reviewedAt: at(on),
      reviewReason: '材料齐全，同意',
      ...x,
    })
  const topUp = (e: { id: string; personId: string }, groupId: string, on: string) => {
    const missing = 360 * H - (earned.get(e.id) ?? 0)
    earned.set(e.id, Math.max(360 * H, earned.get(e.id) ?? 0))
    if (missing > 0)
      topUps.push({
        enrollmentId: e.id,
        personId: e.personId,
        groupId,
        category: 'online',
        minutes: missing + rnd.int(0, 300),
        occurredOn: day(on),
        source: 'transfer',
        sourceRef: null,
        reason: '省社区教育平台线上学时转入',
        createdById: coordinatorId,
      })
  }

  for (const g of classes) {
    const plan = plans.get(g.majorId!) ?? []
    if (plan.length === 0) continue
    let withdrewOne = false
    let earlyCount = 0
    let graduatedCount = 0
    let failedWithHoursCount = 0
    let exemptedOne = false
    for (const [i, e] of g.enrollments.entries()) {
      const start = dateOnly(e.startDate)
      const end = e.periodEnd ? dateOnly(e.periodEnd) : addYears(start, 3)
      const lastDay = end < today ? end : addDays(today, -1)
      const span = Math.max(1, daysBetween(start, lastDay))
      const when = (share: number) => addDays(start, Math.max(20, Math.round(span * share)))
      const ended = end < today

      // One withdrawal in the classes that started in 2025 and 2026 (not the demo learner).
      if (!withdrewOne && (g.code === 'CH2025-DS01' || g.code === 'CH2026-YZ01') && i === 3) {
        withdrewOne = true
        const on = addDays(start, Math.min(150, span - 5))
        sit(e, plan[0]!, addDays(start, 60))
        withdrawals.push({
          id: newId(),
          enrollmentId: e.id,
          withdrawnOn: day(on),
          reason: g.code === 'CH2025-DS01' ? '外出务工，无法继续学习' : '家庭原因',
          recordedById: coordinatorId,
          createdAt: at(on),
        })
        withdrawn.push(e.id)
        continue
      }

      if (ended) {
        // Period over: most did every course (a few failed one and never re-sat), some stopped part way.
        // The catering class always shows 结业 for a failed course with the hours met (the demo and its test rely on one).
        const drawn = rnd.next()
        const forceFailedWithHours = g.code === 'CH2024-CY01' && failedWithHoursCount === 0 && graduatedCount >= 2
        const profile = forceFailedWithHours ? 0.8 : drawn
        if (profile < 0.7) {
          plan.forEach((c, k) => sit(e, c, when((k + 1) / (plan.length + 1))))
          moral(e, when(0.95))
          // Some of those who did everything are topped up to 360 学时 (the rest keep their real pace: eligible or 结业).
          if (rnd.chance(0.35)) topUp(e, g.id, when(0.9))
          if (g.code === 'CH2024-CY01' && graduatedCount < 2 && (earned.get(e.id) ?? 0) >= 360 * H) {
            graduatedCount++
            graduated.push(e.id)
          }
        } else if (profile < 0.85) {
          failedWithHoursCount++
          const failed = rnd.int(0, plan.length - 1)
          plan.forEach((c, k) => sit(e, c, when((k + 1) / (plan.length + 1)), { fail: k === failed }))
          moral(e, when(0.95))
          topUp(e, g.id, when(0.9)) // hours met, a course failed: still 结业
        } else {
          plan.slice(0, rnd.int(1, plan.length - 1)).forEach((c, k) => sit(e, c, when((k + 1) / (plan.length + 1))))
          if (rnd.chance(0.5)) moral(e, when(0.9), rnd.chance(0.7))
        }
        continue
      }

      // Still studying: courses done roughly in step with the time elapsed.
      const share = Math.min(1, daysBetween(start, today) / Math.max(1, daysBetween(start, end)))
      const isEarly = g.code === 'CH2024-CY01' && earlyCount < 3 && rnd.chance(0.2)
      if (isEarly) {
        // Everything done ahead of time: eligible before the period ends (one request pending, one approved).
        earlyCount++
        plan.forEach((c, k) => sit(e, c, when(((k + 1) / (plan.length + 1)) * 0.9)))
        moral(e, addDays(today, -30))
        topUp(e, g.id, addDays(today, -40))
        if (earlyCount <= 2) {
          const approved = earlyCount === 2
          early.push({
            id: newId(),
            enrollmentId: e.id,
            status: approved ? 'approved' : 'pending',
            requestedById: null,
            createdAt: at(addDays(today, -20)),
            reviewedById: approved ? coordinatorId : null,
            reviewedAt: approved ? at(addDays(today, -10)) : null,
            reviewReason: approved ? '已达到毕业条件，同意提前毕业' : null,
          })
        }
        continue
      }
      const isDemo = e.personId === demoLearner?.personId
      const count = isDemo ? Math.min(3, plan.length) : Math.min(plan.length, Math.round(share * plan.length * (0.5 + rnd.next() * 0.8)))
      for (let k = 0; k < count; k++) {
        const fail = isDemo ? k === 1 : rnd.chance(0.12)
        const on = when(((k + 1) / (count + 1)) * 0.9)
        const resitOn = addDays(on, 30)
        sit(e, plan[k]!, on, { fail, resitOn: fail && !isDemo && resitOn < today && rnd.chance(0.5) ? resitOn : undefined })
      }
      // The next course's tasks under way (not all done yet: no exam possible).
      const next = plan[count]
      if (next && next.taskIds.length > 1)
        tasks.push({
          id: newId(),
          enrollmentId: e.id,
          taskId: next.taskIds[0]!,
          source: 'learner',
          recordedById: null,
          completedAt: at(addDays(today, -rnd.int(3, 20))),
        })
      if (share > 0.5 && rnd.chance(0.5)) moral(e, addDays(today, -rnd.int(10, 60)))

      // Exemptions and credits (a few learners per class, never the demo learner).
      if (isDemo || exemptedOne || i < 5) continue
      const after = addDays(start, Math.min(60, span - 1))
      const open = plan.filter((c, k) => k >= count && c.kind !== 'internship')
      if (g.code === 'CH2026-ZZ01' && open[0]) {
        approve(e, after, {
          courseId: open[0].id,
          basis: 'vocational_certificate',
          mode: 'exempt_study',
          certificateNo: 'S000052232700123',
          issuer: '黔西南州人力资源和社会保障局',
          credits: null,
          note: '持农作物植保员（四级）职业资格证书',
        })
        exemptedOne = true
      } else if (g.code === 'CH2025-DS01' && open[0]) {
        approve(e, after, {
          courseId: open[0].id,
          basis: 'skill_certificate',
          mode: 'exempt_exam',
          certificateNo: 'Y000052232500456',
          issuer: '贵州省职业技能鉴定指导中心',
          credits: null,
          note: '持电子商务师（五级）技能等级证书',
        })
        exemptedOne = true
      } else if (g.code === 'CH2026-YZ01') {
        const internship = plan.find((c) => c.kind === 'internship')
        if (internship)
          approve(e, after, {
            courseId: internship.id,
            basis: 'work_experience',
            mode: 'waive_internship',
            certificateNo: null,
            issuer: '册亨县某生猪养殖合作社',
            credits: null,
            note: '在养殖场工作三年，有单位证明',
          })
        approve(e, after, {
          courseId: null,
          basis: 'competition_award',
          mode: 'credit',
          certificateNo: null,
          issuer: '册亨县农业农村局',
          credits: 2,
          note: '县养殖技能比赛三等奖',
        })
        exemptedOne = true
      } else if (g.code === 'CH2024-CY01') {
        approve(e, after, {
          courseId: null,
          basis: 'innovation',
          mode: 'credit',
          certificateNo: null,
          issuer: '册亨县某餐饮公司',
          credits: 1.5,
          note: '改进布依族特色菜制作工艺，被饭店采用',
        })
        exemptedOne = true
      }
    }
  }

  const chunks = async <T>(rows: T[], insert: (data: T[]) => Promise<unknown>) => {
    for (let i = 0; i < rows.length; i += 2000) await insert(rows.slice(i, i + 2000))
  }
  await chunks(tasks, (data) => db.taskCompletion.createMany({ data }))
  await chunks(results, (data) => db.courseResult.createMany({ data }))
  await chunks(morals, (data) => db.moralEvaluation.createMany({ data }))
  await db.exemption.createMany({ data: exemptions })
  await db.hourEntry.createMany({ data: topUps })
  await db.withdrawal.createMany({ data: withdrawals })
  await db.earlyGraduationRequest.createMany({ data: early })
  await db.enrollment.updateMany({ where: { id: { in: withdrawn } }, data: { status: 'withdrawn' } })
  // Until the certificates stage issues 毕业证书, a graduated enrollment stands for one.
  await db.enrollment.updateMany({ where: { id: { in: graduated } }, data: { status: 'graduated' } })
  return {
    results: results.length,
    tasks: tasks.length,
    morals: morals.length,
    exemptions: exemptions.length,
    withdrawals: withdrawals.length,
    graduated: graduated.length,
  }
}
