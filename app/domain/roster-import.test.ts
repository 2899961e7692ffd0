import { describe, expect, test } from 'vitest'
import { translator } from '#app/i18n/index.ts'
import { makeIdNumber } from './id-number.ts'
import {
  checkRow,
  describeIssue,
  isRefused,
  matchHeader,
  normalizeHeader,
  parseEducation,
  parseGender,
  RosterChecker,
  rowOutcome,
  townshipKey,
  villageKey,
  type RawCell,
  type RosterContext,
} from './roster-import.ts'

describe('header matching', () => {
  test.each([
    ['姓名', 'name'],
    ['学员姓名', 'name'],
    ['身份证号', 'idNumber'],
    ['身份证号码', 'idNumber'],
    ['身份证号码（必填）', 'idNumber'],
    ['证件号码', 'idNumber'],
    ['公民身份号码', 'idNumber'],
    ['性别', 'gender'],
    ['手机', 'phone'],
    ['手机号', 'phone'],
    ['手机号码', 'phone'],
    ['联系电话', 'phone'],
    ['乡镇', 'township'],
    ['乡镇（街道）', 'township'],
    ['乡镇(街道)', 'township'],
    ['乡（镇）', 'township'],
    ['村', 'village'],
    ['村（居）', 'village'],
    ['村(社区)', 'village'],
    ['社区', 'village'],
    ['文化程度', 'education'],
    ['学历', 'education'],
    [' 姓 名 ', 'name'],
    ['*姓名', 'name'],
    ['姓名：', 'name'],
  ])('%s → %s', (header, column) => {
    expect(matchHeader([header]).columns).toEqual({ [column]: 0 })
  })

  test('a full header row, in any order, keeps the file’s own labels', () => {
    const m = matchHeader(['序号', '乡镇（街道）', '村（居）', '姓名', '性别', '身份证号码', '联系电话', '文化程度'])
    expect(m.columns).toEqual({ township: 1, village: 2, name: 3, gender: 4, idNumber: 5, phone: 6, education: 7 })
    expect(m.labels.idNumber).toBe('身份证号码')
    expect(m.missing).toEqual([])
  })

  test.each([
    [
      ['姓名', '性别'],
      ['idNumber', 'township'],
    ],
    [
      ['序号', '备注'],
      ['name', 'idNumber', 'township'],
    ],
    [['姓名', '身份证', '乡镇'], []],
  ])('missing required columns of %j: %j', (cells, missing) => {
    expect(matchHeader(cells).missing).toEqual(missing)
  })

  test('full-width brackets and letters fold', () => {
    expect(normalizeHeader('村【居】')).toBe('村(居)')
    expect(normalizeHeader('ＩＤ')).toBe('id')
  })
})

test.each([
  ['小学', 'primary'],
  ['初中', 'junior'],
  ['初中毕业', 'junior'],
  ['高中', 'senior'],
  ['中专', 'vocational'],
  ['职高', 'vocational'],
  ['大专', 'senior'],
  ['文盲', 'none'],
  ['未上学', 'none'],
  ['', null],
  ['其他', null],
])('education %s → %s', (raw, code) => expect(parseEducation(raw)).toBe(code))

test.each([
  ['男', 'male'],
  ['女', 'female'],
  ['1', 'male'],
  ['2', 'female'],
  ['', null],
  ['未知', null],
])('gender %s → %s', (raw, g) => expect(parseGender(raw)).toBe(g))

test.each([
  ['者楼街道', '者楼'],
  ['巧马镇', '巧马'],
  ['者楼', '者楼'],
  ['双江镇 ', '双江'],
  ['秧坝民族乡', '秧坝'],
])('township %s → key %s', (name, key) => expect(townshipKey(name)).toBe(key))

test.each([
  ['板其村', '板其'],
  ['者楼社区', '者楼'],
  ['板其村委会', '板其'],
])('village %s → key %s', (name, key) => expect(villageKey(name)).toBe(key))

const TODAY = '2026-12-01'
const ctx: RosterContext = {
  today: TODAY,
  townships: new Map([
    ['者楼', { id: 't1', name: '者楼街道', inScope: true, villages: new Map([['板其', { id: 'v1', name: '板其村' }]]) }],
    ['高洛', { id: 't2', name: '高洛街道', inScope: false, villages: new Map() }],
  ]),
}
const header = matchHeader(['姓名', '身份证号', '性别', '手机号', '乡镇', '村', '文化程度'])
const id = (birthDate: string, sequence = 11) => makeIdNumber({ regionCode: '522327', birthDate, sequence })
const good = (over: Partial<Record<string, RawCell>> = {}): RawCell[] => {
  const v = { name: '王小芳', id: id('1990-03-04'), gender: '男', phone: '13800138000', township: '者楼街道', village: '板其村', education: '初中', ...over }
  return [v.name, v.id, v.gender, v.phone, v.township, v.village, v.education] as RawCell[]
}
const codes = (cells: RawCell[]) => checkRow(cells, 2, header, ctx).issues.map((i) => `${i.severity}:${i.column}:${i.code}`)

