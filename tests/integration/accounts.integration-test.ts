/**
 * Accounts for everyone who learns (issue 17, Must show 1 and 2): enrolling
 * makes exactly one account (never two, also when two enrollments race); the
 * phone of record signs in by password and by SMS code, and a phone the
 * accounts migration carried over from User to Person still signs in; an
 * unregistered number gets the same answer through the sign-in page and no
 * SMS; forgot password by SMS code; the person page's account and phone
 * actions are audited and stay in scope.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { hashPassword } from '#app/auth/password.server.ts'
import { userForSessionToken } from '#app/auth/permissions.server.ts'
import { validateSessionToken } from '#app/auth/session.server.ts'
import { maskPhone } from '#app/domain/names.ts'
import { backfillAccounts, backfillPhoneHmacs, ensureAccountFor } from '#app/models/accounts.server.ts'
import { listPeople } from '#app/models/directory.server.ts'
import { ENROLL_GROUP_SELECT, enrollPerson, EnrollmentError } from '#app/models/enrollments.server.ts'
import { phoneFields, registerPerson } from '#app/models/people.server.ts'
import { signIn } from '#app/models/sign-in.server.ts'
import { requestSignInCode, resetPasswordWithSmsCode, signInWithSmsCode } from '#app/models/sms-sign-in.server.ts'
import { action as personAction, loader as personLoader } from '#app/routes/coordinator.people.$personId.tsx'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as forgotAction } from '#app/routes/password_.forgot.tsx'
import { startSmsStandIn, type SmsStandIn } from '#app/server/sms-stand-in.ts'
import { encryptField, lookupHmac } from '#app/utils/crypto.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { resetEnvCache } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { sendSms } from '#app/utils/sms.server.ts'
import { fakePerson } from '#tests/fixtures/factories.ts'
import { callRoute, createPersonIn, createTestUser, createUserWithSession, TEST_PASSWORD } from '#tests/fixtures/db.ts'
import { createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'
import { beforeMigration } from '#tests/fixtures/migrations.ts'

let world: TrainingWorld
let gateway: SmsStandIn
let county: Awaited<ReturnType<typeof createUserWithSession>>
const send = (m: Parameters<typeof sendSms>[0]) => sendSms(m, gateway.config)
const group = (id: string) => getDb().group.findUniqueOrThrow({ where: { id }, select: ENROLL_GROUP_SELECT })
const lastCode = (phone: string) => gateway.received.filter((m) => m.phone === phone).at(-1)?.params.code
let n = 0
/** A fresh number from the demo range, one per test. */
const nextPhone = () => `1370077${String(++n).padStart(4, '0')}`

beforeAll(async () => {
  gateway = await startSmsStandIn()
  // The pages send through the configured gateway: point it at the stand-in.
  process.env.XX_SMS_URL = gateway.url
  process.env.XX_SMS_KEY = gateway.config.key
  resetEnvCache()
  const db = getDb()
  world = await createTrainingWorld(db)
  county = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
})
afterAll(async () => {
  await gateway.close()
})

/** A person registered by the county coordinator (as the registration page does), optionally with a phone. */
async function registered(opts: { kind?: 'adult_learner' | 'teacher'; phone?: string } = {}) {
  const me = (await userForSessionToken(county.token))!
  const input = fakePerson(opts.kind ?? 'adult_learner')
  return registerPerson(getDb(), me, { input: { ...input, phone: opts.phone ?? null, region: { id: world.regions.zhelou.id } } })
}

