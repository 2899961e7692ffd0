/**
 * A lesson as Markdown with YAML front matter (content/catalog/lessons/<course>/NN-slug.md)
 * → the lesson's Tiptap JSON, the same document shape the coordinators' editor
 * stores and app/components/rich-text.tsx renders. Pure: no file system; the
 * caller checks that referenced media exist and are small enough.
 *
 * ```markdown
 * ---
 * code: SC-WH-102-03          # the lesson code (never changes)
 * course: SC-WH-102           # must be the folder's name
 * position: 3                 # order in the course; must be the file's NN
 * title: 看懂村里的通知
 * minutes: 20                 # nominal minutes (the online-credit cap is based on them)
 * audio: /lesson-media/x.mp3  # optional: a recording of the lesson
 * licence: CC BY 4.0          # optional: only when it differs from content/README.md
 * ---
 * ## 小标题
 * 短句。**重点**和*提示*。
 * ```
 *
 * Markdown is parsed with mdast-util-from-markdown (CommonMark) plus GFM
 * tables, and only what the renderer draws is accepted: headings (## and ###),
 * paragraphs, bold, italic, links (http(s) or this site's /… addresses),
 * line breaks, bullet and ordered lists, block quotes (the recap), rules
 * (---), images on a line of their own (from /lesson-media/, with alt text)
 * and simple tables: exactly what THE lesson schema (app/domain/lesson-schema.ts)
 * allows, and parseCatalog checks the result against it. Anything else (HTML,
 * code, # headings, javascript: links) is an error naming the line, so a
 * lesson never silently loses text.
 */
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table'
import { gfmTable } from 'micromark-extension-gfm-table'
import { isMap, LineCounter, parseDocument } from 'yaml'
import { z } from 'zod'
import { CODE } from './catalog-codes.ts'
import { AUDIO_SRC, IMAGE_SRC, MEDIA_PREFIX } from './lesson-media.ts'
import { isSafeHref } from './lesson-schema.ts'
import { readableMessage } from './policy.ts'

export { AUDIO_SRC, IMAGE_SRC, MAX_AUDIO_BYTES, MAX_IMAGE_BYTES, MEDIA_PREFIX } from './lesson-media.ts'

export type TiptapMark = { type: 'bold' | 'italic' } | { type: 'link'; attrs: { href: string } }
export type TiptapNode = { type: string; attrs?: Record<string, unknown>; content?: TiptapNode[]; text?: string; marks?: TiptapMark[] }
export type LessonDoc = { type: 'doc'; content: TiptapNode[] }

const frontSchema = z.strictObject({
  code: z.string().regex(CODE, 'must be upper-case letters, digits or "-" (2–40 characters)'),
  course: z.string().regex(CODE, 'must be a course code'),
  position: z.number().int().min(1).max(99),
  title: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  minutes: z.number().int().min(1).max(600),
  audio: z.string().regex(AUDIO_SRC, `must be a file under ${MEDIA_PREFIX} (.mp3, .m4a or .ogg)`).optional(),
  licence: z.string().trim().min(1).max(200).optional(),
})
export type LessonFront = z.output<typeof frontSchema>

export type LessonIssue = { line: number; message: string }
export type MediaRef = { src: string; line: number; kind: 'image' | 'audio' }
export type ParsedLesson = { front: LessonFront; doc: LessonDoc; media: MediaRef[] }
export type LessonParse = { ok: true; lesson: ParsedLesson } | { ok: false; issues: LessonIssue[] }

type MdNode = {
  type: string
  children?: MdNode[]
  value?: string
  depth?: number
  ordered?: boolean | null
  start?: number | null
  url?: string
  alt?: string | null
  title?: string | null
  position?: { start: { line: number } }
}

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/

/** A soft line break inside a paragraph: nothing between two Chinese characters, a space otherwise. */
function joinLines(text: string): string {
  return text.replace(/[ \t]*\n[ \t]*/g, (_m, offset: number, all: string) => {
    const before = all[offset - 1] ?? ''
    const after = all[offset + _m.length] ?? ''
    return CJK.test(before) || CJK.test(after) ? '' : ' '
  })
}

const UNSUPPORTED: Record<string, string> = {
  linkReference: 'write links as [text](https://…); reference links are not supported',
  definition: 'link definitions are not supported',
  html: 'HTML is not allowed in lessons',
  code: 'code blocks are not supported in lessons',
  inlineCode: 'code (`…`) is not supported in lessons',
  imageReference: 'write images as ![说明](/lesson-media/name.svg)',
  footnoteReference: 'footnotes are not supported',
  footnoteDefinition: 'footnotes are not supported',
  delete: 'strike-through is not supported',
}

