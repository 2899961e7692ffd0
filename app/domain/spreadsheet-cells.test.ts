import { describe, expect, it } from 'vitest'
import { csvField, csvLine, safeCell } from './spreadsheet-cells.ts'

describe('cells safe against formula injection', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","点我")', `'=HYPERLINK("http://evil.example","点我")`],
    ['+86 138', "'+86 138"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ['张三', '张三'],
    ['522327********1234', '522327********1234'],
    ['a=b', 'a=b'],
  ])('%j → %j', (input, expected) => {
    expect(safeCell(input)).toBe(expected)
  })

  it('numbers, booleans and empty cells stay what they are', () => {
    expect(safeCell(-45)).toBe(-45)
    expect(safeCell(true)).toBe(true)
    expect(safeCell(null)).toBeNull()
    expect(safeCell(undefined)).toBeNull()
  })

  it('CSV fields are quoted when needed, after escaping', () => {
    expect(csvField('=1,2')).toBe(`"'=1,2"`)
    expect(csvField('他说"好"')).toBe('"他说""好"""')
    expect(csvField('两行\n文字')).toBe('"两行\n文字"')
    expect(csvLine(['姓名', -1, null, '@x'])).toBe("姓名,-1,,'@x\r\n")
  })
})
