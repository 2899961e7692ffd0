import { z } from 'zod'
import type { T } from '#app/i18n/index.ts'
import { grantNeedsScope, type RoleName } from './roles.ts'

/** Role and scope as one form value: "region:<id>", "org:<id>" or "all" (admin only). */
export function grantFields(t: T) {
  return {
    role: z.enum(['learner', 'teacher', 'coordinator', 'bureau', 'admin']),
    scope: z.string({ error: t('admin.scopeRequired') }).regex(/^(all|region:\w+|org:\w+)$/, t('admin.scopeRequired')),
    canVerifyGraduation: z.literal('on').optional(),
  }
}

export function parseScope(scope: string): { scopeRegionId: string | null; scopeOrganizationId: string | null } {
  if (scope.startsWith('region:')) return { scopeRegionId: scope.slice(7), scopeOrganizationId: null }
  if (scope.startsWith('org:')) return { scopeRegionId: null, scopeOrganizationId: scope.slice(4) }
  return { scopeRegionId: null, scopeOrganizationId: null }
}

export function formatScope(grant: { scopeRegionId: string | null; scopeOrganizationId: string | null } | undefined): string {
  if (grant?.scopeRegionId) return `region:${grant.scopeRegionId}`
  if (grant?.scopeOrganizationId) return `org:${grant.scopeOrganizationId}`
  return 'all'
}

/** The form's "all" is no scope: only an admin may have it (grantNeedsScope). */
export function formGrantNeedsScope(role: RoleName, scope: string): boolean {
  return grantNeedsScope(role, scope !== 'all')
}