describe('an account for every person enrolled', () => {
  test('enrolling a registered person makes exactly one account: learner, no password, generated username, audited; enrolling again makes none', async () => {
    const db = getDb()
    const person = await registered()
    expect(await db.user.count({ where: { personId: person.id } })).toBe(0)
    await enrollPerson(db, { personId: person.id, group: await group(world.groups.class.id), startDate: '2026-03-01', actorId: county.id, ip: '10.1.0.1' })
    const user = await db.user.findUniqueOrThrow({ where: { personId: person.id }, include: { roles: true } })
    expect(user.username).toMatch(/^xs[0-9a-hjkmnp-tv-z]{8}$/)
    expect(user.username).not.toContain(person.idMasked.slice(-4))
    expect(user.displayName).toBe(person.name)
    expect(user.passwordHash).toBeNull()
    expect(user.disabled).toBe(false)
    expect(user.roles.map((r) => r.role)).toEqual(['learner'])
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'account.created', entityId: user.id } })
    expect(audit).toMatchObject({ actorId: county.id, ip: '10.1.0.1', scopePath: world.regions.zhelou.path })
    expect(audit.after).toMatchObject({ username: user.username, role: 'learner', personId: person.id, password: false })

    // Enrolling again (refused: already in the class) makes no second account, nor does the refusal remove the first.
    const again = await enrollPerson(db, { personId: person.id, group: await group(world.groups.class.id), startDate: '2026-03-01', actorId: county.id }).catch(
      (e: unknown) => e,
    )
    expect(again).toBeInstanceOf(EnrollmentError)
    expect(await db.user.count({ where: { personId: person.id } })).toBe(1)
    expect(await db.auditEvent.count({ where: { action: 'account.created', entityId: user.id } })).toBe(1)
  })

  test('a teacher gets a teacher account; a second round makes none; two rounds at once make one', async () => {
    const db = getDb()
    const round2 = { ...world.groups.round, id: newId(), code: `${world.groups.round.code}-B`, name: '测试教师轮训二' }
    const round3 = { ...world.groups.round, id: newId(), code: `${world.groups.round.code}-C`, name: '测试教师轮训三' }
    await db.group.createMany({ data: [round2, round3] })

    const teacher = await registered({ kind: 'teacher' })
    await enrollPerson(db, { personId: teacher.id, group: await group(world.groups.round.id), startDate: '2026-09-01', actorId: county.id })
    const account = await db.user.findUniqueOrThrow({ where: { personId: teacher.id }, include: { roles: true } })
    expect(account.username).toMatch(/^js[0-9a-z]{8}$/)
    expect(account.roles.map((r) => r.role)).toEqual(['teacher'])
    await enrollPerson(db, { personId: teacher.id, group: await group(round2.id), startDate: '2026-09-01', actorId: county.id })
    expect(await db.user.count({ where: { personId: teacher.id } })).toBe(1)

    // A new teacher enrolled in two rounds at the same moment: both enrollments stand, one account.
    const racer = await registered({ kind: 'teacher' })
    const both = await Promise.all([
      enrollPerson(db, { personId: racer.id, group: await group(round2.id), startDate: '2026-09-01', actorId: county.id }),
      enrollPerson(db, { personId: racer.id, group: await group(round3.id), startDate: '2026-09-01', actorId: county.id }),
    ])
    expect(both).toHaveLength(2)
    expect(await db.enrollment.count({ where: { personId: racer.id } })).toBe(2)
    const made = await db.user.findMany({ where: { personId: racer.id }, include: { roles: true } })
    expect(made).toHaveLength(1)
    expect(made[0]!.roles).toHaveLength(1)
    expect(await db.auditEvent.count({ where: { action: 'account.created', entityId: made[0]!.id } })).toBe(1)
  })

  test('ensureAccountFor in two open transactions at once: one account, neither transaction aborted', async () => {
    const db = getDb()
    const person = await createPersonIn(db, world.regions.gaoluo.id)
    const results = await Promise.all([
      db.$transaction((tx) => ensureAccountFor(tx, person.id, { actorId: null })),
      db.$transaction((tx) => ensureAccountFor(tx, person.id, { actorId: null })),
    ])
    expect(results.filter((r) => r.created)).toHaveLength(1)
    expect(new Set(results.map((r) => r.userId)).size).toBe(1)
    expect(await db.user.count({ where: { personId: person.id } })).toBe(1)
    expect(await db.roleAssignment.count({ where: { user: { personId: person.id } } })).toBe(1)
  })
})

