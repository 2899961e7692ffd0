/**
 * Readability of the starter curriculum (issue 16) and the rules behind it.
 *
 * Limits for the culture courses of the skills-plus-credential program
 * (written for adults who may never have been to school):
 * - average sentence length ≤ 20 characters (Chinese characters, letters and digits);
 * - at most 5 % of a lesson's Chinese characters outside the 2,500 常用字 of
 *   the 1988 现代汉语常用字表 (content/language/common-chars-2500.txt);
 * - a recap (a quote under "记一记") and 2–3 practice questions (the ordered list under "练一练").
 * For every lesson of every program: nominal minutes within the range
 * minutesRange gives (learners read 100–150 characters a minute and spend
 * 3 minutes a question; teachers 250–400 and 10 minutes a task; 10 minutes
 * of slack for pictures and re-reading).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseCatalog, type CatalogFile } from './catalog.ts'
import {
  blockTexts,
  hasRecap,
  LEARNER_PACE,
  minutesRange,
  practiceQuestions,
  readability,
  sentences,
  TEACHER_PACE,
  type DocNode,
} from './lesson-readability.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const common = new Set(
  readFileSync(path.join(ROOT, 'content/language/common-chars-2500.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#')),
)

function realCatalog() {
  const dir = path.join(ROOT, 'content/catalog')
  const files: CatalogFile[] = []
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name
      if (statSync(path.join(dir, r)).isDirectory()) walk(r)
      else files.push({ file: r, text: readFileSync(path.join(dir, r), 'utf8') })
    }
  }
  walk('')
  const mediaDir = path.join(ROOT, 'content/media')
  const media = new Map(readdirSync(mediaDir).map((n) => [`/lesson-media/${n}`, statSync(path.join(mediaDir, n)).size]))
  return parseCatalog(files, { media })
}

const t = (text: string) => ({ type: 'text', text })
const p = (...texts: string[]) => ({ type: 'paragraph', content: texts.map(t) })
const doc = (...content: DocNode[]): DocNode => ({ type: 'doc', content })

describe('the measures', () => {
  test('the common-character list has exactly the 2,500 常用字', () => {
    expect(common.size).toBe(2500)
    for (const c of '的一是不了人我在有他这中大来上国个到说们') expect(common.has(c)).toBe(true)
    // 次常用字 and rarer characters are not in it.
    for (const c of '匕刁丐黔氮') expect(common.has(c)).toBe(false)
  })

  test.each<[string, DocNode, string[]]>([
    ['sentences end at 。！？；', doc(p('先看标题。再读正文！懂了吗？好；走')), ['先看标题', '再读正文', '懂了吗', '好', '走']],
    ['a block ends a sentence', doc({ type: 'heading', content: [t('小标题')] }, p('正文')), ['小标题', '正文']],
    [
      'list items are sentences',
      doc({
        type: 'orderedList',
        content: [
          { type: 'listItem', content: [p('一')] },
          { type: 'listItem', content: [p('二')] },
        ],
      }),
      ['一', '二'],
    ],
    ['a line break ends a sentence', doc({ type: 'paragraph', content: [t('上'), { type: 'hardBreak' }, t('下')] }), ['上', '下']],
    ['punctuation-only pieces are not sentences', doc(p('。。——')), []],
  ])('%s', (_name, input, expected) => {
    expect(sentences(input)).toEqual(expected)
  })

  test('length counts characters, letters and digits, not punctuation or spaces', () => {
    const r = readability(doc(p('买 5 袋，600 元。')), common)
    expect(r.length).toBe(7)
    expect(r.sentences).toBe(1)
    expect(r.averageSentence).toBe(7)
  })

  test('uncommon characters are counted as a share of Chinese characters', () => {
    const r = readability(doc(p('黔西南有山。')), common)
    expect(r.hanCount).toBe(5)
    expect(r.uncommon).toEqual(['黔'])
    expect(r.uncommonShare).toBeCloseTo(0.2)
  })

  test('recap and practice questions are found under their headings', () => {
    const d = doc(
      { type: 'heading', content: [t('记一记')] },
      { type: 'blockquote', content: [p('要点')] },
      { type: 'heading', content: [t('练一练')] },
      {
        type: 'orderedList',
        content: [
          { type: 'listItem', content: [p('一')] },
          { type: 'listItem', content: [p('二')] },
        ],
      },
    )
    expect(hasRecap(d)).toBe(true)
    expect(practiceQuestions(d)).toBe(2)
    expect(hasRecap(doc(p('没有')))).toBe(false)
    expect(practiceQuestions(doc({ type: 'heading', content: [t('练一练')] }, { type: 'heading', content: [t('下一节')] }))).toBe(0)
    expect(blockTexts(d)).toEqual(['记一记', '要点', '练一练', '一', '二'])
  })

  test.each([
    // 450 characters at 100–150 a minute is 3–4.5 minutes; 3 questions add 9.
    [450, 3, LEARNER_PACE, { min: 12, max: 24 }],
    [0, 0, LEARNER_PACE, { min: 1, max: 10 }],
    [2000, 3, TEACHER_PACE, { min: 35, max: 48 }],
  ])('minutesRange(%i characters, %i questions)', (length, questions, pace, expected) => {
    expect(minutesRange(length, questions, pace)).toEqual(expected)
  })
})

describe('the starter curriculum in content/catalog', () => {
  const catalog = realCatalog()
  const culture = catalog.courses.filter((c) => c.program === 'skills-credential' && c.kind === 'culture')
  const cultureLessons = culture.flatMap((c) => c.lessons.map((l) => ({ course: c, lesson: l })))

  test('the four culture courses have 6–10 lessons each', () => {
    expect(culture.map((c) => c.name)).toEqual(['读写算', '普通话', '公民道德与思想政治', '政策法规'])
    for (const c of culture) expect(c.lessons.length, c.name).toBeGreaterThanOrEqual(6)
    for (const c of culture) expect(c.lessons.length, c.name).toBeLessThanOrEqual(10)
  })

  test.each(cultureLessons.map((x) => [x.lesson.file ?? x.lesson.code, x] as const))('%s reads easily', (_name, { lesson }) => {
    const r = readability(lesson.content as DocNode, common)
    expect(r.averageSentence, `average sentence ${r.averageSentence.toFixed(1)}; longest: ${r.longestSentence}`).toBeLessThanOrEqual(20)
    expect(r.uncommonShare, `uncommon: ${r.uncommon.join('')}`).toBeLessThanOrEqual(0.05)
    expect(hasRecap(lesson.content as DocNode), 'a recap quote under 记一记').toBe(true)
    const questions = practiceQuestions(lesson.content as DocNode)
    expect(questions, 'practice questions under 练一练').toBeGreaterThanOrEqual(2)
    expect(questions).toBeLessThanOrEqual(3)
  })

  const all = catalog.courses.flatMap((c) => c.lessons.map((l) => ({ course: c, lesson: l })))
  test.each(all.map((x) => [x.lesson.file ?? x.lesson.code, x] as const))('%s: nominal minutes fit its length', (_name, { course, lesson }) => {
    const pace = course.program === 'teacher-training' ? TEACHER_PACE : LEARNER_PACE
    const r = readability(lesson.content as DocNode, common)
    const range = minutesRange(r.length, practiceQuestions(lesson.content as DocNode), pace)
    expect(lesson.nominalMinutes, `${r.length} characters: ${range.min}–${range.max} minutes`).toBeGreaterThanOrEqual(range.min)
    expect(lesson.nominalMinutes, `${r.length} characters: ${range.min}–${range.max} minutes`).toBeLessThanOrEqual(range.max)
  })
})
