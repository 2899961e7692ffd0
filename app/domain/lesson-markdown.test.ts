import { describe, expect, test } from 'vitest'
import { parseLessonMarkdown, type TiptapNode } from './lesson-markdown.ts'

const FRONT = `---
code: SC-WH-102-03
course: SC-WH-102
position: 3
title: 看懂通知
minutes: 20
---
`
const body = (md: string) => parseLessonMarkdown(FRONT + md)
const docOf = (md: string): TiptapNode[] => {
  const r = body(md)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.lesson.doc.content
}
const t = (text: string, ...marks: ('bold' | 'italic')[]) => ({ type: 'text', text, ...(marks.length ? { marks: marks.map((type) => ({ type })) } : {}) })
const p = (...content: unknown[]) => ({ type: 'paragraph', content })
const li = (...content: unknown[]) => ({ type: 'listItem', content })

describe('Markdown → Tiptap JSON', () => {
  test.each<[string, string, unknown[]]>([
    ['a paragraph', '先看标题。', [p(t('先看标题。'))]],
    ['Chinese lines of one paragraph join without a space', '第一行，\n第二行。', [p(t('第一行，第二行。'))]],
    ['Latin lines join with a space', 'Hello\nworld', [p(t('Hello world'))]],
    ['bold and italic, nested', '**重点**和*提示*，***都有***', [p(t('重点', 'bold'), t('和'), t('提示', 'italic'), t('，'), t('都有', 'italic', 'bold'))]],
    ['a hard line break', '第一行\\\n第二行', [p(t('第一行'), { type: 'hardBreak' }, t('第二行'))]],
    [
      'headings ## and ###',
      '## 小标题\n\n### 更小',
      [
        { type: 'heading', attrs: { level: 2 }, content: [t('小标题')] },
        { type: 'heading', attrs: { level: 3 }, content: [t('更小')] },
      ],
    ],
    ['a bullet list', '- 一\n- 二', [{ type: 'bulletList', content: [li(p(t('一'))), li(p(t('二')))] }]],
    ['an ordered list keeps its start', '3. 三\n4. 四', [{ type: 'orderedList', attrs: { start: 3 }, content: [li(p(t('三'))), li(p(t('四')))] }]],
    ['an ordered list from 1 has no attrs', '1. 一\n2. 二', [{ type: 'orderedList', content: [li(p(t('一'))), li(p(t('二')))] }]],
    ['a nested list', '- 外\n  - 里', [{ type: 'bulletList', content: [li(p(t('外')), { type: 'bulletList', content: [li(p(t('里')))] })] }]],
    [
      'a link (https or this site), text kept with its marks',
      '看[**通知**](https://www.gov.cn/)和[首页](/learn)',
      [
        p(t('看'), { type: 'text', text: '通知', marks: [{ type: 'link', attrs: { href: 'https://www.gov.cn/' } }, { type: 'bold' }] }, t('和'), {
          type: 'text',
          text: '首页',
          marks: [{ type: 'link', attrs: { href: '/learn' } }],
        }),
      ],
    ],
    ['a rule between sections', '上\n\n***\n\n下', [p(t('上')), { type: 'horizontalRule' }, p(t('下'))]],
    ['a recap quote', '> 记住：**先看**日期。', [{ type: 'blockquote', content: [p(t('记住：'), t('先看', 'bold'), t('日期。'))] }]],
    [
      'an image on its own line',
      '![安全出口的标志](/lesson-media/sign-exit.svg)',
      [{ type: 'image', attrs: { src: '/lesson-media/sign-exit.svg', alt: '安全出口的标志' } }],
    ],
    [
      'a simple table: the first row is the header',
      '| 东西 | 价钱 |\n| --- | --- |\n| 化肥 | 120 元 |',
      [
        {
          type: 'table',
          content: [
            {
              type: 'tableRow',
              content: [
                { type: 'tableHeader', content: [p(t('东西'))] },
                { type: 'tableHeader', content: [p(t('价钱'))] },
              ],
            },
            {
              type: 'tableRow',
              content: [
                { type: 'tableCell', content: [p(t('化肥'))] },
                { type: 'tableCell', content: [p(t('120 元'))] },
              ],
            },
          ],
        },
      ],
    ],
  ])('%s', (_name, md, expected) => {
    expect(docOf(md)).toEqual(expected)
  })

  test('the front matter is read, and audio becomes the first node', () => {
    const r = parseLessonMarkdown(FRONT.replace('minutes: 20', 'minutes: 20\naudio: /lesson-media/notice.mp3') + '正文。')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.lesson.front).toEqual({
      code: 'SC-WH-102-03',
      course: 'SC-WH-102',
      position: 3,
      title: '看懂通知',
      minutes: 20,
      audio: '/lesson-media/notice.mp3',
    })
    expect(r.lesson.doc.content[0]).toEqual({ type: 'audio', attrs: { src: '/lesson-media/notice.mp3' } })
    expect(r.lesson.media).toEqual([{ src: '/lesson-media/notice.mp3', line: 7, kind: 'audio' }])
  })

  test('images are listed with their line, for the size check', () => {
    const r = body('第一段。\n\n![图](/lesson-media/a.svg)\n')
    expect(r.ok && r.lesson.media).toEqual([{ src: '/lesson-media/a.svg', line: 10, kind: 'image' }])
  })
})

