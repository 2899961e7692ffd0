/**
 * Accounts for everyone who learns (issue 17, DESIGN.md §11 "Accounts and
 * contact"): every person enrolled has an account — learner for adult
 * learners, teacher for teachers — made in the enrollment transaction (and by
 * the roster import) without a password; the phone of record lives on Person
 * only. Here: making that account, the start-up backfill of phone HMACs, and
 * the person page's account panel and actions (phone of record, password
 * reset, disable/enable), all audited.
 */
import { maskPhone, normalizePhone } from '#app/domain/names.ts'
import { PEOPLE_MANAGERS, SELF_ROLES, type RoleName } from '#app/domain/roles.ts'
import type { PersonKind } from '#app/generated/prisma/enums.ts'
import type { T } from '#app/i18n/index.ts'
import { invalidateUserSessions } from '#app/auth/session.server.ts'
import { decryptField, lookupHmac } from '#app/utils/crypto.server.ts'
import { isUniqueViolation, type Db, type Tx } from '#app/utils/db.server.ts'
import { generatedUsername, newId } from '#app/utils/ids.server.ts'
import { findPersonInScope, type CurrentUser } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, type AppErrorKind } from './errors.server.ts'
import { PersonError, phoneFields } from './people.server.ts'
import { resetUserPassword, setUserDisabled } from './users.server.ts'

/** Who made the account, for the audit log. */
export type AccountActor = { actorId: string | null; ip?: string | null }

/** The role an enrolled person's account gets. */
export function accountRoleFor(kind: PersonKind): 'learner' | 'teacher' {
  return kind === 'teacher' ? 'teacher' : 'learner'
}

/**
 * Gives the person an account when they have none: the learner or teacher
 * role, no password (they sign in by SMS code or sign-in card until one is
 * set), a generated username, their name as display name; audited
 * (account.created). Run inside the enrollment's (or the roster import's)
 * transaction. Race-safe: the insert is `ON CONFLICT DO NOTHING`, so two
 * enrollments of the same person at once make one account, and neither
 * transaction is aborted by a unique violation. Returns the account and
 * whether it was made now.
 */
