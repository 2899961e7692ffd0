/**
 * Printed sign-in cards on real PostgreSQL (issue 17 Must show 3 and the
 * cards half of 4): a card signs its learner in (session method 'card'); a
 * reprinted card's old code and a revoked card are refused; a card session
 * cannot change the password without an SMS code (and can with one, through
 * the model and the page action); no card exists for a staff account; a
 * class's PDF holds one QR per learner, read back from the rendered pages
 * (pdftoppm + jsQR) to the right URLs, with the Chinese glyphs really drawn.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sha256 } from '@oslojs/crypto/sha2'
import jsQR from 'jsqr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPassword } from '#app/auth/password.server.ts'
import { createSession } from '#app/auth/session.server.ts'
import { userForSessionToken } from '#app/auth/permissions.server.ts'
import { sessionCookieName } from '#app/auth/cookie.server.ts'
import { maskName } from '#app/domain/names.ts'
import { cardShortId, CARD_IP_MAX_FAILURES } from '#app/domain/sign-in-card.ts'
import { translator } from '#app/i18n/index.ts'
import type { CurrentUser } from '#app/models/access.server.ts'
import type { AppError } from '#app/models/errors.server.ts'
import { phoneFields } from '#app/models/people.server.ts'
import { cardBox, CARDS_PER_PAGE } from '#app/models/sign-in-card-pdf.server.ts'
import {
  cardStatusFor,
  groupCardPlan,
  previewCard,
  printGroupCards,
  printPersonCard,
  revokePersonCard,
  signInWithCard,
  SignInCardError,
} from '#app/models/sign-in-cards.server.ts'
import { requestSensitiveChangeCode } from '#app/models/sensitive-change.server.ts'
import { requestSmsCode } from '#app/models/sms-codes.server.ts'
import { changePassword } from '#app/models/users.server.ts'
import { action as cardAction, loader as cardLoader } from '#app/routes/c.$token.tsx'
import { action as groupPdfAction, loader as groupPdfLoader } from '#app/routes/coordinator.groups.$groupId_.cards[.]pdf.tsx'
import { action as personCardAction, loader as personCardLoader } from '#app/routes/coordinator.people.$personId_.card.tsx'
import { action as personPdfAction } from '#app/routes/coordinator.people.$personId_.card[.]pdf.tsx'
import { action as passwordAction } from '#app/routes/password.tsx'
import { startSmsStandIn, type SmsStandIn } from '#app/server/sms-stand-in.ts'
import { getDb } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { getPublicOrigin, resetEnvCache } from '#app/utils/env.server.ts'
import { A4 } from '#app/utils/pdf.server.ts'
import { sendSms } from '#app/utils/sms.server.ts'
import { callRoute, createPersonIn, createTestUser, createUserWithSession, TEST_PASSWORD } from '#tests/fixtures/db.ts'
import { darkPixels, flatText, pageCount, renderGray } from '#tests/fixtures/pdf.ts'
import { createTrainingWorld, enroll, type TrainingWorld } from '#tests/fixtures/training.ts'

const zh = translator('zh-CN')
const tmp = mkdtempSync(path.join(tmpdir(), 'xx-cards-'))
let gateway: SmsStandIn
let world: TrainingWorld
let coordinator: CurrentUser
let n = 0

beforeAll(async () => {
  gateway = await startSmsStandIn()
  // The page action sends its code through the configured gateway: point it at the stand-in.
  process.env.XX_SMS_URL = gateway.config.url
  process.env.XX_SMS_KEY = gateway.config.key
  resetEnvCache()
  const db = getDb()
  world = await createTrainingWorld(db)
  const c = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
  coordinator = (await userForSessionToken(c.token))!
})
afterAll(async () => {
  await gateway.close()
  rmSync(tmp, { recursive: true, force: true })
})

const send = (m: Parameters<typeof sendSms>[0]) => sendSms(m, gateway.config)
const lastCode = (phone: string) => gateway.received.filter((m) => m.phone === phone).at(-1)?.params.code
/** Each test its own address, so the per-address throttle of one test never reaches another. */
const ip = () => `10.17.${Math.floor(++n / 250)}.${n % 250}`

