/**
 * Lesson text: Tiptap (ProseMirror) JSON rendered by React with an allow-list.
 * Only doc, paragraph, heading (levels 2–3), text with bold/italic marks,
 * bulletList/orderedList/listItem, hardBreak, blockquote, simple tables
 * (table/tableRow/tableHeader/tableCell), and images and audio whose address
 * is one of the app's own lesson files (/lesson-media/…, IMAGE_SRC and
 * AUDIO_SRC in app/domain/lesson-media.ts) are drawn; any other node
 * (script, iframe, an image from elsewhere, link, unknown) is dropped with its
 * content, and any other mark or attribute is ignored (the text stays,
 * plain). Text goes through React, which escapes it; no HTML string is ever
 * injected.
 */
import type { ReactNode } from 'react'
import { AUDIO_SRC, IMAGE_SRC } from '#app/domain/lesson-media.ts'

type Json = { type?: unknown; text?: unknown; attrs?: unknown; marks?: unknown; content?: unknown }

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function children(node: Json, keyPrefix: string): ReactNode[] {
  if (!Array.isArray(node.content)) return []
  return node.content.map((child, i) => renderNode(child, `${keyPrefix}.${i}`))
}

function renderText(node: Json, key: string): ReactNode {
  if (typeof node.text !== 'string' || node.text === '') return null
  let out: ReactNode = node.text
  const marks = Array.isArray(node.marks) ? node.marks.filter(isObject).map((m) => m.type) : []
  if (marks.includes('italic')) out = <em>{out}</em>
  if (marks.includes('bold')) out = <strong>{out}</strong>
  return <span key={key}>{out}</span>
}

/** A simple table: rows of header or body cells, nothing else (a row or cell outside a table is dropped). */
function renderTable(node: Json, key: string): ReactNode {
  const rows = Array.isArray(node.content) ? node.content.filter((r): r is Json => isObject(r) && r.type === 'tableRow') : []
  if (!rows.length) return null
  return (
    <div key={key} className="table-wrap">
      <table>
        <tbody>
          {rows.map((row, i) => (
            <tr key={`${key}.${i}`}>
              {(Array.isArray(row.content) ? row.content : []).filter(isObject).map((cell, j) => {
                const k = `${key}.${i}.${j}`
                if (cell.type === 'tableHeader') return <th key={k}>{children(cell, k)}</th>
                if (cell.type === 'tableCell') return <td key={k}>{children(cell, k)}</td>
                return null
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function renderNode(node: unknown, key: string): ReactNode {
  if (!isObject(node)) return null
  switch (node.type) {
    case 'text':
      return renderText(node, key)
    case 'paragraph':
      return <p key={key}>{children(node, key)}</p>
    case 'heading': {
      const level = isObject(node.attrs) ? (node.attrs as Record<string, unknown>).level : undefined
      return level === 3 ? <h3 key={key}>{children(node, key)}</h3> : <h2 key={key}>{children(node, key)}</h2>
    }
    case 'bulletList':
      return <ul key={key}>{children(node, key)}</ul>
    case 'orderedList':
      return <ol key={key}>{children(node, key)}</ol>
    case 'listItem':
      return <li key={key}>{children(node, key)}</li>
    case 'blockquote':
      return <blockquote key={key}>{children(node, key)}</blockquote>
    case 'hardBreak':
      return <br key={key} />
    case 'image': {
      const attrs = isObject(node.attrs) ? (node.attrs as Record<string, unknown>) : {}
      if (typeof attrs.src !== 'string' || !IMAGE_SRC.test(attrs.src)) return null
      const alt = typeof attrs.alt === 'string' ? attrs.alt : ''
      return (
        <figure key={key} className="lesson-figure">
          <img src={attrs.src} alt={alt} loading="lazy" decoding="async" />
        </figure>
      )
    }
    case 'audio': {
      const attrs = isObject(node.attrs) ? (node.attrs as Record<string, unknown>) : {}
      if (typeof attrs.src !== 'string' || !AUDIO_SRC.test(attrs.src)) return null
      return <audio key={key} className="lesson-audio" controls preload="none" src={attrs.src} />
    }
    case 'table':
      return renderTable(node, key)
    default:
      return null
  }
}

/** Renders a lesson's Tiptap JSON; anything not in the allow-list is left out. */
export function RichText({ doc }: { doc: unknown }) {
  if (!isObject(doc) || doc.type !== 'doc') return null
  return <div className="rich-text">{children(doc, 'n')}</div>
}