describe('the phone of record', () => {
  test('signs in by SMS code (session method sms, last sign-in, audited) and, once a password is set, by password', async () => {
    const db = getDb()
    const phone = nextPhone()
    const person = await registered({ phone: `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` })
    await enrollPerson(db, { personId: person.id, group: await group(world.groups.class.id), startDate: '2026-03-01', actorId: county.id })
    const user = await db.user.findUniqueOrThrow({ where: { personId: person.id } })

    // No password yet: the phone and any password do not sign in.
    expect(await signIn(db, { identifier: phone, password: TEST_PASSWORD, ip: '10.2.0.1' })).toEqual({ ok: false, reason: 'invalid' })

    expect(await requestSignInCode(db, { phone, ip: '10.2.0.1', send })).toEqual({ sent: true })
    const t0 = new Date()
    const viaSms = await signInWithSmsCode(db, { phone, code: lastCode(phone)!, ip: '10.2.0.1', now: t0 })
    expect(viaSms.userId).toBe(user.id)
    const session = await db.session.findUniqueOrThrow({ where: { id: viaSms.session.id } })
    expect(session.method).toBe('sms')
    // Learners: 10 days idle, 30 days at most, as after a password sign-in.
    expect(session.idleSeconds).toBe(10 * 86400)
    expect(session.expiresAt.getTime() - t0.getTime()).toBe(30 * 86400 * 1000)
    expect(await validateSessionToken(db, viaSms.token)).not.toBeNull()
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).lastSignInAt?.getTime()).toBe(t0.getTime())
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'auth.sign_in', entityId: user.id }, orderBy: { id: 'desc' } })
    expect(audit.after).toEqual({ method: 'sms' })

    // Forgot password by SMS code: a new password (policy first), every other session ends.
    // (A minute later: one code a minute per phone, whatever it is for.)
    await requestSignInCode(db, { phone, purpose: 'password_reset', ip: '10.2.0.1', send, now: new Date(Date.now() + 61_000) })
    const resetCode = lastCode(phone)!
    await expect(resetPasswordWithSmsCode(db, { phone, code: resetCode, next: 'short' })).rejects.toMatchObject({ code: 'too_short' })
    const reset = await resetPasswordWithSmsCode(db, { phone, code: resetCode, next: 'a new long password 2026', ip: '10.2.0.1' })
    expect(await validateSessionToken(db, viaSms.token)).toBeNull()
    expect(await validateSessionToken(db, reset.token)).not.toBeNull()
    expect(await db.auditEvent.count({ where: { action: 'user.password_reset_by_sms', entityId: user.id } })).toBe(1)

    const t1 = new Date(Date.now() + 1000)
    const byPassword = await signIn(db, { identifier: phone, password: 'a new long password 2026', ip: '10.2.0.2', now: t1 })
    expect(byPassword).toMatchObject({ ok: true, userId: user.id })
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).lastSignInAt?.getTime()).toBe(t1.getTime())
    const passwordAudit = await db.auditEvent.findFirstOrThrow({ where: { action: 'auth.sign_in', entityId: user.id }, orderBy: { id: 'desc' } })
    expect(passwordAudit.after).toEqual({ method: 'password' })
  })

  test('a phone already registered for someone else is refused, at registration and on the person page, without saying whose', async () => {
    const db = getDb()
    const phone = nextPhone()
    const first = await registered({ phone })
    const dup = await registered({ phone: `+86 ${phone}` }).catch((e: unknown) => e)
    expect(dup).toMatchObject({ code: 'duplicate_phone', kind: 'conflict', field: 'phone' })

    const second = await registered()
    const res = await callRoute(personAction as never, {
      url: `/coordinator/people/${second.id}`,
      method: 'POST',
      cookie: county.cookie,
      params: { personId: second.id },
      body: new URLSearchParams({ intent: 'phone', phone }),
    })
    expect(res.status).toBe(409)
    const message = (res.value as { data: { message: string; field: string } }).data
    expect(message).toMatchObject({ field: 'phone', message: '这个手机号已登记给别人，一个手机号只能登记一人。请核对号码。' })
    expect(message.message).not.toContain(first.name)
    expect((await db.person.findUniqueOrThrow({ where: { id: second.id } })).phoneHmac).toBeNull()
  })

  test('changing it on the person page is audited with masked numbers; the old number no longer signs in; staff find the person by it', async () => {
    const db = getDb()
    const oldPhone = nextPhone()
    const newPhone = nextPhone()
    const person = await registered({ phone: oldPhone })
    await enrollPerson(db, { personId: person.id, group: await group(world.groups.class.id), startDate: '2026-03-01', actorId: county.id })
    await requestSignInCode(db, { phone: oldPhone, send })
    const codeToOld = lastCode(oldPhone)!

    const post = (phone: string) =>
      callRoute(personAction as never, {
        url: `/coordinator/people/${person.id}`,
        method: 'POST',
        cookie: county.cookie,
        params: { personId: person.id },
        body: new URLSearchParams({ intent: 'phone', phone }),
      })
    expect((await post('1234')).status).toBe(422)
    const saved = await post(newPhone)
    expect(saved.status).toBe(200)
    expect((saved.value as { data: { notice: string } }).data.notice).toBe('手机号已保存。')
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'person.phone_change', entityId: person.id } })
    expect(audit).toMatchObject({ actorId: county.id, before: { phone: maskPhone(oldPhone) }, after: { phone: maskPhone(newPhone) } })
    expect(JSON.stringify([audit.before, audit.after])).not.toContain(newPhone)

    await expect(signInWithSmsCode(db, { phone: oldPhone, code: codeToOld })).rejects.toMatchObject({ code: 'invalid_code' })
    const me = (await userForSessionToken(county.token))!
    const found = await listPeople(db, { scopes: [me.grants[0]!.scope], q: `${newPhone.slice(0, 3)}-${newPhone.slice(3, 7)}-${newPhone.slice(7)}` })
    expect(found.people.map((p) => p.id)).toEqual([person.id])
    expect((await listPeople(db, { scopes: [me.grants[0]!.scope], q: oldPhone })).total).toBe(0)
  })

  test('start-up backfill: a phone stored encrypted without its HMAC gets one, once; then it signs in', async () => {
    const db = getDb()
    const phone = nextPhone()
    const person = await createPersonIn(db, world.regions.zhelou.id)
    await db.person.update({ where: { id: person.id }, data: { phoneCipher: encryptField(phone), phoneMasked: null, phoneHmac: null } })
    await createTestUser(db, { role: 'learner', personId: person.id })
    expect(await signIn(db, { identifier: phone, password: TEST_PASSWORD, ip: '10.3.0.1' })).toEqual({ ok: false, reason: 'invalid' })
    const first = await backfillPhoneHmacs(db)
    expect(first.updated).toBeGreaterThanOrEqual(1)
    expect(await db.person.findUniqueOrThrow({ where: { id: person.id } })).toMatchObject({
      phoneHmac: lookupHmac('phone', phone),
      phoneMasked: maskPhone(phone),
    })
    expect(await backfillPhoneHmacs(db)).toEqual({ updated: 0, duplicate: 0, invalid: 0 })
    expect(await signIn(db, { identifier: phone, password: TEST_PASSWORD, ip: '10.3.0.1' })).toMatchObject({ ok: true })
  })
})

