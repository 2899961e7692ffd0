/**
 * The contract test of the public API v1 (issue 14): every endpoint of
 * ../shared/api-v1.md, over real HTTP (app/server/http.ts: body limits, CSRF
 * gate, Remix routing), each answer checked against the OpenAPI document the
 * server itself serves at /api/v1/openapi.json — status documented for the
 * operation, error code documented for that status, body valid against the
 * documented schema with no undocumented field (JSON Schema 2020-12 by ajv).
 *
 *  - The list of endpoints is parsed from the contract's table, so a row added
 *    to api-v1.md fails this suite until the OpenAPI document, the routes and a
 *    scenario here have it.
 *  - Every documented answer (status) of every contract endpoint must have been
 *    seen by the end of the file: a status the server cannot give must leave
 *    the document, a status it gives must be in it.
 *  - Then: scope through the API (a township coordinator's token, a bureau
 *    token, a revoked integration token), the Idempotency-Key, rate limits,
 *    and one scripted journey through the API alone.
 */
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { beijingDate } from '#app/domain/time.ts'
import { createServiceAccountToken } from '#app/models/api-tokens.server.ts'
import { createHttpApp } from '#app/server/http.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { API_IP_LIMIT, API_TOKEN_LIMIT, rateLimit } from '#app/utils/rate-limit.server.ts'
import { createPersonIn, createTestUser, createUserWithSession, TEST_PASSWORD } from '#tests/fixtures/db.ts'
import { fakeIdNumber } from '#tests/fixtures/factories.ts'
import { createEnrolledPerson, createPlanWithTasks, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const CONTRACT = path.resolve(root, '../shared/api-v1.md')

// ─── The contract's endpoints ───────────────────────────────────────────────

/** "METHOD /path/{param}" of every row of the contract's endpoint table; `GET {pdfUrl}` is the PDF path the answers give. */
function contractEndpoints(markdown: string): string[] {
  const section = markdown.slice(markdown.indexOf('## Endpoints'))
  const rows = [...section.matchAll(/^\|\s*`(GET|POST|PUT|PATCH|DELETE) ([^`]+)`\s*\|/gm)].map((m) => `${m[1]} ${m[2]!.trim()}`)
  return rows.map((r) => (r === 'GET {pdfUrl}' ? 'GET /api/v1/certificates/{serial}/pdf' : r))
}

const ENDPOINTS = contractEndpoints(readFileSync(CONTRACT, 'utf8'))
/** Endpoints the conventions section names outside the table. */
const CONVENTION_ENDPOINTS = ['POST /api/v1/auth/token', 'GET /api/v1/openapi.json']
const ALL = [...CONVENTION_ENDPOINTS, ...ENDPOINTS]

// ─── Server, document, requests ─────────────────────────────────────────────

let base = ''
let close: () => Promise<void> = async () => {}
type Doc = {
  openapi: string
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, Documented> }>>
  components: { schemas: Record<string, unknown> }
}
type Documented = { description: string; content?: Record<string, { schema: unknown }> }
let doc: Doc
const DOC_ID = 'https://xiangxue.test/openapi.json'
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
const validators = new Map<string, ValidateFunction>()

/** A copy of the document in which every object schema with properties refuses undocumented ones (the answers must carry only documented fields). */
function strictify(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strictify)
  if (!value || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = strictify(v)
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false
  return out
}

const pointer = (...parts: string[]) => parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')

/** Every status seen per endpoint, to prove at the end that each documented answer happens. */
const observed = new Map<string, Set<string>>()

/** Random per run, so reruns within a minute (and other test files) never share a rate-limit counter. */
const runNet = `10.${50 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 250)}`
let ipCount = 0
const freshIp = () => `${runNet}.${(ipCount++ % 250) + 1}`
const defaultIp = freshIp()
let burntIp = ''

type Answer = { status: number; headers: Headers; body: any; text: string }

type CallOptions = {
  token?: string | null
  body?: unknown
  raw?: string
  contentType?: string | null
  headers?: Record<string, string>
  ip?: string
  query?: string
}

/** One request to `key` ("POST /api/v1/enrollments/{id}/hours") with `params` filled in; its answer is checked against the served document. */
async function call(key: string, params: Record<string, string>, opts: CallOptions = {}): Promise<Answer> {
  const [method, template] = key.split(' ') as [string, string]
  const url = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in params)) throw new Error(`${key}: no value for {${name}}`)
    return encodeURIComponent(params[name]!)
  })
  const headers: Record<string, string> = { 'x-forwarded-for': opts.ip ?? defaultIp, ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  let body: string | undefined
  if (opts.raw !== undefined) body = opts.raw
  else if (opts.body !== undefined) body = JSON.stringify(opts.body)
  if (body !== undefined && opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json'
  const response = await fetch(`${base}${url}${opts.query ?? ''}`, { method, headers, body })
  const type = response.headers.get('content-type') ?? ''
  const text = type.startsWith('application/pdf') ? '' : await response.text()
  const answer: Answer = { status: response.status, headers: response.headers, body: type.startsWith('application/json') ? JSON.parse(text) : null, text }
  if (type.startsWith('application/pdf')) answer.body = Buffer.from(await response.arrayBuffer())
  conforms(key, answer, type)
  return answer
}

/** The answer is one the document gives for this operation: status, error code, schema, and no-store. */
function conforms(key: string, answer: Answer, type: string) {
  const [method, template] = key.split(' ') as [string, string]
  const operation = doc.paths[template]?.[method.toLowerCase()]
  expect(operation, `${key} is in the OpenAPI document`).toBeDefined()
  const documented = operation!.responses[String(answer.status)]
  expect(documented, `${key} documents a ${answer.status} answer (got ${answer.text.slice(0, 300)})`).toBeDefined()
  observed.set(key, (observed.get(key) ?? new Set()).add(String(answer.status)))
  const media = type.split(';')[0]!.trim()
  expect(Object.keys(documented!.content ?? {}), `${key} ${answer.status} answers a documented media type`).toContain(media)
  if (media === 'application/json') {
    const where = pointer('paths', template, method.toLowerCase(), 'responses', String(answer.status), 'content', 'application/json', 'schema')
    let validate = validators.get(where)
    if (!validate) validators.set(where, (validate = ajv.compile({ $ref: `${DOC_ID}#${where}` })))
    const valid = validate(answer.body)
    expect(valid ? [] : validate.errors, `${key} ${answer.status}: the body follows its documented schema`).toEqual([])
    if (answer.status >= 400) {
      // The error code is one the document names for this status.
      expect(documented!.description, `${key} ${answer.status} documents the code ${answer.body.error.code}`).toContain(`\`${answer.body.error.code}\``)
    }
  }
  // Personal data is never kept by a cache (api-v1.md; every API answer).
  expect(answer.headers.get('cache-control') ?? '', `${key}: Cache-Control`).toContain('no-store')
  if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
}

/** The answers every endpoint has: 401 without a token, 429 from an address past its limit, 413 for a body above the ceiling. */
async function commonRefusals(key: string, params: Record<string, string>, token: string, opts: { auth?: boolean; body?: boolean; ceilingKb?: number } = {}) {
  if (opts.auth !== false) {
    const none = await call(key, params, { body: key.startsWith('POST') ? {} : undefined })
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    expect(
      (
        await call(key, params, {
          token: 'xxt.aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
          body: key.startsWith('POST') ? {} : undefined,
        })
      ).status,
    ).toBe(401)
  }
  const limited = await call(key, params, { token, ip: burntIp, body: key.startsWith('POST') ? {} : undefined })
  expect(limited.status).toBe(429)
  expect(limited.body.error.code).toBe('rate_limited')
  if (opts.body !== false && key.startsWith('POST')) {
    const kb = opts.ceilingKb ?? 64
    const big = await call(key, params, { token, raw: JSON.stringify({ note: 'x'.repeat(kb * 1024) }) })
    expect(big.status).toBe(413)
    expect(big.body.error.code).toBe('validation_failed')
  }
}

