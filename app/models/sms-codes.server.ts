/**
 * SMS codes for learners and teachers (issue 17): asking for one and checking
 * one, with the rules of app/domain/sms-code.ts applied inside one
 * transaction per phone (an advisory lock on the phone's HMAC), so racing
 * requests cannot slip past the limits. The code is stored only as a keyed
 * HMAC with the row id (a plain hash of 6 digits would fall at once); a
 * number nobody has gets the same answer and no SMS. Audited.
 */
import { randomInt, timingSafeEqual } from 'node:crypto'
import type { SmsCodePurpose } from '#app/generated/prisma/enums.ts'
import { normalizePhone, maskPhone } from '#app/domain/names.ts'
import { SELF_ROLES, STAFF_ROLES } from '#app/domain/roles.ts'
import { afterWrongCode, CODE_DIGITS, CODE_TTL_SECONDS, normaliseCode, requestWait, waitInWords } from '#app/domain/sms-code.ts'
import type { SmsTemplateId } from '#app/domain/sms-templates.ts'
import type { T } from '#app/i18n/index.ts'
import { keyedHmac, lookupHmac } from '#app/utils/crypto.server.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { sendSms, type SmsResult } from '#app/utils/sms.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, type AppErrorKind } from './errors.server.ts'

export type SmsPurpose = SmsCodePurpose

const TEMPLATE: Record<SmsPurpose, SmsTemplateId> = {
  sign_in: 'sign_in_code',
  password_reset: 'password_reset_code',
  sensitive_change: 'phone_change_code',
}

/** Refusals: a malformed number or code (422), or a wait (429) with the seconds to wait. */
export class SmsCodeError extends AppError {
  constructor(
    readonly code: 'invalid_phone' | 'invalid_code' | 'wait' | 'locked',
    readonly retryAfterSeconds = 0,
  ) {
    super(code)
    this.name = 'SmsCodeError'
  }
  get kind(): AppErrorKind {
    return this.code === 'wait' || this.code === 'locked' ? 'rate_limited' : 'validation_failed'
  }
  get field() {
    return this.code === 'invalid_phone' ? 'phone' : this.code === 'invalid_code' ? 'code' : undefined
  }
  describe(t: T) {
    const wait = waitInWords(this.retryAfterSeconds)
    switch (this.code) {
      case 'invalid_phone':
        return t('sms.error.invalidPhone')
      case 'invalid_code':
        return t('sms.error.invalidCode')
      case 'wait':
        return t('sms.error.wait', { wait })
      case 'locked':
        return t('sms.error.locked', { wait })
    }
  }
}

const throttleKey = (phoneHmac: string) => `sms:${phoneHmac}`
const codeDigest = (rowId: string, code: string) => keyedHmac('sms-code', `${rowId}:${code}`)

async function lockPhone(tx: Tx, phoneHmac: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sms:${phoneHmac}`}, 0))`
}

/** The account an SMS code may be sent to for this phone: a learner's or teacher's, enabled, not staff (staff keep passwords). */
async function accountForPhone(db: Db | Tx, phoneHmac: string) {
  const user = await db.user.findFirst({
    where: { disabled: false, person: { phoneHmac } },
    select: { id: true, roles: { select: { role: true } }, person: { select: { region: { select: { path: true } } } } },
  })
  if (!user) return null
  const roles = user.roles.map((r) => r.role)
  if (!roles.some((r) => SELF_ROLES.includes(r)) || roles.some((r) => STAFF_ROLES.includes(r))) return null
  return { id: user.id, scopePath: user.person?.region.path ?? null }
}

export type RequestSmsCodeOptions = {
  phone: string
  purpose: SmsPurpose
  ip?: string | null
  now?: Date
  /** For `sensitive_change`: the signed-in account asking; the code goes to its own phone of record only. */
  userId?: string
  /** The gateway call (tests give a stand-in's config through it). */
  send?: (message: Parameters<typeof sendSms>[0]) => Promise<SmsResult>
}

/**
 * Asks for a code. Answers the same for every well-formed number (registered
 * or not, sent or not), unless the number or address must wait (SmsCodeError
 * 'wait' / 'locked' with the seconds). Returns whether an SMS went out, for
 * the caller's tests and logs only — never tell the person.
 */
