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
