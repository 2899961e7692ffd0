/**
 * The Tiptap editor of a lesson, with its toolbar and a phone-frame preview
 * (360 px wide) drawn by the very renderer the server uses for learners
 * (renderLessonHtml, app/domain/lesson-render.ts), so what the coordinator
 * sees is what the learner gets. Loaded lazily by
 * app/components/lesson-editor-page.tsx only: Tiptap and ProseMirror never
 * reach a learner's phone. Every change hands the document's JSON up for the
 * form's hidden field; the server checks it again on save.
 */
import { EditorContent, useEditor, type Editor } from '@tiptap/react'
import { useId, useMemo, useRef, useState, type ChangeEvent, type ReactNode } from 'react'
import { renderLessonHtml } from '#app/domain/lesson-render.ts'
import { isHttpUrl, isSafeHref, lessonExtensions } from '#app/domain/lesson-schema.ts'
import { useT } from '#app/utils/i18n.ts'

type Props = { initial: unknown; onChange: (json: string) => void }

type Uploaded = { src: string; width?: number; height?: number; kind?: 'audio' | 'video'; error?: string }

async function upload(file: File, kind: 'image' | 'media'): Promise<Uploaded> {
  const body = new FormData()
  body.append('file', file)
  const res = await fetch(`/coordinator/lesson-media?kind=${kind}`, { method: 'POST', body, credentials: 'same-origin' })
  const data = (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as Uploaded
  if (!res.ok && !data.error) data.error = `HTTP ${res.status}`
  return data
}

function ToolButton({ label, active, onClick, disabled }: { label: string; active?: boolean; onClick: () => void; disabled?: boolean }) {
  return (
    <button
      type="button"
      className={active ? 'tool active' : 'tool'}
      aria-pressed={active === undefined ? undefined : active}
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
      disabled={disabled}
    >
      {label}
    </button>
  )
}

/** A file chooser that looks like a toolbar button (a label around a hidden input, so it has a name). */
function FileButton({ label, accept, onFile, disabled }: { label: string; accept: string; onFile: (file: File) => void; disabled?: boolean }) {
  const id = useId()
  return (
    <label className={disabled ? 'tool disabled' : 'tool'} htmlFor={id}>
      {label}
      <input
        id={id}
        type="file"
        accept={accept}
        className="tool-file"
        disabled={disabled}
        onChange={(e: ChangeEvent<HTMLInputElement>) => {
          const file = e.target.files?.[0]
          e.target.value = ''
          if (file) onFile(file)
        }}
      />
    </label>
  )
}

function Toolbar({ editor, setMessage }: { editor: Editor; setMessage: (m: string | null) => void }) {
  const t = useT()
  const [busy, setBusy] = useState(false)
  const chain = () => editor.chain().focus()
  const withUpload = async (file: File, kind: 'image' | 'media', insert: (u: Uploaded) => void) => {
    setBusy(true)
    setMessage(t('lessonEditor.uploading'))
    try {
      const u = await upload(file, kind)
      if (u.error) return setMessage(t('lessonEditor.uploadFailed', { reason: u.error }))
      setMessage(null)
      insert(u)
    } catch (error) {
      setMessage(t('lessonEditor.uploadFailed', { reason: (error as Error).message }))
    } finally {
      setBusy(false)
    }
  }
  const onImage = (file: File) =>
    withUpload(file, 'image', (u) => {
      const alt = (window.prompt(t('lessonEditor.tb.imageAlt')) ?? '').trim().slice(0, 200) || file.name.replace(/\.[a-z0-9]+$/i, '').slice(0, 200)
      chain()
        .insertContent({ type: 'image', attrs: { src: u.src, alt, width: u.width ?? null, height: u.height ?? null } })
        .run()
    })
  const onMedia = (file: File) =>
    withUpload(file, 'media', (u) =>
      chain()
        .insertContent({ type: u.kind ?? 'audio', attrs: { src: u.src } })
        .run(),
    )
  const onMediaUrl = () => {
    const url = window.prompt(t('lessonEditor.tb.mediaUrlPrompt'))?.trim()
    if (!url) return
    if (!isHttpUrl(url)) return setMessage(t('lessonEditor.tb.mediaBad'))
    setMessage(null)
    const kind = /\.(mp4|webm|m4v|mov)(\?|#|$)/i.test(url) ? 'video' : 'audio'
    chain()
      .insertContent({ type: kind, attrs: { src: url } })
      .run()
  }
  const onLink = () => {
    const previous = (editor.getAttributes('link').href as string | undefined) ?? ''
    const href = window.prompt(t('lessonEditor.tb.linkPrompt'), previous)
    if (href === null) return
    if (href.trim() === '') return void chain().extendMarkRange('link').unsetLink().run()
    if (!isSafeHref(href.trim())) return setMessage(t('lessonEditor.tb.linkBad'))
    setMessage(null)
    chain().extendMarkRange('link').setLink({ href: href.trim() }).run()
  }
  return (
    <div className="toolbar" role="toolbar" aria-label={t('lessonEditor.tb.label')}>
      <ToolButton label={t('lessonEditor.tb.paragraph')} active={editor.isActive('paragraph')} onClick={() => chain().setParagraph().run()} />
      <ToolButton label={t('lessonEditor.tb.h2')} active={editor.isActive('heading', { level: 2 })} onClick={() => chain().toggleHeading({ level: 2 }).run()} />
      <ToolButton label={t('lessonEditor.tb.h3')} active={editor.isActive('heading', { level: 3 })} onClick={() => chain().toggleHeading({ level: 3 }).run()} />
      <ToolButton label={t('lessonEditor.tb.bold')} active={editor.isActive('bold')} onClick={() => chain().toggleBold().run()} />
      <ToolButton label={t('lessonEditor.tb.italic')} active={editor.isActive('italic')} onClick={() => chain().toggleItalic().run()} />
      <ToolButton label={t('lessonEditor.tb.bullet')} active={editor.isActive('bulletList')} onClick={() => chain().toggleBulletList().run()} />
      <ToolButton label={t('lessonEditor.tb.ordered')} active={editor.isActive('orderedList')} onClick={() => chain().toggleOrderedList().run()} />
      <ToolButton label={t('lessonEditor.tb.quote')} active={editor.isActive('blockquote')} onClick={() => chain().toggleBlockquote().run()} />
      <ToolButton label={t('lessonEditor.tb.link')} active={editor.isActive('link')} onClick={onLink} />
      <FileButton label={t('lessonEditor.tb.image')} accept="image/jpeg,image/png,image/webp" onFile={(f) => void onImage(f)} disabled={busy} />
      <FileButton
        label={`${t('lessonEditor.tb.audio')}/${t('lessonEditor.tb.video')}`}
        accept="audio/mpeg,audio/mp4,audio/ogg,video/mp4,video/webm,.mp3,.m4a,.ogg,.mp4,.webm"
        onFile={(f) => void onMedia(f)}
        disabled={busy}
      />
      <ToolButton label={t('lessonEditor.tb.mediaUrl')} onClick={onMediaUrl} />
      <ToolButton label={t('lessonEditor.tb.table')} onClick={() => chain().insertTable({ rows: 3, cols: 2, withHeaderRow: true }).run()} />
      <ToolButton label={t('lessonEditor.tb.rule')} onClick={() => chain().setHorizontalRule().run()} />
      <ToolButton label={t('lessonEditor.tb.undo')} onClick={() => chain().undo().run()} disabled={!editor.can().undo()} />
    </div>
  )
}

export default function LessonEditor({ initial, onChange }: Props) {
  const t = useT()
  const [message, setMessage] = useState<string | null>(null)
  const [doc, setDoc] = useState<unknown>(initial)
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange
  const editor = useEditor({
    extensions: lessonExtensions,
    content: initial as object,
    immediatelyRender: false,
    shouldRerenderOnTransaction: true,
    editorProps: { attributes: { class: 'rich-text lesson-editor-area', 'aria-label': t('lessonEditor.body'), role: 'textbox', 'aria-multiline': 'true' } },
    onUpdate: ({ editor: e }) => {
      const json = e.getJSON()
      setDoc(json)
      onChangeRef.current(JSON.stringify(json))
    },
  })
  const preview = useMemo(() => renderLessonHtml(doc), [doc])
  let body: ReactNode = <p className="muted">{t('lessonEditor.loading')}</p>
  if (editor) {
    body = (
      <>
        <Toolbar editor={editor} setMessage={setMessage} />
        {message ? (
          <p className="form-error" role="status">
            {message}
          </p>
        ) : null}
        <EditorContent editor={editor} />
      </>
    )
  }
  return (
    <div className="lesson-editor">
      <div className="lesson-editor-main">{body}</div>
      <section className="lesson-editor-preview" aria-label={t('lessonEditor.preview')}>
        <h2>{t('lessonEditor.preview')}</h2>
        <div className="phone-frame" data-testid="phone-preview">
          <div className="rich-text" dangerouslySetInnerHTML={{ __html: preview }} />
        </div>
      </section>
    </div>
  )
}