describe('the sign-in page by SMS code', () => {
  const post = (body: Record<string, string>) => callRoute(loginAction as never, { url: '/login?way=sms', method: 'POST', body: new URLSearchParams(body) })

  test('an unregistered number gets the same answer as a registered one, and no SMS', async () => {
    const db = getDb()
    const registeredPhone = nextPhone()
    const person = await registered({ phone: registeredPhone })
    await enrollPerson(db, { personId: person.id, group: await group(world.groups.class.id), startDate: '2026-03-01', actorId: county.id })
    const unknownPhone = nextPhone()

    const before = gateway.received.length
    const forUnknown = await post({ intent: 'sms-request', phone: unknownPhone })
    const forKnown = await post({ intent: 'sms-request', phone: registeredPhone })
    expect(forUnknown.status).toBe(200)
    expect(forKnown.status).toBe(200)
    const shape = (r: typeof forKnown, phone: string) =>
      JSON.stringify((r.value as { data: unknown }).data)
        .replaceAll(phone, 'PHONE')
        .replaceAll(maskPhone(phone), 'MASKED')
    expect(shape(forUnknown, unknownPhone)).toBe(shape(forKnown, registeredPhone))
    expect((forKnown.value as { data: unknown }).data).toEqual({
      way: 'sms',
      sms: { step: 'code', phone: registeredPhone, phoneMasked: maskPhone(registeredPhone) },
    })
    expect(gateway.received.length).toBe(before + 1)
    expect(gateway.received.filter((m) => m.phone === unknownPhone)).toHaveLength(0)

    // A code for the unknown number is just a wrong code.
    const guess = await post({ intent: 'sms-verify', phone: unknownPhone, code: '123456' })
    expect(guess.status).toBe(422)
    expect((guess.value as { data: { sms: { error: string } } }).data.sms.error).toBe('验证码不对或已过期，请重新获取。')

    // The registered one signs in with its code, to the page asked for (same-origin only), with a session cookie.
    const signedIn = await post({ intent: 'sms-verify', phone: registeredPhone, code: lastCode(registeredPhone)!, redirectTo: '/me/records' })
    expect(signedIn.status).toBe(302)
    const response = signedIn.value as Response
    expect(response.headers.get('location')).toBe('/me/records')
    expect(response.headers.get('set-cookie')).toMatch(/session=/)
    const user = await db.user.findUniqueOrThrow({ where: { personId: person.id }, include: { sessions: true } })
    expect(user.sessions.map((s) => s.method)).toEqual(['sms'])
    // Asking again within the minute: the wait, in Chinese, still on the code step.
    const soon = await post({ intent: 'sms-request', phone: registeredPhone })
    expect(soon.status).toBe(429)
    expect((soon.value as { data: { sms: { step: string; error: string } } }).data.sms).toMatchObject({
      step: 'code',
      error: expect.stringMatching(/^请等 (\d+ 秒|1 分钟)后再获取验证码。$/),
    })
  })

  test('forgot password through the page: the code and a new password sign in; staff get no code', async () => {
    const db = getDb()
    const phone = nextPhone()
    const person = await registered({ phone })
    await enrollPerson(db, { personId: person.id, group: await group(world.groups.class.id), startDate: '2026-03-01', actorId: county.id })
    const forgot = (body: Record<string, string>) =>
      callRoute(forgotAction as never, { url: '/password/forgot', method: 'POST', body: new URLSearchParams(body) })
    expect((await forgot({ intent: 'reset-request', phone })).status).toBe(200)
    const code = lastCode(phone)!
    const mismatch = await forgot({ intent: 'reset-verify', phone, code, next: 'my very own password', confirm: 'my very own passwort' })
    expect(mismatch.status).toBe(422)
    const done = await forgot({ intent: 'reset-verify', phone, code, next: 'my very own password', confirm: 'my very own password' })
    expect(done.status).toBe(302)
    expect(await signIn(db, { identifier: phone, password: 'my very own password', ip: '10.4.0.1' })).toMatchObject({ ok: true })

    // A coordinator whose person has a phone of record: no code is sent, the answer is the same.
    const staffPhone = nextPhone()
    const staffPerson = await createPersonIn(db, world.regions.zhelou.id)
    await db.person.update({ where: { id: staffPerson.id }, data: phoneFields(staffPhone) })
    await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id, personId: staffPerson.id })
    const staff = await forgot({ intent: 'reset-request', phone: staffPhone })
    expect(staff.status).toBe(200)
    expect(gateway.received.filter((m) => m.phone === staffPhone)).toHaveLength(0)
  })
})