/** A learner of 者楼 enrolled in the class with a learner account (no password unless asked) and, optionally, a phone of record. */
async function learner(opts: { phone?: boolean; password?: boolean } = {}) {
  const db = getDb()
  const person = await createPersonIn(db, world.regions.zhelou.id)
  // The factory gives most persons a phone: here each learner has exactly the one asked for.
  const phone = opts.phone ? `1370017${String(++n).padStart(4, '0')}` : null
  await db.person.update({ where: { id: person.id }, data: phoneFields(phone) })
  await enroll(db, { personId: person.id, group: world.groups.class })
  const user = await createTestUser(db, { role: 'learner', personId: person.id })
  if (!opts.password) await db.user.update({ where: { id: user.id }, data: { passwordHash: null } })
  return { person, user, phone }
}

/** A new class of 者楼 (the world's class has the other tests' learners). */
async function newClass(name: string) {
  const c = world.groups.class
  return getDb().group.create({
    data: {
      id: newId(),
      code: `T-CARD-${newId().slice(0, 6)}`,
      name,
      programId: c.programId,
      kind: 'class',
      majorId: c.majorId,
      regionId: c.regionId,
      startDate: c.startDate,
    },
  })
}

/** The card's token (id.secret) from the URL a PDF's QR code holds. */
const tokenOf = (url: string) => url.slice(`${getPublicOrigin()}/c/`.length)

async function printOne(personId: string) {
  const printed = await printPersonCard(getDb(), coordinator, personId, { ip: '10.0.0.9' })
  const file = path.join(tmp, `one-${personId}.pdf`)
  writeFileSync(file, printed.pdf)
  const url = decodeCard(file, 1, 0)
  expect(url).not.toBeNull()
  return { ...printed, file, url: url!, token: tokenOf(url!) }
}

/** The QR code of card `i` on `page`, read from the rendered page region of that card. */
function decodeCard(file: string, page: number, i: number): string | null {
  const box = cardBox(i)
  const gray = renderGray(file, { page, dpi: 150, workDir: tmp, region: { left: box.x, top: A4.height - box.top, width: box.width, height: box.height } })
  const rgba = new Uint8ClampedArray(gray.width * gray.height * 4)
  gray.pixels.forEach((v, k) => rgba.set([v, v, v, 255], k * 4))
  return jsQR(rgba, gray.width, gray.height)?.data ?? null
}

/** The text drawn inside card `i` on `page` (pdftotext of that region, whitespace removed). */
function cardText(file: string, page: number, i: number): string {
  const box = cardBox(i)
  const args = ['-f', String(page), '-l', String(page), '-r', '72', '-x', String(Math.floor(box.x)), '-y', String(Math.floor(A4.height - box.top))]
  args.push('-W', String(Math.floor(box.width)), '-H', String(Math.floor(box.height)), file, '-')
  return execFileSync('pdftotext', args, { encoding: 'utf8' }).replace(/\s+/g, '')
}

