/**
 * SMS templates (DESIGN.md §5): Chinese SMS services send only pre-approved
 * templates under a registered signature (短信签名), never free text. Each
 * template here has its parameters and the text the gateway fills in; the
 * text is what the provider approved, kept here so the stand-in gateway and
 * the in-app copy say the same. Every text stays within one SMS (≤ 70
 * characters with the signature).
 */
export const SMS_TEMPLATES = {
  sign_in_code: { params: ['code'], text: '您的登录验证码是{code}，5分钟内有效。请勿告诉别人。' },
  password_reset_code: { params: ['code'], text: '您正在重设密码，验证码是{code}，5分钟内有效。不是您本人操作请忽略。' },
  phone_change_code: { params: ['code'], text: '您正在修改手机号或密码，验证码是{code}，5分钟内有效。' },
  // Reminders (DESIGN.md §5): plain words, one SMS each.
  behind_pace: { params: ['hours', 'perWeek'], text: '您的学习比进度慢了{hours}学时。每周学{perWeek}学时就能赶上。' },
  period_ending: { params: ['hours', 'deadline'], text: '还差{hours}学时，{deadline}截止，请抓紧学习。' },
  cycle_behind: { params: ['cycle', 'hours'], text: '{cycle}五年培训还差{hours}学时，请按时参加培训。' },
  session_tomorrow: { params: ['day', 'time', 'venue'], text: '{day}{time}在{venue}上课。请带手机和笔，到了扫码签到。' },
  decision_approved: { params: ['what'], text: '您的{what}申请已通过。' },
  decision_rejected: { params: ['what', 'reason'], text: '您的{what}申请没有通过，原因：{reason}。' },
  coordinator_digest: {
    params: ['exemptions', 'selfStudy', 'early', 'certificates'],
    text: '待审：免修{exemptions}件，自学{selfStudy}件，提前毕业{early}件；{certificates}人可发证。',
  },
  quarterly_report_due: { params: ['quarter', 'deadline'], text: '{quarter}季度报表请在{deadline}前报送。' },
} as const satisfies Record<string, { params: readonly string[]; text: string }>

export type SmsTemplateId = keyof typeof SMS_TEMPLATES
export type SmsParams<K extends SmsTemplateId> = Record<(typeof SMS_TEMPLATES)[K]['params'][number], string>

export function isSmsTemplateId(value: string): value is SmsTemplateId {
  return Object.hasOwn(SMS_TEMPLATES, value)
}

/** The text a template becomes with its parameters (what the phone shows after 【signature】). */
export function renderSmsText(template: SmsTemplateId, params: Record<string, string>): string {
  return SMS_TEMPLATES[template].text.replace(/\{(\w+)\}/g, (m, name: string) => params[name] ?? m)
}

/** The parameters a template needs that are missing or empty. */
export function missingSmsParams(template: SmsTemplateId, params: Record<string, string>): string[] {
  return SMS_TEMPLATES[template].params.filter((p) => !(typeof params[p] === 'string' && params[p] !== ''))
}
