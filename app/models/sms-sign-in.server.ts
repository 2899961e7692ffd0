/**
 * Signing in, and setting a forgotten password, by SMS code (issue 17):
 * learners and teachers only (requestSmsCode sends nothing to staff, who keep
 * passwords). A code proves the phone of record; the session that follows
 * has the same rules as a password sign-in (lifetimes by role,
 * lastSignInAt, audit 'auth.sign_in'), with method 'sms'. A number nobody
 * has gets the same answers as a registered one.
 */
import { hashPassword, passwordProblem } from '#app/auth/password.server.ts'
import { createSession, invalidateUserSessions, type SessionRecord } from '#app/auth/session.server.ts'
import type { PasswordProblem } from '#app/domain/password-policy.ts'
import { SELF_ROLES, STAFF_ROLES } from '#app/domain/roles.ts'
import type { T } from '#app/i18n/index.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, type AppErrorKind } from './errors.server.ts'
import { requestSmsCode, SmsCodeError, verifySmsCode, type RequestSmsCodeOptions } from './sms-codes.server.ts'

export type SmsSignInResult = { ok: true; token: string; session: SessionRecord; userId: string; mustChangePassword: boolean }

type Common = { ip?: string | null; userAgent?: string | null; now?: Date }

/** Step 1 of both flows: a code to the phone (the same answer for any well-formed number). */
export function requestSignInCode(
  db: Db,
  opts: { phone: string; purpose?: 'sign_in' | 'password_reset'; ip?: string | null; now?: Date; send?: RequestSmsCodeOptions['send'] },
) {
  return requestSmsCode(db, { phone: opts.phone, purpose: opts.purpose ?? 'sign_in', ip: opts.ip, now: opts.now, send: opts.send })
}

/** The account a verified code belongs to, when it may still sign in: enabled, a learner's or teacher's, not staff. */
async function signInableAccount(db: Db, userId: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      disabled: true,
      mustChangePassword: true,
      roles: { select: { role: true } },
      person: { select: { region: { select: { path: true } } } },
    },
  })
  if (!user || user.disabled) return null
  const roles = user.roles.map((r) => r.role)
  if (!roles.some((r) => SELF_ROLES.includes(r)) || roles.some((r) => STAFF_ROLES.includes(r))) return null
  return { ...user, roles, scopePath: user.person?.region.path ?? null }
}

type Account = NonNullable<Awaited<ReturnType<typeof signInableAccount>>>

/** The session of a proven account, inside the caller's transaction; audited like every sign-in. */
async function startSmsSession(tx: Tx, account: Account, opts: Common & { now: Date }) {
  const created = await createSession(tx, { userId: account.id, roles: account.roles, ip: opts.ip, userAgent: opts.userAgent, now: opts.now, method: 'sms' })
  await tx.user.update({ where: { id: account.id }, data: { lastSignInAt: opts.now } })
  await recordAudit(tx, {
    actorId: account.id,
    action: 'auth.sign_in',
    entityType: 'User',
    entityId: account.id,
    after: { method: 'sms' },
    ip: opts.ip,
    scopePath: account.scopePath,
  })
  return created
}

/** A code was right but the account may no longer sign in (disabled since, or made staff): refused like a wrong code, audited. */
async function refuseAccount(db: Db, userId: string, opts: Common) {
  await recordAudit(db, {
    actorId: userId,
    action: 'auth.sign_in_failed',
    entityType: 'User',
    entityId: userId,
    after: { method: 'sms', reason: 'account_unavailable' },
    ip: opts.ip,
  })
  return new SmsCodeError('invalid_code')
}

/**
 * Step 2 of sign-in: the code from the SMS. Throws SmsCodeError
 * (invalid_phone, invalid_code, locked with the wait) otherwise.
 */
export async function signInWithSmsCode(db: Db, opts: Common & { phone: string; code: string }): Promise<SmsSignInResult> {
  const now = opts.now ?? new Date()
  const { userId } = await verifySmsCode(db, { phone: opts.phone, code: opts.code, purpose: 'sign_in', ip: opts.ip, now })
  const account = await signInableAccount(db, userId)
  if (!account) throw await refuseAccount(db, userId, opts)
  const { token, session } = await db.$transaction((tx) => startSmsSession(tx, account, { ...opts, now }))
  return { ok: true, token, session, userId: account.id, mustChangePassword: account.mustChangePassword }
}

/** The new password breaks the policy (app/domain/password-policy.ts), judged before the code is used up. */
export class NewPasswordError extends AppError {
  constructor(readonly code: PasswordProblem) {
    super(code)
    this.name = 'NewPasswordError'
  }
  get kind(): AppErrorKind {
    return 'validation_failed'
  }
  override get field() {
    return 'next'
  }
  describe(t: T) {
    return t(`password.${this.code}`)
  }
}

/**
 * Forgot password, step 2: the code from the SMS and a new password (the
 * password policy, judged first so a refused password leaves the code
 * usable). The password is set, must-change cleared, every session of the
 * account ends, and a new one starts here (method 'sms'). Audited
 * (user.password_reset_by_sms, auth.sign_in).
 */
export async function resetPasswordWithSmsCode(db: Db, opts: Common & { phone: string; code: string; next: string }): Promise<SmsSignInResult> {
  const now = opts.now ?? new Date()
  const problem = passwordProblem(opts.next)
  if (problem) throw new NewPasswordError(problem)
  const { userId } = await verifySmsCode(db, { phone: opts.phone, code: opts.code, purpose: 'password_reset', ip: opts.ip, now })
  const account = await signInableAccount(db, userId)
  if (!account) throw await refuseAccount(db, userId, opts)
  const passwordHash = await hashPassword(opts.next)
  const { token, session } = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: account.id }, data: { passwordHash, mustChangePassword: false } })
    await invalidateUserSessions(tx, account.id)
    await recordAudit(tx, {
      actorId: account.id,
      action: 'user.password_reset_by_sms',
      entityType: 'User',
      entityId: account.id,
      ip: opts.ip,
      scopePath: account.scopePath,
    })
    return startSmsSession(tx, account, { ...opts, now })
  })
  return { ok: true, token, session, userId: account.id, mustChangePassword: false }
}
