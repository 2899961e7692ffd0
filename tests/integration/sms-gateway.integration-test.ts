/**
 * The SMS adapter against the local stand-in gateway over real HTTP: the
 * signature and template code go out, free text never does, and failures say
 * whether a retry makes sense.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSmsStandIn, type SmsStandIn } from '#app/server/sms-stand-in.ts'
import { sendSms } from '#app/utils/sms.server.ts'

let gateway: SmsStandIn
beforeAll(async () => {
  gateway = await startSmsStandIn()
})
afterAll(() => gateway.close())

describe('the SMS adapter', () => {
  it('sends a template with its parameters under the signature; the phone gets the approved text', async () => {
    const result = await sendSms({ phone: '13800000001', template: 'sign_in_code', params: { code: '123456' }, outId: 'm1' }, gateway.config)
    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^standin-/) })
    const [sent] = gateway.received.filter((m) => m.outId === 'm1')
    expect(sent).toMatchObject({ phone: '13800000001', template: 'sign_in_code', params: { code: '123456' } })
    expect(sent!.text).toBe('【乡学】您的登录验证码是123456，5分钟内有效。请勿告诉别人。')
  })

  it('a 500 from the gateway is worth retrying; the message goes through on the next try', async () => {
    gateway.failNext(2)
    const msg = { phone: '13800000002', template: 'sign_in_code' as const, params: { code: '654321' }, outId: 'm2' }
    expect(await sendSms(msg, gateway.config)).toMatchObject({ ok: false, retryable: true })
    expect(await sendSms(msg, gateway.config)).toMatchObject({ ok: false, retryable: true })
    expect(await sendSms(msg, gateway.config)).toMatchObject({ ok: true })
    expect(gateway.received.filter((m) => m.outId === 'm2')).toHaveLength(1)
  })

  it('a wrong key, a wrong signature or a missing parameter is refused and not worth retrying', async () => {
    const msg = { phone: '13800000003', template: 'sign_in_code' as const, params: { code: '111111' }, outId: 'm3' }
    expect(await sendSms(msg, { ...gateway.config, key: 'wrong' })).toMatchObject({ ok: false, retryable: false })
    expect(await sendSms(msg, { ...gateway.config, signature: '别的签名' })).toMatchObject({ ok: false, retryable: false })
    expect(await sendSms({ ...msg, params: {} }, gateway.config)).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('code') })
    expect(gateway.received.filter((m) => m.outId === 'm3')).toHaveLength(0)
  })

  it('an unreachable gateway is a retryable network failure; no gateway configured says so', async () => {
    expect(
      await sendSms(
        { phone: '13800000004', template: 'sign_in_code', params: { code: '1' }, outId: 'm4' },
        { ...gateway.config, url: 'http://127.0.0.1:1/send' },
      ),
    ).toMatchObject({
      ok: false,
      retryable: true,
    })
    expect(await sendSms({ phone: '13800000004', template: 'sign_in_code', params: { code: '1' }, outId: 'm4' }, null)).toEqual({
      ok: false,
      retryable: false,
      error: 'sms_not_configured',
    })
  })
})