// ─── The world ──────────────────────────────────────────────────────────────

let world: TrainingWorld
let plan: Awaited<ReturnType<typeof createPlanWithTasks>>
let gaoluoClass: { id: string; code: string; programId: string; startDate: Date }
const tokens = {} as Record<'admin' | 'county' | 'zhelou' | 'gaoluo' | 'bureau' | 'prefecture' | 'learner' | 'noPerson', string>
let learner: Awaited<ReturnType<typeof createEnrolledPerson>>
const today = beijingDate(new Date())
const daysAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10)

async function integrationToken(username: string, grant: { role: 'coordinator' | 'bureau' | 'admin'; scopeRegionId?: string; canVerifyGraduation?: boolean }) {
  const admin = await createTestUser(getDb(), { role: 'admin' })
  const created = await createServiceAccountToken(
    getDb(),
    admin,
    {
      username: `${username}.${newId().slice(0, 6).toLowerCase()}`,
      role: grant.role,
      scopeRegionId: grant.scopeRegionId,
      canVerifyGraduation: grant.canVerifyGraduation,
      expiresOn: daysAgo(-30),
      note: '契约测试',
      today,
    },
    '127.0.0.1',
  )
  return created
}

/** An enrollment of the world's class (者楼街道) whose every graduation condition is met (`ended`: its period is over). */
async function eligibleEnrollment(opts: { ended?: boolean; group?: { id: string; programId: string; startDate: Date }; regionId?: string } = {}) {
  const db = getDb()
  const group = opts.group ?? world.groups.class
  const { person, enrollment } = await createEnrolledPerson(db, { regionId: opts.regionId ?? world.regions.zhelou.id, group })
  if (opts.ended) {
    await db.enrollment.update({
      where: { id: enrollment.id },
      data: { startDate: new Date('2023-03-01T00:00:00Z'), periodEnd: new Date('2026-03-01T00:00:00Z') },
    })
  }
  const day = opts.ended ? '2025-06-01' : daysAgo(1)
  await db.hourEntry.createMany({
    data: Array.from({ length: 12 }, () => ({
      enrollmentId: enrollment.id,
      personId: person.id,
      groupId: group.id,
      category: 'online' as const,
      minutes: 1440,
      occurredOn: new Date(`${day}T00:00:00Z`),
      source: 'adjustment' as const,
      reason: '测试补录',
    })),
  })
  await db.taskCompletion.createMany({
    data: plan.flatMap((c) => c.tasks.map((t) => ({ id: newId(), enrollmentId: enrollment.id, taskId: t.id, source: 'coordinator' as const }))),
  })
  await db.courseResult.createMany({ data: plan.map((c) => ({ id: newId(), enrollmentId: enrollment.id, courseId: c.id, score: 80, passed: true })) })
  await db.moralEvaluation.create({ data: { id: newId(), enrollmentId: enrollment.id, passed: true } })
  return { person, enrollment }
}

beforeAll(async () => {
  const db = getDb()
  world = await createTrainingWorld(db)
  plan = await createPlanWithTasks(db, {
    majorId: world.groups.class.majorId,
    programId: world.programs.skills.id,
    courses: [
      { name: '玉米栽培技术', credits: 4, kind: 'skill', tasks: [{ name: '整地作业' }, { name: '播种实操', kind: 'practical' }] },
      { name: '农村电商基础', credits: 3, kind: 'culture' },
      { name: '岗位实习', credits: 2, kind: 'internship' },
    ],
  })
  gaoluoClass = { id: newId(), code: `T-GL-${newId().slice(0, 6)}`, programId: world.programs.skills.id, startDate: world.groups.class.startDate }
  await db.group.create({
    data: { ...gaoluoClass, name: '高洛种植班', kind: 'class', majorId: world.groups.class.majorId, regionId: world.regions.gaoluo.id },
  })

  tokens.admin = (await createUserWithSession(db, { role: 'admin' })).token
  tokens.gaoluo = (await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.gaoluo.id })).token
  tokens.noPerson = (await createUserWithSession(db, { role: 'learner' })).token
  tokens.zhelou = (await integrationToken('svc.zhelou', { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })).token
  tokens.bureau = (await integrationToken('svc.bureau', { role: 'bureau', scopeRegionId: world.regions.county.id })).token
  tokens.prefecture = (
    await integrationToken('svc.prefecture', { role: 'bureau', scopeRegionId: world.regions.prefecture.id, canVerifyGraduation: true })
  ).token
  learner = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  tokens.learner = (await createUserWithSession(db, { role: 'learner', personId: learner.person.id })).token

  const app = await createHttpApp({ root, dev: true, headless: true, trustProxy: 'loopback' })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await (app.locals as { close?: () => Promise<void> }).close?.()
  }

  // The county coordinator's token comes from the token endpoint, like an integrator's.
  const county = await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
  const signIn = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
    body: JSON.stringify({ username: county.username, password: TEST_PASSWORD }),
  })
  tokens.county = ((await signIn.json()) as { token: string }).token

  doc = (await (await fetch(`${base}/api/v1/openapi.json`, { headers: { 'x-forwarded-for': freshIp() } })).json()) as Doc
  ajv.addSchema(strictify(doc) as object, DOC_ID)

  // An address past its limit: every endpoint answers it 429 with Retry-After (the counter is the server's, in Redis).
  burntIp = freshIp()
  for (let i = 0; i < API_IP_LIMIT.limit; i++) await rateLimit(`api:ip:${burntIp}`, API_IP_LIMIT)
}, 120_000)

afterAll(async () => {
  await close()
})

// ─── The contract and the document ──────────────────────────────────────────

describe('the contract and the served OpenAPI document', () => {
  test('the contract table is read (a parse that finds nothing would prove nothing)', () => {
    expect(ENDPOINTS.length).toBeGreaterThanOrEqual(23)
    expect(ENDPOINTS).toContain('POST /api/v1/hours/batch')
    expect(ENDPOINTS).toContain('GET /api/v1/certificates/{serial}/pdf')
  })

  test('the document is OpenAPI 3.1 and has every endpoint of api-v1.md', () => {
    expect(doc.openapi).toMatch(/^3\.1\./)
    const missing = ALL.filter((key) => {
      const [method, template] = key.split(' ') as [string, string]
      return !doc.paths[template]?.[method.toLowerCase()]
    })
    expect(missing, 'endpoints of ../shared/api-v1.md missing from /api/v1/openapi.json').toEqual([])
  })

  test('every endpoint of api-v1.md has a scenario in this file', () => {
    expect(ALL.filter((key) => !SCENARIOS.has(key))).toEqual([])
  })
})

// ─── One scenario per endpoint: the success case and each error it can give ─

const SCENARIOS = new Map<string, () => Promise<void>>()
const scenario = (key: string, run: () => Promise<void>) => SCENARIOS.set(key, run)
const oversize = (kb: number) => ({ raw: JSON.stringify({ note: 'x'.repeat(kb * 1024) }) })

scenario('POST /api/v1/auth/token', async () => {
  const key = 'POST /api/v1/auth/token'
  const user = await createTestUser(getDb(), { role: 'coordinator', scopeRegionId: world.regions.county.id })
  const ok = await call(key, {}, { body: { username: user.username, password: TEST_PASSWORD }, ip: freshIp() })
  expect(ok.status).toBe(200)
  expect((await call(key, {}, { body: { username: user.username, password: 'wrong' }, ip: freshIp() })).status).toBe(401)
  expect((await call(key, {}, { body: { username: user.username }, ip: freshIp() })).status).toBe(422)
  const changing = await createTestUser(getDb(), { role: 'coordinator', scopeRegionId: world.regions.county.id, mustChangePassword: true })
  expect((await call(key, {}, { body: { username: changing.username, password: TEST_PASSWORD }, ip: freshIp() })).status).toBe(403)
  const locked = await createTestUser(getDb(), { role: 'learner' })
  let last: Answer | undefined
  for (let i = 0; i < 5; i++) last = await call(key, {}, { body: { username: locked.username, password: 'wrong' }, ip: freshIp() })
  expect(last!.status).toBe(429)
  expect((await call(key, {}, { ...oversize(65), ip: freshIp() })).status).toBe(413)
  expect((await call(key, {}, { body: {}, ip: burntIp })).status).toBe(429)
})

