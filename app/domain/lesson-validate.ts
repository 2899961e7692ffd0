/**
 * A lesson's Tiptap JSON against THE lesson schema (app/domain/lesson-schema.ts).
 *
 * - `checkLessonDoc` is the check on save: bounded size and depth first, then
 *   every node's shape (zod), its type, every attribute and its value, every
 *   mark, and finally ProseMirror itself (`Node.fromJSON` + `node.check()`,
 *   which knows what may contain what). Anything not allowed is refused, with
 *   a Chinese message naming the block and what is wrong: unknown node or mark
 *   types (`script`, `iframe`), unknown attributes (`onerror`, `style`,
 *   `__proto__`, `constructor`), `javascript:` or `data:` addresses, images
 *   from elsewhere.
 * - `cleanLessonDoc` is the renderer's guard for what is already stored (or
 *   arrives some other way): the same rules, but what fails is dropped — an
 *   unknown node with its content, a bad attribute, a bad mark (its text
 *   stays) — so it renders nothing rather than something unsafe.
 */
import { Node as PmNode } from '@tiptap/pm/model'
import { z } from 'zod'
import { MARK_ATTRS, MARK_NAMES, NODE_ATTRS, NODE_NAMES, REQUIRED_ATTRS, lessonSchema } from './lesson-schema.ts'

export type LessonJson = {
  type: string
  attrs?: Record<string, unknown>
  content?: LessonJson[]
  text?: string
  marks?: { type: string; attrs?: Record<string, unknown> }[]
}
export type LessonDoc = { type: 'doc'; content: LessonJson[] }
export type LessonCheck = { ok: true; doc: LessonDoc } | { ok: false; issues: string[] }

/** Bounds: a lesson is a phone page, not a book. */
export const MAX_LESSON_CHARS = 400_000
export const MAX_LESSON_DEPTH = 12
export const MAX_LESSON_NODES = 20_000
const MAX_ISSUES = 20

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k)
const NODE_KEYS = new Set(['type', 'attrs', 'content', 'text', 'marks'])
const MARK_KEYS = new Set(['type', 'attrs'])

const nodeShape = z.object({
  type: z.string().min(1).max(40),
  attrs: z.record(z.string(), z.unknown()).optional(),
  content: z.array(z.unknown()).max(5_000).optional(),
  text: z.string().max(20_000).optional(),
  marks: z
    .array(z.object({ type: z.string().min(1).max(40), attrs: z.record(z.string(), z.unknown()).optional() }))
    .max(10)
    .optional(),
})

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** How deep and how many nodes, without recursion (a hostile document cannot blow the stack here). */
function measure(value: unknown): { depth: number; nodes: number } {
  let depth = 0
  let nodes = 0
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length) {
    const [v, d] = stack.pop()!
    if (!isPlainObject(v)) continue
    nodes++
    if (d > depth) depth = d
    if (d > MAX_LESSON_DEPTH || nodes > MAX_LESSON_NODES) break
    if (Array.isArray(v.content)) for (const c of v.content) stack.push([c, d + 1])
  }
  return { depth, nodes }
}

const quote = (s: string) => `「${s.length > 30 ? `${s.slice(0, 30)}…` : s}」`
const nodeName = (type: string) => (hasOwn(NODE_NAMES, type) ? NODE_NAMES[type]! : quote(type))

type Mode = 'check' | 'clean'

/** What some containers may hold (ProseMirror decides the rest; this lets `clean` keep a table whose one row is wrong). */
const CHILDREN: Record<string, string[]> = {
  table: ['tableRow'],
  tableRow: ['tableCell', 'tableHeader'],
  bulletList: ['listItem'],
  orderedList: ['listItem'],
  tableCell: ['paragraph'],
  tableHeader: ['paragraph'],
}

/**
 * One walk for both modes. In `check` mode it collects issues; in `clean`
 * mode it returns the allowed part (null = drop this node).
 */
