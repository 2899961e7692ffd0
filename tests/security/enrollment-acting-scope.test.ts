/**
 * Issue 10, finding 4: a township coordinator wrote to another township's class (and to a
 * county round) through the person's home township — hours and moral evaluations 201, the
 * enrollment page 200, training certificates issued — because writes used "group OR person"
 * scope. DESIGN.md §11 settles it: acting on an enrollment needs its class or round in the
 * coordinator's scope; the person's home-township coordinator may only read. Here a
 * coord.zhelou-like coordinator is refused (404, like an id that does not exist) through the
 * models, the pages and the API, while the coordinator of the class's or round's region acts,
 * and coord.zhelou still reads the person page and the progress.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { userForSessionToken } from '#app/auth/permissions.server.ts'
import { findEnrollmentInScope, type CurrentUser } from '#app/models/access.server.ts'
import { issueCertificate, enrollmentToCertify, findCertificateInScope } from '#app/models/certificates.server.ts'
import { NotFoundError } from '#app/models/errors.server.ts'
import { appendHourEntry, recordHourAdjustment } from '#app/models/ledger.server.ts'
import { enrollmentToActOn } from '#app/models/study-records.server.ts'
import * as issueApi from '#app/routes/api.v1.enrollments.$id.certificates.ts'
import * as hoursApi from '#app/routes/api.v1.enrollments.$id.hours.ts'
import * as moralApi from '#app/routes/api.v1.enrollments.$id.moral-evaluation.ts'
import * as progressApi from '#app/routes/api.v1.enrollments.$id.progress.ts'
import * as resultsApi from '#app/routes/api.v1.enrollments.$id.results.ts'
import * as withdrawApi from '#app/routes/api.v1.enrollments.$id.withdraw.ts'
import * as certificatesPage from '#app/routes/coordinator.enrollments.$enrollmentId_.certificates.tsx'
import * as enrollmentPage from '#app/routes/coordinator.enrollments.$enrollmentId.tsx'
import * as personPage from '#app/routes/coordinator.people.$personId.tsx'
import * as pdfPage from '#app/routes/certificates.$serial.pdf.tsx'
import * as pdfApi from '#app/routes/api.v1.certificates.$serial.pdf.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createPlanWithTasks, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

type Handler = (args: { request: Request; params: Record<string, string>; context: { ip: string } }) => Promise<Response>
type Staff = Awaited<ReturnType<typeof createUserWithSession>> & { user: CurrentUser }

let world: TrainingWorld
let zhelou: Staff
let gaoluo: Staff
let county: Staff
/** A teacher living in 者楼街道, in the county-wide round. */
let teacher: Awaited<ReturnType<typeof createEnrolledPerson>>
/** A learner living in 者楼街道, in a class of 高洛街道. */
let learner: Awaited<ReturnType<typeof createEnrolledPerson>>
let course: { id: string; code: string }

async function staff(scopeRegionId: string): Promise<Staff> {
  const s = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId })
  return { ...s, user: (await userForSessionToken(s.token))! }
}

beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db)
  zhelou = await staff(world.regions.zhelou.id)
  gaoluo = await staff(world.regions.gaoluo.id)
  county = await staff(world.regions.county.id)
  const gaoluoClass = {
    id: newId(),
    code: `T-GL-${newId().slice(0, 6)}`,
    name: '高洛电商班',
    programId: world.programs.skills.id,
    kind: 'class' as const,
    majorId: world.groups.class.majorId,
    regionId: world.regions.gaoluo.id,
    startDate: new Date('2026-03-01T00:00:00Z'),
  }
  await db.group.create({ data: gaoluoClass })
  const [culture] = await createPlanWithTasks(db, {
    majorId: gaoluoClass.majorId,
    programId: world.programs.skills.id,
    courses: [{ name: '普通话', kind: 'culture' }],
  })
  course = culture!
  teacher = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.round, kind: 'teacher' })
  learner = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: gaoluoClass })
  // The round is complete for the teacher: a training certificate may be issued (by whoever may act).
  await db.$transaction((tx) =>
    appendHourEntry(tx, {
      enrollmentId: teacher.enrollment.id,
      category: 'concentrated',
      minutes: 40 * 45,
      date: '2026-09-10',
      source: 'adjustment',
      createdById: county.id,
      reason: '集中培训',
    }),
  )
})

