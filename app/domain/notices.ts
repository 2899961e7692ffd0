/**
 * What a reminder or notice says (DESIGN.md §5): its title in the app, its
 * SMS template and parameters, and its body (the same words the SMS carries,
 * so the phone and the notification centre agree). Every SMS stays within one
 * message: free-text parameters (a venue, a reason) are shortened to fit.
 */
import type { ReminderRule } from './reminders.ts'
import { renderSmsText, type SmsTemplateId } from './sms-templates.ts'

/** One SMS: 70 characters, the 【signature】 included. */
export const SMS_MAX_CHARS = 70

export type DecisionKind = 'exemption' | 'self_study' | 'early_graduation'

export const DECISION_WHAT: Record<DecisionKind, string> = { exemption: '免修免考', self_study: '自学记录', early_graduation: '提前毕业' }

const TITLES: Record<ReminderRule, string> = {
  behind_pace: '学习进度提醒',
  period_ending_30: '学习快到截止日期了',
  period_ending_7: '还有 7 天截止',
  cycle_behind: '五年培训学时提醒',
  session_tomorrow: '明天有面授课',
  decision: '申请结果',
  coordinator_digest: '今天的待办',
  quarterly_report_due: '季度报表提醒',
}

const TEMPLATES: Record<Exclude<ReminderRule, 'decision'>, SmsTemplateId> = {
  behind_pace: 'behind_pace',
  period_ending_30: 'period_ending',
  period_ending_7: 'period_ending',
  cycle_behind: 'cycle_behind',
  session_tomorrow: 'session_tomorrow',
  coordinator_digest: 'coordinator_digest',
  quarterly_report_due: 'quarterly_report_due',
}

export type NoticeText = { title: string; body: string; template: SmsTemplateId; params: Record<string, string> }

const shorten = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`)

/**
 * The parameters shortened (longest free-text one first) until the SMS fits
 * `SMS_MAX_CHARS` with the signature.
 */
export function fitSms(template: SmsTemplateId, params: Record<string, string>, signature = '乡学', freeText: string[] = []): Record<string, string> {
  const out = { ...params }
  const room = SMS_MAX_CHARS - signature.length - 2
  for (let guard = 0; guard < 200 && renderSmsText(template, out).length > room; guard++) {
    const longest = freeText.filter((k) => (out[k]?.length ?? 0) > 2).sort((a, b) => out[b]!.length - out[a]!.length)[0]
    if (!longest) break
    out[longest] = shorten(out[longest]!, out[longest]!.length - 1)
  }
  return out
}

/** A sweep, session, digest or report reminder. */
export function reminderText(rule: Exclude<ReminderRule, 'decision'>, params: Record<string, string>, signature?: string): NoticeText {
  const template = TEMPLATES[rule]
  const smsParams = fitSms(template, params, signature, rule === 'session_tomorrow' ? ['venue'] : [])
  return { title: TITLES[rule], body: renderSmsText(template, params), template, params: smsParams }
}

/** A decision notice: the result, and the reason in full in the app (shortened in the SMS). */
export function decisionText(kind: DecisionKind, approved: boolean, reason: string | null, detail: string | null, signature?: string): NoticeText {
  const what = DECISION_WHAT[kind]
  const template: SmsTemplateId = approved ? 'decision_approved' : 'decision_rejected'
  const full: Record<string, string> = approved ? { what } : { what, reason: reason?.trim() || '未说明' }
  const params = fitSms(template, full, signature, ['reason'])
  const lead = detail ? `${detail}：` : ''
  const body = approved ? `${lead}${renderSmsText(template, full)}${reason?.trim() ? `说明：${reason.trim()}` : ''}` : `${lead}${renderSmsText(template, full)}`
  return { title: `${TITLES.decision}：${what}${approved ? '已通过' : '没有通过'}`, body, template, params }
}

/** "2026年第4" and its deadline: the quarterly report of the quarter just ended is due by the 10th of the next month. */
export function quarterlyReportDue(today: string): { quarterKey: string; quarter: string; deadline: string } | null {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  if (![1, 4, 7, 10].includes(m) || d > 10) return null
  const year = m === 1 ? y - 1 : y
  const q = m === 1 ? 4 : (m - 1) / 3
  return { quarterKey: `${year}-Q${q}`, quarter: `${year}年第${q}`, deadline: `${m}月10日` }
}