function walk(value: unknown, where: string, mode: Mode, issues: string[]): LessonJson | null {
  const refuse = (message: string) => {
    if (issues.length < MAX_ISSUES) issues.push(`${where}：${message}`)
    return null
  }
  if (!isPlainObject(value)) return refuse('不是一个内容块')
  for (const key of Object.keys(value)) {
    if (!NODE_KEYS.has(key)) {
      if (mode === 'check') refuse(`有不允许的字段${quote(key)}`)
    }
  }
  const shape = nodeShape.safeParse(value)
  if (!shape.success) return refuse('格式不对')
  // zod checked the shape; keys are read from the raw JSON (zod's copy would turn an own
  // "__proto__" key into a prototype and hide it).
  const node = value as unknown as LessonJson
  const type = node.type
  if (!hasOwn(NODE_ATTRS, type)) return refuse(`不认识的内容类型${quote(type)}，课文里不能用`)
  const name = nodeName(type)

  // Attributes: each one known for this type, and its value allowed.
  const allowed = NODE_ATTRS[type]!
  const attrs: Record<string, unknown> = {}
  for (const key of Object.keys(node.attrs ?? {})) {
    const v = node.attrs![key]
    if (!hasOwn(allowed, key)) {
      if (mode === 'check') refuse(`${name}不能带属性${quote(key)}`)
      continue
    }
    const problem = allowed[key]!(v)
    if (problem) {
      if (mode === 'check') refuse(`${name}的${quote(key)}不对：${problem}`)
      continue
    }
    if (v !== undefined) attrs[key] = v
  }
  for (const key of REQUIRED_ATTRS[type] ?? []) {
    const v = attrs[key]
    if (v === undefined || v === null || v === '') {
      if (mode === 'clean') return null
      if (!issues.some((i) => i.startsWith(`${where}：${name}的${quote(key)}`)))
        refuse(type === 'image' && key === 'alt' ? '图片要写一句说明（朗读和图片打不开时用）' : `${name}缺少${quote(key)}`)
    }
  }

  if (type === 'text') {
    if (typeof node.text !== 'string' || node.text === '') return refuse('文字是空的')
    if (node.content) return refuse('文字里不能再有内容块')
    const marks: NonNullable<LessonJson['marks']> = []
    for (const mark of node.marks ?? []) {
      for (const key of Object.keys(mark)) if (!MARK_KEYS.has(key) && mode === 'check') refuse(`格式有不允许的字段${quote(key)}`)
      if (!hasOwn(MARK_ATTRS, mark.type)) {
        if (mode === 'check') refuse(`不认识的文字格式${quote(mark.type)}`)
        continue
      }
      const markName = MARK_NAMES[mark.type]!
      const markAllowed = MARK_ATTRS[mark.type]!
      const markAttrs: Record<string, unknown> = {}
      let bad = false
      for (const key of Object.keys(mark.attrs ?? {})) {
        const v = mark.attrs![key]
        if (!hasOwn(markAllowed, key)) {
          if (mode === 'check') refuse(`${markName}不能带属性${quote(key)}`)
          continue
        }
        const problem = markAllowed[key]!(v)
        if (problem) {
          if (mode === 'check') refuse(key === 'href' ? `${problem}（现在是${quote(String(v))}）` : `${markName}的${quote(key)}：${problem}`)
          if (key === 'href') bad = true
          continue
        }
        if (v !== undefined) markAttrs[key] = v
      }
      for (const key of REQUIRED_ATTRS[mark.type] ?? []) {
        if (markAttrs[key] === undefined || markAttrs[key] === null) {
          if (!bad && mode === 'check') refuse(`${markName}缺少${quote(key)}`)
          bad = true
        }
      }
      if (bad) continue
      marks.push(Object.keys(markAttrs).length ? { type: mark.type, attrs: markAttrs } : { type: mark.type })
    }
    return marks.length ? { type: 'text', text: node.text, marks } : { type: 'text', text: node.text }
  }

  if (node.text !== undefined && mode === 'check') refuse(`${name}不能直接带文字`)
  if (node.marks?.length && mode === 'check') refuse(`${name}不能带文字格式`)
  const out: LessonJson = { type }
  if (Object.keys(attrs).length) out.attrs = attrs
  if (node.content) {
    const content: LessonJson[] = []
    node.content.forEach((child, i) => {
      const childWhere = type === 'doc' ? `第 ${i + 1} 块` : `${where} › 第 ${i + 1} 项`
      // Drawing what is stored: a child that can never sit here (a paragraph as a table row) goes alone.
      if (mode === 'clean' && hasOwn(CHILDREN, type) && !(isPlainObject(child) && CHILDREN[type]!.includes(String(child.type)))) return
      // A table cell holds paragraphs only (a "simple table").
      if ((type === 'tableCell' || type === 'tableHeader') && isPlainObject(child) && child.type !== 'paragraph') {
        if (mode === 'check') refuse('表格的格子里只能写文字')
        return
      }
      const c = walk(child, childWhere, mode, issues)
      if (c) content.push(c)
    })
    out.content = content
  }
  return out
}