describe('refused, with the line of the file', () => {
  // FRONT has 7 lines: the body starts on line 8.
  test.each<[string, string, { line: number; message: RegExp }]>([
    ['a javascript: link', '文字\n\n看[这里](javascript:alert(1))。', { line: 10, message: /must start with http:\/\/ or https:\/\// }],
    ['a data: link', '看[这里](data:text/html,x)。', { line: 8, message: /must start with http:\/\/ or https:\/\// }],
    ['raw HTML', '<script>alert(1)</script>', { line: 8, message: /HTML is not allowed/ }],
    ['inline HTML', '文字<b>粗</b>', { line: 8, message: /HTML is not allowed/ }],
    ['a # heading', '# 大标题', { line: 8, message: /use ## for sections/ }],
    ['a #### heading', '#### 太小', { line: 8, message: /only ## and ###/ }],
    ['a code block', '```\ncode\n```', { line: 8, message: /code blocks/ }],
    ['inline code', '按 `确定`', { line: 8, message: /code/ }],
    ['an outside image', '![图](https://example.com/a.png)', { line: 8, message: /must be a file under \/lesson-media\// }],
    ['an image without alt text', '![](/lesson-media/a.svg)', { line: 8, message: /needs a short description/ }],
    ['an image inside a sentence', '看图 ![图](/lesson-media/a.svg) 再说', { line: 8, message: /line of its own/ }],
    ['an image with an upper-case name', '![图](/lesson-media/A.svg)', { line: 8, message: /lower-case name/ }],
    ['a heading inside a list', '- ## 不行', { line: 8, message: /"heading" is not supported inside a list item/ }],
  ])('%s', (_name, md, expected) => {
    const r = body(md)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues).toContainEqual({ line: expected.line, message: expect.stringMatching(expected.message) })
  })

  test.each<[string, string, { line: number; message: RegExp }]>([
    ['no front matter', '## 正文', { line: 1, message: /must start with front matter/ }],
    ['front matter never closed', '---\ncode: A-1\n## 正文', { line: 1, message: /must start with front matter/ }],
    ['a missing field', FRONT.replace('minutes: 20\n', ''), { line: 1, message: /front matter "minutes" is required/ }],
    ['minutes as text', FRONT.replace('minutes: 20', 'minutes: 二十'), { line: 6, message: /"minutes" must be a number/ }],
    [
      'an unknown field, on its line',
      FRONT.replace('title: 看懂通知', 'title: 看懂通知\ncredits: 2'),
      { line: 6, message: /unknown front matter field "credits"/ },
    ],
    ['a bad code', FRONT.replace('code: SC-WH-102-03', 'code: sc-wh'), { line: 2, message: /"code" must be upper-case/ }],
    ['audio from outside', FRONT.replace('minutes: 20', 'minutes: 20\naudio: https://example.com/a.mp3'), { line: 7, message: /"audio" must be a file under/ }],
    ['broken YAML', '---\ncode: [\n---\n正文', { line: 2, message: /not valid YAML/ }],
    ['an empty body', FRONT, { line: 8, message: /no text/ }],
  ])('%s', (_name, source, expected) => {
    const r = parseLessonMarkdown(source.endsWith('---\n') && !source.includes('## 正文') && source !== FRONT ? `${source}正文。` : source)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues).toContainEqual({ line: expected.line, message: expect.stringMatching(expected.message) })
  })

  test('every problem of a file is reported at once, in line order', () => {
    const r = body('看[这里](x)。\n\n# 标题\n\n<div>x</div>')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues.map((i) => i.line)).toEqual([8, 10, 12])
  })
})