describe('signing in with a card', () => {
  it('a card signs its learner in: the page names them masked, only the POST makes a session (method card), lastSignInAt and lastUsedAt are set, audited', async () => {
    const db = getDb()
    const { person, user } = await learner()
    const { token, url } = await printOne(person.id)
    expect(url).toMatch(new RegExp(`^${getPublicOrigin()}/c/[a-z2-7]{24}\\.[a-z2-7]{32}$`))

    // Looking at the card page signs nobody in.
    const view = await callRoute(cardLoader, { url: `/c/${token}`, params: { token } })
    expect(view.status).toBe(200)
    // Only the masked name and the class, with the page's own words (app/i18n/page-messages.server.ts).
    const { messages, ...page } = (view.value as { data: { state: string; maskedName: string; groupLine: string; messages?: Record<string, string> } }).data
    expect(page).toEqual({ state: 'ok', maskedName: maskName(person.name), groupLine: world.groups.class.name })
    expect(messages?.['cards.page.submit']).toBe('登录')
    expect(page.maskedName).not.toBe(person.name)
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0)

    const res = await callRoute(cardAction, { url: `/c/${token}`, params: { token }, method: 'POST', body: new URLSearchParams() })
    expect(res.status).toBe(302)
    const response = res.value as Response
    expect(response.headers.get('location')).toBe('/me')
    const cookie = response.headers.get('set-cookie')!
    expect(cookie).toContain(`${sessionCookieName()}=`)
    const sessionToken = cookie.split(';')[0]!.split('=')[1]!
    const me = await userForSessionToken(sessionToken)
    expect(me).toMatchObject({ id: user.id, signInMethod: 'card' })
    const session = await db.session.findFirstOrThrow({ where: { userId: user.id } })
    expect(session.method).toBe('card')
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).lastSignInAt).not.toBeNull()
    const card = await db.signInCard.findFirstOrThrow({ where: { userId: user.id, revokedAt: null } })
    expect(card.lastUsedAt).not.toBeNull()
    expect(await db.auditEvent.count({ where: { action: 'auth.sign_in', entityId: user.id, after: { path: ['method'], equals: 'card' } } })).toBe(1)
    const status = await cardStatusFor(db, user.id)
    expect(status).toMatchObject({ active: true, shortId: cardShortId(card.id) })
    expect(status.lastUsedAt).not.toBeNull()
  })

  it('only SHA-256 of the 160-bit secret is stored; a wrong secret for a real card id is refused', async () => {
    const db = getDb()
    const { person } = await learner()
    const { token } = await printOne(person.id)
    const [id, secret] = token.split('.') as [string, string]
    const row = await db.signInCard.findUniqueOrThrow({ where: { id } })
    expect(Buffer.from(row.secretHash).equals(Buffer.from(sha256(new TextEncoder().encode(secret))))).toBe(true)
    expect(JSON.stringify(row)).not.toContain(secret)
    const wrong = `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`
    expect(await signInWithCard(db, { token: wrong, ip: ip() })).toEqual({ ok: false, reason: 'invalid' })
  })

  it("a reprinted card's old code is refused (404 page), the new one works", async () => {
    const db = getDb()
    const { person, user } = await learner()
    const first = await printOne(person.id)
    const second = await printOne(person.id)
    expect(second.token).not.toBe(first.token)
    const old = await callRoute(cardLoader, { url: `/c/${first.token}`, params: { token: first.token }, cookie: undefined })
    expect(old.status).toBe(404)
    expect((old.value as { data: { state: string } }).data.state).toBe('invalid')
    const post = await callRoute(cardAction, { url: `/c/${first.token}`, params: { token: first.token }, method: 'POST', body: new URLSearchParams() })
    expect(post.status).toBe(404)
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0)
    expect((await signInWithCard(db, { token: second.token, ip: ip() })).ok).toBe(true)
    // One card in force; the old one revoked as reprinted, both audited.
    const cards = await db.signInCard.findMany({ where: { userId: user.id }, orderBy: { createdAt: 'asc' } })
    expect(cards.map((c) => c.revokeReason)).toEqual(['reprinted', null])
    expect(await db.auditEvent.count({ where: { action: 'card.issued', after: { path: ['userId'], equals: user.id } } })).toBe(2)
    expect(await db.auditEvent.count({ where: { action: 'card.revoked', entityId: cards[0]!.id } })).toBe(1)
  })

  it('a revoked (lost) card is refused, and the sessions begun from a card end with it; a reason is required', async () => {
    const db = getDb()
    const { person, user } = await learner()
    const { token } = await printOne(person.id)
    expect((await signInWithCard(db, { token, ip: ip() })).ok).toBe(true)
    await expect(revokePersonCard(db, coordinator, person.id, { reason: '  ', ip: '10.0.0.9' })).rejects.toMatchObject({ code: 'reason_required' })
    await revokePersonCard(db, coordinator, person.id, { reason: '卡丢了', ip: '10.0.0.9' })
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0)
    expect(await signInWithCard(db, { token, ip: ip() })).toEqual({ ok: false, reason: 'invalid' })
    expect(await previewCard(db, { token, ip: ip() })).toEqual({ ok: false, reason: 'invalid' })
    expect(await cardStatusFor(db, user.id)).toMatchObject({ active: false })
    const revoked = await db.signInCard.findFirstOrThrow({ where: { userId: user.id } })
    expect(revoked).toMatchObject({ revokeReason: '卡丢了', revokedById: coordinator.id })
    expect(await db.auditEvent.count({ where: { action: 'card.revoked', entityId: revoked.id } })).toBe(1)
    await expect(revokePersonCard(db, coordinator, person.id, { reason: '再次', ip: '10.0.0.9' })).rejects.toMatchObject({ code: 'no_card' })
  })

  it('unknown and malformed tokens are a 404 page; wrong tokens from one address are throttled, and then even a good card waits', async () => {
    const db = getDb()
    for (const token of ['nonsense', 'a'.repeat(24) + '.' + 'b'.repeat(32), '../../etc', '']) {
      const res = await callRoute(cardLoader, { url: `/c/${encodeURIComponent(token)}`, params: { token } })
      expect(res.status).toBe(404)
    }
    const { person } = await learner()
    const { token } = await printOne(person.id)
    const address = ip()
    for (let i = 1; i < CARD_IP_MAX_FAILURES; i++) expect(await signInWithCard(db, { token: `x${i}`, ip: address })).toEqual({ ok: false, reason: 'invalid' })
    expect(await signInWithCard(db, { token: 'x-last', ip: address })).toMatchObject({ ok: false, reason: 'locked' })
    expect(await signInWithCard(db, { token, ip: address })).toMatchObject({ ok: false, reason: 'locked' })
    // Another address is not affected.
    expect((await signInWithCard(db, { token, ip: ip() })).ok).toBe(true)
  })
})

