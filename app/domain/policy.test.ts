import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parsePolicy, PolicyError } from './policy.ts'

const readPolicyFile = (name: string) => readFileSync(new URL(`../../content/policies/${name}`, import.meta.url), 'utf8')

const MINIMAL = `
version: "2026.1"
program: demo
requirements:
  - code: hours
    kind: min_hours
    label: 不少于 10 学时
    categories: [self_study]
    minHours: 10
    window: { kind: enrollment }
    blocking: true
`

describe('the real policy files', () => {
  test('skills-credential.yaml parses with its two hour requirements', () => {
    const policy = parsePolicy(readPolicyFile('skills-credential.yaml'))
    expect(policy).toMatchObject({ program: 'skills-credential', minutesPerHour: 45, dailyOnlineCapMinutes: 360 })
    expect(policy.version).toMatch(/^\d{4}\.\d+$/)
    expect(policy.requirements.map((r) => [r.code, r.kind, r.blocking])).toEqual([
      ['self-study-and-online', 'min_hours', true],
      ['self-study-not-below-concentrated', 'not_below', false],
    ])
    expect(policy.requirements[0]).toMatchObject({ categories: ['self_study', 'online'], minHours: 360, window: { kind: 'enrollment' } })
  })

  test('teacher-training.yaml parses with round, cycle and role-filtered requirements', () => {
    const policy = parsePolicy(readPolicyFile('teacher-training.yaml'))
    expect(policy).toMatchObject({ program: 'teacher-training', minutesPerHour: 45 })
    expect(policy.requirements.map((r) => [r.code, r.window.kind, r.blocking, r.roles ?? null])).toEqual([
      ['round-hours', 'round', true, null],
      ['cycle-hours', 'cycle', false, null],
      ['inspector-annual-hours', 'calendar_year', false, ['inspector']],
      ['principal-observations', 'semester', false, ['principal']],
    ])
    expect(policy.requirements[0]).toMatchObject({ minHours: 40, overridable: true })
    expect(policy.requirements[1]).toMatchObject({ minHours: 360, window: { kind: 'cycle', years: 5, anchorYear: 2021 } })
    expect(policy.requirements[3]).toMatchObject({ kind: 'min_count', metric: 'observations', minCount: 40 })
  })
})

describe('defaults', () => {
  test('45 minutes a 学时, a daily online cap of 8 学时, requirements not overridable', () => {
    const policy = parsePolicy(MINIMAL)
    expect(policy.minutesPerHour).toBe(45)
    expect(policy.dailyOnlineCapMinutes).toBe(360)
    expect(policy.requirements[0]).toMatchObject({ overridable: false })
  })

  test('the daily cap follows a program’s own 学时 length', () => {
    expect(parsePolicy(MINIMAL.replace('program: demo', 'program: demo\nminutesPerHour: 40')).dailyOnlineCapMinutes).toBe(320)
  })
})

describe('parsePolicy errors name the field', () => {
  test.each([
    ['missing version', MINIMAL.replace('version: "2026.1"\n', ''), 'version: is required'],
    ['unquoted version (YAML would read 2026.10 as 2026.1)', MINIMAL.replace('"2026.1"', '2026.1'), 'version: must be text (quote it: "2026.1")'],
    ['badly shaped version', MINIMAL.replace('"2026.1"', '"v1"'), 'version: must look like "2026.1"'],
    [
      'unknown category',
      MINIMAL.replace('[self_study]', '[self_study, selfstudy]'),
      'requirements[0].categories[1]: unknown value "selfstudy" (expected one of concentrated, online, self_study, practical, school_based)',
    ],
    ['repeated category', MINIMAL.replace('[self_study]', '[self_study, self_study]'), 'requirements[0].categories: must not repeat a category'],
    ['no categories', MINIMAL.replace('[self_study]', '[]'), 'requirements[0].categories: must list at least one category'],
    ['missing minHours', MINIMAL.replace('    minHours: 10\n', ''), 'requirements[0].minHours: is required'],
    ['minHours as text', MINIMAL.replace('minHours: 10', 'minHours: ten'), 'requirements[0].minHours: must be a number'],
    ['zero minHours', MINIMAL.replace('minHours: 10', 'minHours: 0'), 'requirements[0].minHours: must be more than 0'],
    [
      'a 0-year cycle',
      MINIMAL.replace('{ kind: enrollment }', '{ kind: cycle, years: 0, anchorYear: 2021 }'),
      'requirements[0].window.years: must be at least 1',
    ],
    ['missing requirement kind', MINIMAL.replace('    kind: min_hours\n', ''), 'requirements[0].kind: is required (one of min_hours, not_below, min_count)'],
    ['unknown window kind', MINIMAL.replace('{ kind: enrollment }', '{ kind: decade }'), 'requirements[0].window.kind: unknown kind "decade"'],
    ['cycle without anchorYear', MINIMAL.replace('{ kind: enrollment }', '{ kind: cycle, years: 5 }'), 'requirements[0].window.anchorYear: is required'],
    ['misspelt field', MINIMAL.replace('minHours: 10', 'minHour: 10'), 'requirements[0]: unknown field "minHour"'],
    ['blocking as text', MINIMAL.replace('blocking: true', 'blocking: yes please'), 'requirements[0].blocking: must be true or false'],
    ['empty role filter', MINIMAL.replace('blocking: true', 'blocking: true\n    roles: []'), 'requirements[0].roles: must list at least one role'],
    ['no requirements', MINIMAL.slice(0, MINIMAL.indexOf('requirements:')) + 'requirements: []\n', 'requirements: must list at least one requirement'],
    ['duplicate code', MINIMAL + MINIMAL.slice(MINIMAL.indexOf('  - code')), 'requirements[1].code: duplicate code "hours"'],
    [
      'unknown metric',
      MINIMAL.replace(/kind: min_hours[\s\S]*minHours: 10/, 'kind: min_count\n    label: x\n    metric: visits\n    minCount: 3'),
      'requirements[0].metric: unknown value "visits"',
    ],
    ['not YAML at all', 'version: [unclosed', 'not valid YAML'],
    ['an empty file', '', 'Invalid policy: must be a mapping of fields'],
  ])('%s', (_label, text, expected) => {
    let error: unknown
    try {
      parsePolicy(text, 'demo.yaml')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PolicyError)
    expect((error as PolicyError).message).toContain(expected.replace('Invalid policy:', 'Invalid policy (demo.yaml):'))
  })

  test('every problem is listed, each with its path', () => {
    const text = MINIMAL.replace('version: "2026.1"\n', '').replace('[self_study]', '[selfstudy]')
    try {
      parsePolicy(text)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError)
      expect((e as PolicyError).name).toBe('PolicyError')
      expect((e as PolicyError).issues.map((i) => i.path)).toEqual(['version', 'requirements[0].categories[0]'])
    }
  })
})
