/**
 * The rule for changing what guards an account (issue 17): a session begun
 * from a printed sign-in card may not change the password or the phone
 * number without an SMS code sent to the account's own phone of record
 * (purpose 'sensitive_change'): a found card is a way in, not the keys.
 *
 * The session's method is read from the database by its id, never taken
 * from the caller, so every entry point (the password page, a learner's own
 * phone change, the API) gets the same answer. A learner without a phone of
 * record cannot get a code and is told to ask the coordinator.
 */
import { maskPhone, normalizePhone } from '#app/domain/names.ts'
import type { T } from '#app/i18n/index.ts'
import { decryptField } from '#app/utils/crypto.server.ts'
import type { Db } from '#app/utils/db.server.ts'
import { AppError, type AppErrorKind } from './errors.server.ts'
import { requestSmsCode, SmsCodeError, verifySmsCode, type RequestSmsCodeOptions } from './sms-codes.server.ts'

export class SensitiveChangeError extends AppError {
  constructor(readonly code: 'sms_code_required' | 'no_phone') {
    super(code)
    this.name = 'SensitiveChangeError'
  }
  get kind(): AppErrorKind {
    return this.code === 'no_phone' ? 'conflict' : 'forbidden'
  }
  get field() {
    return 'smsCode'
  }
  describe(t: T) {
    return t(`sensitiveChange.error.${this.code}`)
  }
}

/** How a session began ('password' | 'sms' | 'card'), or null when it is not this user's live session. */
export async function sessionMethod(db: Db, opts: { sessionId: string; userId: string }) {
  const session = await db.session.findUnique({ where: { id: opts.sessionId }, select: { userId: true, method: true } })
  return session && session.userId === opts.userId ? session.method : null
}

/** The account's phone of record (on its person), or null. */
export async function phoneOfRecord(db: Db, userId: string): Promise<{ phone: string; masked: string } | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { person: { select: { phoneCipher: true } } } })
  const cipher = user?.person?.phoneCipher
  const phone = cipher ? normalizePhone(decryptField(cipher)) : null
  return phone ? { phone, masked: maskPhone(phone) } : null
}

/** What a change page shows: whether an SMS code is needed (a card session) and where it would go. */
export async function sensitiveChangeNeeds(db: Db, opts: { sessionId: string; userId: string }) {
  const [method, phone] = await Promise.all([sessionMethod(db, opts), phoneOfRecord(db, opts.userId)])
  return { smsCodeRequired: method === 'card', phoneMasked: phone?.masked ?? null }
}

/** Sends a 'sensitive_change' code to the account's own phone of record; 'no_phone' without one. Limits as for any SMS code. */
export async function requestSensitiveChangeCode(db: Db, opts: { userId: string; ip?: string | null; now?: Date; send?: RequestSmsCodeOptions['send'] }) {
  const phone = await phoneOfRecord(db, opts.userId)
  if (!phone) throw new SensitiveChangeError('no_phone')
  const { sent } = await requestSmsCode(db, {
    phone: phone.phone,
    purpose: 'sensitive_change',
    userId: opts.userId,
    ip: opts.ip,
    now: opts.now,
    send: opts.send,
  })
  return { sent, phoneMasked: phone.masked }
}

/**
 * THE check before changing the password or phone number: with `smsCode`,
 * the code must be a 'sensitive_change' code sent to this account's phone of
 * record (used up here); without one, a card session is refused
 * ('sms_code_required'). Returns whether a code was checked — when it was,
 * the caller needs no current password.
 */
export async function checkSensitiveChange(
  db: Db,
  opts: { userId: string; sessionId: string; smsCode?: string | null; ip?: string | null; now?: Date },
): Promise<{ smsVerified: boolean }> {
  const code = opts.smsCode?.trim()
  if (!code) {
    if ((await sessionMethod(db, opts)) === 'card') throw new SensitiveChangeError('sms_code_required')
    return { smsVerified: false }
  }
  const phone = await phoneOfRecord(db, opts.userId)
  if (!phone) throw new SensitiveChangeError('no_phone')
  const { userId } = await verifySmsCode(db, { phone: phone.phone, purpose: 'sensitive_change', code, ip: opts.ip, now: opts.now })
  // A code sent to this number for someone else (the number moved since) is no code for this account.
  if (userId !== opts.userId) throw new SmsCodeError('invalid_code')
  return { smsVerified: true }
}
