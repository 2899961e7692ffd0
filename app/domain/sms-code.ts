/**
 * SMS code rules (issue 17, DESIGN.md §8): a 6-digit code valid 5 minutes and
 * used once; per phone at most one request a minute and five an hour; per IP
 * address twenty an hour; five wrong codes lock the phone for 15 minutes.
 * Pure decisions over timestamps, so the model applies them inside one
 * locked transaction and the tests can table them.
 */
export const CODE_DIGITS = 6
export const CODE_TTL_SECONDS = 5 * 60
export const PHONE_MIN_INTERVAL_SECONDS = 60
export const PHONE_MAX_PER_HOUR = 5
export const IP_MAX_PER_HOUR = 20
export const MAX_WRONG_CODES = 5
export const WRONG_CODE_LOCK_SECONDS = 15 * 60
/** Wrong codes are forgotten after this long without another wrong one. */
export const WRONG_CODE_MEMORY_SECONDS = 60 * 60

const HOUR_MS = 3600_000

/**
 * Whether a new code may be sent now, from the times earlier codes were asked
 * for (this phone's and this address's, last hour or so) and the phone's lock.
 * Answers the seconds to wait when not.
 */
export function requestWait(input: { now: Date; phoneRequests: Date[]; ipRequests: Date[]; phoneLockedUntil: Date | null }): number {
  const now = input.now.getTime()
  const waits: number[] = [0]
  if (input.phoneLockedUntil && input.phoneLockedUntil.getTime() > now) waits.push((input.phoneLockedUntil.getTime() - now) / 1000)
  const phone = input.phoneRequests
    .map((d) => d.getTime())
    .filter((t) => t > now - HOUR_MS)
    .sort((a, b) => a - b)
  const latest = phone.at(-1)
  if (latest !== undefined && now - latest < PHONE_MIN_INTERVAL_SECONDS * 1000) waits.push(PHONE_MIN_INTERVAL_SECONDS - (now - latest) / 1000)
  if (phone.length >= PHONE_MAX_PER_HOUR) waits.push((phone[phone.length - PHONE_MAX_PER_HOUR]! + HOUR_MS - now) / 1000)
  const ip = input.ipRequests
    .map((d) => d.getTime())
    .filter((t) => t > now - HOUR_MS)
    .sort((a, b) => a - b)
  if (ip.length >= IP_MAX_PER_HOUR) waits.push((ip[ip.length - IP_MAX_PER_HOUR]! + HOUR_MS - now) / 1000)
  return Math.ceil(Math.max(...waits))
}

/** After a wrong code: the new failure count and, at the limit, until when the phone is locked. */
export function afterWrongCode(input: { now: Date; failures: number; lastFailureAt: Date | null }): { failures: number; lockedUntil: Date | null } {
  const stale = !input.lastFailureAt || input.now.getTime() - input.lastFailureAt.getTime() > WRONG_CODE_MEMORY_SECONDS * 1000
  const failures = (stale ? 0 : input.failures) + 1
  if (failures >= MAX_WRONG_CODES) return { failures: 0, lockedUntil: new Date(input.now.getTime() + WRONG_CODE_LOCK_SECONDS * 1000) }
  return { failures, lockedUntil: null }
}

/** "3 分钟" / "45 秒": how long to wait, in words a learner reads at a glance. */
export function waitInWords(seconds: number, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  const s = Math.max(1, Math.ceil(seconds))
  if (s < 60) return locale === 'en' ? `${s} s` : `${s} 秒`
  const m = Math.ceil(s / 60)
  return locale === 'en' ? `${m} min` : `${m} 分钟`
}

/** A code as the person may type it: digits only, full-width digits and spaces forgiven. */
export function normaliseCode(input: string): string | null {
  const ascii = input.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\s/g, '')
  return new RegExp(`^\\d{${CODE_DIGITS}}$`).test(ascii) ? ascii : null
}
