/** Messages of accounts and sign-in by SMS code or card (issue 17); spread into the zh-CN and en catalogs. */
export const accountsZh = {
  'sms.error.invalidPhone': '请输入11位手机号码。',
  'sms.error.invalidCode': '验证码不对或已过期，请重新获取。',
  'sms.error.wait': '请等 {wait}后再获取验证码。',
  'sms.error.locked': '验证码输错太多次，请等 {wait}后再试。',
} as const

export const accountsEn: Record<keyof typeof accountsZh, string> = {
  'sms.error.invalidPhone': 'Enter an 11-digit mobile number.',
  'sms.error.invalidCode': 'The code is wrong or has expired. Ask for a new one.',
  'sms.error.wait': 'Please wait {wait} before asking for another code.',
  'sms.error.locked': 'Too many wrong codes. Please wait {wait} and try again.',
}