describe('what a card session may change', () => {
  async function cardSession(opts: { phone?: boolean; password?: boolean } = {}) {
    const l = await learner(opts)
    const { token } = await printOne(l.person.id)
    const signed = await signInWithCard(getDb(), { token, ip: ip() })
    if (!signed.ok) throw new Error('card sign-in failed')
    return { ...l, sessionId: signed.session.id, cookie: `${sessionCookieName()}=${signed.token}` }
  }

  it('without an SMS code a card session cannot change the password, not even with the right current password', async () => {
    const db = getDb()
    const { user, sessionId } = await cardSession({ phone: true, password: true })
    const err = await changePassword(db, { userId: user.id, keepSessionId: sessionId, current: TEST_PASSWORD, next: 'a new sentence for me' }).catch(
      (e: unknown) => e,
    )
    expect(err).toMatchObject({ code: 'sms_code_required' })
    expect((err as AppError).describe(zh)).toContain('扫学习卡登录')
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } })
    expect(await verifyPassword(stored.passwordHash!, TEST_PASSWORD)).toBe(true)
    // A wrong code is no better.
    await expect(changePassword(db, { userId: user.id, keepSessionId: sessionId, smsCode: '000000', next: 'a new sentence for me' })).rejects.toMatchObject({
      code: 'invalid_code',
    })
  })

  it('with a code sent to the own phone of record it can, through the model (no current password needed: a learner may have none)', async () => {
    const db = getDb()
    const { user, phone, sessionId } = await cardSession({ phone: true })
    expect(await requestSensitiveChangeCode(db, { userId: user.id, ip: ip(), send })).toEqual({
      sent: true,
      phoneMasked: `${phone!.slice(0, 3)}****${phone!.slice(-4)}`,
    })
    const code = lastCode(phone!)!
    await changePassword(db, { userId: user.id, keepSessionId: sessionId, smsCode: code, next: 'my very own sentence' })
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } })
    expect(await verifyPassword(stored.passwordHash!, 'my very own sentence')).toBe(true)
    expect(await db.auditEvent.count({ where: { action: 'user.password_change', entityId: user.id, after: { path: ['via'], equals: 'sms_code' } } })).toBe(1)
    // The code is used up.
    await expect(changePassword(db, { userId: user.id, keepSessionId: sessionId, smsCode: code, next: 'yet another sentence' })).rejects.toMatchObject({
      code: 'invalid_code',
    })
  })

  it('a code for another purpose (sign-in) does not change the password', async () => {
    const db = getDb()
    const { user, phone, sessionId } = await cardSession({ phone: true })
    await requestSmsCode(db, { phone: phone!, purpose: 'sign_in', ip: ip(), send })
    await expect(
      changePassword(db, { userId: user.id, keepSessionId: sessionId, smsCode: lastCode(phone!)!, next: 'my very own sentence' }),
    ).rejects.toMatchObject({
      code: 'invalid_code',
    })
  })

  it('through the password page: without a code refused, a code sent from the page works, and a learner without a phone is told to ask the coordinator', async () => {
    const db = getDb()
    const { user, phone, cookie } = await cardSession({ phone: true })
    const post = (fields: Record<string, string>) => callRoute(passwordAction, { url: '/password', method: 'POST', cookie, body: new URLSearchParams(fields) })

    const refused = await post({ current: 'anything at all', next: 'my very own sentence', confirm: 'my very own sentence' })
    expect(refused.status).toBe(403)
    expect((refused.value as { data: { errors: Record<string, string> } }).data.errors.smsCode).toBe(zh('sensitiveChange.error.sms_code_required'))

    const sent = await post({ intent: 'send-code' })
    expect(sent.status).toBe(200)
    expect((sent.value as { data: { sentTo: string } }).data.sentTo).toBe(`${phone!.slice(0, 3)}****${phone!.slice(-4)}`)
    const code = lastCode(phone!)!
    expect(code).toMatch(/^\d{6}$/)
    const done = await post({ smsCode: code, next: 'my very own sentence', confirm: 'my very own sentence' })
    expect(done.status).toBe(302)
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } })
    expect(await verifyPassword(stored.passwordHash!, 'my very own sentence')).toBe(true)

    const noPhone = await cardSession()
    const res = await callRoute(passwordAction, {
      url: '/password',
      method: 'POST',
      cookie: noPhone.cookie,
      body: new URLSearchParams({ intent: 'send-code' }),
    })
    expect((res.value as { data: { errors: Record<string, string> } }).data.errors.smsCode).toBe(zh('sensitiveChange.error.no_phone'))
    expect(zh('sensitiveChange.error.no_phone')).toContain('培训管理员')
  })

  it('a password session still changes the password with the current one', async () => {
    const db = getDb()
    const { user } = await learner({ password: true })
    const { session } = await createSession(db, { userId: user.id, roles: ['learner'] })
    expect(session.method).toBe('password')
    await changePassword(db, { userId: user.id, keepSessionId: session.id, current: TEST_PASSWORD, next: 'a password session sentence' })
    expect(await verifyPassword((await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!, 'a password session sentence')).toBe(true)
  })
})

