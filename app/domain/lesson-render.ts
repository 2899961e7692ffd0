/**
 * A lesson's Tiptap JSON → HTML, with Tiptap's static renderer through THE
 * lesson schema (app/domain/lesson-schema.ts). The server renders lessons
 * with it (learners get HTML, never the editor's JavaScript); the editor's
 * phone preview uses the same function. What is stored goes through
 * `cleanLessonDoc` first: an unknown node, attribute or mark, or an unsafe
 * address, renders nothing. Text and attribute values are escaped by the
 * renderer (and by `esc` below for the nodes drawn here).
 */
import { renderToHTMLString } from '@tiptap/static-renderer/pm/html-string'
import { lessonExtensions, isAudioSrc, isImageSrc, isSafeHref, isVideoSrc } from './lesson-schema.ts'
import { cleanLessonDoc } from './lesson-validate.ts'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const str = (v: unknown) => (typeof v === 'string' ? v : '')
const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null)

/** An uploaded picture (`/lesson-media/u-<hex>.webp`) also has its 640-px copy: the phone takes that one. */
export function imageSrcset(src: string, width: number | null): string | null {
  const m = /^(\/lesson-media\/u-[0-9a-f]{32})\.(webp|jpg)$/.exec(src)
  if (!m || (width !== null && width <= 640)) return null
  return `${m[1]}-640.${m[2]} 640w, ${src} ${width ?? 1280}w`
}

type PmLike = { attrs: Record<string, unknown> }
type Props = { node: PmLike; children?: string | string[] }
const joined = (children: Props['children']) => (Array.isArray(children) ? children.join('') : (children ?? ''))

function image({ node }: Props): string {
  const src = node.attrs.src
  if (!isImageSrc(src)) return ''
  const width = int(node.attrs.width)
  const height = int(node.attrs.height)
  const srcset = imageSrcset(src, width)
  const title = str(node.attrs.title)
  return (
    `<figure class="lesson-figure"><img src="${esc(src)}" alt="${esc(str(node.attrs.alt))}"` +
    (srcset ? ` srcset="${esc(srcset)}" sizes="(max-width: 700px) 100vw, 700px"` : '') +
    (width && height ? ` width="${width}" height="${height}"` : '') +
    ` loading="lazy" decoding="async"/>` +
    (title ? `<figcaption>${esc(title)}</figcaption>` : '') +
    `</figure>`
  )
}

function media(kind: 'audio' | 'video') {
  return ({ node }: Props): string => {
    const src = node.attrs.src
    if (typeof src !== 'string' || !(kind === 'audio' ? isAudioSrc(src) : isVideoSrc(src))) return ''
    const title = str(node.attrs.title)
    const label = title ? ` aria-label="${esc(title)}"` : ''
    return kind === 'audio'
      ? `<audio class="lesson-audio" controls preload="none" src="${esc(src)}"${label}></audio>`
      : `<video class="lesson-video" controls preload="metadata" playsinline src="${esc(src)}"${label}></video>`
  }
}

/** A table scrolls sideways inside its own box on a narrow phone; no column widths (the phone decides). */
function table({ children }: Props): string {
  return `<div class="table-wrap"><table><tbody>${joined(children)}</tbody></table></div>`
}

function link({ mark, children }: { mark: PmLike; children?: string | string[] }): string {
  const href = mark.attrs.href
  if (!isSafeHref(href)) return joined(children)
  const outside = /^https?:/i.test(href)
  return `<a href="${esc(href)}"${outside ? ' rel="noopener noreferrer nofollow" target="_blank"' : ''}>${joined(children)}</a>`
}

/** The lesson's HTML (a fragment; wrap it in the page's `.rich-text` box). */
export function renderLessonHtml(value: unknown): string {
  const doc = cleanLessonDoc(value)
  return renderToHTMLString({
    content: doc,
    extensions: lessonExtensions,
    options: {
      nodeMapping: { image, audio: media('audio'), video: media('video'), table },
      markMapping: { link },
      unhandledNode: () => '',
      unhandledMark: ({ children }: { children?: string | string[] }) => joined(children),
    },
  })
}