scenario('GET /api/v1/openapi.json', async () => {
  const key = 'GET /api/v1/openapi.json'
  expect((await call(key, {}, { ip: freshIp() })).status).toBe(200)
  expect((await call(key, {}, { ip: burntIp })).status).toBe(429)
})

scenario('GET /api/v1/programs', async () => {
  const key = 'GET /api/v1/programs'
  const ok = await call(key, {}, { token: tokens.county })
  expect(ok.status).toBe(200)
  expect(ok.body.map((p: { code: string }) => p.code).sort()).toEqual(['skills-credential', 'teacher-training'])
  expect((await call(key, {}, { token: tokens.noPerson })).status).toBe(403)
  await commonRefusals(key, {}, tokens.county)
})

scenario('GET /api/v1/groups/{code}', async () => {
  const key = 'GET /api/v1/groups/{code}'
  const ok = await call(key, { code: world.groups.class.code }, { token: tokens.zhelou })
  expect(ok.status).toBe(200)
  expect(ok.body.courses.map((c: { code: string }) => c.code)).toEqual(plan.map((c) => c.code))
  expect((await call(key, { code: gaoluoClass.code }, { token: tokens.zhelou })).status).toBe(404)
  expect((await call(key, { code: world.groups.class.code }, { token: tokens.noPerson })).status).toBe(403)
  await commonRefusals(key, { code: world.groups.class.code }, tokens.zhelou)
})

scenario('GET /api/v1/groups/{code}/enrollments', async () => {
  const key = 'GET /api/v1/groups/{code}/enrollments'
  const db = getDb()
  const group = { id: newId(), code: `T-PG-${newId().slice(0, 6)}`, programId: world.programs.skills.id, startDate: world.groups.class.startDate }
  await db.group.create({ data: { ...group, name: '分页测试班', kind: 'class', majorId: world.groups.class.majorId, regionId: world.regions.zhelou.id } })
  const made: { id: string; startDate: string }[] = []
  for (let i = 0; i < 7; i++) {
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group })
    const startDate = `2026-0${3 + (i % 3)}-01`
    await db.enrollment.update({ where: { id: enrollment.id }, data: { startDate: new Date(`${startDate}T00:00:00Z`) } })
    made.push({ id: enrollment.id, startDate })
  }
  const expected = [...made].sort((a, b) => (a.startDate === b.startDate ? (a.id < b.id ? -1 : 1) : a.startDate < b.startDate ? -1 : 1)).map((e) => e.id)
  // Pages of 3 walk all 7 in order, each once; the last page has no next cursor.
  const seen: string[] = []
  let cursor: string | null = null
  for (let pageNo = 0; pageNo < 5; pageNo++) {
    const page: Answer = await call(key, { code: group.code }, { token: tokens.zhelou, query: `?limit=3${cursor ? `&cursor=${cursor}` : ''}` })
    expect(page.status).toBe(200)
    seen.push(...page.body.items.map((e: { id: string }) => e.id))
    cursor = page.body.nextCursor
    if (!cursor) break
  }
  expect(seen).toEqual(expected)
  const all = await call(key, { code: group.code }, { token: tokens.bureau })
  expect(all.body.items).toHaveLength(7)
  expect(all.body.nextCursor).toBeNull()
  expect(all.body.items[0]).toEqual({
    id: expected[0],
    personId: expect.any(String),
    name: expect.any(String),
    status: 'active',
    startDate: '2026-03-01',
    periodEnd: expect.any(String),
  })
  expect((await call(key, { code: group.code }, { token: tokens.zhelou, query: '?limit=501' })).status).toBe(422)
  expect((await call(key, { code: group.code }, { token: tokens.zhelou, query: '?cursor=not-ours' })).body.error.fields).toHaveProperty('cursor')
  expect((await call(key, { code: group.code }, { token: tokens.gaoluo })).status).toBe(404)
  expect((await call(key, { code: group.code }, { token: tokens.learner })).status).toBe(403)
  await commonRefusals(key, { code: group.code }, tokens.zhelou)
})

scenario('POST /api/v1/people', async () => {
  const key = 'POST /api/v1/people'
  const idNumber = fakeIdNumber({ minYear: 1980, maxYear: 1990 })
  const body = { name: '杨秀英', idNumber, regionCode: world.regions.zhelou.code, kind: 'adult_learner', priorEducation: 'junior' }
  const ok = await call(key, {}, { token: tokens.zhelou, body })
  expect(ok.status).toBe(201)
  const again = await call(key, {}, { token: tokens.zhelou, body })
  expect(again.status).toBe(409)
  expect(again.body.error.existingId).toBe(ok.body.id)
  const bad = await call(key, {}, { token: tokens.zhelou, body: { ...body, idNumber: '522327199001011234' } })
  expect(bad.status).toBe(422)
  expect(bad.body.error.fields).toHaveProperty('idNumber')
  // Only JSON: a form body is 422 validation_failed.
  const form = await call(key, {}, { token: tokens.zhelou, raw: new URLSearchParams(body).toString(), contentType: 'application/x-www-form-urlencoded' })
  expect(form.status).toBe(422)
  expect((await call(key, {}, { token: tokens.zhelou, raw: JSON.stringify(body), contentType: 'text/plain' })).status).toBe(422)
  expect((await call(key, {}, { token: tokens.bureau, body })).status).toBe(403)
  await commonRefusals(key, {}, tokens.zhelou)
})

scenario('GET /api/v1/people/{id}', async () => {
  const key = 'GET /api/v1/people/{id}'
  const ok = await call(key, { id: learner.person.id }, { token: tokens.zhelou })
  expect(ok.status).toBe(200)
  expect(ok.body.idNumberMasked).toMatch(/\*{10}/)
  expect((await call(key, { id: learner.person.id }, { token: tokens.gaoluo })).status).toBe(404)
  expect((await call(key, { id: learner.person.id }, { token: tokens.bureau })).status).toBe(403)
  await commonRefusals(key, { id: learner.person.id }, tokens.zhelou)
})

scenario('POST /api/v1/enrollments', async () => {
  const key = 'POST /api/v1/enrollments'
  const db = getDb()
  const person = await createPersonIn(db, world.regions.zhelou.id)
  const body = { personId: person.id, groupCode: world.groups.class.code, startDate: '2026-03-01' }
  const ok = await call(key, {}, { token: tokens.zhelou, body })
  expect(ok.status).toBe(201)
  expect(ok.body).toMatchObject({ programCode: 'skills-credential', groupCode: world.groups.class.code, startDate: '2026-03-01', status: 'active' })
  expect((await call(key, {}, { token: tokens.zhelou, body })).status).toBe(409)
  expect((await call(key, {}, { token: tokens.zhelou, body: { ...body, groupCode: gaoluoClass.code } })).status).toBe(404)
  expect((await call(key, {}, { token: tokens.zhelou, body: { ...body, startDate: '2026-02-30' } })).status).toBe(422)
  expect((await call(key, {}, { token: tokens.bureau, body })).status).toBe(403)
  await commonRefusals(key, {}, tokens.zhelou)
})

scenario('POST /api/v1/enrollments/{id}/hours', async () => {
  const key = 'POST /api/v1/enrollments/{id}/hours'
  const { enrollment } = await createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
  const id = enrollment.id
  const body = { category: 'online', minutes: 100, date: '2026-04-01', reason: '省平台学时同步' }
  const ok = await call(key, { id }, { token: tokens.zhelou, body })
  expect(ok.status).toBe(201)
  expect(ok.body).toMatchObject({ entryId: expect.any(String), minutes: 100, hours: 2.2 })
  expect((await call(key, { id }, { token: tokens.zhelou, body: { ...body, date: '2025-01-01' } })).body.error.fields).toHaveProperty('date')
  const retry = { token: tokens.zhelou, headers: { 'idempotency-key': `h-${newId()}` } }
  expect((await call(key, { id }, { ...retry, body })).status).toBe(201)
  expect((await call(key, { id }, { ...retry, body: { ...body, minutes: 45 } })).status).toBe(409)
  expect((await call(key, { id }, { token: tokens.gaoluo, body })).status).toBe(404)
  expect((await call(key, { id }, { token: tokens.bureau, body })).status).toBe(403)
  await commonRefusals(key, { id }, tokens.zhelou)
})

