/**
 * SMS codes on real PostgreSQL with the stand-in gateway (issue 17 Must show
 * 2): a code works once; five wrong codes lock the phone with a Chinese
 * message; an unregistered number gets the same answer and no SMS; codes are
 * stored neither in clear nor as a plain hash; staff get no code.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { translator } from '#app/i18n/index.ts'
import { phoneFields } from '#app/models/people.server.ts'
import { requestSmsCode, SmsCodeError, verifySmsCode } from '#app/models/sms-codes.server.ts'
import { startSmsStandIn, type SmsStandIn } from '#app/server/sms-stand-in.ts'
import { getDb } from '#app/utils/db.server.ts'
import { sendSms } from '#app/utils/sms.server.ts'
import { createPersonIn, createTestUser, createWorld, type World } from '#tests/fixtures/db.ts'

const zh = translator('zh-CN')
let gateway: SmsStandIn
let world: World
const send = (m: Parameters<typeof sendSms>[0]) => sendSms(m, gateway.config)
let n = 0
/** A learner with an account and a phone of record; each test its own number. */
async function learnerWithPhone(role: 'learner' | 'teacher' | 'coordinator' = 'learner') {
  const db = getDb()
  const phone = `1390000${String(++n).padStart(4, '0')}`
  const person = await createPersonIn(db, world.regions.zhelou.id)
  await db.person.update({ where: { id: person.id }, data: phoneFields(phone) })
  const user = await createTestUser(db, { role, personId: person.id, scopeRegionId: role === 'coordinator' ? world.regions.zhelou.id : null })
  return { phone, user }
}
const lastCode = (phone: string) => gateway.received.filter((m) => m.phone === phone).at(-1)?.params.code

beforeAll(async () => {
  gateway = await startSmsStandIn()
  world = await createWorld(getDb())
})
afterAll(() => gateway.close())

