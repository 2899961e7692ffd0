/**
 * Lesson text: Tiptap (ProseMirror) JSON rendered by React with an allow-list.
 * Only doc, paragraph, heading (levels 2–3), text with bold/italic marks,
 * bulletList/orderedList/listItem, hardBreak and blockquote are drawn; any
 * other node (script, iframe, image, link, unknown) is dropped with its
 * content, and any other mark is ignored (the text stays, plain). Text goes
 * through React, which escapes it; no HTML string is ever injected.
 */
import type { ReactNode } from 'react'

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
    default:
      return null
  }
}

/** Renders a lesson's Tiptap JSON; anything not in the allow-list is left out. */
export function RichText({ doc }: { doc: unknown }) {
  if (!isObject(doc) || doc.type !== 'doc') return null
  return <div className="rich-text">{children(doc, 'n')}</div>
}