function convert(root: MdNode, lineOffset: number) {
  const issues: LessonIssue[] = []
  const media: MediaRef[] = []
  const lineOf = (n: MdNode) => (n.position?.start.line ?? 1) + lineOffset
  const refuse = (n: MdNode, message: string) => {
    issues.push({ line: lineOf(n), message })
  }

  const inline = (nodes: MdNode[], marks: TiptapMark[] = []): TiptapNode[] => {
    const out: TiptapNode[] = []
    for (const n of nodes) {
      switch (n.type) {
        case 'text': {
          const text = joinLines(n.value ?? '')
          if (text) out.push(marks.length ? { type: 'text', text, marks: [...marks] } : { type: 'text', text })
          break
        }
        case 'strong':
          out.push(...inline(n.children ?? [], marks.some((m) => m.type === 'bold') ? marks : [...marks, { type: 'bold' }]))
          break
        case 'emphasis':
          out.push(...inline(n.children ?? [], marks.some((m) => m.type === 'italic') ? marks : [...marks, { type: 'italic' }]))
          break
        case 'break':
          out.push({ type: 'hardBreak' })
          break
        case 'link':
          if (!isSafeHref(n.url)) refuse(n, `link "${n.url ?? ''}" must start with http:// or https://, or be an address on this site (/…)`)
          else if (marks.some((m) => m.type === 'link')) refuse(n, 'a link inside a link')
          else out.push(...inline(n.children ?? [], [...marks, { type: 'link', attrs: { href: n.url } }]))
          break
        case 'image':
          refuse(n, 'put an image on a line of its own (a paragraph with nothing else)')
          break
        default:
          refuse(n, UNSUPPORTED[n.type] ?? `"${n.type}" is not supported in lessons`)
      }
    }
    // Neighbouring text with the same marks becomes one node (soft breaks split them in mdast).
    const merged: TiptapNode[] = []
    for (const node of out) {
      const last = merged[merged.length - 1]
      if (last && last.type === 'text' && node.type === 'text' && JSON.stringify(last.marks ?? []) === JSON.stringify(node.marks ?? [])) {
        last.text = `${last.text}${node.text}`
      } else merged.push(node)
    }
    return merged
  }

  const paragraph = (n: MdNode): TiptapNode | null => {
    const content = inline(n.children ?? [])
    return content.length ? { type: 'paragraph', content } : null
  }

  const image = (n: MdNode): TiptapNode | null => {
    const src = n.url ?? ''
    const alt = (n.alt ?? '').trim()
    if (!IMAGE_SRC.test(src)) {
      refuse(n, `image "${src}" must be a file under ${MEDIA_PREFIX} (lower-case name; .svg, .webp, .avif, .png or .jpg); no outside addresses`)
      return null
    }
    if (!alt) {
      refuse(n, 'an image needs a short description: ![说明](…) (read aloud and shown when the picture does not load)')
      return null
    }
    media.push({ src, line: lineOf(n), kind: 'image' })
    return { type: 'image', attrs: { src, alt, ...(n.title ? { title: n.title } : {}) } }
  }

  /** Blocks inside a list item or quote: paragraphs and nested lists only. */
  const nested = (nodes: MdNode[], where: string): TiptapNode[] =>
    nodes.flatMap((n) => {
      if (n.type === 'paragraph') return paragraph(n) ?? []
      if (n.type === 'list') return list(n)
      refuse(n, UNSUPPORTED[n.type] ?? `"${n.type}" is not supported inside ${where}`)
      return []
    })

  const list = (n: MdNode): TiptapNode => {
    const items = (n.children ?? []).map((item) => {
      const content = nested(item.children ?? [], 'a list item')
      return { type: 'listItem', content: content.length ? content : [{ type: 'paragraph' }] }
    })
    if (!n.ordered) return { type: 'bulletList', content: items }
    return n.start && n.start !== 1 ? { type: 'orderedList', attrs: { start: n.start }, content: items } : { type: 'orderedList', content: items }
  }

  const table = (n: MdNode): TiptapNode => ({
    type: 'table',
    content: (n.children ?? []).map((row, r) => ({
      type: 'tableRow',
      content: (row.children ?? []).map((cell) => {
        const content = inline(cell.children ?? [])
        return { type: r === 0 ? 'tableHeader' : 'tableCell', content: [content.length ? { type: 'paragraph', content } : { type: 'paragraph' }] }
      }),
    })),
  })

  const blocks: TiptapNode[] = []
  for (const n of root.children ?? []) {
    switch (n.type) {
      case 'heading':
        if (n.depth === 2 || n.depth === 3) {
          const content = inline(n.children ?? [])
          if (content.length) blocks.push({ type: 'heading', attrs: { level: n.depth }, content })
          else refuse(n, 'a heading needs words')
        } else if (n.depth === 1) refuse(n, 'use ## for sections: the lesson title (front matter "title") is the only top heading')
        else refuse(n, 'only ## and ### headings are supported')
        break
      case 'paragraph': {
        const kids = n.children ?? []
        const meaningful = kids.filter((k) => !(k.type === 'text' && !(k.value ?? '').trim()))
        if (meaningful.length === 1 && meaningful[0]!.type === 'image') {
          const img = image(meaningful[0]!)
          if (img) blocks.push(img)
        } else {
          const p = paragraph(n)
          if (p) blocks.push(p)
        }
        break
      }
      case 'list':
        blocks.push(list(n))
        break
      case 'blockquote': {
        const content = nested(n.children ?? [], 'a quote')
        if (content.length) blocks.push({ type: 'blockquote', content })
        break
      }
      case 'table':
        blocks.push(table(n))
        break
      case 'thematicBreak':
        blocks.push({ type: 'horizontalRule' })
        break
      default:
        refuse(n, UNSUPPORTED[n.type] ?? `"${n.type}" is not supported in lessons`)
    }
  }
  return { blocks, issues, media }
}

