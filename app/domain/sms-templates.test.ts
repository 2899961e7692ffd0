import { describe, expect, it } from 'vitest'
import { missingSmsParams, renderSmsText, SMS_TEMPLATES, type SmsTemplateId } from './sms-templates.ts'

describe('SMS templates', () => {
  it.each(Object.keys(SMS_TEMPLATES) as SmsTemplateId[])('%s fits one SMS with the signature and a long parameter', (id) => {
    const params = Object.fromEntries(SMS_TEMPLATES[id].params.map((p) => [p, '888888']))
    expect(`【乡学】${renderSmsText(id, params)}`.length).toBeLessThanOrEqual(70)
    expect(renderSmsText(id, params)).not.toMatch(/\{\w+\}/)
  })

  it('names the parameters a message lacks', () => {
    expect(missingSmsParams('sign_in_code', {})).toEqual(['code'])
    expect(missingSmsParams('sign_in_code', { code: '' })).toEqual(['code'])
    expect(missingSmsParams('sign_in_code', { code: '123456' })).toEqual([])
  })
})
