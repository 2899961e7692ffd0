import { formatScope } from '#app/domain/grant-form.ts'
import type { Db } from '#app/utils/db.server.ts'

export const USER_PAGE_SIZE = 50

/**
 * One page of accounts, by username: those whose username or display name
 * contains `q` (any case), after the username `after` (keyset paging, so a page
 * never repeats or skips a row when accounts are added meanwhile). `next` is the
 * cursor of the following page, null on the last.
 */
export async function listUsers(db: Db, opts: { q?: string | null; after?: string | null; pageSize?: number } = {}) {
  const q = opts.q?.trim().slice(0, 64) ?? ''
  const pageSize = opts.pageSize ?? USER_PAGE_SIZE
  const where = q ? { OR: [{ username: { contains: q, mode: 'insensitive' as const } }, { displayName: { contains: q, mode: 'insensitive' as const } }] } : {}
  const after = opts.after?.slice(0, 64) || null
  const [rows, total, before] = await Promise.all([
    db.user.findMany({
      where: { ...where, ...(after ? { username: { gt: after } } : {}) },
      orderBy: { username: 'asc' },
      take: pageSize + 1,
      select: USER_ROW,
    }),
    db.user.count({ where }),
    after ? db.user.count({ where: { ...where, username: { lte: after } } }) : Promise.resolve(0),
  ])
  const users = rows.slice(0, pageSize)
  return { users, q, total, offset: before, next: rows.length > pageSize ? users.at(-1)!.username : null }
}

const USER_ROW = {
  id: true,
  username: true,
  displayName: true,
  disabled: true,
  mustChangePassword: true,
  roles: {
    select: {
      role: true,
      canVerifyGraduation: true,
      scopeRegion: { select: { name: true, code: true } },
      scopeOrganization: { select: { name: true } },
    },
  },
} as const

export async function listRegions(db: Db) {
  return db.region.findMany({ orderBy: { path: 'asc' }, select: { id: true, code: true, name: true, level: true, path: true } })
}

export async function listOrganizations(db: Db) {
  return db.organization.findMany({ orderBy: { code: 'asc' }, select: { id: true, code: true, name: true } })
}

/** A user with their (single) grant, for the edit page; null when there is none. */
export async function getUserForEdit(db: Db, userId: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, username: true, displayName: true, disabled: true, roles: true },
  })
  if (!user) return null
  const grant = user.roles[0]
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    disabled: user.disabled,
    role: grant?.role ?? 'learner',
    scope: formatScope(grant),
    canVerifyGraduation: grant?.canVerifyGraduation ?? false,
  }
}