describe('who gets a card', () => {
  it('no card exists for a staff account: refused with a Chinese message, skipped in a class print; none for a person without an account', async () => {
    const db = getDb()
    const staffPerson = await createPersonIn(db, world.regions.zhelou.id)
    await enroll(db, { personId: staffPerson.id, group: world.groups.class })
    const staff = await createTestUser(db, { role: 'coordinator', personId: staffPerson.id, scopeRegionId: world.regions.zhelou.id })
    // A learner role beside the coordinator one makes it no less a staff account.
    await db.roleAssignment.create({ data: { id: newId(), userId: staff.id, role: 'learner' } })
    const err = await printPersonCard(db, coordinator, staffPerson.id).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SignInCardError)
    expect((err as SignInCardError).code).toBe('staff')
    expect((err as SignInCardError).describe(zh)).toBe('这是工作人员账号（培训管理员、教育局或系统管理员），不能打印学习卡；工作人员用密码登录。')

    const noAccount = await createPersonIn(db, world.regions.zhelou.id)
    await enroll(db, { personId: noAccount.id, group: world.groups.class })
    await expect(printPersonCard(db, coordinator, noAccount.id)).rejects.toMatchObject({ code: 'no_account' })

    const plan = await groupCardPlan(db, coordinator, world.groups.class.id)
    expect(plan.skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ personId: staffPerson.id, reason: 'staff' }),
        expect.objectContaining({ personId: noAccount.id, reason: 'no_account' }),
      ]),
    )
    expect(plan.cards.map((c) => c.personId)).not.toContain(staffPerson.id)
    await printGroupCards(db, coordinator, world.groups.class.id)
    expect(await db.signInCard.count({ where: { userId: staff.id } })).toBe(0)
  })

  it("outside the caller's scope: the person and the group are not found", async () => {
    const db = getDb()
    const far = await createPersonIn(db, world.regions.otherTownship.id)
    await createTestUser(db, { role: 'learner', personId: far.id })
    await expect(printPersonCard(db, coordinator, far.id)).rejects.toMatchObject({ kind: 'not_found' })
    await expect(printGroupCards(db, coordinator, world.groups.otherCountyClass.id)).rejects.toMatchObject({ kind: 'not_found' })
  })
})