scenario('POST /api/v1/hours/batch', async () => {
  const key = 'POST /api/v1/hours/batch'
  const db = getDb()
  const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  const other = await createEnrolledPerson(db, { regionId: world.regions.gaoluo.id, group: gaoluoClass })
  const day = (i: number, extra: Record<string, unknown> = {}) => ({
    enrollmentId: enrollment.id,
    category: 'online',
    minutes: 60 + i,
    date: daysAgo(i + 1),
    reason: '省平台同步',
    externalId: `ext-${enrollment.id}-${i}`,
    ...extra,
  })
  const entries = [
    day(0),
    day(1),
    day(2, { minutes: 0 }), // bad field
    day(3, { enrollmentId: other.enrollment.id }), // outside the township
    day(4, { enrollmentId: 'nosuchenrollment00000000' }), // unknown
    day(5, { date: daysAgo(-3) }), // future
    'not an entry',
    day(0), // the same externalId again in the same batch: unchanged
  ]
  const first = await call(key, {}, { token: tokens.zhelou, body: { entries } })
  expect(first.status).toBe(200)
  expect(first.body.created).toBe(2)
  expect(first.body.unchanged).toBe(1)
  const byIndex = Object.fromEntries(first.body.errors.map((e: { index: number }) => [e.index, e]))
  expect(Object.keys(byIndex).map(Number)).toEqual([2, 3, 4, 5, 6])
  expect(byIndex[2]).toMatchObject({ code: 'validation_failed', field: 'minutes' })
  expect(byIndex[3]).toMatchObject({ code: 'not_found', field: 'enrollmentId' })
  // Outside the scope and unknown read the same.
  expect(byIndex[3].message).toBe(byIndex[4].message)
  expect(byIndex[5]).toMatchObject({ code: 'validation_failed', field: 'date' })
  expect(byIndex[6]).toMatchObject({ code: 'validation_failed' })
  // Again: nothing twice; other content under a known externalId is an entry conflict.
  const second = await call(key, {}, { token: tokens.zhelou, body: { entries: [day(0), day(1), day(1, { minutes: 5 })] } })
  expect(second.body).toEqual({ created: 0, unchanged: 2, errors: [{ index: 2, code: 'conflict', field: 'externalId', message: expect.any(String) }] })
  expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(2)
  expect(await db.hourEntry.count({ where: { enrollmentId: other.enrollment.id } })).toBe(0)
  expect(
    await db.auditEvent.count({ where: { entityType: 'HourEntry', action: 'hours.credit', after: { path: ['enrollmentId'], equals: enrollment.id } } }),
  ).toBe(2)

  expect((await call(key, {}, { token: tokens.zhelou, body: { entries: [] } })).status).toBe(422)
  expect((await call(key, {}, { token: tokens.zhelou, body: { entries: Array.from({ length: 1001 }, (_, i) => day(i)) } })).status).toBe(422)
  const retry = { token: tokens.zhelou, headers: { 'idempotency-key': `b-${newId()}` } }
  expect((await call(key, {}, { ...retry, body: { entries: [day(0)] } })).status).toBe(200)
  expect((await call(key, {}, { ...retry, body: { entries: [day(1)] } })).status).toBe(409)
  // A bureau token cannot record hours.
  expect((await call(key, {}, { token: tokens.bureau, body: { entries: [day(7)] } })).status).toBe(403)
  // 1,000 entries in one request (about 190 KB), under the batch's own 512 KB ceiling.
  const many = Array.from({ length: 1000 }, (_, i) => day(10, { externalId: `bulk-${i}`, minutes: 1, reason: '批量同步：同一天的多条记录' }))
  const bulk = await call(key, {}, { token: tokens.zhelou, body: { entries: many } })
  expect(bulk.body).toEqual({ created: 1000, unchanged: 0, errors: [] })
  await commonRefusals(key, {}, tokens.zhelou, { ceilingKb: 513 })
})

scenario('GET /api/v1/enrollments/{id}/progress', async () => {
  const key = 'GET /api/v1/enrollments/{id}/progress'
  const { enrollment } = await eligibleEnrollment()
  const ok = await call(key, { id: enrollment.id }, { token: tokens.zhelou })
  expect(ok.status).toBe(200)
  expect(ok.body.outcome).toMatchObject({ status: 'eligible_for_graduation', earlyGraduation: 'needed' })
  expect(ok.body.requirements.map((r: { code: string }) => r.code)).toEqual(
    expect.arrayContaining(['self-study-and-online', 'self-study-not-below-concentrated']),
  )
  // Not every condition met: no earlyGraduation at all.
  const plain = await call(key, { id: learner.enrollment.id }, { token: tokens.learner })
  expect(plain.status).toBe(200)
  expect(plain.body.outcome).not.toHaveProperty('earlyGraduation')
  expect((await call(key, { id: enrollment.id }, { token: tokens.zhelou, query: '?asOf=2026-13-01' })).status).toBe(422)
  expect((await call(key, { id: enrollment.id }, { token: tokens.gaoluo })).status).toBe(404)
  expect((await call(key, { id: enrollment.id }, { token: tokens.noPerson })).status).toBe(403)
  await commonRefusals(key, { id: enrollment.id }, tokens.zhelou)
})

scenario('POST /api/v1/enrollments/{id}/tasks/{taskCode}/complete', async () => {
  const key = 'POST /api/v1/enrollments/{id}/tasks/{taskCode}/complete'
  const { enrollment } = await createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
  const params = { id: enrollment.id, taskCode: plan[0]!.tasks[0]!.code }
  const ok = await call(key, params, { token: tokens.zhelou, body: {} })
  expect(ok.status).toBe(200)
  expect((await call(key, params, { token: tokens.zhelou })).status).toBe(200) // no body at all is {}
  expect((await call(key, { ...params, taskCode: 'NO-SUCH-TASK' }, { token: tokens.zhelou, body: {} })).status).toBe(404)
  expect((await call(key, params, { token: tokens.zhelou, body: { courseCode: 5 } })).status).toBe(422)
  expect((await call(key, params, { token: tokens.bureau, body: {} })).status).toBe(403)
  await getDb().enrollment.update({ where: { id: enrollment.id }, data: { status: 'withdrawn' } })
  expect((await call(key, { ...params, taskCode: plan[0]!.tasks[1]!.code }, { token: tokens.zhelou, body: {} })).status).toBe(409)
  await commonRefusals(key, params, tokens.zhelou)
})

scenario('POST /api/v1/enrollments/{id}/results', async () => {
  const key = 'POST /api/v1/enrollments/{id}/results'
  const { enrollment } = await createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
  const id = enrollment.id
  const incomplete = await call(key, { id }, { token: tokens.zhelou, body: { courseCode: plan[0]!.code, score: 80, passed: true } })
  expect(incomplete.status).toBe(409)
  expect(incomplete.body.error.code).toBe('tasks_incomplete')
  expect((await call(key, { id }, { token: tokens.zhelou, body: { courseCode: plan[1]!.code, score: 88.5, passed: true } })).status).toBe(201)
  expect((await call(key, { id }, { token: tokens.zhelou, body: { courseCode: plan[1]!.code, score: 101, passed: true } })).status).toBe(422)
  expect((await call(key, { id }, { token: tokens.gaoluo, body: { courseCode: plan[1]!.code, score: 80, passed: true } })).status).toBe(404)
  expect((await call(key, { id }, { token: tokens.bureau, body: { courseCode: plan[1]!.code, score: 80, passed: true } })).status).toBe(403)
  await getDb().enrollment.update({ where: { id }, data: { status: 'withdrawn' } })
  const withdrawn = await call(key, { id }, { token: tokens.zhelou, body: { courseCode: plan[1]!.code, score: 80, passed: true } })
  expect(withdrawn.body.error.code).toBe('conflict')
  await commonRefusals(key, { id }, tokens.zhelou)
})