describe('row checks', () => {
  test('a good row: parsed, placed in its village, no issue', () => {
    const row = checkRow(good(), 2, header, ctx)
    expect(row).toMatchObject({
      name: '王小芳',
      gender: 'male',
      birthDate: '1990-03-04',
      phone: '13800138000',
      townshipId: 't1',
      regionId: 'v1',
      education: 'junior',
    })
    expect(row.issues).toEqual([])
    expect(isRefused(row)).toBe(false)
  })

  const badCheckDigit = id('1990-03-04').slice(0, 17) + (id('1990-03-04').endsWith('0') ? '1' : '0')
  test.each<[string, Partial<Record<string, RawCell>>, string[]]>([
    ['no name', { name: '' }, ['error:name:name_missing']],
    ['no ID number', { id: '' }, ['error:idNumber:id_missing']],
    ['a wrong check digit', { id: badCheckDigit }, ['error:idNumber:id_invalid']],
    ['17 digits', { id: '52232719900304001' }, ['error:idNumber:id_invalid']],
    ['an ID number Excel stored as a number', { id: 522327199003040000 }, ['error:idNumber:id_as_number']],
    ['aged 14 (a warning, still imported)', { id: id('2012-06-01') }, ['warning:idNumber:age']],
    ['aged 60 (a warning)', { id: id('1966-01-01') }, ['warning:idNumber:age']],
    ['aged 59 is fine', { id: id('1967-06-01') }, []],
    ['aged 15 is fine', { id: id('2011-11-30') }, []],
    ['a stated gender the ID number contradicts', { gender: '女' }, ['warning:gender:gender_mismatch']],
    ['no township', { township: '' }, ['error:township:township_missing']],
    ['a township nobody knows', { township: '火星镇' }, ['error:township:township_unknown']],
    ['a township outside the scope', { township: '高洛' }, ['error:township:out_of_scope']],
    ['a village not found (placed in the township)', { village: '不存在村' }, ['warning:village:village_unknown']],
    ['a landline', { phone: '0859-1234567' }, ['error:phone:phone_invalid']],
    ['+86 mobile is fine', { phone: '+86 138 0013 8000' }, []],
    ['no phone is fine', { phone: '' }, []],
    ['unknown education (a warning)', { education: '其他' }, ['warning:education:education_unknown']],
  ])('%s', (_what, over, expected) => {
    expect(codes(good(over))).toEqual(expected)
  })

  test('the township without its suffix still matches', () => {
    expect(checkRow(good({ township: '者楼', village: '' }), 2, header, ctx)).toMatchObject({ townshipId: 't1', regionId: 't1', issues: [] })
  })
})

test('duplicates within the file: the second row with the same ID number or phone is refused, naming the first', () => {
  const checker = new RosterChecker(header, ctx)
  const a = checker.check(good(), 2)
  const b = checker.check(good({ phone: '13900139000' }), 3)
  const c = checker.check(good({ id: id('1991-01-01') }), 4)
  expect(a.issues).toEqual([])
  expect(b.issues).toEqual([{ severity: 'error', column: 'idNumber', code: 'duplicate_in_file', params: { row: 2 } }])
  expect(c.issues).toEqual([{ severity: 'error', column: 'phone', code: 'phone_duplicate_in_file', params: { row: 2 } }])
})

test('a refused first row does not make the next one a duplicate', () => {
  const checker = new RosterChecker(header, ctx)
  expect(isRefused(checker.check(good({ township: '高洛' }), 2))).toBe(true)
  expect(checker.check(good(), 3).issues).toEqual([])
})

test.each([
  [[], false, 'new'],
  [[], true, 'existing'],
  [[{ severity: 'warning', column: 'idNumber', code: 'age' }], false, 'new'],
  [[{ severity: 'error', column: 'idNumber', code: 'id_invalid' }], true, 'refused'],
] as const)('outcome of %j (exists %s) → %s', (issues, personExists, outcome) => {
  expect(rowOutcome({ issues: [...issues] }, { personExists })).toBe(outcome)
})

test.each([
  [{ code: 'id_invalid', params: { problem: 'check_digit', expected: '1' } }, '身份证号有误：身份证号校验位不正确（最后一位应为 1），请核对是否输错。'],
  [{ code: 'id_invalid', params: { problem: 'length', length: 17 } }, '身份证号有误：身份证号应为 18 位，您填写了 17 位。'],
  [{ code: 'township_unknown', params: { township: '火星镇' } }, '乡镇不存在：火星镇'],
  [{ code: 'duplicate_in_file', params: { row: 2 } }, '文件内重复：与第 2 行身份证号相同'],
  [{ code: 'age', params: { age: 62 } }, '年龄不在15–59岁（提醒）：62 岁'],
] as const)('the reason of %j in Chinese', (issue, text) => {
  expect(describeIssue(translator('zh-CN'), issue)).toBe(text)
})