describe("a class's cards", () => {
  it("the PDF holds one QR per learner with an account, each the URL of that learner's new card, in name order, 8 a page; old cards revoked; glyphs drawn; only used glyphs embedded", async () => {
    const db = getDb()
    const group = await newClass('卡片测试班')
    const people = []
    for (let i = 0; i < 9; i++) {
      const person = await createPersonIn(db, world.regions.zhelou.id)
      await enroll(db, { personId: person.id, group })
      const u = await createTestUser(db, { role: 'learner', personId: person.id })
      people.push({ person, userId: u.id })
    }
    const skipped = await createPersonIn(db, world.regions.zhelou.id)
    await enroll(db, { personId: skipped.id, group })
    // One of them already has a card: the class print revokes it.
    const before = await printOne(people[0]!.person.id)

    const admin = await createUserWithSession(db, { role: 'admin' })
    const caller = (await userForSessionToken(admin.token))!
    const printed = await printGroupCards(db, caller, group.id, { ip: '10.0.0.9' })
    expect(printed.issued).toBe(9)
    expect(printed.skipped).toEqual([{ personId: skipped.id, name: skipped.name, reason: 'no_account' }])
    expect(printed.fileName.ascii).toBe(`cards-${group.code}.pdf`)
    const file = path.join(tmp, 'class.pdf')
    writeFileSync(file, printed.pdf)
    expect(pageCount(file)).toBe(2)
    const size = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))!
    expect([Number(size[1]), Number(size[2])]).toEqual([595.28, 841.89])

    // The order the model promises (name, then id), as the database sorts names.
    const order = await db.enrollment.findMany({
      where: { groupId: group.id, person: { user: { isNot: null } } },
      orderBy: [{ person: { name: 'asc' } }, { personId: 'asc' }],
      select: { person: true },
    })
    const byUser = new Map(people.map((p) => [p.userId, p.person]))
    const seen = new Set<string>()
    for (let k = 0; k < 9; k++) {
      const page = Math.floor(k / CARDS_PER_PAGE) + 1
      const i = k % CARDS_PER_PAGE
      const url = decodeCard(file, page, i)
      expect(url, `card ${k}`).toMatch(new RegExp(`^${getPublicOrigin()}/c/[a-z2-7]{24}\\.[a-z2-7]{32}$`))
      const [id, secret] = tokenOf(url!).split('.') as [string, string]
      const card = await db.signInCard.findUniqueOrThrow({ where: { id } })
      expect(card.revokedAt).toBeNull()
      expect(Buffer.from(card.secretHash).equals(Buffer.from(sha256(new TextEncoder().encode(secret))))).toBe(true)
      const holder = byUser.get(card.userId)!
      expect(holder).toBeDefined()
      seen.add(card.userId)
      // The card that holds this QR names its holder, the class, the instruction and the card number.
      const text = cardText(file, page, i)
      expect(text).toContain(holder.name)
      expect(text).toContain(group.name)
      expect(text).toContain('乡学学习卡')
      expect(text).toContain('用手机相机扫一扫，点“登录”')
      expect(text).toContain(cardShortId(id))
      expect(holder.id).toBe(order[k]!.person.id)
    }
    expect(seen.size).toBe(9)
    // The 10th slot (page 2, second card) is empty.
    expect(decodeCard(file, 2, 1)).toBeNull()
    // The earlier card of the first learner no longer works.
    expect(await signInWithCard(db, { token: before.token, ip: ip() })).toEqual({ ok: false, reason: 'invalid' })
    expect(await db.signInCard.count({ where: { userId: { in: people.map((p) => p.userId) }, revokedAt: null } })).toBe(9)
    expect(await db.auditEvent.count({ where: { action: 'card.issued', actorId: caller.id } })).toBe(9)

    // Glyphs: the name line of the first card is really drawn (bold 22 pt), the top margin is blank.
    const box = cardBox(0)
    expect(
      darkPixels(file, 1, { top: A4.height - box.top + 44, height: 26, left: box.x + 14, width: 90 }, { pageWidth: A4.width, workDir: tmp }),
    ).toBeGreaterThan(150)
    expect(darkPixels(file, 1, { top: 0, height: 14 }, { pageWidth: A4.width, workDir: tmp })).toBe(0)
    expect(flatText(file)).toContain(order[0]!.person.name)
    // Only the glyphs used: every font is a subset, and nine cards weigh far less than the 10 MB font.
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2)
    expect(fonts.length).toBeGreaterThan(0)
    // (pdf-lib names its subsets without the ABCDEF+ prefix, so pdffonts cannot say "sub"; the size says it.)
    for (const line of fonts) expect(line, line).toMatch(/^NotoSansSC-(Regular|Bold)\S*\s+CID TrueType\s+Identity-H\s+yes\b/)
    expect(printed.pdf.byteLength).toBeLessThan(120_000)
  })

  it('through the routes: a GET of cards.pdf prints nothing, the POST answers the PDF as an attachment', async () => {
    const db = getDb()
    const groups = { class: await newClass('路由测试班') }
    const person = await createPersonIn(db, world.regions.zhelou.id)
    await enroll(db, { personId: person.id, group: groups.class })
    const u = await createTestUser(db, { role: 'learner', personId: person.id })
    const c = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const get = await callRoute(groupPdfLoader, {
      url: `/coordinator/groups/${groups.class.id}/cards.pdf`,
      cookie: c.cookie,
      params: { groupId: groups.class.id },
    })
    expect(get.status).toBe(302)
    expect((get.value as Response).headers.get('location')).toBe(`/coordinator/groups/${groups.class.id}/cards`)
    expect(await db.signInCard.count({ where: { userId: u.id } })).toBe(0)
    const post = await callRoute(groupPdfAction, {
      url: `/coordinator/groups/${groups.class.id}/cards.pdf`,
      cookie: c.cookie,
      params: { groupId: groups.class.id },
      method: 'POST',
      body: new URLSearchParams(),
    })
    expect(post.status).toBe(200)
    const response = post.value as Response
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="cards-/)
    expect(response.headers.get('cache-control')).toContain('no-store')
    const file = path.join(tmp, 'route.pdf')
    writeFileSync(file, new Uint8Array(await response.arrayBuffer()))
    const [id] = tokenOf(decodeCard(file, 1, 0)!).split('.')
    expect((await db.signInCard.findUniqueOrThrow({ where: { id } })).userId).toBe(u.id)
    // A learner may not print.
    const learnerSession = await createUserWithSession(db, { role: 'learner' })
    const refused = await callRoute(groupPdfAction, {
      url: `/coordinator/groups/${groups.class.id}/cards.pdf`,
      cookie: learnerSession.cookie,
      params: { groupId: groups.class.id },
      method: 'POST',
      body: new URLSearchParams(),
    })
    expect(refused.status).toBe(403)
  })
})

