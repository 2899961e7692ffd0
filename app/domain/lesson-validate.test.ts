import { describe, expect, test } from 'vitest'
import { renderLessonHtml } from './lesson-render.ts'
import { createTable } from '@tiptap/extension-table'
import { isSafeHref, lessonSchema, MARK_ATTRS, NODE_ATTRS } from './lesson-schema.ts'
import { checkLessonDoc, MAX_LESSON_CHARS, parseLessonJson } from './lesson-validate.ts'

const t = (text: string, marks?: unknown[]) => (marks ? { type: 'text', text, marks } : { type: 'text', text })
const p = (...content: unknown[]) => ({ type: 'paragraph', content })
const doc = (...content: unknown[]) => ({ type: 'doc', content })
const link = (href: string) => p(t('点这里', [{ type: 'link', attrs: { href } }]))
const IMG = '/lesson-media/u-0123456789abcdef0123456789abcdef.webp'

describe('lesson links', () => {
  test.each<[string, boolean]>([
    ['https://www.gov.cn/zhengce/', true],
    ['http://example.cn/a?b=1#c', true],
    ['/learn', true],
    ['#part-2', true],
    ['javascript:alert(1)', false],
    ['JavaScript:alert(1)', false],
    [' javascript:alert(1)', false],
    ['java\tscript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['vbscript:msgbox', false],
    ['//evil.example/x', false],
    ['https://user:pw@example.cn/', false],
    ['mailto:a@b.cn', false],
    ['foo', false],
    ['', false],
  ])('%j → %s', (href, ok) => {
    expect(isSafeHref(href)).toBe(ok)
  })
})

describe('lesson JSON on save', () => {
  const good: [string, unknown][] = [
    ['a paragraph', doc(p(t('先看标题。')))],
    ['headings 2 and 3', doc({ type: 'heading', attrs: { level: 2 }, content: [t('小标题')] }, { type: 'heading', attrs: { level: 3 }, content: [t('更小')] })],
    [
      'bold, italic and an https link',
      doc(p(t('重点', [{ type: 'bold' }, { type: 'italic' }]), t('官网', [{ type: 'link', attrs: { href: 'https://www.gov.cn/' } }]))),
    ],
    [
      "the editor's link attributes",
      doc(p(t('官网', [{ type: 'link', attrs: { href: '/learn', target: null, rel: 'noopener noreferrer nofollow', class: null, title: null } }]))),
    ],
    [
      'lists',
      doc(
        { type: 'bulletList', content: [{ type: 'listItem', content: [p(t('一'))] }] },
        { type: 'orderedList', attrs: { start: 3, type: null }, content: [{ type: 'listItem', content: [p(t('三'))] }] },
      ),
    ],
    ['an uploaded image', doc({ type: 'image', attrs: { src: IMG, alt: '玉米行距', title: null, width: 1280, height: 720 } })],
    ['a content image', doc({ type: 'image', attrs: { src: '/lesson-media/maize-spacing.svg', alt: '玉米' } })],
    [
      'audio by upload and by URL',
      doc(
        { type: 'audio', attrs: { src: '/lesson-media/u-0123456789abcdef0123456789abcdef.mp3' } },
        { type: 'audio', attrs: { src: 'https://cdn.example.cn/a.mp3' } },
      ),
    ],
    ['video by URL', doc({ type: 'video', attrs: { src: 'https://cdn.example.cn/a.mp4', title: '示范' } })],
    [
      'a table',
      doc({
        type: 'table',
        content: [
          { type: 'tableRow', content: [{ type: 'tableHeader', attrs: { colspan: 1, rowspan: 1, colwidth: null }, content: [p(t('作物'))] }] },
          { type: 'tableRow', content: [{ type: 'tableCell', attrs: { colspan: 1, rowspan: 1, colwidth: null }, content: [p(t('玉米'))] }] },
        ],
      }),
    ],
    ['hard break and rule', doc(p(t('一行'), { type: 'hardBreak' }, t('二行')), { type: 'horizontalRule' })],
  ]
  test.each(good)('accepts %s', (_name, value) => {
    const result = checkLessonDoc(value)
    expect(result.ok ? [] : result.issues).toEqual([])
  })

  const bad: [string, unknown, string][] = [
    ['a script node', doc({ type: 'script', content: [t('alert(1)')] }), '第 1 块：不认识的内容类型「script」'],
    ['an iframe', doc(p(t('a')), { type: 'iframe', attrs: { src: 'https://x.cn' } }), '第 2 块：不认识的内容类型「iframe」'],
    ['a code block (not in the schema)', doc({ type: 'codeBlock', content: [t('x')] }), '不认识的内容类型「codeBlock」'],
    ['a javascript: link', doc(link('javascript:alert(1)')), '链接只能以 http:// 或 https:// 开头'],
    ['a data: link', doc(link('data:text/html;base64,PHNjcmlwdD4=')), '链接只能以 http:// 或 https:// 开头'],
    ['onerror on an image', doc({ type: 'image', attrs: { src: IMG, alt: 'x', onerror: 'alert(1)' } }), '图片不能带属性「onerror」'],
    ['onclick on a paragraph', doc({ type: 'paragraph', attrs: { onclick: 'x()' }, content: [t('a')] }), '段落不能带属性「onclick」'],
    ['style on a heading', doc({ type: 'heading', attrs: { level: 2, style: 'x' }, content: [t('a')] }), '小标题不能带属性「style」'],
    [
      '__proto__ in attrs',
      JSON.parse('{"type":"doc","content":[{"type":"paragraph","attrs":{"__proto__":{"polluted":1}},"content":[{"type":"text","text":"a"}]}]}'),
      '段落不能带属性「__proto__」',
    ],
    ['constructor in attrs', doc({ type: 'paragraph', attrs: { constructor: 'x' }, content: [t('a')] }), '段落不能带属性「constructor」'],
    [
      '__proto__ as a node field',
      JSON.parse('{"type":"doc","content":[{"type":"paragraph","__proto__":{"x":1},"content":[{"type":"text","text":"a"}]}]}'),
      '有不允许的字段「__proto__」',
    ],
    ['an outside image', doc({ type: 'image', attrs: { src: 'https://evil.example/x.png', alt: 'x' } }), '只能用上传到本站的图片'],
    ['a data: image', doc({ type: 'image', attrs: { src: 'data:image/png;base64,iVBORw0KGgo=', alt: 'x' } }), '只能用上传到本站的图片'],
    ['an image without alt text', doc({ type: 'image', attrs: { src: IMG } }), '图片要写一句说明'],
    ['a javascript: video', doc({ type: 'video', attrs: { src: 'javascript:alert(1)' } }), '视频的「src」不对'],
    ['heading level 1', doc({ type: 'heading', attrs: { level: 1 }, content: [t('a')] }), '小标题的「level」不对'],
    ['an unknown mark', doc(p(t('a', [{ type: 'textStyle', attrs: { color: 'red' } }]))), '不认识的文字格式「textStyle」'],
    ['an event attribute on a link', doc(p(t('a', [{ type: 'link', attrs: { href: '/x', onmouseover: 'x()' } }]))), '链接不能带属性「onmouseover」'],
    ['a list item outside a list', doc({ type: 'listItem', content: [p(t('a'))] }), '内容的结构不对'],
    [
      'a table cell with an image',
      doc({ type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [{ type: 'image', attrs: { src: IMG, alt: 'x' } }] }] }] }),
      '表格的格子里只能写文字',
    ],
    ['an empty lesson', doc(p()), '课文是空的'],
    ['not a document', { type: 'paragraph' }, '内容不是课文'],
    ['raw HTML as text stays text (accepted)', doc(p(t('<script>alert(1)</script>'))), ''],
  ]
  test.each(bad)('refuses %s', (_name, value, message) => {
    const result = checkLessonDoc(value)
    if (message === '') expect(result.ok).toBe(true)
    else {
      expect(result.ok).toBe(false)
      expect(result.ok ? '' : result.issues.join('\n')).toContain(message)
    }
  })

  test('too deep and too long are refused before anything else', () => {
    let deep: unknown = p(t('a'))
    for (let i = 0; i < 20; i++) deep = { type: 'blockquote', content: [deep] }
    expect(checkLessonDoc(doc(deep))).toEqual({ ok: false, issues: [expect.stringContaining('嵌套太深')] })
    expect(parseLessonJson('x'.repeat(MAX_LESSON_CHARS + 1))).toEqual({ ok: false, issues: [expect.stringContaining('课文太长')] })
    expect(parseLessonJson('{not json')).toEqual({ ok: false, issues: [expect.stringContaining('不是有效的 JSON')] })
  })
})