describe('SMS codes', () => {
  it('a code signs its learner in once and never again; it is stored only as a keyed HMAC', async () => {
    const db = getDb()
    const { phone, user } = await learnerWithPhone()
    expect(
      await requestSmsCode(db, { phone: `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`, purpose: 'sign_in', ip: '10.0.0.1', send }),
    ).toEqual({ sent: true })
    const code = lastCode(phone)!
    expect(code).toMatch(/^\d{6}$/)
    const rows = await db.smsCode.findMany({ where: { userId: user.id } })
    expect(rows).toHaveLength(1)
    const stored = JSON.stringify(rows)
    expect(stored).not.toContain(code)
    expect(stored).not.toContain(createHash('sha256').update(code).digest('hex'))
    expect(stored).not.toContain(createHash('sha256').update(code).digest('base64url'))
    expect(await verifySmsCode(db, { phone, purpose: 'sign_in', code, ip: '10.0.0.1' })).toEqual({ userId: user.id })
    await expect(verifySmsCode(db, { phone, purpose: 'sign_in', code, ip: '10.0.0.1' })).rejects.toMatchObject({ code: 'invalid_code' })
    // A code for signing in does not reset a password.
    await requestSmsCode(db, { phone, purpose: 'sign_in', ip: '10.0.0.1', send, now: new Date(Date.now() + 61_000) })
    await expect(verifySmsCode(db, { phone, purpose: 'password_reset', code: lastCode(phone)! })).rejects.toMatchObject({ code: 'invalid_code' })
  })

  it('a code expires after 5 minutes', async () => {
    const db = getDb()
    const { phone } = await learnerWithPhone()
    const t0 = new Date()
    await requestSmsCode(db, { phone, purpose: 'sign_in', send, now: t0 })
    await expect(
      verifySmsCode(db, { phone, purpose: 'sign_in', code: lastCode(phone)!, now: new Date(t0.getTime() + 5 * 60_000 + 1000) }),
    ).rejects.toMatchObject({ code: 'invalid_code' })
  })

  it('five wrong codes lock the phone for a while, with a Chinese message; the right code is refused meanwhile', async () => {
    const db = getDb()
    const { phone } = await learnerWithPhone()
    await requestSmsCode(db, { phone, purpose: 'sign_in', send })
    const right = lastCode(phone)!
    const wrong = right === '000000' ? '111111' : '000000'
    for (let i = 0; i < 4; i++) await expect(verifySmsCode(db, { phone, purpose: 'sign_in', code: wrong })).rejects.toMatchObject({ code: 'invalid_code' })
    const fifth = await verifySmsCode(db, { phone, purpose: 'sign_in', code: wrong }).catch((e: unknown) => e)
    expect(fifth).toBeInstanceOf(SmsCodeError)
    expect((fifth as SmsCodeError).code).toBe('locked')
    expect((fifth as SmsCodeError).describe(zh)).toBe('验证码输错太多次，请等 15 分钟后再试。')
    await expect(verifySmsCode(db, { phone, purpose: 'sign_in', code: right })).rejects.toMatchObject({ code: 'locked' })
    await expect(requestSmsCode(db, { phone, purpose: 'sign_in', send, now: new Date(Date.now() + 120_000) })).rejects.toMatchObject({ code: 'locked' })
    expect(await db.auditEvent.count({ where: { action: 'auth.sms_code_locked' } })).toBeGreaterThan(0)
  })

  it('asking again within a minute, or a sixth time in an hour, says how long to wait', async () => {
    const db = getDb()
    const { phone } = await learnerWithPhone()
    const t0 = new Date()
    await requestSmsCode(db, { phone, purpose: 'sign_in', send, now: t0 })
    const again = await requestSmsCode(db, { phone, purpose: 'sign_in', send, now: new Date(t0.getTime() + 20_000) }).catch((e: unknown) => e)
    expect((again as SmsCodeError).describe(zh)).toBe('请等 40 秒后再获取验证码。')
    for (let i = 1; i <= 4; i++) await requestSmsCode(db, { phone, purpose: 'sign_in', send, now: new Date(t0.getTime() + i * 61_000) })
    const sixth = await requestSmsCode(db, { phone, purpose: 'sign_in', send, now: new Date(t0.getTime() + 5 * 61_000) }).catch((e: unknown) => e)
    expect((sixth as SmsCodeError).code).toBe('wait')
    expect((sixth as SmsCodeError).retryAfterSeconds).toBeGreaterThan(60 * 50)
    expect(gateway.received.filter((m) => m.phone === phone)).toHaveLength(5)
  })

  it('racing requests for one phone send one code', async () => {
    const db = getDb()
    const { phone } = await learnerWithPhone()
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => requestSmsCode(db, { phone, purpose: 'sign_in', send })))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(gateway.received.filter((m) => m.phone === phone)).toHaveLength(1)
  })

  it('an unregistered number, or a coordinator’s, gets the same answer and no SMS; a guessed code is refused like a wrong one', async () => {
    const db = getDb()
    const nobody = '13912345678'
    expect(await requestSmsCode(db, { phone: nobody, purpose: 'sign_in', send })).toEqual({ sent: false })
    expect(gateway.received.filter((m) => m.phone === nobody)).toHaveLength(0)
    await expect(verifySmsCode(db, { phone: nobody, purpose: 'sign_in', code: '123456' })).rejects.toMatchObject({ code: 'invalid_code' })
    const staff = await learnerWithPhone('coordinator')
    expect(await requestSmsCode(db, { phone: staff.phone, purpose: 'sign_in', send })).toEqual({ sent: false })
    expect(gateway.received.filter((m) => m.phone === staff.phone)).toHaveLength(0)
  })

  it('a malformed number is a field error in Chinese', async () => {
    const error = await requestSmsCode(getDb(), { phone: '12345', purpose: 'sign_in', send }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SmsCodeError)
    expect((error as SmsCodeError).field).toBe('phone')
    expect((error as SmsCodeError).describe(zh)).toBe('请输入11位手机号码。')
  })
})
