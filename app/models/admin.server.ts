import { formatScope } from '#app/domain/grant-form.ts'
import type { Db } from '#app/utils/db.server.ts'

export async function listUsers(db: Db) {
  return db.user.findMany({
    orderBy: { username: 'asc' },
    select: {
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
    },
  })
}

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
