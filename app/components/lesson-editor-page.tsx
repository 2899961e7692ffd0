/**
 * The lesson editor's page (new and edit): title and minutes as plain
 * fields, the lesson body in the Tiptap editor, saved as its JSON in a
 * hidden field of a plain multipart form. The editor (app/components/lesson-editor.tsx,
 * Tiptap and its ProseMirror) is imported lazily and only after the page is
 * running in a browser, so it is its own chunk that only this page loads:
 * no learner page ever contains it. Without JavaScript the page says that
 * the editor needs it and shows the lesson as learners see it, read-only.
 */
import { Form, Link } from '@remix-run/react'
import { lazy, Suspense, useEffect, useState } from 'react'
import { Field } from '#app/components/ui/field.tsx'
import { useT } from '#app/utils/i18n.ts'

// Only the browser build imports the editor: in the server build the branch is gone (import.meta.env.SSR is
// a constant there), so the server bundle stays one file (its content/ paths are relative to it) and never
// loads Tiptap's view code.
type EditorModule = typeof import('./lesson-editor.tsx')
const LessonEditor = lazy((): Promise<EditorModule> =>
  import.meta.env.SSR ? Promise.resolve({ default: () => null } as unknown as EditorModule) : import('./lesson-editor.tsx'),
)

const EMPTY_DOC = { type: 'doc', content: [{ type: 'paragraph' }] }

export type LessonEditorPageProps = {
  course: { id: string; code: string; name: string; retired: boolean }
  lesson: {
    id: string
    code: string
    title: string
    nominalMinutes: number
    content: unknown
    html: string
    retired: boolean
    contentFile: string | null
  } | null
  saved: boolean
  actionData?: { errors: { title?: string; minutes?: string; content?: string[] }; values: { title: string; minutes: string; content: string } | null }
}

export function LessonEditorPage({ course, lesson, saved, actionData }: LessonEditorPageProps) {
  const t = useT()
  const [content, setContent] = useState(() => actionData?.values?.content || JSON.stringify(lesson?.content ?? EMPTY_DOC))
  const [mounted, setMounted] = useState(false)
  useEffect(() => setMounted(true), [])
  const errors = actionData?.errors
  const initial = (() => {
    try {
      return JSON.parse(content) as unknown
    } catch {
      return EMPTY_DOC
    }
  })()
  return (
    <>
      <p>
        <Link to={`/coordinator/courses/${course.id}`}>
          ← {t('lessonEditor.back')}：{course.name}
        </Link>
      </p>
      <h1>{lesson ? t('lessonEditor.titleEdit') : t('lessonEditor.titleNew')}</h1>
      {lesson ? <p className="muted mono">{lesson.code}</p> : null}
      {lesson?.contentFile ? (
        <p className="notice" role="note">
          {t('lessonEditor.contentWins', { file: lesson.contentFile })}
        </p>
      ) : null}
      {saved && !actionData ? (
        <p className="notice" role="status">
          {t('lessonEditor.saved')}
        </p>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="lesson-editor-form" aria-label={t('lessonEditor.body')}>
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <Field
            label={t('lessonEditor.lessonTitle')}
            id="lesson-title"
            name="title"
            required
            maxLength={100}
            defaultValue={actionData?.values?.title ?? lesson?.title ?? ''}
            error={errors?.title}
          />
          <Field
            label={t('lessonEditor.nominalMinutes')}
            id="lesson-minutes"
            name="minutes"
            inputMode="numeric"
            required
            defaultValue={actionData?.values?.minutes ?? String(lesson?.nominalMinutes ?? 15)}
            hint={t('lessonEditor.nominalMinutesHint')}
            error={errors?.minutes}
          />
        </div>
        <input type="hidden" name="content" value={content} />
        {errors?.content?.length ? (
          <div className="form-error" role="alert" data-testid="content-errors">
            {t('lessonEditor.err.content')}
            <ul>
              {errors.content.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {mounted ? (
          <Suspense fallback={<p className="muted">{t('lessonEditor.loading')}</p>}>
            <LessonEditor initial={initial} onChange={setContent} />
          </Suspense>
        ) : (
          <>
            <noscript>
              <p className="notice" role="note" data-testid="needs-js">
                {t('lessonEditor.needsJs')}
              </p>
            </noscript>
            <div className="phone-frame">
              {lesson?.html ? (
                <div className="rich-text" dangerouslySetInnerHTML={{ __html: lesson.html }} />
              ) : (
                <p className="muted">{t('lessonEditor.empty')}</p>
              )}
            </div>
          </>
        )}
        <button type="submit" className="block">
          {t('lessonEditor.save')}
        </button>
      </Form>
    </>
  )
}