scenario('POST /api/v1/enrollments/{id}/moral-evaluation', async () => {
  const key = 'POST /api/v1/enrollments/{id}/moral-evaluation'
  const { enrollment } = await createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
  const id = enrollment.id
  expect((await call(key, { id }, { token: tokens.zhelou, body: { passed: true, note: '遵纪守法' } })).status).toBe(201)
  expect((await call(key, { id }, { token: tokens.zhelou, body: { passed: 'yes' } })).status).toBe(422)
  expect((await call(key, { id }, { token: tokens.gaoluo, body: { passed: true } })).status).toBe(404)
  expect((await call(key, { id }, { token: tokens.bureau, body: { passed: true } })).status).toBe(403)
  await getDb().enrollment.update({ where: { id }, data: { status: 'withdrawn' } })
  expect((await call(key, { id }, { token: tokens.zhelou, body: { passed: true } })).status).toBe(409)
  await commonRefusals(key, { id }, tokens.zhelou)
})

scenario('POST /api/v1/enrollments/{id}/withdraw', async () => {
  const key = 'POST /api/v1/enrollments/{id}/withdraw'
  const { enrollment } = await createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
  const id = enrollment.id
  const body = { date: daysAgo(1), reason: '外出务工' }
  expect((await call(key, { id }, { token: tokens.gaoluo, body })).status).toBe(404)
  expect((await call(key, { id }, { token: tokens.bureau, body })).status).toBe(403)
  expect((await call(key, { id }, { token: tokens.zhelou, body: { date: daysAgo(1) } })).status).toBe(422)
  expect((await call(key, { id }, { token: tokens.zhelou, body })).status).toBe(200)
  expect((await call(key, { id }, { token: tokens.zhelou, body })).status).toBe(409)
  await commonRefusals(key, { id }, tokens.zhelou)
})

scenario('POST /api/v1/enrollments/{id}/exemptions', async () => {
  const key = 'POST /api/v1/enrollments/{id}/exemptions'
  const { enrollment } = await createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
  const id = enrollment.id
  // Exactly the contract's fields: no issuer (api-v1.md has none), accepted.
  const body = { courseCode: plan[1]!.code, basis: 'vocational_certificate', mode: 'exempt_exam', certificateNo: 'ZY-2024-0371' }
  const ok = await call(key, { id }, { token: tokens.zhelou, body })
  expect(ok.status).toBe(201)
  expect(ok.body).toEqual({ id: expect.any(String), status: 'pending' })
  expect((await call(key, { id }, { token: tokens.zhelou, body: { ...body, mode: 'skip_everything' } })).status).toBe(422)
  const keyed = { token: tokens.zhelou, headers: { 'idempotency-key': `e-${newId()}` } }
  expect((await call(key, { id }, { ...keyed, body: { basis: 'competition_award', mode: 'credit', credits: 2 } })).status).toBe(201)
  expect((await call(key, { id }, { ...keyed, body: { basis: 'competition_award', mode: 'credit', credits: 3 } })).status).toBe(409)
  expect((await call(key, { id }, { token: tokens.gaoluo, body })).status).toBe(404)
  expect((await call(key, { id }, { token: tokens.bureau, body })).status).toBe(403)
  await commonRefusals(key, { id }, tokens.zhelou)
})

scenario('POST /api/v1/exemptions/{id}/decision', async () => {
  const key = 'POST /api/v1/exemptions/{id}/decision'
  const { enrollment } = await createEnrolledPerson(getDb(), { regionId: world.regions.zhelou.id, group: world.groups.class })
  const applied = await call(
    'POST /api/v1/enrollments/{id}/exemptions',
    { id: enrollment.id },
    { token: tokens.zhelou, body: { courseCode: plan[1]!.code, basis: 'skill_certificate', mode: 'exempt_study', certificateNo: 'JN-1' } },
  )
  const id = applied.body.id
  expect((await call(key, { id }, { token: tokens.zhelou, body: { approve: false } })).status).toBe(422)
  expect((await call(key, { id }, { token: tokens.gaoluo, body: { approve: true, reason: '' } })).status).toBe(404)
  expect((await call(key, { id }, { token: tokens.bureau, body: { approve: true, reason: '' } })).status).toBe(403)
  const ok = await call(key, { id }, { token: tokens.zhelou, body: { approve: true, reason: '证书真实有效' } })
  expect(ok.body).toMatchObject({ id, status: 'approved' })
  expect((await call(key, { id }, { token: tokens.zhelou, body: { approve: false, reason: '改主意' } })).status).toBe(409)
  await commonRefusals(key, { id }, tokens.zhelou)
})

scenario('POST /api/v1/enrollments/{id}/early-graduation', async () => {
  const key = 'POST /api/v1/enrollments/{id}/early-graduation'
  const db = getDb()
  const { enrollment } = await eligibleEnrollment()
  const id = enrollment.id
  expect((await call(key, { id }, { token: tokens.gaoluo, body: {} })).status).toBe(404)
  expect((await call(key, { id }, { token: tokens.bureau, body: {} })).status).toBe(403)
  expect((await call(key, { id }, { token: tokens.zhelou, body: { note: 5 } })).status).toBe(422)
  const created = await call(key, { id }, { token: tokens.zhelou, body: { note: '已提前修完全部课程' } })
  expect(created.status).toBe(201)
  expect(created.body).toEqual({ id: expect.any(String), status: 'pending' })
  const again = await call(key, { id }, { token: tokens.zhelou, body: {} })
  expect(again).toMatchObject({ status: 200, body: created.body })
  expect(await db.earlyGraduationRequest.count({ where: { enrollmentId: id } })).toBe(1)
  // Not eligible: 409 not_eligible with the reasons, one sentence per unmet condition.
  const notYet = await call(key, { id: learner.enrollment.id }, { token: tokens.learner, body: {} })
  expect(notYet.status).toBe(409)
  expect(notYet.body.error.code).toBe('not_eligible')
  expect(notYet.body.error.reasons.length).toBeGreaterThanOrEqual(2)
  // After a rejection: 409 conflict (a rejection is final here).
  await call(
    'POST /api/v1/early-graduation/{id}/decision',
    { id: created.body.id },
    { token: tokens.zhelou, body: { approve: false, reason: '须参加期末考核' } },
  )
  const afterRejection = await call(key, { id }, { token: tokens.zhelou, body: {} })
  expect(afterRejection.status).toBe(409)
  expect(afterRejection.body.error.code).toBe('conflict')
  await commonRefusals(key, { id }, tokens.zhelou)
})

scenario('POST /api/v1/early-graduation/{id}/decision', async () => {
  const key = 'POST /api/v1/early-graduation/{id}/decision'
  const db = getDb()
  const { enrollment } = await eligibleEnrollment()
  const applied = await call('POST /api/v1/enrollments/{id}/early-graduation', { id: enrollment.id }, { token: tokens.zhelou, body: {} })
  const id = applied.body.id
  expect((await call(key, { id }, { token: tokens.gaoluo, body: { approve: true } })).status).toBe(404)
  expect((await call(key, { id: 'nosuchrequest' }, { token: tokens.zhelou, body: { approve: true } })).status).toBe(404)
  expect((await call(key, { id }, { token: tokens.bureau, body: { approve: true } })).status).toBe(403)
  expect((await call(key, { id }, { token: tokens.zhelou, body: { approve: false } })).status).toBe(422) // a rejection needs a reason
  // A condition no longer met (the moral evaluation failed since): 409 not_eligible with the reasons.
  await db.moralEvaluation.create({ data: { id: newId(), enrollmentId: enrollment.id, passed: false, createdAt: new Date(Date.now() + 1000) } })
  const refused = await call(key, { id }, { token: tokens.zhelou, body: { approve: true } })
  expect(refused.body.error).toMatchObject({ code: 'not_eligible', reasons: expect.any(Array) })
  await db.moralEvaluation.create({ data: { id: newId(), enrollmentId: enrollment.id, passed: true, createdAt: new Date(Date.now() + 2000) } })
  const approved = await call(key, { id }, { token: tokens.zhelou, body: { approve: true } })
  expect(approved).toMatchObject({ status: 200, body: { id, status: 'approved' } })
  expect(await call(key, { id }, { token: tokens.zhelou, body: { approve: true } })).toMatchObject({ status: 200, body: { id, status: 'approved' } })
  expect((await call(key, { id }, { token: tokens.zhelou, body: { approve: false, reason: '改主意' } })).body.error.code).toBe('conflict')
  await commonRefusals(key, { id }, tokens.zhelou)
})

