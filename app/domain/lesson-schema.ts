/**
 * THE lesson schema: the Tiptap extensions a lesson may use, shared by the
 * coordinators' editor (browser), the validation on save and the server
 * renderer (app/domain/lesson-render.ts), so the three can never disagree.
 * Browser-safe: no server imports (decision 012).
 *
 * Allowed: paragraphs, headings (levels 2 and 3; the lesson title is the only
 * h1), bullet and ordered lists, block quotes (the recap of imported
 * lessons), bold, italic, links (http/https or relative addresses), images
 * (only files this server holds, /lesson-media/…, with alt text), audio and
 * video (a file this server holds, or an http(s) address), a simple table,
 * hard breaks and horizontal rules. Nothing else: no code, strike-through,
 * underline, raw HTML, iframes or embeds.
 */
import { getSchema, mergeAttributes, Node, type Extensions } from '@tiptap/core'
import Image from '@tiptap/extension-image'
import { TableKit } from '@tiptap/extension-table'
import StarterKit from '@tiptap/starter-kit'
import { AUDIO_SRC, IMAGE_SRC, VIDEO_SRC } from './lesson-media.ts'

// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const UNSAFE_CHARS = /[\u0000-\u0020\u007f-\u009f\\]/

/** A link target a learner may follow: http(s) with a host, or an address on this site (/…, #…, ?…). */
export function isSafeHref(href: unknown): href is string {
  if (typeof href !== 'string' || href.length === 0 || href.length > 2000) return false
  // Control characters and whitespace can hide a scheme from naive checks (`java\tscript:`).
  if (UNSAFE_CHARS.test(href)) return false
  if (/^\/(?!\/)/.test(href) || href.startsWith('#') || href.startsWith('?')) return true
  return isHttpUrl(href)
}

/** An absolute http: or https: address with a host. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2000 || !/^https?:\/\//i.test(value)) return false
  if (UNSAFE_CHARS.test(value)) return false
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0 && !url.username && !url.password
  } catch {
    return false
  }
}

/** An image: one of this server's lesson files (uploaded or from content/media), never an outside address. */
export const isImageSrc = (src: unknown): src is string => typeof src === 'string' && IMAGE_SRC.test(src)
/** A recording: this server's file or an http(s) address. */
export const isAudioSrc = (src: unknown): src is string => typeof src === 'string' && (AUDIO_SRC.test(src) || isHttpUrl(src))
/** A video: this server's file or an http(s) address. */
export const isVideoSrc = (src: unknown): src is string => typeof src === 'string' && (VIDEO_SRC.test(src) || isHttpUrl(src))

const mediaAttributes = () => ({
  src: { default: null },
  title: { default: null },
})

/** A recording with the browser's own controls (an atom: no text inside). */
export const Audio = Node.create({
  name: 'audio',
  group: 'block',
  atom: true,
  draggable: true,
  addAttributes: mediaAttributes,
  parseHTML: () => [{ tag: 'audio[src]' }],
  renderHTML: ({ HTMLAttributes }) => ['audio', mergeAttributes({ controls: 'controls', preload: 'none', class: 'lesson-audio' }, HTMLAttributes)],
})

/** A video with the browser's own controls; plays inline on phones. */
export const Video = Node.create({
  name: 'video',
  group: 'block',
  atom: true,
  draggable: true,
  addAttributes: mediaAttributes,
  parseHTML: () => [{ tag: 'video[src]' }],
  renderHTML: ({ HTMLAttributes }) => [
    'video',
    mergeAttributes({ controls: 'controls', preload: 'metadata', playsinline: 'playsinline', class: 'lesson-video' }, HTMLAttributes),
  ],
})

/** The extensions of a lesson, in the editor and on the server alike. */
export const lessonExtensions: Extensions = [
  StarterKit.configure({
    heading: { levels: [2, 3] },
    code: false,
    codeBlock: false,
    strike: false,
    underline: false,
    link: {
      openOnClick: false,
      autolink: false,
      linkOnPaste: true,
      protocols: [],
      defaultProtocol: 'https',
      isAllowedUri: (url) => isSafeHref(url),
      HTMLAttributes: { target: null, rel: 'noopener noreferrer nofollow', class: null },
    },
  }),
  Image.configure({ inline: false, allowBase64: false }),
  TableKit.configure({ table: { resizable: false } }),
  Audio,
  Video,
]

