import { describe, expect, test } from 'vitest'
import { decideAccess, grantNeedsScope, mayEditCatalog, sessionLifetime, type RoleName } from './roles.ts'

test.each([
  [['learner'], 10 * 86400, 30 * 86400],
  [['teacher'], 10 * 86400, 30 * 86400],
  [['coordinator'], 1800, 43200],
  [['bureau'], 1800, 43200],
  [['admin'], 1800, 43200],
  [['teacher', 'coordinator'], 1800, 43200], // any staff role makes the session a staff session
] as const)('a session for %j lasts %i s idle and %i s in all', (roles, idle, absolute) => {
  expect(sessionLifetime(roles as readonly RoleName[])).toEqual({ idleSeconds: idle, absoluteSeconds: absolute })
})

test.each([
  ['coordinator', false, true],
  ['coordinator', true, false],
  ['bureau', false, true],
  ['admin', false, false],
  ['learner', false, false],
  ['teacher', false, false],
] as const)('a %s grant with a scope: %s needs one: %s', (role, hasScope, needs) => {
  expect(grantNeedsScope(role, hasScope)).toBe(needs)
})

const account = (over: Partial<{ disabled: boolean; mustChangePassword: boolean; roles: RoleName[] }> = {}) => ({
  disabled: false,
  mustChangePassword: false,
  roles: ['learner'] as RoleName[],
  ...over,
})

test.each([
  ['no account', null, {}, 'signed_out'],
  ['a disabled account', account({ disabled: true }), {}, 'signed_out'],
  ['a disabled account, even on the password page', account({ disabled: true, mustChangePassword: true }), { allowPasswordChange: true }, 'signed_out'],
  ['an account that must change its password', account({ mustChangePassword: true }), {}, 'must_change_password'],
  ['…on the password page', account({ mustChangePassword: true }), { allowPasswordChange: true }, 'ok'],
  ['…on a role-guarded page', account({ mustChangePassword: true }), { roles: ['learner'] }, 'must_change_password'],
  ['a learner on a learner/teacher path', account(), { roles: ['learner', 'teacher'] }, 'ok'],
  ['a teacher on a learner/teacher path', account({ roles: ['teacher'] }), { roles: ['learner', 'teacher'] }, 'ok'],
  ['a coordinator on a learner/teacher path', account({ roles: ['coordinator'] }), { roles: ['learner', 'teacher'] }, 'forbidden'],
  ['an account without roles on a guarded path', account({ roles: [] }), { roles: ['learner'] }, 'forbidden'],
  ['an account without roles, no role asked', account({ roles: [] }), {}, 'ok'],
] as const)('access for %s', (_name, acc, opts, expected) => {
  expect(decideAccess(acc, opts as Parameters<typeof decideAccess>[1])).toBe(expected)
})

describe('who may change the course catalog', () => {
  test.each([
    [[{ kind: 'all' as const }], true],
    [[{ kind: 'region' as const, path: '/52/5223/522327/' }], true],
    [[{ kind: 'region' as const, path: '/52/5223/' }], true],
    [[{ kind: 'region' as const, path: '/52/5223/522327/522327001/' }], false],
    [[{ kind: 'organization' as const }], false],
    [[{ kind: 'none' as const }], false],
    [
      [
        { kind: 'region' as const, path: '/52/5223/522327/522327001/' },
        { kind: 'region' as const, path: '/52/5223/522326/' },
      ],
      true,
    ],
  ])('%o → %s', (scopes, allowed) => {
    expect(mayEditCatalog(scopes)).toBe(allowed)
  })
})
