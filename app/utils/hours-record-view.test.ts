import '#app/i18n/locale.server.ts' // registers the English catalog
import { describe, expect, test } from 'vitest'
import { HOUR_CATEGORIES } from '#app/domain/policy.ts'
import { HOUR_SOURCES } from '#app/domain/hours-record.ts'
import { translator } from '#app/i18n/index.ts'
import { categoryLabel, entryNote, hoursText, programLabel, sourceLabel } from './hours-record-view.ts'

const zh = translator('zh-CN')
const en = translator('en')

describe('labels of the 学时档案', () => {
  test('every ledger category and source has its Chinese and English word', () => {
    expect(HOUR_CATEGORIES.map((c) => categoryLabel(zh, c))).toEqual(['集中授课', '线上学习', '自学', '实践', '校本研修'])
    expect(HOUR_SOURCES.map((s) => sourceLabel(zh, s))).toEqual(['签到', '线上学习记录', '自学记录', '转入', '调整'])
    for (const c of HOUR_CATEGORIES) expect(categoryLabel(en, c)).toMatch(/^[A-Z][a-z-]+/)
    for (const s of HOUR_SOURCES) expect(sourceLabel(en, s)).toMatch(/^[A-Z][a-z-]+/)
  })

  test.each([
    [{ reason: null, correctsNo: null }, ''],
    [{ reason: '外县转入', correctsNo: null }, '外县转入'],
    [{ reason: '迟到一节课', correctsNo: 3 }, '更正第 3 条：迟到一节课'],
    [{ reason: null, correctsNo: 3 }, '更正第 3 条'],
  ])('note of %o is %j', (entry, expected) => {
    expect(entryNote(zh, { ...entry, source: 'adjustment', minutes: -45 })).toBe(expected)
  })

  test('学时 always show one decimal; programs the catalog does not know keep their stored name', () => {
    expect([8, 1.5, -1, 0].map(hoursText)).toEqual(['8.0', '1.5', '-1.0', '0.0'])
    expect(programLabel(zh, 'teacher-training', 'x')).toBe('教师培训')
    expect(programLabel(en, 'pilot-2027', '督学培训')).toBe('督学培训')
  })
})