export async function requestSmsCode(db: Db, opts: RequestSmsCodeOptions): Promise<{ sent: boolean }> {
  const phone = normalizePhone(opts.phone)
  if (!phone) throw new SmsCodeError('invalid_phone')
  const now = opts.now ?? new Date()
  const phoneHmac = lookupHmac('phone', phone)
  const hourAgo = new Date(now.getTime() - 3600_000)
  const outcome = await db.$transaction(async (tx) => {
    await lockPhone(tx, phoneHmac)
    const [phoneRows, ipRows, lock] = await Promise.all([
      tx.smsCode.findMany({ where: { phoneHmac, createdAt: { gt: hourAgo } }, select: { createdAt: true } }),
      opts.ip ? tx.smsCode.findMany({ where: { ip: opts.ip, createdAt: { gt: hourAgo } }, select: { createdAt: true } }) : [],
      tx.loginThrottle.findUnique({ where: { key: throttleKey(phoneHmac) } }),
    ])
    const wait = requestWait({
      now,
      phoneRequests: phoneRows.map((r) => r.createdAt),
      ipRequests: ipRows.map((r) => r.createdAt),
      phoneLockedUntil: lock?.lockedUntil ?? null,
    })
    if (wait > 0) return { wait, locked: !!lock?.lockedUntil && lock.lockedUntil > now }
    let account = await accountForPhone(tx, phoneHmac)
    if (opts.purpose === 'sensitive_change' && account?.id !== opts.userId) account = null
    const id = newId()
    const code = account ? String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0') : null
    await tx.smsCode.create({
      data: {
        id,
        phoneHmac,
        purpose: opts.purpose,
        userId: account?.id ?? null,
        codeHmac: code ? codeDigest(id, code) : null,
        ip: opts.ip ?? null,
        expiresAt: new Date(now.getTime() + CODE_TTL_SECONDS * 1000),
        createdAt: now,
      },
    })
    await recordAudit(tx, {
      actorId: account?.id ?? null,
      action: 'auth.sms_code_requested',
      entityType: 'User',
      entityId: account?.id ?? null,
      after: { purpose: opts.purpose, phone: maskPhone(phone), registered: account !== null },
      ip: opts.ip,
      scopePath: account?.scopePath ?? null,
    })
    return { wait: 0, locked: false, id, code, account }
  })
  if (outcome.wait > 0) throw new SmsCodeError(outcome.locked ? 'locked' : 'wait', outcome.wait)
  if (!outcome.code || !outcome.id) return { sent: false }
  const result = await (opts.send ?? ((m) => sendSms(m)))({ phone, template: TEMPLATE[opts.purpose], params: { code: outcome.code }, outId: outcome.id })
  if (!result.ok) {
    // The person is told the same as always (no hint whether the number is registered); the admin sees it in the log.
    console.warn(`[sms] code for ${maskPhone(phone)} not sent: ${result.error}`)
    await recordAudit(db, {
      actorId: outcome.account?.id ?? null,
      action: 'auth.sms_code_send_failed',
      entityType: 'User',
      entityId: outcome.account?.id ?? null,
      after: { purpose: opts.purpose, error: result.error.slice(0, 200) },
      ip: opts.ip,
      scopePath: outcome.account?.scopePath ?? null,
    })
  }
  return { sent: result.ok }
}

function sameDigest(a: string, b: string) {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Checks a code and uses it up: the account it was sent to, or SmsCodeError
 * ('invalid_code', or 'locked' after five wrong codes, with the wait). A
 * number nobody has behaves exactly like a wrong code.
 */
export async function verifySmsCode(
  db: Db,
  opts: { phone: string; purpose: SmsPurpose; code: string; ip?: string | null; now?: Date },
): Promise<{ userId: string }> {
  const phone = normalizePhone(opts.phone)
  if (!phone) throw new SmsCodeError('invalid_phone')
  const code = normaliseCode(opts.code)
  if (!code) throw new SmsCodeError('invalid_code')
  const now = opts.now ?? new Date()
  const phoneHmac = lookupHmac('phone', phone)
  const key = throttleKey(phoneHmac)
  const result = await db.$transaction(async (tx) => {
    await lockPhone(tx, phoneHmac)
    const lock = await tx.loginThrottle.findUnique({ where: { key } })
    if (lock?.lockedUntil && lock.lockedUntil > now) return { locked: Math.ceil((lock.lockedUntil.getTime() - now.getTime()) / 1000) }
    const row = await tx.smsCode.findFirst({
      where: { phoneHmac, purpose: opts.purpose, usedAt: null, expiresAt: { gt: now }, codeHmac: { not: null } },
      orderBy: { createdAt: 'desc' },
    })
    if (row && row.userId && sameDigest(row.codeHmac!, codeDigest(row.id, code))) {
      await tx.smsCode.update({ where: { id: row.id }, data: { usedAt: now } })
      await tx.loginThrottle.deleteMany({ where: { key } })
      return { userId: row.userId }
    }
    const next = afterWrongCode({ now, failures: lock?.failures ?? 0, lastFailureAt: lock?.updatedAt ?? null })
    await tx.loginThrottle.upsert({
      where: { key },
      create: { key, failures: next.failures, lockedUntil: next.lockedUntil, updatedAt: now },
      update: { failures: next.failures, lockedUntil: next.lockedUntil, updatedAt: now },
    })
    if (row) await tx.smsCode.update({ where: { id: row.id }, data: { failedAttempts: { increment: 1 }, ...(next.lockedUntil ? { usedAt: now } : {}) } })
    if (next.lockedUntil) {
      await recordAudit(tx, {
        actorId: row?.userId ?? null,
        action: 'auth.sms_code_locked',
        entityType: 'User',
        entityId: row?.userId ?? null,
        after: { purpose: opts.purpose, phone: maskPhone(phone), until: next.lockedUntil.toISOString() },
        ip: opts.ip,
      })
      return { locked: Math.ceil((next.lockedUntil.getTime() - now.getTime()) / 1000) }
    }
    return { wrong: true }
  })
  if ('userId' in result && result.userId) return { userId: result.userId }
  if ('locked' in result && result.locked) throw new SmsCodeError('locked', result.locked)
  throw new SmsCodeError('invalid_code')
}
