import { describe, expect, it } from 'vitest'
import { decisionText, fitSms, quarterlyReportDue, reminderText, SMS_MAX_CHARS } from './notices.ts'
import { renderSmsText } from './sms-templates.ts'

const smsLength = (t: { template: Parameters<typeof renderSmsText>[0]; params: Record<string, string> }) =>
  `【乡学】${renderSmsText(t.template, t.params)}`.length

describe('notice texts', () => {
  it('says how many hours are missing and by when, in one SMS', () => {
    const t = reminderText('period_ending_7', { hours: '12.5', deadline: '3月1日' })
    expect(t.body).toBe('还差12.5学时，3月1日截止，请抓紧学习。')
    expect(smsLength(t)).toBeLessThanOrEqual(SMS_MAX_CHARS)
  })

  it('shortens a long venue so the session SMS still fits, and keeps it whole in the app', () => {
    const venue = '册亨县者楼街道第一小学综合楼三楼多功能教室（从东门进，上楼右转第二间，门口有牌子，找不到请打电话问班主任）'
    const t = reminderText('session_tomorrow', { day: '明天', time: '9:00', venue })
    expect(smsLength(t)).toBeLessThanOrEqual(SMS_MAX_CHARS)
    expect(t.params.venue!.endsWith('…')).toBe(true)
    expect(t.body).toContain(venue)
  })

  it('a rejection gives the reason (shortened in the SMS, whole in the app); an approval the result', () => {
    const reason = '照片看不清楚，证书编号也对不上，请重新拍一张清楚的照片，带上证书原件到者楼街道办事处再交一次'
    const no = decisionText('exemption', false, reason, '种植技术基础')
    expect(no.body).toContain(reason)
    expect(no.title).toBe('申请结果：免修免考没有通过')
    expect(smsLength(no)).toBeLessThanOrEqual(SMS_MAX_CHARS)
    const yes = decisionText('self_study', true, null, null)
    expect(yes.body).toBe('您的自学记录申请已通过。')
    expect(yes.params).toEqual({ what: '自学记录' })
  })

  it('fitSms leaves a short text alone', () => {
    expect(fitSms('decision_rejected', { what: '自学记录', reason: '日期不对' }, '乡学', ['reason'])).toEqual({ what: '自学记录', reason: '日期不对' })
  })

  it.each([
    ['2027-01-01', { quarterKey: '2026-Q4', quarter: '2026年第4', deadline: '1月10日' }],
    ['2026-10-10', { quarterKey: '2026-Q3', quarter: '2026年第3', deadline: '10月10日' }],
    ['2026-10-11', null],
    ['2026-11-01', null],
  ])('quarterly report due on %s', (today, expected) => expect(quarterlyReportDue(today)).toEqual(expected))
})