/** The front matter's lines and where the Markdown body starts (1-based line of the body's first line). */
function splitFrontMatter(source: string): { yaml: string; body: string; bodyLine: number } | null {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const lines = text.split('\n')
  if (lines[0]?.trim() !== '---') return null
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---')
  if (end < 0) return null
  return { yaml: lines.slice(1, end).join('\n'), body: lines.slice(end + 1).join('\n'), bodyLine: end + 2 }
}

/**
 * Parses one lesson file. Issues carry the file's own line numbers (front
 * matter included); the caller adds the file name.
 */
export function parseLessonMarkdown(source: string): LessonParse {
  const parts = splitFrontMatter(source)
  if (!parts)
    return { ok: false, issues: [{ line: 1, message: 'must start with front matter between two "---" lines (code, course, position, title, minutes)' }] }
  const issues: LessonIssue[] = []

  // Front matter, with the line of each field for its error.
  const counter = new LineCounter()
  const yamlDoc = parseDocument(parts.yaml, { lineCounter: counter, prettyErrors: false })
  let front: LessonFront | null = null
  if (yamlDoc.errors.length) {
    for (const e of yamlDoc.errors)
      issues.push({ line: 1 + (e.linePos?.[0]?.line ?? 1), message: `front matter is not valid YAML: ${e.message.split('\n')[0]}` })
  } else {
    const result = frontSchema.safeParse(yamlDoc.toJS() ?? {}, { error: readableMessage })
    if (result.success) front = result.data
    else {
      for (const issue of result.error.issues) {
        const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path[0]
        let line = 1
        if (isMap(yamlDoc.contents) && typeof key === 'string') {
          const pair = yamlDoc.contents.items.find((p) => (p.key as { value?: unknown } | null)?.value === key)
          const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range
          if (range) line = 1 + counter.linePos(range[0]).line
        }
        const field = issue.path.length ? `"${issue.path.join('.')}" ` : ''
        const message =
          issue.code === 'unrecognized_keys'
            ? `unknown front matter field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
            : `front matter ${field}${issue.message}`
        issues.push({ line, message })
      }
    }
  }

  // Body.
  let root: MdNode
  try {
    root = fromMarkdown(parts.body, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] }) as unknown as MdNode
  } catch (error) {
    issues.push({ line: parts.bodyLine, message: `Markdown could not be read: ${(error as Error).message}` })
    return { ok: false, issues }
  }
  const converted = convert(root, parts.bodyLine - 1)
  issues.push(...converted.issues)
  if (!converted.blocks.length && !converted.issues.length) issues.push({ line: parts.bodyLine, message: 'the lesson has no text' })
  if (front?.audio) converted.media.unshift({ src: front.audio, line: 1 + lineOfKey(parts.yaml, 'audio'), kind: 'audio' })
  if (issues.length || !front) return { ok: false, issues: issues.sort((a, b) => a.line - b.line) }

  const content: TiptapNode[] = front.audio ? [{ type: 'audio', attrs: { src: front.audio } }, ...converted.blocks] : converted.blocks
  return { ok: true, lesson: { front, doc: { type: 'doc', content }, media: converted.media } }
}

function lineOfKey(yaml: string, key: string): number {
  const i = yaml.split('\n').findIndex((l) => l.startsWith(`${key}:`))
  return i < 0 ? 1 : i + 1
}
