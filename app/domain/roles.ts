/**
 * Roles and what follows from them (DESIGN.md §1, §8). Plain strings: the
 * Prisma enum `Role` has the same values.
 */
export type RoleName = 'learner' | 'teacher' | 'coordinator' | 'bureau' | 'admin'

export const STAFF_ROLES: readonly RoleName[] = ['coordinator', 'bureau', 'admin']
/** Who has records of their own (a learner's classes, a teacher's rounds). */
export const SELF_ROLES: readonly RoleName[] = ['learner', 'teacher']
/** Who acts on enrollments in their scope: hours, attendance, results, decisions, certificates. */
export const ENROLLMENT_ACTORS: readonly RoleName[] = ['coordinator', 'admin']
/** Staff who read progress and records in their scope. */
export const PROGRESS_READERS: readonly RoleName[] = ['coordinator', 'bureau', 'admin']
/** Who may list, open and register people (full ID numbers included). */
export const PEOPLE_MANAGERS: readonly RoleName[] = ['coordinator', 'admin']
/** Adult learners only, not teachers: exemptions and early graduation belong to the skills-plus-credential program. */
export const LEARNERS: readonly RoleName[] = ['learner']
/** The role whose grants may carry canVerifyGraduation (州教育局验印); who verifies where is graduationVerifierPaths (app/models/certificates.server.ts). */
export const GRADUATION_VERIFIER_ROLES: readonly RoleName[] = ['bureau']
/** Who reads person-time figures in their scope (the API's stats, dashboards, reports). */
export const STATS_READERS: readonly RoleName[] = ['coordinator', 'bureau', 'admin']
/** Who sees the bureau's counts. */
export const BUREAU_VIEWERS: readonly RoleName[] = ['bureau', 'admin']
/** Who reads the audit log. */
export const AUDIT_READERS: readonly RoleName[] = ['admin', 'bureau']
/** Who opens the course catalog pages (changing the county-wide catalog also needs `mayEditCatalog`). */
export const CATALOG_MANAGERS: readonly RoleName[] = ['coordinator', 'admin']
/** Who manages accounts, their roles and scopes, and sees the region tree (the /admin pages). */
export const ACCOUNT_ADMINS: readonly RoleName[] = ['admin']
/** Every role an admin may grant, in the order the account forms offer them. */
export const ASSIGNABLE_ROLES: readonly RoleName[] = ['coordinator', 'bureau', 'admin', 'teacher', 'learner']
/**
 * Who exports prefecture-verified graduates, with full ID numbers, for the police
 * household register: bureau users only (coordinators and learners never export
 * full ID numbers in bulk).
 */
export const HOUSEHOLD_EXPORTERS: readonly RoleName[] = ['bureau']
/** Most privileged first: decides a user's home page. */
export const ROLE_RANK: readonly RoleName[] = ['admin', 'bureau', 'coordinator', 'teacher', 'learner']

/** Staff: 30 min idle, 12 h absolute; learners and teachers: 10 days idle, 30 days absolute. */
export function sessionLifetime(roles: readonly RoleName[]) {
  const staff = roles.some((r) => STAFF_ROLES.includes(r))
  return staff ? { idleSeconds: 30 * 60, absoluteSeconds: 12 * 3600 } : { idleSeconds: 10 * 86400, absoluteSeconds: 30 * 86400 }
}

/**
 * A coordinator or bureau grant needs a scope (a region or an organization);
 * only an admin may have none, meaning everything. Learners and teachers see
 * only their own records, so a scope does not matter for them.
 */
export function grantNeedsScope(role: RoleName, hasScope: boolean): boolean {
  return (role === 'coordinator' || role === 'bureau') && !hasScope
}

export type Access = 'ok' | 'signed_out' | 'must_change_password' | 'forbidden'

/**
 * THE account rules for a request with a valid session (every path calls
 * this: requireUser / requireRole in app/auth/permissions.server.ts and the
 * heartbeat fast path): a missing or disabled account is signed out; an
 * account that must change its password may only reach the password page
 * (`allowPasswordChange`); with `roles` given, the account needs one of them.
 */
export function decideAccess(
  account: { disabled: boolean; mustChangePassword: boolean; roles: readonly RoleName[] } | null,
  opts: { roles?: readonly RoleName[]; allowPasswordChange?: boolean } = {},
): Access {
  if (!account || account.disabled) return 'signed_out'
  if (account.mustChangePassword && !opts.allowPasswordChange) return 'must_change_password'
  if (opts.roles && !account.roles.some((r) => opts.roles!.includes(r))) return 'forbidden'
  return 'ok'
}

/**
 * The course catalog is county-wide: only the admin and coordinators whose scope is a whole
 * county or more (a region path of at most three codes, "/52/5223/522327/") may change it.
 * A township or school coordinator reads it.
 */
export function mayEditCatalog(scopes: readonly ({ kind: 'all' } | { kind: 'none' } | { kind: 'region'; path: string } | { kind: 'organization' })[]): boolean {
  return scopes.some((s) => s.kind === 'all' || (s.kind === 'region' && s.path.split('/').filter(Boolean).length <= 3))
}
