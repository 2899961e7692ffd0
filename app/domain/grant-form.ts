import { z } from 'zod'
import type { T } from '#app/i18n/index.ts'

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

/** Staff roles need a scope; only an admin may have "all"; learners and teachers need none. */
export function grantScopeProblem(role: string, scope: string): boolean {
  if (role === 'learner' || role === 'teacher') return false
  if (scope === 'all') return role !== 'admin'
  return false
}