/** The ProseMirror schema of a lesson (built once). */
export const lessonSchema = getSchema(lessonExtensions)

/** What each node type is called in messages to coordinators. */
export const NODE_NAMES: Record<string, string> = {
  doc: '文档',
  paragraph: '段落',
  text: '文字',
  heading: '小标题',
  bulletList: '项目列表',
  orderedList: '编号列表',
  listItem: '列表项',
  blockquote: '引用',
  hardBreak: '换行',
  horizontalRule: '分隔线',
  image: '图片',
  audio: '音频',
  video: '视频',
  table: '表格',
  tableRow: '表格行',
  tableHeader: '表头格',
  tableCell: '表格格子',
}
export const MARK_NAMES: Record<string, string> = { bold: '加粗', italic: '斜体', link: '链接' }

/** An attribute's check: null when the value is fine, else what is wrong (Chinese). */
type AttrCheck = (value: unknown) => string | null

const nullOr =
  (check: AttrCheck): AttrCheck =>
  (v) =>
    v === null || v === undefined ? null : check(v)
const shortText =
  (max: number): AttrCheck =>
  (v) =>
    typeof v === 'string' && v.length <= max ? null : `必须是不超过 ${max} 个字的文字`
const intIn =
  (min: number, max: number): AttrCheck =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? null : `必须是 ${min} 到 ${max} 之间的整数`
const oneOf =
  (...values: unknown[]): AttrCheck =>
  (v) =>
    values.includes(v) ? null : `只能是 ${values.map((x) => JSON.stringify(x)).join('、')}`

const cellAttrs: Record<string, AttrCheck> = {
  colspan: intIn(1, 10),
  rowspan: intIn(1, 10),
  align: nullOr(oneOf('left', 'center', 'right')),
  colwidth: nullOr((v) => (Array.isArray(v) && v.length <= 10 && v.every((w) => w === null || (Number.isInteger(w) && w > 0 && w < 2000)) ? null : '列宽不对')),
}

/**
 * Every attribute each node type may carry, and its check. A type missing
 * here is not allowed at all; an attribute missing here (onerror, style,
 * __proto__, …) is refused.
 */
export const NODE_ATTRS: Record<string, Record<string, AttrCheck>> = {
  doc: {},
  paragraph: {},
  text: {},
  heading: { level: oneOf(2, 3) },
  bulletList: {},
  orderedList: { start: intIn(1, 999), type: nullOr(oneOf('1', 'a', 'A', 'i', 'I')) },
  listItem: {},
  blockquote: {},
  hardBreak: {},
  horizontalRule: {},
  image: {
    src: (v) => (isImageSrc(v) ? null : '只能用上传到本站的图片（/lesson-media/…），不能用外面的地址'),
    alt: nullOr(shortText(200)),
    title: nullOr(shortText(200)),
    width: nullOr(intIn(1, 4000)),
    height: nullOr(intIn(1, 4000)),
  },
  audio: {
    src: (v) => (isAudioSrc(v) ? null : '只能是上传到本站的音频（mp3、m4a、ogg）或以 http:// 或 https:// 开头的地址'),
    title: nullOr(shortText(200)),
  },
  video: {
    src: (v) => (isVideoSrc(v) ? null : '只能是上传到本站的视频（mp4、webm）或以 http:// 或 https:// 开头的地址'),
    title: nullOr(shortText(200)),
  },
  table: {},
  tableRow: {},
  tableHeader: cellAttrs,
  tableCell: cellAttrs,
}

export const MARK_ATTRS: Record<string, Record<string, AttrCheck>> = {
  bold: {},
  italic: {},
  link: {
    href: (v) => (isSafeHref(v) ? null : '链接只能以 http:// 或 https:// 开头，或是本站的地址（以 / 开头）'),
    target: nullOr(oneOf('_blank')),
    rel: nullOr((v) => (typeof v === 'string' && /^[a-z ]{0,60}$/.test(v) ? null : '不对')),
    class: nullOr(oneOf(null)),
    title: nullOr(shortText(200)),
  },
}

/** Attributes that must be present (an image without a picture is nothing). */
export const REQUIRED_ATTRS: Record<string, string[]> = { image: ['src', 'alt'], audio: ['src'], video: ['src'], link: ['href'] }