export async function ensureAccountFor(tx: Tx | Db, personId: string, actor: AccountActor): Promise<{ userId: string; created: boolean }> {
  const person = await tx.person.findUnique({
    where: { id: personId },
    select: { id: true, name: true, kind: true, region: { select: { path: true } }, user: { select: { id: true } } },
  })
  if (!person) throw new Error(`ensureAccountFor: no person ${personId}`)
  if (person.user) return { userId: person.user.id, created: false }
  const role = accountRoleFor(person.kind)
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = newId()
    const username = generatedUsername(role)
    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO "User" ("id", "username", "displayName", "passwordHash", "personId", "updatedAt")
      VALUES (${id}, ${username}, ${person.name}, NULL, ${person.id}, now())
      ON CONFLICT DO NOTHING
      RETURNING "id"`
    if (inserted.length === 1) {
      await tx.roleAssignment.create({ data: { id: newId(), userId: id, role } })
      await recordAudit(tx, {
        actorId: actor.actorId,
        action: 'account.created',
        entityType: 'User',
        entityId: id,
        after: { username, displayName: person.name, personId: person.id, role, password: false },
        ip: actor.ip,
        scopePath: person.region.path,
      })
      return { userId: id, created: true }
    }
    // Nothing inserted: someone else made this person's account meanwhile, or (very rarely) the username was taken.
    const existing = await tx.user.findUnique({ where: { personId: person.id }, select: { id: true } })
    if (existing) return { userId: existing.id, created: false }
  }
  throw new Error('ensureAccountFor: could not find a free username')
}

/**
 * Every person enrolled has an account (DESIGN.md §11): people enrolled before
 * accounts were made at enrollment (or by the seed, which enrolls in bulk) get
 * theirs, in batches. Run by npm start after the seed and by the seed itself;
 * idempotent. Returns how many accounts were created.
 */
export async function backfillAccounts(db: Db, opts: { batch?: number } = {}): Promise<number> {
  let created = 0
  for (;;) {
    const people = await db.person.findMany({
      where: { user: null, enrollments: { some: {} } },
      orderBy: { id: 'asc' },
      take: opts.batch ?? 50,
      select: { id: true },
    })
    if (people.length === 0) return created
    await db.$transaction(
      async (tx) => {
        for (const p of people) if ((await ensureAccountFor(tx, p.id, { actorId: null })).created) created++
      },
      // A batch of 50 takes well under a second; the margin is for a start-up on a busy machine.
      { timeout: 60_000, maxWait: 30_000 },
    )
  }
}

/**
 * Start-up backfill (app/server/start.ts, after the migrations): a person
 * whose phone was stored encrypted but without its look-up HMAC (the key is
 * unknown to SQL, so the migration could not compute it) gets it, and its
 * masked copy. Idempotent; a number already held by another person is left
 * without an HMAC and counted, never a crash at start-up.
 */
export async function backfillPhoneHmacs(db: Db, opts: { batch?: number } = {}) {
  const counts = { updated: 0, duplicate: 0, invalid: 0 }
  let after = ''
  for (;;) {
    const rows = await db.person.findMany({
      where: { phoneCipher: { not: null }, phoneHmac: null, id: { gt: after } },
      orderBy: { id: 'asc' },
      take: opts.batch ?? 500,
      select: { id: true, phoneCipher: true },
    })
    if (rows.length === 0) return counts
    for (const row of rows) {
      after = row.id
      let phone: string | null = null
      try {
        phone = normalizePhone(decryptField(row.phoneCipher!))
      } catch {
        phone = null
      }
      if (!phone) {
        counts.invalid++
        continue
      }
      try {
        const { count } = await db.person.updateMany({
          where: { id: row.id, phoneHmac: null },
          data: { phoneHmac: lookupHmac('phone', phone), phoneMasked: maskPhone(phone) },
        })
        counts.updated += count
      } catch (error) {
        if (!isUniqueViolation(error)) throw error
        counts.duplicate++
      }
    }
  }
}

/** Refusals of the person page's account actions. */
export class AccountError extends AppError {
  constructor(readonly code: 'no_account' | 'not_self_account') {
    super(code)
    this.name = 'AccountError'
  }
  get kind(): AppErrorKind {
    return this.code === 'no_account' ? 'conflict' : 'forbidden'
  }
  describe(t: T) {
    return t(this.code === 'no_account' ? 'account.error.noAccount' : 'account.error.notSelfAccount')
  }
}

const PERSON_ACCOUNT_SELECT = {
  id: true,
  kind: true,
  phoneHmac: true,
  phoneMasked: true,
  region: { select: { path: true } },
  user: {
    select: {
      id: true,
      username: true,
      disabled: true,
      passwordHash: true,
      mustChangePassword: true,
      lastSignInAt: true,
      roles: { select: { role: true } },
    },
  },
} as const

/** Only a learner's or teacher's own account is managed from the person page; a staff account linked to a person stays the admin's. */
const isSelfAccount = (roles: readonly { role: RoleName }[]) => roles.length > 0 && roles.every((r) => SELF_ROLES.includes(r.role))

export type PersonAccount = {
  userId: string
  username: string
  disabled: boolean
  lastSignInAt: Date | null
  hasPassword: boolean
  mustChangePassword: boolean
  /** Signs in by SMS code: a learner's or teacher's account with a phone of record. */
  smsSignIn: boolean
  /** The coordinator may reset, disable and print a card for it (not a staff account). */
  manageable: boolean
}

/** The account panel of the person page: the person must be readable by the caller (404 otherwise). */
export async function personAccount(db: Db, user: CurrentUser, personId: string): Promise<PersonAccount | null> {
  const person = await findPersonInScope(db, user, personId, PEOPLE_MANAGERS, PERSON_ACCOUNT_SELECT)
  const account = person.user
  if (!account) return null
  const manageable = isSelfAccount(account.roles)
  return {
    userId: account.id,
    username: account.username,
    disabled: account.disabled,
    lastSignInAt: account.lastSignInAt,
    hasPassword: account.passwordHash !== null,
    mustChangePassword: account.mustChangePassword,
    smsSignIn: manageable && person.phoneHmac !== null,
    manageable,
  }
}

/** The person (in the caller's scope) and their learner/teacher account, for an action. */
async function manageableAccount(db: Db, user: CurrentUser, personId: unknown) {
  const person = await findPersonInScope(db, user, personId, PEOPLE_MANAGERS, PERSON_ACCOUNT_SELECT)
  if (!person.user) throw new AccountError('no_account')
  if (!isSelfAccount(person.user.roles)) throw new AccountError('not_self_account')
  return { person, account: person.user }
}

export type PasswordResetMode = 'clear' | 'temporary'

/**
 * Resets the password of a person's account, as a coordinator in the
 * village hall would: `clear` removes it (the person signs in by SMS code or
 * card, and may set a new one through 忘记密码); `temporary` sets a random
 * one that must be changed at the next sign-in, as the admin's reset does
 * (returned once, to be read out). Every session of the account ends. Audited.
 */
export async function resetPersonPassword(db: Db, user: CurrentUser, opts: { personId: unknown; mode: PasswordResetMode; ip?: string | null }) {
  const { person, account } = await manageableAccount(db, user, opts.personId)
  if (opts.mode === 'temporary') return { temporaryPassword: await resetUserPassword(db, { actorId: user.id, userId: account.id, ip: opts.ip }) }
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: account.id }, data: { passwordHash: null, mustChangePassword: false } })
    await invalidateUserSessions(tx, account.id)
    await recordAudit(tx, {
      actorId: user.id,
      action: 'user.password_clear',
      entityType: 'User',
      entityId: account.id,
      before: { password: account.passwordHash !== null },
      after: { password: false },
      ip: opts.ip,
      scopePath: person.region.path,
    })
  })
  return { temporaryPassword: null }
}

/** Disables (every session ends) or enables a person's account. Audited (user.disable / user.enable). */
export async function setPersonAccountDisabled(db: Db, user: CurrentUser, opts: { personId: unknown; disabled: boolean; ip?: string | null }) {
  const { account } = await manageableAccount(db, user, opts.personId)
  if (account.disabled === opts.disabled) return
  await setUserDisabled(db, { actorId: user.id, userId: account.id, disabled: opts.disabled, ip: opts.ip })
}

/**
 * Sets (or, with an empty value, removes) a person's phone of record from
 * the person page: a mainland mobile number, unique across persons (a number
 * someone else has is refused without saying whose); audited with the masked
 * numbers before and after. Codes already sent for the account are used up,
 * so a code sent to the old number no longer signs in.
 */
export async function setPersonPhone(db: Db, user: CurrentUser, opts: { personId: unknown; phone: string; ip?: string | null; now?: Date }) {
  const person = await findPersonInScope(db, user, opts.personId, PEOPLE_MANAGERS, PERSON_ACCOUNT_SELECT)
  const typed = opts.phone.trim()
  const phone = typed ? normalizePhone(typed) : null
  if (typed && !phone) throw new PersonError('invalid_phone')
  const fields = phoneFields(phone)
  if (fields.phoneHmac === person.phoneHmac) return { changed: false }
  if (fields.phoneHmac && (await db.person.findFirst({ where: { phoneHmac: fields.phoneHmac, id: { not: person.id } }, select: { id: true } }))) {
    throw new PersonError('duplicate_phone')
  }
  const now = opts.now ?? new Date()
  try {
    await db.$transaction(async (tx) => {
      await tx.person.update({ where: { id: person.id }, data: fields })
      if (person.user) await tx.smsCode.updateMany({ where: { userId: person.user.id, usedAt: null }, data: { usedAt: now } })
      await recordAudit(tx, {
        actorId: user.id,
        action: 'person.phone_change',
        entityType: 'Person',
        entityId: person.id,
        before: { phone: person.phoneMasked },
        after: { phone: fields.phoneMasked },
        ip: opts.ip,
        scopePath: person.region.path,
      })
    })
  } catch (error) {
    // The same number registered for someone else between the check and the write.
    if (isUniqueViolation(error)) throw new PersonError('duplicate_phone')
    throw error
  }
  return { changed: true }
}