scenario('POST /api/v1/enrollments/{id}/certificates', async () => {
  const key = 'POST /api/v1/enrollments/{id}/certificates'
  const { enrollment } = await eligibleEnrollment({ ended: true })
  const id = enrollment.id
  expect((await call(key, { id }, { token: tokens.gaoluo, body: { type: 'graduation' } })).status).toBe(404)
  expect((await call(key, { id }, { token: tokens.bureau, body: { type: 'graduation' } })).status).toBe(403)
  expect((await call(key, { id }, { token: tokens.zhelou, body: { type: 'diploma' } })).status).toBe(422)
  const refused = await call(key, { id }, { token: tokens.zhelou, body: { type: 'study_record' } })
  expect(refused.body.error).toMatchObject({ code: 'not_eligible', reasons: expect.any(Array) })
  const issued = await call(key, { id }, { token: tokens.zhelou, body: { type: 'graduation' } })
  expect(issued.status).toBe(201)
  expect(issued.body).toMatchObject({ type: 'graduation', status: 'pending_verification' })
  expect(await call(key, { id }, { token: tokens.zhelou, body: { type: 'graduation' } })).toMatchObject({ status: 200, body: issued.body })
  await commonRefusals(key, { id }, tokens.zhelou)
})

/** A graduation certificate of an ended, eligible enrollment (pending the prefecture's verification). */
async function issuedCertificate() {
  const { enrollment } = await eligibleEnrollment({ ended: true })
  const issued = await call('POST /api/v1/enrollments/{id}/certificates', { id: enrollment.id }, { token: tokens.zhelou, body: { type: 'graduation' } })
  expect(issued.status).toBe(201)
  return issued.body as { serial: string; verificationCode: string; pdfUrl: string }
}

scenario('GET /api/v1/certificates/{serial}/pdf', async () => {
  const key = 'GET /api/v1/certificates/{serial}/pdf'
  const certificate = await issuedCertificate()
  expect(certificate.pdfUrl).toBe(`/api/v1/certificates/${encodeURIComponent(certificate.serial)}/pdf`)
  const pdf = await call(key, { serial: certificate.serial }, { token: tokens.zhelou })
  expect(pdf.status).toBe(200)
  expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-')
  expect((await call(key, { serial: certificate.serial }, { token: tokens.gaoluo })).status).toBe(404)
  await commonRefusals(key, { serial: certificate.serial }, tokens.zhelou)
})

scenario('POST /api/v1/certificates/{serial}/prefecture-verification', async () => {
  const key = 'POST /api/v1/certificates/{serial}/prefecture-verification'
  const certificate = await issuedCertificate()
  const serial = certificate.serial
  expect((await call(key, { serial }, { token: tokens.bureau, body: {} })).status).toBe(403)
  expect((await call(key, { serial: '522326-2026-B-999999' }, { token: tokens.prefecture, body: {} })).status).toBe(404)
  expect(await call(key, { serial }, { token: tokens.prefecture, body: {} })).toMatchObject({ status: 200, body: { serial, status: 'valid' } })
  // Verifying again changes nothing and answers the same.
  expect(await call(key, { serial }, { token: tokens.prefecture, body: {} })).toMatchObject({ status: 200, body: { serial, status: 'valid' } })
  // A revoked certificate is not verified: 409 conflict.
  const revoked = await issuedCertificate()
  await call('POST /api/v1/certificates/{serial}/revoke', { serial: revoked.serial }, { token: tokens.zhelou, body: { reason: '重复颁发' } })
  expect((await call(key, { serial: revoked.serial }, { token: tokens.prefecture, body: {} })).body.error.code).toBe('conflict')
  await commonRefusals(key, { serial }, tokens.prefecture, { body: false })
})

scenario('POST /api/v1/certificates/{serial}/revoke', async () => {
  const key = 'POST /api/v1/certificates/{serial}/revoke'
  const certificate = await issuedCertificate()
  const serial = certificate.serial
  expect((await call(key, { serial }, { token: tokens.gaoluo, body: { reason: '信息有误' } })).status).toBe(404)
  expect((await call(key, { serial }, { token: tokens.bureau, body: { reason: '信息有误' } })).status).toBe(403)
  expect((await call(key, { serial }, { token: tokens.zhelou, body: {} })).status).toBe(422)
  expect(await call(key, { serial }, { token: tokens.zhelou, body: { reason: '信息有误' } })).toMatchObject({
    status: 200,
    body: { serial, status: 'revoked' },
  })
  await commonRefusals(key, { serial }, tokens.zhelou)
})

scenario('GET /api/v1/public/certificates/{verificationCode}', async () => {
  const key = 'GET /api/v1/public/certificates/{verificationCode}'
  const certificate = await issuedCertificate()
  const ok = await call(key, { verificationCode: certificate.verificationCode }, { ip: freshIp() })
  expect(ok).toMatchObject({ status: 200, body: { valid: false, status: 'pending_verification', serial: certificate.serial } })
  expect((await call(key, { verificationCode: 'NOSUCHCODE' }, { ip: freshIp() })).status).toBe(404)
  await commonRefusals(key, { verificationCode: certificate.verificationCode }, tokens.zhelou, { auth: false })
})

scenario('GET /api/v1/stats/person-times', async () => {
  const key = 'GET /api/v1/stats/person-times'
  const { enrollment } = await eligibleEnrollment()
  expect(enrollment.id).toBeTruthy()
  const range = `?from=${daysAgo(30)}&to=${today}&groupBy=township`
  const ok = await call(key, {}, { token: tokens.bureau, query: range })
  expect(ok.status).toBe(200)
  expect(ok.body.totals.personTimes).toBeGreaterThanOrEqual(1)
  expect((await call(key, {}, { token: tokens.bureau, query: '?from=2026-12-40&to=2026-12-01' })).status).toBe(422)
  expect((await call(key, {}, { token: tokens.learner, query: range })).status).toBe(403)
  await commonRefusals(key, {}, tokens.bureau)
})

describe('every endpoint of api-v1.md: its success case and each error code it can give', () => {
  for (const key of ALL) {
    test(key, async () => {
      const run = SCENARIOS.get(key)
      expect(run, `a scenario for ${key}`).toBeDefined()
      await run!()
    })
  }
})

// ─── Scope, tokens, idempotency, limits ─────────────────────────────────────