describe('server rendering (Must show 5: what is stored renders inert)', () => {
  const hostile = doc(
    { type: 'heading', attrs: { level: 2 }, content: [t('标题<script>alert(1)</script>')] },
    { type: 'script', content: [t('alert(2)')] },
    { type: 'iframe', attrs: { src: 'https://evil.example' } },
    link('javascript:alert(3)'),
    { type: 'image', attrs: { src: IMG, alt: '" onerror="alert(4)', onerror: 'alert(5)' } },
    { type: 'image', attrs: { src: 'javascript:alert(6)', alt: 'x' } },
    JSON.parse('{"type":"paragraph","attrs":{"__proto__":{"onclick":"alert(7)"}},"content":[{"type":"text","text":"原型"}]}'),
    { type: 'paragraph', attrs: { onclick: 'alert(8)', style: 'background:url(javascript:alert(9))' }, content: [t('段落')] },
    { type: 'video', attrs: { src: 'data:video/mp4;base64,AAAA' } },
    p(t('外链', [{ type: 'link', attrs: { href: 'https://www.gov.cn/', onmouseover: 'alert(10)' } }])),
  )
  const html = renderLessonHtml(hostile)

  test.each<[string, RegExp]>([
    ['no script element', /<script/i],
    ['no iframe', /<iframe/i],
    ['no javascript: anywhere', /javascript:/i],
    ['no data: address', /data:/i],
    ['no event-handler attribute', /\son[a-z]+\s*=\s*["'a-z]/i],
    ['no style attribute', /\sstyle=/i],
    ['no unknown node text', /alert\(2\)/],
  ])('%s', (_name, pattern) => {
    expect(html).not.toMatch(pattern)
  })

  test('what is allowed stays, escaped', () => {
    expect(html).toContain('<h2>标题&lt;script&gt;alert(1)&lt;/script&gt;</h2>')
    expect(html).toContain('<p>点这里</p>')
    expect(html).toContain(`alt="&quot; onerror=&quot;alert(4)"`)
    expect(html).toContain('<p>原型</p>')
    expect(html).toContain('<p>段落</p>')
    expect(html).toContain('<a href="https://www.gov.cn/" rel="noopener noreferrer nofollow" target="_blank">外链</a>')
    expect(Object.prototype).not.toHaveProperty('onclick')
  })

  test.each<[string, unknown, string]>([
    ['not a doc', { type: 'script' }, '<p></p>'],
    ['null', null, '<p></p>'],
    ['a lone list item is dropped, the rest renders', doc(p(t('留下')), { type: 'listItem', content: [p(t('丢掉'))] }), '<p>留下</p>'],
    [
      'an uploaded image gets its phone copy',
      doc({ type: 'image', attrs: { src: IMG, alt: '图', width: 1280, height: 720 } }),
      `<figure class="lesson-figure"><img src="${IMG}" alt="图" srcset="${IMG.replace('.webp', '-640.webp')} 640w, ${IMG} 1280w" sizes="(max-width: 700px) 100vw, 700px" width="1280" height="720" loading="lazy" decoding="async"/></figure>`,
    ],
    [
      'audio',
      doc({ type: 'audio', attrs: { src: '/lesson-media/a.mp3' } }),
      '<audio class="lesson-audio" controls preload="none" src="/lesson-media/a.mp3"></audio>',
    ],
  ])('%s', (_name, value, expected) => {
    expect(renderLessonHtml(value)).toBe(expected)
  })
})

describe('the check agrees with the schema', () => {
  test('a document ProseMirror builds from every node and mark, serialized with all default attributes, passes', () => {
    const s = lessonSchema
    const para = (text: string) => s.node('paragraph', null, [s.text(text)])
    const node = s.node('doc', null, [
      s.node('heading', { level: 2 }, [s.text('标题')]),
      s.node('heading', { level: 3 }, [s.text('小节')]),
      s.node('paragraph', null, [
        s.text('粗', [s.marks.bold!.create()]),
        s.text('斜', [s.marks.italic!.create()]),
        s.node('hardBreak'),
        s.text('链接', [s.marks.link!.create({ href: 'https://www.gov.cn/' })]),
      ]),
      s.node('bulletList', null, [s.node('listItem', null, [para('一')])]),
      s.node('orderedList', { start: 2 }, [s.node('listItem', null, [para('二')])]),
      s.node('blockquote', null, [para('记住')]),
      s.node('horizontalRule'),
      s.node('image', { src: IMG, alt: '图', width: 1280, height: 720 }),
      s.node('audio', { src: 'https://cdn.example.cn/a.mp3' }),
      s.node('video', { src: '/lesson-media/u-0123456789abcdef0123456789abcdef.mp4' }),
      createTable(s, 3, 2, true),
    ])
    const result = checkLessonDoc(node.toJSON())
    expect(result.ok ? [] : result.issues).toEqual([])
    expect(Object.keys(s.nodes).sort()).toEqual(Object.keys(NODE_ATTRS).sort())
    expect(Object.keys(s.marks).sort()).toEqual(Object.keys(MARK_ATTRS).sort())
    for (const [name, type] of Object.entries(s.nodes)) expect(Object.keys(type.spec.attrs ?? {}).sort(), name).toEqual(Object.keys(NODE_ATTRS[name]!).sort())
    for (const [name, type] of Object.entries(s.marks)) expect(Object.keys(type.spec.attrs ?? {}).sort(), name).toEqual(Object.keys(MARK_ATTRS[name]!).sort())
  })
})
