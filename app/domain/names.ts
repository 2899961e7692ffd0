/** 张三 → 张*, 张小华 → 张*华, 欧阳小华 → 欧**华 (public pages show no full names). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim())
  if (chars.length <= 1) return chars.join('')
  if (chars.length === 2) return `${chars[0]}*`
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`
}

/** 13812345678 → 138****5678 */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length)
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`
}

/** Mainland mobile numbers: 11 digits starting 1[3-9]; a +86 prefix is dropped. */
export function normalizePhone(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, '').replace(/^(\+?86)/, '')
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null
}
