/**
 * What the two-step SMS forms (sign-in by code, forgot password) show after
 * each post: the step, the phone carried to step 2 (normalised, and masked
 * for display), and a refusal in the reader's words with its HTTP status
 * (a wait is 429 with Retry-After). Shared by /login and /password/forgot.
 */
import { maskPhone, normalizePhone } from '#app/domain/names.ts'
import type { T } from '#app/i18n/index.ts'
import { APP_ERROR_STATUS } from '#app/models/errors.server.ts'
import { SmsCodeError } from '#app/models/sms-codes.server.ts'

export type SmsFormStep = { step: 'phone'; phone?: string; error?: string } | { step: 'code'; phone: string; phoneMasked: string; error?: string }

/** Step 2 for a well-formed number, else step 1 (keeping what was typed). */
function codeStep(phone: string, error?: string): SmsFormStep {
  const normalised = normalizePhone(phone)
  return normalised ? { step: 'code', phone: normalised, phoneMasked: maskPhone(normalised), error } : { step: 'phone', phone: phone.slice(0, 20), error }
}

/** After a code was asked for: always step 2, whether or not the number is registered (the same answer). */
export function smsStepAfterRequest(phone: string): SmsFormStep {
  return codeStep(phone)
}

/**
 * After a refusal (SmsCodeError; anything else is thrown on): a malformed or
 * locked number goes back to step 1; a wrong code, or a wait on asking again,
 * stays on step 2 (the code already sent still works).
 */
export function smsStepAfterRefusal(error: unknown, t: T, opts: { intent: 'request' | 'verify'; phone: string }) {
  if (!(error instanceof SmsCodeError)) throw error
  const message = error.describe(t)
  const status = APP_ERROR_STATUS[error.kind]
  const headers: Record<string, string> = error.retryAfterSeconds > 0 ? { 'Retry-After': String(error.retryAfterSeconds) } : {}
  const step: SmsFormStep =
    error.code === 'invalid_phone' || error.code === 'locked'
      ? { step: 'phone', phone: opts.phone.slice(0, 20), error: message }
      : codeStep(opts.phone, message)
  return { step, status, headers }
}
