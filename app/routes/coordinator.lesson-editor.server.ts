/**
 * The lesson editor's loader and action, shared by its two pages
 * (coordinator.courses.$courseId_.lessons.new.tsx and
 * coordinator.courses.$courseId_.lessons.$lessonId.edit.tsx): the model
 * (app/models/lessons.server.ts) checks who may edit and what the lesson
 * may contain; this reads the form and answers. The form is multipart (the
 * JSON stays UTF-8) and its body ceiling is the upload one (body-limit.server.ts).
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { requireRole } from '#app/auth/permissions.server.ts'
import { CATALOG_MANAGERS } from '#app/domain/roles.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { LessonContentError, lessonForEditor, saveLesson } from '#app/models/lessons.server.ts'
import { UploadError } from '#app/models/uploads.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad, rethrowAsPage } from '#app/utils/page-errors.server.ts'
import { parseUploadForm } from '#app/utils/uploads.server.ts'

export async function lessonEditorLoader({ request, params }: LoaderFunctionArgs, isNew: boolean) {
  const user = await requireRole(request, CATALOG_MANAGERS)
  const page = await pageLoad(() => lessonForEditor(getDb(), user, params.courseId ?? '', isNew ? null : (params.lessonId ?? '')))
  return { ...page, saved: new URL(request.url).searchParams.has('saved') }
}

export type LessonEditorErrors = { title?: string; minutes?: string; content?: string[] }

export async function lessonEditorAction({ request, params, context }: ActionFunctionArgs, isNew: boolean) {
  const user = await requireRole(request, CATALOG_MANAGERS)
  const t = serverT(request, user.locale)
  let form: FormData
  try {
    form = await parseUploadForm(request, { fileFields: [] })
  } catch (error) {
    if (error instanceof UploadError) return data({ errors: { content: [t('lessonEditor.err.content')] } as LessonEditorErrors, values: null }, { status: 413 })
    throw error
  }
  const values = { title: String(form.get('title') ?? ''), minutes: String(form.get('minutes') ?? ''), content: String(form.get('content') ?? '') }
  const errors: LessonEditorErrors = {}
  const title = z.string().trim().min(1).max(100).safeParse(values.title)
  if (!title.success) errors.title = t('lessonEditor.err.title')
  const minutes = z.coerce.number().int().min(1).max(600).safeParse(values.minutes.trim())
  if (!minutes.success) errors.minutes = t('lessonEditor.err.minutes')
  if (!title.success || !minutes.success) return data({ errors, values }, { status: 422 })
  const courseId = params.courseId ?? ''
  try {
    const lesson = await saveLesson(getDb(), user, (context.ip as string | undefined) ?? null, courseId, isNew ? null : (params.lessonId ?? ''), {
      title: title.data,
      nominalMinutes: minutes.data,
      content: values.content,
    })
    return redirect(`/coordinator/courses/${encodeURIComponent(courseId)}/lessons/${encodeURIComponent(lesson.id)}/edit?saved=1`)
  } catch (error) {
    if (error instanceof LessonContentError) return data({ errors: { content: error.issues } as LessonEditorErrors, values }, { status: 422 })
    return rethrowAsPage(error)
  }
}
