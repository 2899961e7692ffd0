import { expect, test } from 'vitest'
import { parseRosterSort, sortAndFilterRoster } from './roster.ts'

const rows = [
  { name: '张华', behind: true, earnedMinutes: 100, missingMinutes: 16100 },
  { name: '李明', behind: false, earnedMinutes: 9000, missingMinutes: 7200 },
  { name: '王芳', behind: true, earnedMinutes: 100, missingMinutes: 16100 },
  { name: '陈静', behind: false, earnedMinutes: 16200, missingMinutes: 0 },
]
const names = (r: typeof rows) => r.map((x) => x.name)

test.each([
  ['name (pinyin order)', 'name', false, ['陈静', '李明', '王芳', '张华']],
  ['earned, most first, ties by name', 'earned', false, ['陈静', '李明', '王芳', '张华']],
  ['missing, most first, ties by name', 'missing', false, ['王芳', '张华', '李明', '陈静']],
  ['only behind pace', 'name', true, ['王芳', '张华']],
] as const)('%s', (_n, sort, behindOnly, expected) => {
  expect(names(sortAndFilterRoster(rows, { sort, behindOnly }))).toEqual(expected)
})

test.each([
  ['earned', 'earned'],
  ['missing', 'missing'],
  ['name', 'name'],
  [null, 'name'],
  ['drop table', 'name'],
] as const)('parseRosterSort(%s) is %s', (input, sort) => {
  expect(parseRosterSort(input)).toBe(sort)
})
