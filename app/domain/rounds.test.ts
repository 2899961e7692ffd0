import { describe, expect, test } from 'vitest'
import { applyFrozenOutcome, effectiveEnrollmentStatus, finalOutcomeOf, normalizeRoundTags, planProblem, roundHasEnded, templateProgramme } from './rounds.ts'

describe('rounds that close', () => {
  test('a round ends the day after its end date', () => {
    expect(roundHasEnded('2026-06-30', '2026-06-30')).toBe(false)
    expect(roundHasEnded('2026-06-30', '2026-07-01')).toBe(true)
    expect(roundHasEnded(null, '2030-01-01')).toBe(false)
  })

  test('an active round enrollment reads as completed after the end; classes and other statuses never change', () => {
    const round = { groupKind: 'round' as const, groupEnd: '2026-06-30' }
    expect(effectiveEnrollmentStatus({ ...round, status: 'active' }, '2026-06-30')).toBe('active')
    expect(effectiveEnrollmentStatus({ ...round, status: 'active' }, '2026-07-01')).toBe('completed')
    expect(effectiveEnrollmentStatus({ ...round, status: 'withdrawn' }, '2026-07-01')).toBe('withdrawn')
    expect(effectiveEnrollmentStatus({ groupKind: 'class', groupEnd: '2026-06-30', status: 'active' }, '2026-07-01')).toBe('active')
  })

  test('the frozen outcome: complete only when the engine said so', () => {
    expect(finalOutcomeOf('round_complete')).toBe('round_complete')
    expect(finalOutcomeOf('round_incomplete')).toBe('round_incomplete')
    expect(finalOutcomeOf('in_progress')).toBe('round_incomplete')
  })

  test('a closed enrollment keeps its frozen outcome against a later computation', () => {
    const computed = {
      status: 'round_complete' as const,
      reasons: [{ key: 'outcomes.reason.roundComplete' as const }],
      earlyGraduation: 'not_applicable' as const,
    }
    expect(applyFrozenOutcome(computed, null, '2026-06-30')).toBe(computed)
    expect(applyFrozenOutcome(computed, 'round_complete', '2026-06-30')).toBe(computed)
    expect(applyFrozenOutcome(computed, 'round_incomplete', '2026-06-30')).toEqual({
      status: 'round_incomplete',
      earlyGraduation: 'not_applicable',
      reasons: [{ key: 'outcomes.reason.roundEnded', params: { date: { date: '2026-06-30' } } }],
    })
  })
})

describe('round programmes', () => {
  test('a template’s sessions give planned 学时 per kind and its modules in order', () => {
    const programme = templateProgramme([
      { kind: 'face-to-face', hours: 8 },
      { kind: 'online', hours: 1.5, course: 'TT-A' },
      { kind: 'face-to-face', hours: 8 },
      { kind: 'online', hours: 1.5, course: 'TT-B' },
      { kind: 'school-based', hours: 13 },
      { kind: 'face-to-face', hours: 8 },
    ])
    expect(programme).toEqual({ planned: { concentrated: 24, online: 3, school_based: 13 }, courseCodes: ['TT-A', 'TT-B'] })
    expect(templateProgramme([{ kind: 'face-to-face', hours: 40 }]).planned).toEqual({ concentrated: 40, online: null, school_based: null })
  })

  test('planned 学时 must add up to the requirement (in tenths: 0.1 + 0.2 is 0.3); nothing planned is no programme', () => {
    const plan = (concentrated: number | null, online: number | null, school_based: number | null, requiredHours = 40, availableOnlineHours = 10) =>
      planProblem({ requiredHours, planned: { concentrated, online, school_based }, availableOnlineHours })
    expect(plan(24, 3, 13)).toBeNull()
    expect(plan(null, null, null)).toBeNull()
    expect(plan(24, 3, 12)).toEqual({ code: 'plan_sum', total: 39, required: 40 })
    expect(plan(40, null, null)).toBeNull()
    expect(plan(0.1, 0.2, null, 0.3)).toBeNull()
  })

  test('the online modules must be able to yield the planned online 学时', () => {
    expect(planProblem({ requiredHours: 40, planned: { concentrated: 24, online: 3, school_based: 13 }, availableOnlineHours: 2.96 })).toEqual({
      code: 'online_modules_short',
      planned: 3,
      available: 2.9,
    })
    expect(planProblem({ requiredHours: 40, planned: { concentrated: 24, online: 3, school_based: 13 }, availableOnlineHours: 3 })).toBeNull()
    expect(planProblem({ requiredHours: 40, planned: { concentrated: 27, online: 0, school_based: 13 }, availableOnlineHours: 0 })).toBeNull()
  })
})

test('round tags: the fixed vocabulary, in its order, each once', () => {
  expect(normalizeRoundTags(['principal', 'rural', 'rural', 'nonsense', 3])).toEqual(['rural', 'principal'])
})
