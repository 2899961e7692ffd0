/**
 * Exemptions (DESIGN.md §2.1, issue 4): applications by the learner (with a
 * photo or PDF) or a coordinator on their behalf, review in scope, and what an
 * approval or a rejection leaves behind — through the real routes, the API
 * handlers and, for oversized uploads, a real HTTP server.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createReadableStreamFromReadable } from '@remix-run/node'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ApiErrorBody } from '#app/api/schemas.ts'
import { ExemptionCreated, ExemptionDecisionResponse } from '#app/api/schemas-exemptions.ts'
import { beijingDate } from '#app/domain/time.ts'
import { decideExemption, offersExemptions } from '#app/models/exemptions.server.ts'
import { loadEnrollmentProgress } from '#app/models/progress.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { resetEnvCache } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import * as applyApi from '#app/routes/api.v1.enrollments.$id.exemptions.ts'
import * as decisionApi from '#app/routes/api.v1.exemptions.$id.decision.ts'
import * as queueRoute from '#app/routes/coordinator.exemptions.tsx'
import * as evidenceRoute from '#app/routes/exemptions.$exemptionId.evidence.tsx'
import * as learnerRoute from '#app/routes/me_.exemptions.tsx'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createSignedInLearner, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

let world: TrainingWorld
let uploads: string
let zhelouCoord: Awaited<ReturnType<typeof createUserWithSession>>
let gaoluoCoord: Awaited<ReturnType<typeof createUserWithSession>>
const plan = {} as Record<'skill' | 'culture' | 'internship' | 'outside', { id: string; code: string; name: string; credits: number }>
const today = beijingDate(new Date())

const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'))
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
const EXE = new TextEncoder().encode('MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.')

beforeAll(async () => {
  uploads = await mkdtemp(path.join(os.tmpdir(), 'xx-exemptions-'))
  process.env.XX_UPLOAD_DIR = uploads
  resetEnvCache()
  const db = getDb()
  world = await createTrainingWorld(db)
  const suffix = newId().slice(0, 6)
  const rows = [
    { key: 'skill', name: '果树栽培', credits: 4, kind: 'skill' },
    { key: 'culture', name: '普通话', credits: 2, kind: 'culture' },
    { key: 'internship', name: '顶岗实习', credits: 6, kind: 'internship' },
    { key: 'outside', name: '网店运营', credits: 3, kind: 'skill' },
  ] as const
  for (const [i, r] of rows.entries()) {
    const course = { id: newId(), programId: world.programs.skills.id, code: `EX-${suffix}-${i}`, name: r.name, credits: r.credits, kind: r.kind }
    await db.course.create({ data: course })
    // 网店运营 is a course of the program but not of this major's plan.
    if (r.key !== 'outside') await db.planItem.create({ data: { id: newId(), majorId: world.groups.class.majorId, courseId: course.id, position: i } })
    plan[r.key] = { id: course.id, code: course.code, name: course.name, credits: r.credits }
  }
  zhelouCoord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
  gaoluoCoord = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.gaoluo.id })
})

afterAll(async () => {
  await rm(uploads, { recursive: true, force: true })
})

const learner = () => createSignedInLearner(getDb(), world)
type Learner = Awaited<ReturnType<typeof learner>>

type Upload = { bytes: Uint8Array<ArrayBuffer>; name: string; type: string }

function applicationForm(fields: Record<string, string>, file?: Upload) {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  form.append('evidence', file ? new File([file.bytes], file.name, { type: file.type }) : new File([], '', { type: 'application/octet-stream' }))
  return form
}

const certificate = (l: Learner, extra: Record<string, string> = {}) => ({
  enrollmentId: l.enrollment.id,
  courseId: plan.skill.id,
  basis: 'skill_certificate',
  mode: 'exempt_study',
  certificateNo: 'S000052232024110001',
  issuer: '册亨县人力资源和社会保障局',
  idempotencyKey: newId(),
  ...extra,
})

/** Posts a form to a route action as the browser does; answers status and field errors. */
async function post(action: unknown, url: string, cookie: string, form: FormData) {
  const request = new Request(`http://localhost${url}`, { method: 'POST', headers: { cookie }, body: form })
  try {
    const value = await (action as (a: unknown) => Promise<unknown>)({ request, params: {}, context: { ip: '127.0.0.1' } })
    if (value instanceof Response) return { status: value.status, location: value.headers.get('location'), errors: {} as Record<string, string> }
    const { data, init } = value as { data: { errors: Record<string, string> }; init: { status: number } }
    return { status: init.status, location: null, errors: data.errors }
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, location: null, errors: {} as Record<string, string> }
    throw thrown
  }
}