describe('the account on the person page', () => {
  const act = (personId: string, cookie: string, intent: string) =>
    callRoute(personAction as never, {
      url: `/coordinator/people/${personId}`,
      method: 'POST',
      cookie,
      params: { personId },
      body: new URLSearchParams({ intent }),
    })

  test('shows status, last sign-in and the ways in; clear or temporary password and disable/enable are audited and end sessions; out of scope is 404', async () => {
    const db = getDb()
    const phone = nextPhone()
    const person = await registered({ phone })
    await enrollPerson(db, { personId: person.id, group: await group(world.groups.class.id), startDate: '2026-03-01', actorId: county.id })
    const user = await db.user.findUniqueOrThrow({ where: { personId: person.id } })

    const page = await callRoute(personLoader as never, { url: `/coordinator/people/${person.id}`, cookie: county.cookie, params: { personId: person.id } })
    expect(page.status).toBe(200)
    const panel = (page.value as { accountPanel: { account: Record<string, unknown>; card: { active: boolean } | null } }).accountPanel
    expect(panel.account).toMatchObject({ username: user.username, disabled: false, lastSignInAt: null, hasPassword: false, smsSignIn: true, manageable: true })
    expect(panel.card).toMatchObject({ active: false })

    const temporary = await act(person.id, county.cookie, 'password-temporary')
    expect(temporary.status).toBe(200)
    const password = (temporary.value as { data: { temporaryPassword: string } }).data.temporaryPassword
    expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/)
    const withTemporary = await signIn(db, { identifier: phone, password, ip: '10.5.0.1' })
    expect(withTemporary).toMatchObject({ ok: true, mustChangePassword: true })

    expect((await act(person.id, county.cookie, 'password-clear')).status).toBe(200)
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ passwordHash: null, mustChangePassword: false })
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0)
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: 'user.password_clear', entityId: user.id } })).toMatchObject({
      actorId: county.id,
      after: { password: false },
    })

    expect((await act(person.id, county.cookie, 'disable')).status).toBe(200)
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).disabled).toBe(true)
    expect(await requestSignInCode(db, { phone, send, now: new Date(Date.now() + 120_000) })).toEqual({ sent: false })
    expect((await act(person.id, county.cookie, 'enable')).status).toBe(200)
    expect(await db.auditEvent.count({ where: { action: { in: ['user.disable', 'user.enable'] }, entityId: user.id } })).toBe(2)

    // A coordinator of the neighbouring county: the person is not theirs (404), nothing changes.
    const other = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.otherCounty.id })
    expect((await act(person.id, other.cookie, 'disable')).status).toBe(404)
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).disabled).toBe(false)
  })

  test('a staff account linked to a person is not managed from the person page', async () => {
    const db = getDb()
    const person = await createPersonIn(db, world.regions.zhelou.id)
    await createTestUser(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id, personId: person.id })
    const res = await act(person.id, county.cookie, 'password-clear')
    expect(res.status).toBe(403)
    expect((await db.user.findUniqueOrThrow({ where: { personId: person.id } })).passwordHash).not.toBeNull()
  })
})