describe('scope through the API', () => {
  test("a township coordinator's token cannot read, change or certify anything outside its township: 404, also inside a batch", async () => {
    const db = getDb()
    // A 高洛街道 learner in a 高洛街道 class: nothing of it lies in 者楼街道 (a 者楼 resident in a 高洛 class may be read by 者楼: DESIGN.md §11).
    const outside = await eligibleEnrollment({ ended: true, group: gaoluoClass, regionId: world.regions.gaoluo.id })
    const id = outside.enrollment.id
    const before = await db.auditEvent.count({ where: { after: { path: ['enrollmentId'], equals: id } } })
    const answers = [
      await call('GET /api/v1/enrollments/{id}/progress', { id }, { token: tokens.zhelou }),
      await call(
        'POST /api/v1/enrollments/{id}/hours',
        { id },
        { token: tokens.zhelou, body: { category: 'online', minutes: 30, date: daysAgo(2), reason: '越权' } },
      ),
      await call('POST /api/v1/enrollments/{id}/results', { id }, { token: tokens.zhelou, body: { courseCode: plan[1]!.code, score: 90, passed: true } }),
      await call('POST /api/v1/enrollments/{id}/moral-evaluation', { id }, { token: tokens.zhelou, body: { passed: true } }),
      await call('POST /api/v1/enrollments/{id}/certificates', { id }, { token: tokens.zhelou, body: { type: 'graduation' } }),
      await call('POST /api/v1/enrollments/{id}/early-graduation', { id }, { token: tokens.zhelou, body: {} }),
      await call('GET /api/v1/people/{id}', { id: outside.person.id }, { token: tokens.zhelou }),
    ]
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404, 404])
    // The same answer as for an id that does not exist.
    const unknown = await call('GET /api/v1/enrollments/{id}/progress', { id: 'nosuchenrollment' }, { token: tokens.zhelou })
    expect(answers[0]!.body).toEqual(unknown.body)
    const batch = await call(
      'POST /api/v1/hours/batch',
      {},
      {
        token: tokens.zhelou,
        body: { entries: [{ enrollmentId: id, category: 'online', minutes: 30, date: daysAgo(2), reason: '越权', externalId: 'x-1' }] },
      },
    )
    expect(batch.body).toMatchObject({ created: 0, errors: [{ index: 0, code: 'not_found', field: 'enrollmentId' }] })
    expect(await db.auditEvent.count({ where: { after: { path: ['enrollmentId'], equals: id } } })).toBe(before)
    expect(await db.certificate.count({ where: { enrollmentId: id } })).toBe(0)
    // The county coordinator may: the same enrollment is in its scope.
    expect((await call('POST /api/v1/enrollments/{id}/certificates', { id }, { token: tokens.county, body: { type: 'graduation' } })).status).toBe(201)
  })

  test('a bureau token cannot record hours (403, nothing written), but reads progress in its scope', async () => {
    const db = getDb()
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    const hours = await call(
      'POST /api/v1/enrollments/{id}/hours',
      { id: enrollment.id },
      { token: tokens.bureau, body: { category: 'online', minutes: 30, date: daysAgo(2), reason: '教育局' } },
    )
    expect(hours.status).toBe(403)
    const batch = await call(
      'POST /api/v1/hours/batch',
      {},
      {
        token: tokens.bureau,
        body: { entries: [{ enrollmentId: enrollment.id, category: 'online', minutes: 30, date: daysAgo(2), reason: '教育局', externalId: 'b-1' }] },
      },
    )
    expect(batch.status).toBe(403)
    expect(await db.hourEntry.count({ where: { enrollmentId: enrollment.id } })).toBe(0)
    expect((await call('GET /api/v1/enrollments/{id}/progress', { id: enrollment.id }, { token: tokens.bureau })).status).toBe(200)
  })

  test('an integration token is revoked at once (401); every request made with it is audited with its identity', async () => {
    const db = getDb()
    const created = await integrationToken('svc.revoke', { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const { enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
    expect((await call('GET /api/v1/enrollments/{id}/progress', { id: enrollment.id }, { token: created.token })).status).toBe(200)
    expect((await call('GET /api/v1/groups/{code}', { code: gaoluoClass.code }, { token: created.token })).status).toBe(404)
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } })
    expect(row.lastUsedAt).not.toBeNull()
    expect(Buffer.from(row.secretHash).toString('hex')).not.toContain(created.token.split('.')[2])
    const { revokeApiToken } = await import('#app/models/api-tokens.server.ts')
    await revokeApiToken(db, { id: created.userId }, created.id)
    expect((await call('GET /api/v1/enrollments/{id}/progress', { id: enrollment.id }, { token: created.token })).status).toBe(401)
    const audits = await db.auditEvent.findMany({ where: { action: 'api.request', entityType: 'ApiToken', entityId: created.id }, orderBy: { id: 'asc' } })
    expect(audits.map((a) => a.after)).toEqual([
      { method: 'GET', path: `/api/v1/enrollments/${enrollment.id}/progress`, status: 200 },
      { method: 'GET', path: `/api/v1/groups/${gaoluoClass.code}`, status: 404 },
    ])
    expect(new Set(audits.map((a) => a.actorId))).toEqual(new Set([created.userId]))
  })
})

describe('Idempotency-Key', () => {
  test('a retried create with the same key creates one record and answers the first answer; the same key with another body is 409', async () => {
    const db = getDb()
    const idNumber = fakeIdNumber({ minYear: 1975, maxYear: 1985 })
    const body = { name: '吴光明', idNumber, regionCode: world.regions.zhelou.code, kind: 'adult_learner' }
    const keyed = { token: tokens.zhelou, headers: { 'idempotency-key': `p-${newId()}` } }
    // Three at the same moment and one later: one person, one answer.
    const answers = await Promise.all([1, 2, 3].map(() => call('POST /api/v1/people', {}, { ...keyed, body })))
    answers.push(await call('POST /api/v1/people', {}, { ...keyed, body }))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201])
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1)
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(3)
    expect(await db.person.count({ where: { name: '吴光明', id: answers[0]!.body.id } })).toBe(1)
    expect(await db.auditEvent.count({ where: { entityId: answers[0]!.body.id, action: { startsWith: 'person.' } } })).toBeLessThanOrEqual(1)
    const other = await call('POST /api/v1/people', {}, { ...keyed, body: { ...body, name: '吴光亮' } })
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('conflict')
    // Another caller's same key is theirs alone.
    expect(
      (
        await call(
          'POST /api/v1/people',
          {},
          { token: tokens.county, headers: keyed.headers, body: { ...body, idNumber: fakeIdNumber({ minYear: 1970, maxYear: 1974 }) } },
        )
      ).status,
    ).toBe(201)
    const enrollBody = { personId: answers[0]!.body.id, groupCode: world.groups.class.code, startDate: '2026-03-01' }
    const enrollKey = { token: tokens.zhelou, headers: { 'idempotency-key': `en-${newId()}` } }
    const e1 = await call('POST /api/v1/enrollments', {}, { ...enrollKey, body: enrollBody })
    const e2 = await call('POST /api/v1/enrollments', {}, { ...enrollKey, body: enrollBody })
    expect([e1.status, e2.status]).toEqual([201, 201])
    expect(e2.body).toEqual(e1.body)
    expect(await db.enrollment.count({ where: { personId: answers[0]!.body.id } })).toBe(1)
    // A malformed key is 422, naming the header.
    expect(
      (await call('POST /api/v1/people', {}, { token: tokens.zhelou, headers: { 'idempotency-key': 'x'.repeat(101) }, body })).body.error.fields,
    ).toHaveProperty('Idempotency-Key')
  })
})

describe('rate limits', () => {
  test('per token: past the limit the token is answered 429 with Retry-After, from any address; another token is not', async () => {
    const created = await integrationToken('svc.busy', { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    for (let i = 0; i < API_TOKEN_LIMIT.limit; i++) await rateLimit(`api:token:${created.id}`, API_TOKEN_LIMIT)
    const limited = await call('GET /api/v1/programs', {}, { token: created.token, ip: freshIp() })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await call('GET /api/v1/programs', {}, { token: tokens.zhelou, ip: freshIp() })).status).toBe(200)
  })

  test('per address: the same token from a fresh address is served', async () => {
    expect((await call('GET /api/v1/programs', {}, { token: tokens.county, ip: burntIp })).status).toBe(429)
    expect((await call('GET /api/v1/programs', {}, { token: tokens.county, ip: freshIp() })).status).toBe(200)
  })
})

