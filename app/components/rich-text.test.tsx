import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { renderLessonHtml } from '#app/domain/lesson-render.ts'
import { RichText } from './rich-text.tsx'

const html = (doc: unknown) => renderToStaticMarkup(<RichText html={renderLessonHtml(doc)} />)
const doc = (...content: unknown[]) => ({ type: 'doc', content })
const p = (...content: unknown[]) => ({ type: 'paragraph', content })
const text = (t: string, ...marks: string[]) => ({ type: 'text', text: t, ...(marks.length ? { marks: marks.map((type) => ({ type })) } : {}) })

describe('RichText: the server-rendered lesson (renderLessonHtml) in its box', () => {
  test.each([
    ['a paragraph', doc(p(text('玉米种植'))), '<div class="rich-text" data-testid="lesson-body"><p>玉米种植</p></div>'],
    [
      'bold and italic',
      doc(p(text('重要', 'bold'), text('注意', 'italic'), text('都', 'bold', 'italic'))),
      '<div class="rich-text" data-testid="lesson-body"><p><strong>重要</strong><em>注意</em><strong><em>都</em></strong></p></div>',
    ],
    [
      'headings 2 and 3; other levels become 2',
      doc({ type: 'heading', attrs: { level: 3 }, content: [text('小节')] }, { type: 'heading', attrs: { level: 1 }, content: [text('大')] }),
      '<div class="rich-text" data-testid="lesson-body"><h3>小节</h3><h2>大</h2></div>',
    ],
    [
      'lists, quote and a line break',
      doc(
        { type: 'bulletList', content: [{ type: 'listItem', content: [p(text('一'))] }] },
        { type: 'orderedList', content: [{ type: 'listItem', content: [p(text('二'), { type: 'hardBreak' }, text('三'))] }] },
        { type: 'blockquote', content: [p(text('引'))] },
      ),
      '<div class="rich-text" data-testid="lesson-body"><ul><li><p>一</p></li></ul><ol><li><p>二<br/>三</p></li></ol><blockquote><p>引</p></blockquote></div>',
    ],
    ['not a doc', { type: 'paragraph' }, '<div class="rich-text" data-testid="lesson-body"><p></p></div>'],
    ['garbage', 'hello', '<div class="rich-text" data-testid="lesson-body"><p></p></div>'],
  ])('%s', (_name, input, expected) => {
    expect(html(input)).toBe(expected)
  })

  test('script, iframe, an image from elsewhere and unknown nodes are dropped with their content', () => {
    const out = html(
      doc(
        p(text('前')),
        { type: 'script', content: [text('alert(1)')] },
        { type: 'iframe', attrs: { src: 'https://evil.example' } },
        { type: 'image', attrs: { src: 'x', onerror: 'alert(1)' } },
        { type: 'htmlBlock', text: '<img src=x onerror=alert(1)>' },
        p(text('后')),
      ),
    )
    expect(out).toBe('<div class="rich-text" data-testid="lesson-body"><p>前</p><p>后</p></div>')
  })

  test('images and audio from /lesson-media/ are drawn; from anywhere else they are dropped', () => {
    const out = html(
      doc(
        { type: 'image', attrs: { src: '/lesson-media/public-signs.svg', alt: '四个标志', onerror: 'alert(1)' } },
        { type: 'image', attrs: { src: 'https://evil.example/a.png', alt: 'x' } },
        { type: 'image', attrs: { src: '/lesson-media/../secret.svg', alt: 'x' } },
        { type: 'image', attrs: { src: 'javascript:alert(1)' } },
        { type: 'audio', attrs: { src: '/lesson-media/notice.mp3' } },
        { type: 'audio', attrs: { src: 'data:audio/mp3;base64,AAAA' } },
      ),
    )
    expect(out).toBe(
      '<div class="rich-text" data-testid="lesson-body"><figure class="lesson-figure"><img src="/lesson-media/public-signs.svg" alt="四个标志" loading="lazy" decoding="async"/></figure>' +
        '<audio class="lesson-audio" controls preload="none" src="/lesson-media/notice.mp3"></audio></div>',
    )
  })

  test('a simple table: header and body cells inside rows; rows or cells elsewhere are dropped', () => {
    const cell = (type: string, s: string) => ({ type, content: [p(text(s))] })
    const out = html(
      doc(
        {
          type: 'table',
          content: [
            { type: 'tableRow', content: [cell('tableHeader', '东西'), cell('tableHeader', '价钱')] },
            { type: 'tableRow', content: [cell('tableCell', '化肥'), cell('tableCell', '120 元'), cell('script', 'x')] },
            p(text('不是行')),
          ],
        },
        { type: 'tableRow', content: [cell('tableCell', '孤行')] },
        cell('tableCell', '孤格'),
      ),
    )
    expect(out).toBe(
      '<div class="rich-text" data-testid="lesson-body"><div class="table-wrap"><table><tbody>' +
        '<tr><th><p>东西</p></th><th><p>价钱</p></th></tr>' +
        '<tr><td><p>化肥</p></td><td><p>120 元</p></td></tr>' +
        '</tbody></table></div></div>',
    )
  })

  test('a javascript: link keeps its words as plain text and no link', () => {
    const out = html(doc(p({ type: 'text', text: '点我', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] })))
    expect(out).toBe('<div class="rich-text" data-testid="lesson-body"><p>点我</p></div>')
    expect(out).not.toMatch(/href|javascript/)
  })

  test('text that looks like HTML is escaped, attributes on known nodes are ignored', () => {
    const out = html(doc({ type: 'paragraph', attrs: { style: 'x', onclick: 'alert(1)' }, content: [text('<script>alert(1)</script>')] }))
    expect(out).toBe('<div class="rich-text" data-testid="lesson-body"><p>&lt;script&gt;alert(1)&lt;/script&gt;</p></div>')
  })
})
