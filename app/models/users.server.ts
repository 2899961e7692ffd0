import type { Role } from '#app/generated/prisma/enums.ts'
import type { PasswordProblem } from '#app/domain/password-policy.ts'
import { grantNeedsScope } from '#app/domain/roles.ts'
import { hashPassword, passwordProblem, randomInitialPassword, verifyPassword } from '#app/auth/password.server.ts'
import { invalidateUserSessions } from '#app/auth/session.server.ts'
import { isUniqueViolation, type Db, type Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import type { T } from '#app/i18n/index.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, type AppErrorKind } from './errors.server.ts'
import { checkPasswordThrottled } from './login-throttle.server.ts'
import { checkSensitiveChange } from './sensitive-change.server.ts'

export class UserError extends Error {
  constructor(
    readonly code: 'wrong_current' | 'locked' | 'same_password' | 'username_taken' | 'not_found' | 'scope_invalid' | PasswordProblem,
    /** With `locked`: how long the account or address must wait. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code)
  }
}

/** An admin may not lock the platform out of administration (issue 15): refused here, for every entry point. */
export class AccountGuardError extends AppError {
  constructor(readonly problem: 'selfDisable' | 'lastAdmin') {
    super(problem)
    this.name = 'AccountGuardError'
  }
  get kind(): AppErrorKind {
    return 'conflict'
  }
  describe(t: T) {
    return t(`admin.error.${this.problem}`)
  }
}

/**
 * Refuses when `userId` is the last enabled account holding the admin role. Takes
 * a transaction-wide lock first, so two admins demoting each other at once cannot
 * both pass the count.
 */
async function assertNotLastAdmin(tx: Tx, userId: string) {
  await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${'admin-accounts'}, 0))`
  const target = await tx.user.findUnique({ where: { id: userId }, select: { disabled: true, roles: { select: { role: true } } } })
  if (!target || target.disabled || !target.roles.some((r) => r.role === 'admin')) return
  const others = await tx.user.count({ where: { id: { not: userId }, disabled: false, roles: { some: { role: 'admin' } } } })
  if (others === 0) throw new AccountGuardError('lastAdmin')
}

export type GrantInput = {
  role: Role
  scopeRegionId?: string | null
  scopeOrganizationId?: string | null
  canVerifyGraduation?: boolean
}

const grantSnapshot = (g: GrantInput) => ({
  role: g.role,
  scopeRegionId: g.scopeRegionId ?? null,
  scopeOrganizationId: g.scopeOrganizationId ?? null,
  canVerifyGraduation: g.canVerifyGraduation ?? false,
})

/** The region path an account's events belong to: its scope, or its person's region. */
export async function userScopePath(tx: Db | Tx, userId: string): Promise<string | null> {
  const user = await tx.user.findUnique({
    where: { id: userId },
    include: {
      roles: { include: { scopeRegion: true, scopeOrganization: { include: { region: true } } } },
      person: { include: { region: true } },
    },
  })
  const grant = user?.roles[0]
  return grant?.scopeRegion?.path ?? grant?.scopeOrganization?.region.path ?? user?.person?.region.path ?? null
}

/** A grant's scope must exist, and a coordinator or bureau grant must have one (grantNeedsScope). */
async function assertGrantScope(tx: Db | Tx, grant: GrantInput) {
  if (grantNeedsScope(grant.role, Boolean(grant.scopeRegionId || grant.scopeOrganizationId))) throw new UserError('scope_invalid')
  if (grant.scopeRegionId && !(await tx.region.findUnique({ where: { id: grant.scopeRegionId } }))) throw new UserError('scope_invalid')
  if (grant.scopeOrganizationId && !(await tx.organization.findUnique({ where: { id: grant.scopeOrganizationId } }))) {
    throw new UserError('scope_invalid')
  }
}

/**
 * Changes one's own password; every other session of the user ends.
 *
 * The new password is judged first, on what was typed alone, so the answer
 * about it is the same whether the current password was right: the page
 * confirms no guess. The current password is then checked behind the
 * sign-in throttle (same account and address counts as sign-in), and each
 * failed or refused check is audited. Instead of the current password, an
 * SMS code to the account's own phone of record (`smsCode`) will do; a
 * session begun from a sign-in card must give one (checkSensitiveChange).
 */
export async function changePassword(
  db: Db,
  opts: { userId: string; keepSessionId: string; current?: string | null; smsCode?: string | null; next: string; ip?: string | null; now?: Date },
) {
  const now = opts.now ?? new Date()
  const user = await db.user.findUnique({ where: { id: opts.userId } })
  if (!user) throw new UserError('not_found')
  if (opts.current && opts.current === opts.next) throw new UserError('same_password')
  const problem = passwordProblem(opts.next)
  if (problem) throw new UserError(problem)
  // Instead of the current password, an SMS code to the own phone of record; a card session must give one (sensitive-change.server.ts).
  const { smsVerified } = await checkSensitiveChange(db, { userId: user.id, sessionId: opts.keepSessionId, smsCode: opts.smsCode, ip: opts.ip, now })
  const check = smsVerified
    ? ({ ok: true } as const)
    : await checkPasswordThrottled(db, {
        accountKey: `account:${user.id}`,
        ip: opts.ip,
        now,
        verify: async () => (user.passwordHash ? verifyPassword(user.passwordHash, opts.current ?? '') : false),
      })
  if (!check.ok) {
    const throttled = check.reason === 'locked' && !check.checked
    await recordAudit(db, {
      actorId: user.id,
      action: throttled ? 'auth.password_check_throttled' : 'auth.password_check_failed',
      entityType: 'User',
      entityId: user.id,
      after: check.reason === 'locked' ? { retryAfterSeconds: check.retryAfterSeconds } : undefined,
      ip: opts.ip,
      scopePath: await userScopePath(db, user.id),
    })
    throw check.reason === 'locked' ? new UserError('locked', check.retryAfterSeconds) : new UserError('wrong_current')
  }
  const passwordHash = await hashPassword(opts.next)
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: false } })
    await invalidateUserSessions(tx, user.id, opts.keepSessionId)
    await recordAudit(tx, {
      actorId: user.id,
      action: 'user.password_change',
      entityType: 'User',
      entityId: user.id,
      after: smsVerified ? { via: 'sms_code' } : undefined,
      ip: opts.ip,
      scopePath: await userScopePath(tx, user.id),
    })
  })
}

/** Creates an account for someone else, with a random initial password they must change. */
export async function createUser(
  db: Db,
  opts: { actorId: string; username: string; displayName: string; grant: GrantInput; personId?: string | null; ip?: string | null },
) {
  await assertGrantScope(db, opts.grant)
  const initialPassword = randomInitialPassword()
  const passwordHash = await hashPassword(initialPassword)
  try {
    const user = await db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: {
          id: newId(),
          username: opts.username,
          displayName: opts.displayName,
          passwordHash,
          personId: opts.personId ?? null,
          mustChangePassword: true,
          roles: { create: [{ id: newId(), ...grantSnapshot(opts.grant) }] },
        },
      })
      await recordAudit(tx, {
        actorId: opts.actorId,
        action: 'user.create',
        entityType: 'User',
        entityId: created.id,
        after: { username: created.username, displayName: created.displayName, grants: [grantSnapshot(opts.grant)] },
        ip: opts.ip,
        scopePath: await userScopePath(tx, created.id),
      })
      return created
    })
    return { user, initialPassword }
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError('username_taken')
    throw error
  }
}

/** Replaces a user's role and scope; all of their sessions end. */
export async function setUserGrant(db: Db, opts: { actorId: string; userId: string; grant: GrantInput; ip?: string | null }) {
  await assertGrantScope(db, opts.grant)
  await db.$transaction(async (tx) => {
    const before = await tx.roleAssignment.findMany({ where: { userId: opts.userId } })
    if (!(await tx.user.findUnique({ where: { id: opts.userId } }))) throw new UserError('not_found')
    if (opts.grant.role !== 'admin') await assertNotLastAdmin(tx, opts.userId)
    await tx.roleAssignment.deleteMany({ where: { userId: opts.userId } })
    await tx.roleAssignment.create({ data: { id: newId(), userId: opts.userId, ...grantSnapshot(opts.grant) } })
    await invalidateUserSessions(tx, opts.userId)
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: 'user.role_change',
      entityType: 'User',
      entityId: opts.userId,
      before: { grants: before.map(grantSnapshot) },
      after: { grants: [grantSnapshot(opts.grant)] },
      ip: opts.ip,
      scopePath: await userScopePath(tx, opts.userId),
    })
  })
}

/**
 * Disables or enables an account; disabling ends all of its sessions. No one
 * disables their own account, nor the last enabled admin (AccountGuardError).
 */
export async function setUserDisabled(db: Db, opts: { actorId: string; userId: string; disabled: boolean; ip?: string | null }) {
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: opts.userId } })
    if (!user) throw new UserError('not_found')
    if (opts.disabled && opts.actorId === user.id) throw new AccountGuardError('selfDisable')
    if (opts.disabled) await assertNotLastAdmin(tx, user.id)
    await tx.user.update({ where: { id: user.id }, data: { disabled: opts.disabled } })
    if (opts.disabled) await invalidateUserSessions(tx, user.id)
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: opts.disabled ? 'user.disable' : 'user.enable',
      entityType: 'User',
      entityId: user.id,
      before: { disabled: user.disabled },
      after: { disabled: opts.disabled },
      ip: opts.ip,
      scopePath: await userScopePath(tx, user.id),
    })
  })
}

/** A new random password that must be changed; all sessions end. */
export async function resetUserPassword(db: Db, opts: { actorId: string; userId: string; ip?: string | null }) {
  const password = randomInitialPassword()
  const passwordHash = await hashPassword(password)
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: opts.userId } })
    if (!user) throw new UserError('not_found')
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: true } })
    await invalidateUserSessions(tx, user.id)
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: 'user.password_reset',
      entityType: 'User',
      entityId: user.id,
      ip: opts.ip,
      scopePath: await userScopePath(tx, user.id),
    })
  })
  return password
}

/** The account's language, so every device it signs in on speaks it. */
export async function setUserLocale(db: Db, userId: string, locale: string) {
  await db.user.update({ where: { id: userId }, data: { locale } })
}
