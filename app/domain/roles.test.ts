import { expect, test } from 'vitest'
import { grantNeedsScope, sessionLifetime, type RoleName } from './roles.ts'

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