const apply = (l: Learner, extra: Record<string, string> = {}, file?: Upload) =>
  post(learnerRoute.action, '/me/exemptions', l.user.cookie, applicationForm(certificate(l, extra), file))

const review = (cookie: string, body: Record<string, string>) =>
  callRoute(queueRoute.action as never, { url: '/coordinator/exemptions', method: 'POST', cookie, body: new URLSearchParams(body) })

const rowsOf = (enrollmentId: string) => getDb().exemption.findMany({ where: { enrollmentId }, orderBy: { createdAt: 'asc' } })
const auditsOf = (exemptionId: string) => getDb().auditEvent.findMany({ where: { entityType: 'Exemption', entityId: exemptionId }, orderBy: { at: 'asc' } })
const progressOf = async (enrollmentId: string) => (await loadEnrollmentProgress(getDb(), enrollmentId, today))!

describe('the learner applies on the phone', () => {
  test('a certificate photo and the form make one pending application (a double submit too); the photo is stored by content under a random key', async () => {
    const l = await learner()
    const fields = certificate(l)
    const [a, b] = await Promise.all([
      post(learnerRoute.action, '/me/exemptions', l.user.cookie, applicationForm(fields, { bytes: PNG, name: 'IMG_0001.jpg', type: 'image/jpeg' })),
      post(learnerRoute.action, '/me/exemptions', l.user.cookie, applicationForm(fields, { bytes: PNG, name: 'IMG_0001.jpg', type: 'image/jpeg' })),
    ])
    expect([a.status, b.status]).toEqual([302, 302])
    expect(a.location).toBe('/me/exemptions?saved=1')
    const rows = await rowsOf(l.enrollment.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      status: 'pending',
      basis: 'skill_certificate',
      mode: 'exempt_study',
      courseId: plan.skill.id,
      certificateNo: 'S000052232024110001',
      issuer: '册亨县人力资源和社会保障局',
      evidenceType: 'image/png',
      appliedById: l.user.id,
      credits: null,
    })
    expect(rows[0]!.evidenceKey).toMatch(/^exemptions\/[0-9a-f]{64}\.png$/)
    // The second submit's file was not kept.
    expect(await readdir(path.join(uploads, 'exemptions'))).toContain(rows[0]!.evidenceKey!.split('/')[1])
    expect((await auditsOf(rows[0]!.id)).map((e) => e.action)).toEqual(['exemption.apply'])
    expect((await auditsOf(rows[0]!.id))[0]!.scopePath).toBe(world.regions.zhelou.path)

    const page = await callRoute(learnerRoute.loader as never, { url: '/me/exemptions', cookie: l.user.cookie })
    const data = page.value as Awaited<ReturnType<typeof learnerRoute.loader>>
    expect(data.enrollments[0]!.courses.map((c) => c.name)).toEqual(['果树栽培', '普通话', '顶岗实习'])
    expect(data.applications).toMatchObject([{ status: 'pending', course: { name: '果树栽培' }, hasEvidence: true }])
  })

  test('a PDF scan is accepted and served as a download', async () => {
    const l = await learner()
    expect((await apply(l, {}, { bytes: PDF, name: '证书.pdf', type: 'application/pdf' })).status).toBe(302)
    const [row] = await rowsOf(l.enrollment.id)
    expect(row!.evidenceKey).toMatch(/\.pdf$/)
    const res = await callRoute(evidenceRoute.loader as never, {
      url: `/exemptions/${row!.id}/evidence`,
      cookie: l.user.cookie,
      params: { exemptionId: row!.id },
    })
    expect(res.status).toBe(200)
    const response = res.value as Response
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toMatch(/^attachment/)
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PDF)
  })

  test('an .exe renamed .jpg is refused by its content with a clear message, and nothing is stored', async () => {
    const l = await learner()
    const before = await readdir(path.join(uploads, 'exemptions')).catch(() => [])
    const result = await apply(l, {}, { bytes: EXE, name: '证书.jpg', type: 'image/jpeg' })
    expect(result).toMatchObject({ status: 422, errors: { evidence: '只能上传 JPG、PNG 照片或 PDF 文件' } })
    expect(await rowsOf(l.enrollment.id)).toHaveLength(0)
    expect(await readdir(path.join(uploads, 'exemptions')).catch(() => [])).toEqual(before)
  })

  test('a 20 MB file is refused ("文件不能超过 10 MB") and nothing is recorded', async () => {
    const l = await learner()
    const big = new Uint8Array(20 * 1024 * 1024)
    big.set(PNG)
    const result = await apply(l, {}, { bytes: big, name: 'big.png', type: 'image/png' })
    expect(result).toMatchObject({ status: 413, errors: { evidence: '文件不能超过 10 MB' } })
    expect(await rowsOf(l.enrollment.id)).toHaveLength(0)
  })

  test.each([
    [
      'a certificate asking for credits',
      { mode: 'credit' },
      { mode: '这个依据不能申请这一项：证书只能免修或免考，获奖和创新只能认定学分，两年以上工作只能免实习' },
    ],
    [
      'an award asking to skip a course',
      { basis: 'competition_award', mode: 'exempt_study' },
      { mode: '这个依据不能申请这一项：证书只能免修或免考，获奖和创新只能认定学分，两年以上工作只能免实习' },
    ],
    [
      'work experience asking to skip an exam',
      { basis: 'work_experience', mode: 'exempt_exam' },
      { mode: '这个依据不能申请这一项：证书只能免修或免考，获奖和创新只能认定学分，两年以上工作只能免实习' },
    ],
    ['work experience on a skill course', { basis: 'work_experience', mode: 'waive_internship' }, { courseId: '免实习只能选实习课程' }],
    ['a certificate on the internship', { courseId: 'INTERNSHIP' }, { courseId: '实习课程只能凭两年以上相关工作申请免实习' }],
    ['a certificate without a course', { courseId: '' }, { courseId: '请选择课程' }],
    ['a certificate without number and issuer', { certificateNo: '', issuer: ' ' }, { certificateNo: '请填写证书编号', issuer: '请填写发证单位' }],
    ['a course outside the plan', { courseId: 'OUTSIDE' }, { courseId: '这门课程不在你所在班级的教学计划里' }],
    ['an unknown basis', { basis: 'rumour' }, { basis: '请选择依据' }],
  ])('refused: %s', async (_name, change, errors) => {
    const l = await learner()
    const extra = { ...change } as Record<string, string>
    if (extra.courseId === 'INTERNSHIP') extra.courseId = plan.internship.id
    if (extra.courseId === 'OUTSIDE') extra.courseId = plan.outside.id
    const result = await apply(l, extra)
    expect(result.status).toBe(422)
    expect(result.errors).toEqual(errors)
    expect(await rowsOf(l.enrollment.id)).toHaveLength(0)
  })

  test('two years of work waive the internship; an award asks for credits without a course', async () => {
    const l = await learner()
    expect((await apply(l, { basis: 'work_experience', mode: 'waive_internship', courseId: plan.internship.id, certificateNo: '', issuer: '' })).status).toBe(
      302,
    )
    expect(
      (await apply(l, { basis: 'competition_award', mode: 'credit', courseId: '', certificateNo: '', issuer: '', note: '2025年黔西南州农业技能大赛二等奖' }))
        .status,
    ).toBe(302)
    expect((await rowsOf(l.enrollment.id)).map((r) => [r.mode, r.courseId, r.note])).toEqual([
      ['waive_internship', plan.internship.id, null],
      ['credit', null, '2025年黔西南州农业技能大赛二等奖'],
    ])
  })

  test("a second application for a course already waiting is refused; someone else's enrollment is not found", async () => {
    const l = await learner()
    const other = await learner()
    expect((await apply(l)).status).toBe(302)
    expect(await apply(l, { mode: 'exempt_exam' })).toMatchObject({ status: 422, errors: { courseId: '这门课程已有一份申请在等待审核' } })
    expect((await apply(l, { enrollmentId: other.enrollment.id })).status).toBe(404)
    expect(await rowsOf(other.enrollment.id)).toHaveLength(0)
  })
})