async function api(handler: unknown, token: string, id: string, body?: unknown) {
  const request = new Request(`http://localhost/api/v1/enrollments/${id}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const response = await (handler as Handler)({ request, params: { id }, context: { ip: '127.0.0.44' } })
  return { status: response.status, body: (await response.json()) as { error?: { code: string } } }
}

const page = (fn: unknown, who: Staff, enrollmentId: string, body?: [string, string][]) =>
  callRoute(fn as never, {
    url: `/coordinator/enrollments/${enrollmentId}`,
    cookie: who.cookie,
    params: { enrollmentId },
    ...(body ? { method: 'POST', body: new URLSearchParams(body) } : {}),
  })

const hours = { category: 'concentrated', minutes: 90, date: '2026-09-11', reason: '补录' }
const written = async (enrollmentId: string) => {
  const db = getDb()
  const [h, m, r, c] = await Promise.all([
    db.hourEntry.count({ where: { enrollmentId, createdById: zhelou.id } }),
    db.moralEvaluation.count({ where: { enrollmentId } }),
    db.courseResult.count({ where: { enrollmentId } }),
    db.certificate.count({ where: { enrollmentId, issuedById: zhelou.id } }),
  ])
  return h + m + r + c
}

describe.each([
  ['a county round', () => teacher],
  ['another township’s class', () => learner],
])('the home-township coordinator may not act on an enrollment in %s', (_where, who) => {
  test('models: the acting finder, the hours adjustment and certificate issuing refuse it as not found; reading finds it', async () => {
    const db = getDb()
    const { enrollment } = who()
    await expect(enrollmentToActOn(db, zhelou.user, enrollment.id)).rejects.toBeInstanceOf(NotFoundError)
    await expect(enrollmentToCertify(db, zhelou.user, enrollment.id)).rejects.toBeInstanceOf(NotFoundError)
    await expect(recordHourAdjustment(db, zhelou.user, { enrollmentId: enrollment.id, ...hours, category: 'concentrated' })).rejects.toBeInstanceOf(
      NotFoundError,
    )
    await expect(findEnrollmentInScope(db, zhelou.user, enrollment.id, { roles: ['coordinator'], mode: 'act' }, { id: true })).rejects.toBeInstanceOf(
      NotFoundError,
    )
    await expect(findEnrollmentInScope(db, zhelou.user, enrollment.id, { roles: ['coordinator'], mode: 'read' }, { id: true })).resolves.toEqual({
      id: enrollment.id,
    })
    expect(await written(enrollment.id)).toBe(0)
  })

  test('pages: the enrollment page and its certificate page are 404, to open and to post', async () => {
    const { enrollment } = who()
    expect((await page(enrollmentPage.loader, zhelou, enrollment.id)).status).toBe(404)
    expect(
      (
        await page(enrollmentPage.action, zhelou, enrollment.id, [
          ['intent', 'moral'],
          ['passed', 'true'],
        ])
      ).status,
    ).toBe(404)
    expect(
      (
        await page(enrollmentPage.action, zhelou, enrollment.id, [
          ['intent', 'withdraw'],
          ['date', '2026-10-01'],
          ['reason', '搬家'],
          ['confirm', 'yes'],
        ])
      ).status,
    ).toBe(404)
    expect((await page(certificatesPage.loader, zhelou, enrollment.id)).status).toBe(404)
    expect(
      (
        await page(certificatesPage.action, zhelou, enrollment.id, [
          ['intent', 'issue'],
          ['type', 'training'],
        ])
      ).status,
    ).toBe(404)
    expect(await written(enrollment.id)).toBe(0)
  })

  test('API: hours, moral evaluation, results, withdrawal and certificates are 404 not_found; progress is readable', async () => {
    const { enrollment } = who()
    for (const [handler, body] of [
      [hoursApi.action, hours],
      [moralApi.action, { passed: true }],
      [resultsApi.action, { courseCode: course.code, score: 80, passed: true }],
      [withdrawApi.action, { date: '2026-10-01', reason: '搬家' }],
      [issueApi.action, { type: 'training' }],
    ] as const) {
      const res = await api(handler, zhelou.token, enrollment.id, body)
      expect(res.status).toBe(404)
      expect(res.body.error?.code).toBe('not_found')
    }
    expect((await api(progressApi.loader, zhelou.token, enrollment.id)).status).toBe(200)
    expect(await written(enrollment.id)).toBe(0)
    expect((await getDb().enrollment.findUniqueOrThrow({ where: { id: enrollment.id } })).status).toBe('active')
  })

  test('the person page stays readable for the home-township coordinator', async () => {
    const { person } = who()
    const res = await callRoute(personPage.loader as never, { url: `/coordinator/people/${person.id}`, cookie: zhelou.cookie, params: { personId: person.id } })
    expect(res.status).toBe(200)
    expect((res.value as { enrollments: { id: string }[] }).enrollments.map((e) => e.id)).toContain(who().enrollment.id)
  })
})

describe('the coordinator of the class’s or round’s region acts', () => {
  test('高洛街道 records hours, a moral evaluation and a result on its class (the learner lives in 者楼街道) and opens its page', async () => {
    const { enrollment } = learner
    expect((await api(hoursApi.action, gaoluo.token, enrollment.id, hours)).status).toBe(201)
    expect((await api(moralApi.action, gaoluo.token, enrollment.id, { passed: true })).status).toBe(201)
    expect((await api(resultsApi.action, gaoluo.token, enrollment.id, { courseCode: course.code, score: 80, passed: true })).status).toBe(201)
    expect((await page(enrollmentPage.loader, gaoluo, enrollment.id)).status).toBe(200)
    expect(
      (
        await page(enrollmentPage.action, gaoluo, enrollment.id, [
          ['intent', 'moral'],
          ['passed', 'true'],
        ])
      ).status,
    ).toBe(200)
    await expect(enrollmentToActOn(getDb(), gaoluo.user, enrollment.id)).resolves.toMatchObject({ id: enrollment.id })
  })

  test('the county coordinator issues the round’s training certificate; coord.zhelou may read its PDF record but not revoke it', async () => {
    const db = getDb()
    const { enrollment } = teacher
    expect((await page(certificatesPage.loader, county, enrollment.id)).status).toBe(200)
    const issued = await api(issueApi.action, county.token, enrollment.id, { type: 'training' })
    expect(issued.status).toBe(201)
    const serial = (issued.body as unknown as { serial: string }).serial
    await expect(findCertificateInScope(db, zhelou.user, serial, 'read')).resolves.toMatchObject({ serial })
    await expect(findCertificateInScope(db, zhelou.user, serial, 'act')).rejects.toBeInstanceOf(NotFoundError)
    await expect(findCertificateInScope(db, county.user, serial, 'act')).resolves.toMatchObject({ serial })
    // Already issued by the county: asking again through the model is the same certificate, not a new one.
    expect((await issueCertificate(db, { enrollmentId: enrollment.id, type: 'training', actorId: county.id })).created).toBe(false)

    // The PDF follows the reading rule: the home-township coordinator, the county bureau and the admin read it (issue 10, "Also seen").
    const admin = await createUserWithSession(db, { role: 'admin' })
    const bureau = await createUserWithSession(db, { role: 'bureau', scopeRegionId: world.regions.county.id })
    await expect(findCertificateInScope(db, (await userForSessionToken(admin.token))!, serial, 'read')).resolves.toMatchObject({ serial })
    for (const reader of [zhelou, admin, bureau]) {
      const pdf = await callRoute(pdfPage.loader as never, { url: `/certificates/${serial}/pdf`, cookie: reader.cookie, params: { serial } })
      expect(pdf.status, reader.username).toBe(200)
      expect((pdf.value as Response).headers.get('content-type')).toBe('application/pdf')
    }
    const viaApi = await pdfApi.loader({
      request: new Request(`http://localhost/api/v1/certificates/${serial}/pdf`, { headers: { authorization: `Bearer ${admin.token}` } }),
      params: { serial },
      context: { ip: '1.1.1.1' },
    } as never)
    expect(viaApi.status).toBe(200)
    const outsider = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.otherCounty.id })
    expect((await callRoute(pdfPage.loader as never, { url: '/x', cookie: outsider.cookie, params: { serial } })).status).toBe(404)
  })
})