describe('the reference at /api/docs', () => {
  test("signed-in staff get a server-rendered page of every operation, under the page CSP, with no script but the nonce'd ones", async () => {
    const staff = await createUserWithSession(getDb(), { role: 'coordinator', scopeRegionId: world.regions.county.id })
    const page = await fetch(`${base}/api/docs`, { headers: { cookie: staff.cookie, 'x-forwarded-for': freshIp() } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const csp = page.headers.get('content-security-policy') ?? ''
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    const html = await page.text()
    for (const key of ALL) expect(html, key).toContain(key.split(' ')[1]!)
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
    expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([])
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/)
    const anonymous = await fetch(`${base}/api/docs`, { redirect: 'manual', headers: { 'x-forwarded-for': freshIp() } })
    expect(anonymous.status).toBe(302)
  })
})

// ─── The journey ────────────────────────────────────────────────────────────

describe('one journey through the API alone', () => {
  test('person → enrollment → a week of hours synced twice → tasks, results, moral evaluation → exemption and early graduation → progress → certificate → prefecture verification → public check → revoked', async () => {
    const coord = tokens.zhelou // a township coordinator's integration token
    const person = await call(
      'POST /api/v1/people',
      {},
      {
        token: coord,
        body: {
          name: '韦小芳',
          idNumber: fakeIdNumber({ minYear: 1985, maxYear: 1995 }),
          phone: '13800000000',
          regionCode: world.regions.zhelou.code,
          kind: 'adult_learner',
          priorEducation: 'junior',
        },
      },
    )
    expect(person.status).toBe(201)
    expect((await call('GET /api/v1/people/{id}', { id: person.body.id }, { token: coord })).body).toMatchObject({
      id: person.body.id,
      kind: 'adult_learner',
      priorEducation: 'junior',
    })

    const enrollment = await call(
      'POST /api/v1/enrollments',
      {},
      { token: coord, body: { personId: person.body.id, groupCode: world.groups.class.code, startDate: '2026-03-01' } },
    )
    expect(enrollment.body).toMatchObject({ studyYears: 3, periodEnd: '2029-03-01', status: 'active' })
    const id = enrollment.body.id
    const group = await call('GET /api/v1/groups/{code}', { code: world.groups.class.code }, { token: coord })

    // A week from the provincial platform, online and self-study each day, sent twice.
    const week = Array.from({ length: 7 }, (_, i) => [
      { enrollmentId: id, category: 'online', minutes: 480, date: daysAgo(7 - i), reason: '省平台同步', externalId: `prov-${daysAgo(7 - i)}-online` },
      { enrollmentId: id, category: 'self_study', minutes: 480, date: daysAgo(7 - i), reason: '省平台同步', externalId: `prov-${daysAgo(7 - i)}-self` },
    ]).flat()
    expect((await call('POST /api/v1/hours/batch', {}, { token: coord, body: { entries: week } })).body).toEqual({ created: 14, unchanged: 0, errors: [] })
    expect((await call('POST /api/v1/hours/batch', {}, { token: coord, body: { entries: week } })).body).toEqual({ created: 0, unchanged: 14, errors: [] })
    // Earlier study, recorded as audited adjustments.
    for (let d = 1; d <= 7; d++) {
      expect(
        (
          await call(
            'POST /api/v1/enrollments/{id}/hours',
            { id },
            { token: coord, body: { category: 'online', minutes: 1440, date: `2026-04-0${d}`, reason: '补录线下学习记录' } },
          )
        ).status,
      ).toBe(201)
    }

    for (const course of group.body.courses) {
      for (const task of course.tasks) {
        expect((await call('POST /api/v1/enrollments/{id}/tasks/{taskCode}/complete', { id, taskCode: task.code }, { token: coord, body: {} })).status).toBe(
          200,
        )
      }
    }
    const [skill, culture, internship] = group.body.courses
    expect(
      (await call('POST /api/v1/enrollments/{id}/results', { id }, { token: coord, body: { courseCode: skill.code, score: 86, passed: true } })).status,
    ).toBe(201)
    expect(
      (await call('POST /api/v1/enrollments/{id}/results', { id }, { token: coord, body: { courseCode: internship.code, score: 90, passed: true } })).status,
    ).toBe(201)
    expect((await call('POST /api/v1/enrollments/{id}/moral-evaluation', { id }, { token: coord, body: { passed: true, note: '表现良好' } })).status).toBe(201)

    const exemption = await call(
      'POST /api/v1/enrollments/{id}/exemptions',
      { id },
      { token: coord, body: { courseCode: culture.code, basis: 'vocational_certificate', mode: 'exempt_exam', certificateNo: 'ZY-522327-0099' } },
    )
    expect(exemption.body.status).toBe('pending')
    expect(
      (await call('POST /api/v1/exemptions/{id}/decision', { id: exemption.body.id }, { token: coord, body: { approve: true, reason: '证书核验无误' } })).body
        .status,
    ).toBe('approved')

    let progress = await call('GET /api/v1/enrollments/{id}/progress', { id }, { token: coord })
    expect(progress.body.outcome).toMatchObject({ status: 'eligible_for_graduation', earlyGraduation: 'needed' })
    expect(progress.body.courses.map((c: { state: string }) => c.state)).toEqual(['passed', 'exempted', 'passed'])
    expect(progress.body.requirements.find((r: { code: string }) => r.code === 'self-study-and-online')).toMatchObject({ met: true, blocking: true })
    // Before the period ends a graduation certificate needs an approved early graduation.
    expect((await call('POST /api/v1/enrollments/{id}/certificates', { id }, { token: coord, body: { type: 'graduation' } })).body.error.code).toBe(
      'not_eligible',
    )

    const early = await call('POST /api/v1/enrollments/{id}/early-graduation', { id }, { token: coord, body: {} })
    expect(early.body).toMatchObject({ status: 'pending' })
    expect((await call('GET /api/v1/enrollments/{id}/progress', { id }, { token: coord })).body.outcome.earlyGraduation).toBe('pending')
    expect(
      (await call('POST /api/v1/early-graduation/{id}/decision', { id: early.body.id }, { token: coord, body: { approve: true, reason: '同意提前毕业' } }))
        .body,
    ).toEqual({ id: early.body.id, status: 'approved' })
    progress = await call('GET /api/v1/enrollments/{id}/progress', { id }, { token: coord })
    expect(progress.body.outcome).toMatchObject({ status: 'eligible_for_graduation', earlyGraduation: 'approved' })

    const certificate = await call('POST /api/v1/enrollments/{id}/certificates', { id }, { token: coord, body: { type: 'graduation' } })
    expect(certificate.body).toMatchObject({ type: 'graduation', status: 'pending_verification' })
    const { serial, verificationCode } = certificate.body
    expect((await call('GET /api/v1/certificates/{serial}/pdf', { serial }, { token: coord })).status).toBe(200)
    expect((await call('POST /api/v1/certificates/{serial}/prefecture-verification', { serial }, { token: tokens.prefecture, body: {} })).body).toEqual({
      serial,
      status: 'valid',
    })
    const check = await call('GET /api/v1/public/certificates/{verificationCode}', { verificationCode }, { ip: freshIp() })
    expect(check.body).toMatchObject({ valid: true, status: 'valid', type: 'graduation', serial, holderName: expect.stringContaining('*') })
    expect((await call('POST /api/v1/certificates/{serial}/revoke', { serial }, { token: coord, body: { reason: '发现学籍信息录入错误' } })).body).toEqual({
      serial,
      status: 'revoked',
    })
    expect((await call('GET /api/v1/public/certificates/{verificationCode}', { verificationCode }, { ip: freshIp() })).body).toMatchObject({
      valid: false,
      status: 'revoked',
    })
    expect((await call('GET /api/v1/enrollments/{id}/progress', { id }, { token: tokens.bureau })).status).toBe(200)
  })
})

// ─── Last: nothing documented that never happens ────────────────────────────

test('every documented answer of every contract endpoint was seen in this file', () => {
  const unseen = ALL.flatMap((key) => {
    const [method, template] = key.split(' ') as [string, string]
    const documented = Object.keys(doc.paths[template]?.[method.toLowerCase()]?.responses ?? {})
    return documented.filter((status) => !observed.get(key)?.has(status)).map((status) => `${key} ${status}`)
  })
  expect(unseen).toEqual([])
})
