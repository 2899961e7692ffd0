import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AUDIT_ACTIONS, AUDIT_ENTITIES, auditFilterParams, changedFields, correctionChange, readAuditFilter, shortValue } from './audit-log.ts'

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sources(path)
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : []
  })
}

describe('every action the code audits has a name on the log page', () => {
  const files = [...sources('app'), ...sources('workers'), ...sources('prisma')]
  // `action: 'x.y'` and `action: cond ? 'x.y' : 'x.z'`
  const written = new Set<string>()
  const entities = new Set<string>()
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/\baction: ([^,\n]+)/g)) for (const code of m[1]!.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) written.add(code[1]!)
    for (const m of text.matchAll(/\bentityType: '([A-Za-z]+)'/g)) entities.add(m[1]!)
  }
  it('finds the codes in the sources', () => expect(written.size).toBeGreaterThan(50))
  it.each([...written].sort())('%s is listed', (code) => expect(AUDIT_ACTIONS as readonly string[]).toContain(code))
  it.each([...entities].sort())('entity %s is listed', (entity) => expect(AUDIT_ENTITIES as readonly string[]).toContain(entity))
})

describe('what changed', () => {
  it.each([
    [
      'a status change',
      { status: 'pending' },
      { status: 'approved', reason: '证明齐全' },
      [
        { field: 'status', before: 'pending', after: 'approved' },
        { field: 'reason', before: undefined, after: '证明齐全' },
      ],
    ],
    [
      'a creation shows every field set, ids left out',
      undefined,
      { id: '9', enrollmentId: 'e1', minutes: 90, category: 'concentrated' },
      [
        { field: 'minutes', before: undefined, after: 90 },
        { field: 'category', before: undefined, after: 'concentrated' },
      ],
    ],
    [
      'unchanged fields are left out',
      { phone: '138****0001', kind: 'teacher' },
      { phone: '139****0002', kind: 'teacher' },
      [{ field: 'phone', before: '138****0001', after: '139****0002' }],
    ],
    ['a field only before had is cleared', { note: '旧' }, {}, [{ field: 'note', before: '旧', after: undefined }]],
    ['lists compare whole', { grants: [{ role: 'coordinator' }] }, { grants: [{ role: 'coordinator' }] }, []],
    ['nothing at all', undefined, undefined, []],
  ])('%s', (_label, before, after, expected) => {
    expect(changedFields(before, after)).toEqual(expected)
  })

  it('an hour correction reads as the minutes still standing, before and after', () => {
    expect(correctionChange(120, 0, -30)).toEqual({ field: 'minutes', before: 120, after: 90 })
    expect(correctionChange(120, -30, -90)).toEqual({ field: 'minutes', before: 90, after: 0 })
  })

  it.each([
    ['text', '张三', '张三'],
    [90, 90, '90'],
    ['booleans stay booleans', true, true],
    ['empty', '', null],
    ['lists of words', ['a', 'b'], 'a、b'],
    ['objects as JSON', { role: 'bureau' }, '{"role":"bureau"}'],
  ])('%s', (_label, value, expected) => expect(shortValue(value)).toBe(expected))
})

describe('the filters from the query string', () => {
  it('keeps what is valid and drops the rest', () => {
    const f = readAuditFilter(
      new URLSearchParams({ who: ' 县培训 ', action: 'hours.correct', entity: 'HourEntry', person: '岑', from: '2026-11-30', to: '2026-11-23' }),
    )
    expect(f).toEqual({ who: '县培训', action: 'hours.correct', entity: 'HourEntry', person: '岑', from: '2026-11-23', to: '2026-11-30' })
    expect(readAuditFilter(new URLSearchParams({ action: 'drop table', entity: 'Nope', from: '2026-02-30' }))).toEqual({
      who: '',
      action: '',
      entity: '',
      person: '',
      from: '',
      to: '',
    })
  })
  it('gives back only the filters set', () => {
    expect(auditFilterParams({ who: '', action: 'hours.correct', entity: '', person: '', from: '2026-11-23', to: '' })).toEqual({
      action: 'hours.correct',
      from: '2026-11-23',
    })
  })
})