describe('the coordinator reviews', () => {
  test('approving twice — one after the other and at the same moment — grants the credits once: one approval, one audit row, the course exempted with its credits', async () => {
    const l = await learner()
    await apply(l, {}, { bytes: PNG, name: 'cert.png', type: 'image/png' })
    const [row] = await rowsOf(l.enrollment.id)
    const id = row!.id
    const before = await progressOf(l.enrollment.id)
    expect(before.courses.find((c) => c.code === plan.skill.code)!.state).toBe('pending')

    const queue = await callRoute(queueRoute.loader as never, { url: '/coordinator/exemptions', cookie: zhelouCoord.cookie })
    const listed = (queue.value as Awaited<ReturnType<typeof queueRoute.loader>>).applications.find((a) => a.id === id)
    expect(listed).toMatchObject({ course: { name: '果树栽培', credits: 4 }, evidenceType: 'image/png', certificateNo: 'S000052232024110001' })

    const [first, second, direct] = await Promise.all([
      review(zhelouCoord.cookie, { exemptionId: id, intent: 'approve' }),
      review(zhelouCoord.cookie, { exemptionId: id, intent: 'approve' }),
      decideExemption(getDb(), { exemptionId: id, scopes: [{ kind: 'all' }], reviewerId: zhelouCoord.id, approve: true }),
    ])
    const messages = [first, second].map((r) => (r.value as { message: string }).message)
    // Exactly one of the three approvals changed anything.
    expect(messages.filter((m) => m === '已通过。').length + (direct.changed ? 1 : 0)).toBe(1)
    const again = await review(zhelouCoord.cookie, { exemptionId: id, intent: 'approve' })
    expect((again.value as { message: string }).message).toBe('这份申请已经审核过了，没有改动。')
    expect(await decideExemption(getDb(), { exemptionId: id, scopes: [{ kind: 'all' }], reviewerId: zhelouCoord.id, approve: true })).toEqual({
      id,
      status: 'approved',
      credits: 4,
      changed: false,
    })

    const after = await getDb().exemption.findUniqueOrThrow({ where: { id } })
    expect(after).toMatchObject({ status: 'approved', reviewedById: zhelouCoord.id })
    expect(Number(after.credits)).toBe(4)
    const audits = await auditsOf(id)
    expect(audits.map((a) => a.action)).toEqual(['exemption.apply', 'exemption.approve'])
    expect(audits[1]).toMatchObject({ actorId: zhelouCoord.id, scopePath: world.regions.zhelou.path, before: { status: 'pending' } })

    // loadProgress (the OUTCOMES slice) counts the course as exempted, with its 4 credits, once.
    const progress = await progressOf(l.enrollment.id)
    expect(progress.courses.find((c) => c.code === plan.skill.code)).toMatchObject({ state: 'exempted', credits: 4, exemptionMode: 'exempt_study' })
    expect(progress.credits.earned - before.credits.earned).toBe(4)
    // ... and the learner sees it approved; the course cannot be applied for again.
    const page = await callRoute(learnerRoute.loader as never, { url: '/me/exemptions', cookie: l.user.cookie })
    expect((page.value as Awaited<ReturnType<typeof learnerRoute.loader>>).applications).toMatchObject([{ status: 'approved', credits: 4 }])
    expect(await apply(l, { mode: 'exempt_exam' })).toMatchObject({ status: 422, errors: { courseId: '这门课程已经通过或已免修，不用再申请' } })
  })

  test('a rejected application leaves nothing behind: no credits, the course still pending, the reason for the learner', async () => {
    const l = await learner()
    await apply(l)
    const [row] = await rowsOf(l.enrollment.id)
    const before = await progressOf(l.enrollment.id)
    expect(await review(zhelouCoord.cookie, { exemptionId: row!.id, intent: 'reject', reason: '' })).toMatchObject({
      status: 422,
      value: { data: { errors: { form: '不通过时必须写明原因' } } },
    })
    expect((await review(zhelouCoord.cookie, { exemptionId: row!.id, intent: 'reject', reason: '证书与课程无关' })).status).toBe(200)
    // An approval after the rejection changes nothing.
    expect((await review(zhelouCoord.cookie, { exemptionId: row!.id, intent: 'approve' })).value).toMatchObject({ message: '这份申请已经审核过了，没有改动。' })

    const after = await getDb().exemption.findUniqueOrThrow({ where: { id: row!.id } })
    expect(after).toMatchObject({ status: 'rejected', credits: null, reviewReason: '证书与课程无关', reviewedById: zhelouCoord.id })
    const progress = await progressOf(l.enrollment.id)
    expect(progress.courses.find((c) => c.code === plan.skill.code)!.state).toBe('pending')
    expect(progress.credits).toEqual(before.credits)
    expect((await auditsOf(row!.id)).map((a) => a.action)).toEqual(['exemption.apply', 'exemption.reject'])
    const page = await callRoute(learnerRoute.loader as never, { url: '/me/exemptions', cookie: l.user.cookie })
    expect((page.value as Awaited<ReturnType<typeof learnerRoute.loader>>).applications).toMatchObject([
      { status: 'rejected', reviewReason: '证书与课程无关', credits: null },
    ])
    // A rejected application does not block a new one.
    expect((await apply(l)).status).toBe(302)
  })

  test("an award's credits are the reviewer's: required to approve, counted once", async () => {
    const l = await learner()
    await apply(l, { basis: 'innovation', mode: 'credit', courseId: '', certificateNo: '', issuer: '' })
    const [row] = await rowsOf(l.enrollment.id)
    expect(await review(zhelouCoord.cookie, { exemptionId: row!.id, intent: 'approve' })).toMatchObject({
      status: 422,
      value: { data: { errors: { form: '认定学分必须填写学分' } } },
    })
    expect(await review(zhelouCoord.cookie, { exemptionId: row!.id, intent: 'approve', credits: '0' })).toMatchObject({
      status: 422,
      value: { data: { errors: { form: '学分应在 0.5 到 20 之间，最多一位小数' } } },
    })
    expect((await review(zhelouCoord.cookie, { exemptionId: row!.id, intent: 'approve', credits: '2.5' })).status).toBe(200)
    const progress = await progressOf(l.enrollment.id)
    expect(progress.credits.fromAwards).toBe(2.5)
    expect(progress.courses.every((c) => c.state === 'pending')).toBe(true)
  })

  test("out of scope is not found: another township's coordinator cannot see, decide or open the evidence; a stranger cannot open it", async () => {
    const l = await learner()
    const stranger = await learner()
    await apply(l, {}, { bytes: PNG, name: 'cert.png', type: 'image/png' })
    const [row] = await rowsOf(l.enrollment.id)
    const queue = await callRoute(queueRoute.loader as never, { url: '/coordinator/exemptions', cookie: gaoluoCoord.cookie })
    expect((queue.value as Awaited<ReturnType<typeof queueRoute.loader>>).applications.map((a) => a.id)).not.toContain(row!.id)
    expect((await review(gaoluoCoord.cookie, { exemptionId: row!.id, intent: 'approve' })).status).toBe(404)
    expect((await getDb().exemption.findUniqueOrThrow({ where: { id: row!.id } })).status).toBe('pending')

    const evidence = (cookie: string) =>
      callRoute(evidenceRoute.loader as never, { url: `/exemptions/${row!.id}/evidence`, cookie, params: { exemptionId: row!.id } })
    const mine = await evidence(l.user.cookie)
    expect(mine.status).toBe(200)
    expect((mine.value as Response).headers.get('content-type')).toBe('image/png')
    expect((await evidence(zhelouCoord.cookie)).status).toBe(200)
    expect((await evidence(gaoluoCoord.cookie)).status).toBe(404)
    expect((await evidence(stranger.user.cookie)).status).toBe(404)
    // Learners have no review queue.
    expect((await review(l.user.cookie, { exemptionId: row!.id, intent: 'approve' })).status).toBe(403)
  })

  test("a coordinator applies on a learner's behalf (in scope only), then reviews it", async () => {
    const l = await learner()
    const url = `/coordinator/exemptions?enrollmentId=${l.enrollment.id}&apply=1`
    const page = await callRoute(queueRoute.loader as never, { url: `/coordinator/exemptions?enrollmentId=${l.enrollment.id}`, cookie: zhelouCoord.cookie })
    expect((page.value as Awaited<ReturnType<typeof queueRoute.loader>>).target).toMatchObject({ found: true, enrollment: { id: l.enrollment.id } })
    const outside = await callRoute(queueRoute.loader as never, { url: `/coordinator/exemptions?enrollmentId=${l.enrollment.id}`, cookie: gaoluoCoord.cookie })
    expect((outside.value as Awaited<ReturnType<typeof queueRoute.loader>>).target).toEqual({ found: false })

    const fields = certificate(l, { enrollmentId: 'ignored', mode: 'exempt_exam' })
    expect(
      (await post(queueRoute.action, url, gaoluoCoord.cookie, applicationForm(fields, { bytes: PDF, name: 'scan.pdf', type: 'application/pdf' }))).status,
    ).toBe(404)
    const made = await post(queueRoute.action, url, zhelouCoord.cookie, applicationForm(fields, { bytes: PDF, name: 'scan.pdf', type: 'application/pdf' }))
    expect(made).toMatchObject({ status: 302, location: '/coordinator/exemptions?applied=1' })
    const [row] = await rowsOf(l.enrollment.id)
    expect(row).toMatchObject({ appliedById: zhelouCoord.id, mode: 'exempt_exam', evidenceType: 'application/pdf', status: 'pending' })
    expect((await auditsOf(row!.id))[0]!.after).toMatchObject({ onBehalf: true })
    expect((await review(zhelouCoord.cookie, { exemptionId: row!.id, intent: 'approve' })).status).toBe(200)
    expect((await progressOf(l.enrollment.id)).courses.find((c) => c.code === plan.skill.code)).toMatchObject({
      state: 'exempted',
      exemptionMode: 'exempt_exam',
    })
  })

  test('on the learner\'s behalf, a 20 MB scan is refused ("文件不能超过 10 MB", 413) and nothing is recorded', async () => {
    const l = await learner()
    const big = new Uint8Array(20 * 1024 * 1024)
    big.set(PDF)
    const url = `/coordinator/exemptions?enrollmentId=${l.enrollment.id}&apply=1`
    const result = await post(
      queueRoute.action,
      url,
      zhelouCoord.cookie,
      applicationForm(certificate(l), { bytes: big, name: 'scan.pdf', type: 'application/pdf' }),
    )
    expect(result).toMatchObject({ status: 413, errors: { evidence: '文件不能超过 10 MB' } })
    expect(await rowsOf(l.enrollment.id)).toHaveLength(0)
  })
})