describe("one person's card page", () => {
  it('shows the card in force, prints it as a PDF, revokes a lost one with a reason; a staff account gets no print', async () => {
    const db = getDb()
    const { person, user } = await learner()
    const c = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const params = { personId: person.id }
    const load = async () =>
      (await callRoute(personCardLoader, { url: `/coordinator/people/${person.id}/card`, cookie: c.cookie, params })).value as {
        status: { active: boolean; shortId: string | null }
        refusal: string | null
      }
    expect(await load()).toMatchObject({ refusal: null, status: { active: false } })

    const printed = await callRoute(personPdfAction, {
      url: `/coordinator/people/${person.id}/card.pdf`,
      cookie: c.cookie,
      params,
      method: 'POST',
      body: new URLSearchParams(),
    })
    expect(printed.status).toBe(200)
    const response = printed.value as Response
    expect(response.headers.get('content-type')).toBe('application/pdf')
    const file = path.join(tmp, 'person-route.pdf')
    writeFileSync(file, new Uint8Array(await response.arrayBuffer()))
    expect(pageCount(file)).toBe(1)
    const [id] = tokenOf(decodeCard(file, 1, 0)!).split('.') as [string]
    expect(await load()).toMatchObject({ status: { active: true, shortId: cardShortId(id) } })

    const revoke = (reason: string) =>
      callRoute(personCardAction, {
        url: `/coordinator/people/${person.id}/card`,
        cookie: c.cookie,
        params,
        method: 'POST',
        body: new URLSearchParams({ intent: 'revoke', reason }),
      })
    const missing = await revoke('')
    expect(missing.status).toBe(422)
    expect((missing.value as { data: { field: string; message: string } }).data).toMatchObject({ field: 'reason', message: zh('cards.error.reason_required') })
    expect((await revoke('卡丢了')).status).toBe(200)
    expect(await load()).toMatchObject({ status: { active: false } })
    expect((await db.signInCard.findUniqueOrThrow({ where: { id } })).revokeReason).toBe('卡丢了')
    expect(await cardStatusFor(db, user.id)).toMatchObject({ active: false })

    // A staff account: the page says why, and a POST prints nothing but goes back to it.
    const staffPerson = await createPersonIn(db, world.regions.zhelou.id)
    const staff = await createTestUser(db, { role: 'bureau', personId: staffPerson.id, scopeRegionId: world.regions.zhelou.id })
    const staffPage = (
      await callRoute(personCardLoader, { url: `/coordinator/people/${staffPerson.id}/card`, cookie: c.cookie, params: { personId: staffPerson.id } })
    ).value as { refusal: string | null }
    expect(staffPage.refusal).toBe('staff')
    const refused = await callRoute(personPdfAction, {
      url: `/coordinator/people/${staffPerson.id}/card.pdf`,
      cookie: c.cookie,
      params: { personId: staffPerson.id },
      method: 'POST',
      body: new URLSearchParams(),
    })
    expect(refused.status).toBe(302)
    expect((refused.value as Response).headers.get('location')).toBe(`/coordinator/people/${staffPerson.id}/card`)
    expect(await db.signInCard.count({ where: { userId: staff.id } })).toBe(0)
  })

  it("a round's cards go to its teachers", async () => {
    const db = getDb()
    const round = await db.group.create({
      data: {
        id: newId(),
        code: `T-CARD-R-${newId().slice(0, 6)}`,
        name: '学习卡测试轮训',
        programId: world.programs.teacher.id,
        kind: 'round',
        regionId: world.regions.zhelou.id,
        startDate: world.groups.round.startDate,
        endDate: world.groups.round.endDate,
      },
    })
    const teacher = await createPersonIn(db, world.regions.zhelou.id, 'teacher')
    await enroll(db, { personId: teacher.id, group: round })
    const account = await createTestUser(db, { role: 'teacher', personId: teacher.id })
    const printed = await printGroupCards(db, coordinator, round.id)
    expect(printed).toMatchObject({ issued: 1, skipped: [] })
    const file = path.join(tmp, 'round.pdf')
    writeFileSync(file, printed.pdf)
    const [id] = tokenOf(decodeCard(file, 1, 0)!).split('.') as [string]
    expect((await db.signInCard.findUniqueOrThrow({ where: { id } })).userId).toBe(account.id)
    expect(cardText(file, 1, 0)).toContain('学习卡测试轮训')
  })
})