describe('the accounts migration', () => {
  test("a user's phone carried over from User to Person by the migration still signs in by phone, by password and by SMS code", async () => {
    // The schema as it was before 20261201100000_accounts_phone_sms_cards: the phone HMAC on User.
    await beforeMigration('20261201100000_accounts_phone_sms_cards', async ({ url, db: db2, migrateRest }) => {
      const phone = '13800771234'
      const person = fakePerson('adult_learner')
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(
          `INSERT INTO "Region" ("id", "code", "name", "level", "path") VALUES ('r1', '522327001', '者楼街道', 'township', '/52/5223/522327/522327001/')`,
        )
        await client.query(
          `INSERT INTO "Person" ("id", "name", "idCipher", "idHmac", "idMasked", "gender", "birthDate", "regionId", "kind") VALUES ('p1', $1, $2, $3, 'x', 'female', '1990-01-01', 'r1', 'adult_learner')`,
          [person.name, encryptField(person.idNumber), lookupHmac('id', person.idNumber)],
        )
        await client.query(
          `INSERT INTO "User" ("id", "username", "phoneHmac", "displayName", "passwordHash", "personId") VALUES ('u1', 'old.learner', $1, $2, $3, 'p1')`,
          [lookupHmac('phone', phone), person.name, await hashPassword(TEST_PASSWORD)],
        )
        await client.query(`INSERT INTO "RoleAssignment" ("id", "userId", "role") VALUES ('g1', 'u1', 'learner')`)
      } finally {
        await client.end()
      }
      const applied = await migrateRest()
      expect(applied[0]).toBe('20261201100000_accounts_phone_sms_cards')

      expect(await db2.person.findUniqueOrThrow({ where: { id: 'p1' } })).toMatchObject({ phoneHmac: lookupHmac('phone', phone) })
      expect(await signIn(db2, { identifier: '138 0077 1234', password: TEST_PASSWORD, ip: '10.6.0.1' })).toMatchObject({ ok: true, userId: 'u1' })
      expect(await requestSignInCode(db2, { phone, ip: '10.6.0.1', send })).toEqual({ sent: true })
      expect(await signInWithSmsCode(db2, { phone, code: lastCode(phone)!, ip: '10.6.0.1' })).toMatchObject({ ok: true, userId: 'u1' })
    })
  })
})

test('people enrolled without an account (the seed, data from before accounts) get one each at start-up, once; nobody else does', async () => {
  const db = getDb()
  const enrolled = await createPersonIn(db, world.regions.zhelou.id)
  // Enrolled the way the seed and older data are: a row, no account.
  await db.enrollment.create({
    data: {
      id: newId(),
      personId: enrolled.id,
      groupId: world.groups.class.id,
      programId: world.groups.class.programId,
      startDate: world.groups.class.startDate,
    },
  })
  const registeredOnly = await createPersonIn(db, world.regions.zhelou.id)
  const before = await db.user.count()
  expect(await backfillAccounts(db)).toBeGreaterThanOrEqual(1)
  const account = await db.user.findUniqueOrThrow({ where: { personId: enrolled.id }, include: { roles: true } })
  expect(account.passwordHash).toBeNull()
  expect(account.roles.map((r) => r.role)).toEqual(['learner'])
  expect(await db.user.findUnique({ where: { personId: registeredOnly.id } })).toBeNull()
  const after = await db.user.count()
  expect(await backfillAccounts(db)).toBe(0)
  expect(await db.user.count()).toBe(after)
  expect(after).toBeGreaterThan(before)
})