describe('uploads over HTTP', () => {
  let server: http.Server
  let port: number
  beforeAll(async () => {
    // The learner page's action behind a real Node HTTP server, with the body streamed as the Express adapter does.
    server = http.createServer((req, res) => {
      const headers = new Headers()
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
      const request = new Request(`http://localhost${req.url}`, {
        method: req.method,
        headers,
        body: createReadableStreamFromReadable(req),
        duplex: 'half',
      } as RequestInit)
      void (learnerRoute.action({ request, params: {}, context: { ip: '127.0.0.1' } }) as Promise<unknown>).then(
        (value) => {
          if (value instanceof Response) return void res.writeHead(value.status, { location: value.headers.get('location') ?? '' }).end()
          const { data, init } = value as { data: unknown; init: { status: number } }
          res.writeHead(init.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(data))
        },
        (error) => void res.writeHead(500).end(String(error)),
      )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  /** Sends a multipart body with a file of `size` bytes in 64 KB chunks, declared (Content-Length) or chunked. */
  function send(cookie: string, fields: Record<string, string>, size: number, declared: boolean) {
    const boundary = `----xx${newId()}`
    const head = Buffer.from(
      Object.entries(fields)
        .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join('') + `--${boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    )
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const chunk = Buffer.alloc(64 * 1024, 0xff)
    // The file starts like a JPEG (FF D8 FF); the rest is filler.
    const first = Buffer.from(chunk)
    first[1] = 0xd8
    return new Promise<{ status: number; body: string; sentAll: boolean }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/me/exemptions',
        headers: {
          cookie,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          ...(declared ? { 'content-length': String(head.length + size + tail.length) } : {}),
        },
      })
      let sent = 0
      let sentAll = false
      req.on('response', (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sentAll }))
      })
      req.on('error', reject)
      req.write(head)
      const pump = () => {
        while (sent < size) {
          const n = Math.min(chunk.length, size - sent)
          const piece = (sent === 0 ? first : chunk).subarray(0, n)
          sent += n
          if (!req.write(piece)) return void req.once('drain', pump)
        }
        req.end(tail, () => (sentAll = true))
      }
      pump()
    })
  }

  test.each([
    ['declared with Content-Length', true],
    ['chunked, with no declared length', false],
  ])('a 20 MB upload (%s) is answered 413 with the Chinese message, not a reset connection; nothing is recorded', async (_name, declared) => {
    const l = await learner()
    const result = await send(l.user.cookie, certificate(l), 20 * 1024 * 1024, declared)
    expect(result.status).toBe(413)
    expect(JSON.parse(result.body)).toMatchObject({ errors: { evidence: '文件不能超过 10 MB' } })
    expect(await rowsOf(l.enrollment.id)).toHaveLength(0)
  })

  test('a 1 MB upload through the same server is read whole and stored', async () => {
    const l = await learner()
    const result = await send(l.user.cookie, certificate(l), 1024 * 1024, false)
    expect(result.status).toBe(302)
    expect(await rowsOf(l.enrollment.id)).toMatchObject([{ evidenceType: 'image/jpeg' }])
  })
})

describe('API v1', () => {
  type Handler = (args: { request: Request; params: Record<string, string>; context: { ip: string } }) => Promise<Response>
  async function call(handler: unknown, url: string, token: string, body: unknown, params: Record<string, string>, headers: Record<string, string> = {}) {
    const request = new Request(`http://localhost${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
    const response = await (handler as Handler)({ request, params, context: { ip: '127.0.0.1' } })
    const json = (await response.json()) as any
    if (response.status >= 400) expect(ApiErrorBody.parse(json)).toEqual(json)
    return { status: response.status, body: json }
  }
  const applyVia = (token: string, enrollmentId: string, body: unknown, headers: Record<string, string> = {}) =>
    call(applyApi.action, `/api/v1/enrollments/${enrollmentId}/exemptions`, token, body, { id: enrollmentId }, headers)
  const decideVia = (token: string, id: string, body: unknown) => call(decisionApi.action, `/api/v1/exemptions/${id}/decision`, token, body, { id })

  test('apply 201 { id, status: "pending" }, decide 200 { id, status }; deciding the same again is 200 and changes nothing, the opposite 409', async () => {
    const l = await learner()
    const created = await applyVia(zhelouCoord.token, l.enrollment.id, {
      courseCode: plan.skill.code,
      basis: 'vocational_certificate',
      mode: 'exempt_exam',
      certificateNo: 'V-2024-77',
      issuer: '贵州省人社厅',
    })
    expect(created.status).toBe(201)
    expect(ExemptionCreated.parse(created.body)).toEqual(created.body)
    expect(created.body).toEqual({ id: expect.any(String), status: 'pending' })

    const first = await decideVia(zhelouCoord.token, created.body.id, { approve: true, reason: '证书真实有效' })
    expect(first).toEqual({ status: 200, body: { id: created.body.id, status: 'approved', credits: 4 } })
    expect(ExemptionDecisionResponse.parse(first.body)).toEqual(first.body)
    expect(await decideVia(zhelouCoord.token, created.body.id, { approve: true, reason: '再点一次' })).toEqual(first)
    expect((await decideVia(zhelouCoord.token, created.body.id, { approve: false, reason: '改主意' })).status).toBe(409)
    expect((await auditsOf(created.body.id)).filter((a) => a.action === 'exemption.approve')).toHaveLength(1)
    expect((await getDb().exemption.findUniqueOrThrow({ where: { id: created.body.id } })).reviewReason).toBe('证书真实有效')
  })

  test("a learner applies for their own enrollment (an Idempotency-Key retry gives the same one), never for another's; a learner cannot decide", async () => {
    const l = await learner()
    const other = await learner()
    const body = { courseCode: plan.internship.code, basis: 'work_experience', mode: 'waive_internship', note: '在合作社工作三年' }
    const a = await applyVia(l.user.token, l.enrollment.id, body, { 'idempotency-key': 'retry-1' })
    const b = await applyVia(l.user.token, l.enrollment.id, body, { 'idempotency-key': 'retry-1' })
    // A retry answers the first answer (status and body) and creates nothing.
    expect([a.status, b.status]).toEqual([201, 201])
    expect(b.body).toEqual(a.body)
    expect(await rowsOf(l.enrollment.id)).toHaveLength(1)
    expect((await applyVia(l.user.token, other.enrollment.id, body)).status).toBe(404)
    expect((await decideVia(l.user.token, a.body.id, { approve: true, reason: '' })).status).toBe(403)
  })

  test.each([
    [
      'basis and mode that do not go together',
      { courseCode: 'SKILL', basis: 'competition_award', mode: 'exempt_study' },
      { mode: '这个依据不能申请这一项：证书只能免修或免考，获奖和创新只能认定学分，两年以上工作只能免实习' },
    ],
    // api-v1.md lists no issuing body: the API never requires it (the web form does).
    ['a certificate without its number', { courseCode: 'SKILL', basis: 'skill_certificate', mode: 'exempt_study' }, { certificateNo: '请填写证书编号' }],
    [
      'a course outside the plan',
      { courseCode: 'OUTSIDE', basis: 'skill_certificate', mode: 'exempt_study', certificateNo: 'A', issuer: 'B' },
      { courseCode: '这门课程不在你所在班级的教学计划里' },
    ],
    [
      'an unknown mode',
      { courseCode: 'SKILL', basis: 'skill_certificate', mode: 'skip_everything' },
      { mode: '方式应为 exempt_study、exempt_exam、credit 或 waive_internship 之一' },
    ],
    [
      'no basis',
      { courseCode: 'SKILL', mode: 'exempt_study' },
      { basis: '依据应为 vocational_certificate、skill_certificate、competition_award、innovation 或 work_experience 之一' },
    ],
  ])('apply 422: %s', async (_name, body, fields) => {
    const l = await learner()
    const resolved = { ...body, courseCode: body.courseCode === 'SKILL' ? plan.skill.code : plan.outside.code }
    const result = await applyVia(zhelouCoord.token, l.enrollment.id, resolved)
    expect(result.status).toBe(422)
    expect(result.body.error).toMatchObject({ code: 'validation_failed' })
    expect(result.body.error.fields).toEqual(fields)
    expect(await rowsOf(l.enrollment.id)).toHaveLength(0)
  })

  test('decision 422 without a reason to reject or credits to grant; 404 outside the scope', async () => {
    const l = await learner()
    const award = await applyVia(zhelouCoord.token, l.enrollment.id, { basis: 'competition_award', mode: 'credit', credits: 3 })
    expect(award.status).toBe(201)
    expect(await decideVia(zhelouCoord.token, award.body.id, { approve: false })).toMatchObject({
      status: 422,
      body: { error: { fields: { reason: '不通过时必须写明原因' } } },
    })
    expect(await decideVia(zhelouCoord.token, award.body.id, { approve: true })).toMatchObject({
      status: 422,
      body: { error: { fields: { credits: '认定学分必须填写学分' } } },
    })
    expect(await decideVia(gaoluoCoord.token, award.body.id, { approve: true, credits: 3 })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    })
    expect((await applyVia(gaoluoCoord.token, l.enrollment.id, { basis: 'innovation', mode: 'credit' })).status).toBe(404)
    expect(await decideVia(zhelouCoord.token, award.body.id, { approve: true, credits: 3 })).toEqual({
      status: 200,
      body: { id: award.body.id, status: 'approved', credits: 3 },
    })
  })
})

describe('who has the exemption feature (issue 15)', () => {
  test('a teacher whose only program is a training round gets no exemption page and cannot apply; a learner of a class with a plan can', async () => {
    const db = getDb()
    const { person } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
    const teacher = await createUserWithSession(db, { role: 'teacher', personId: person.id })
    expect(await offersExemptions(db, person.id)).toBe(false)
    expect((await callRoute(learnerRoute.loader as never, { url: '/me/exemptions', cookie: teacher.cookie })).status).toBe(404)
    const refused = await callRoute(learnerRoute.action as never, {
      url: '/me/exemptions',
      cookie: teacher.cookie,
      method: 'POST',
      body: new URLSearchParams(),
    })
    expect(refused.status).toBe(404)
    expect(await db.exemption.count({ where: { enrollment: { personId: person.id } } })).toBe(0)

    const l = await learner()
    expect(await offersExemptions(db, l.person.id)).toBe(true)
    expect((await callRoute(learnerRoute.loader as never, { url: '/me/exemptions', cookie: l.user.cookie })).status).toBe(200)
  })
})