/** The check on save. `value` is the parsed JSON the editor posted (or any value). */
export function checkLessonDoc(value: unknown): LessonCheck {
  if (!isPlainObject(value) || value.type !== 'doc') return { ok: false, issues: ['内容不是课文（需要编辑器生成的 JSON 文档）'] }
  const { depth, nodes } = measure(value)
  if (depth > MAX_LESSON_DEPTH) return { ok: false, issues: [`内容嵌套太深（最多 ${MAX_LESSON_DEPTH} 层）`] }
  if (nodes > MAX_LESSON_NODES) return { ok: false, issues: [`内容太多（最多 ${MAX_LESSON_NODES} 个内容块）`] }
  const issues: string[] = []
  const doc = walk(value, '课文', 'check', issues)
  if (issues.length || !doc) return { ok: false, issues: issues.length ? issues : ['内容不是课文'] }
  try {
    const node = PmNode.fromJSON(lessonSchema, doc)
    node.check()
    if (!node.textContent.trim() && !hasMedia(doc)) return { ok: false, issues: ['课文是空的：请写几句话，或放一张图片'] }
  } catch (error) {
    return { ok: false, issues: [`内容的结构不对（例如列表项不在列表里、表格外有表格行）：${(error as Error).message}`] }
  }
  return { ok: true, doc: doc as LessonDoc }
}

/** The editor's hidden field: JSON text, at most MAX_LESSON_CHARS. */
export function parseLessonJson(text: unknown): LessonCheck {
  if (typeof text !== 'string' || !text.trim()) return { ok: false, issues: ['课文是空的'] }
  if (text.length > MAX_LESSON_CHARS) return { ok: false, issues: [`课文太长（JSON 最多 ${MAX_LESSON_CHARS / 1000} K 字符）：分成几课吧`] }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, issues: ['内容不是有效的 JSON（请用编辑器保存）'] }
  }
  return checkLessonDoc(value)
}

function hasMedia(doc: LessonJson): boolean {
  if (doc.type === 'image' || doc.type === 'audio' || doc.type === 'video') return true
  return (doc.content ?? []).some(hasMedia)
}

/**
 * The allowed part of any value, for rendering: unknown or unsafe pieces are
 * dropped; blocks ProseMirror still refuses (a list item outside a list) are
 * dropped one by one. Always a document ProseMirror accepts (maybe empty).
 */
export function cleanLessonDoc(value: unknown): PmNode {
  const empty = () => PmNode.fromJSON(lessonSchema, { type: 'doc', content: [{ type: 'paragraph' }] })
  if (!isPlainObject(value) || value.type !== 'doc') return empty()
  const { depth, nodes } = measure(value)
  if (depth > MAX_LESSON_DEPTH || nodes > MAX_LESSON_NODES) return empty()
  const doc = walk(value, '课文', 'clean', [])
  if (!doc) return empty()
  try {
    const node = PmNode.fromJSON(lessonSchema, doc)
    node.check()
    return node
  } catch {
    const blocks = (doc.content ?? []).filter((block) => {
      try {
        PmNode.fromJSON(lessonSchema, { type: 'doc', content: [block] }).check()
        return true
      } catch {
        return false
      }
    })
    return blocks.length ? PmNode.fromJSON(lessonSchema, { type: 'doc', content: blocks }) : empty()
  }
}
