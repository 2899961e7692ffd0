import type { ActionFunctionArgs } from '@remix-run/node'
import { requireRole } from '#app/auth/permissions.server.ts'
import { CATALOG_MANAGERS } from '#app/domain/roles.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { LessonUploadError, uploadLessonImage, uploadLessonMedia } from '#app/models/lessons.server.ts'
import { UploadError } from '#app/models/uploads.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { rethrowAsPage } from '#app/utils/page-errors.server.ts'
import { readUploadForm } from '#app/utils/uploads.server.ts'

/**
 * POST (multipart, field `file`; `?kind=image` or `?kind=media`): a picture,
 * recording or video for a lesson, from the lesson editor. Answers JSON:
 * `{ src, width, height }` for a picture, `{ src, kind }` for a recording or
 * video, `{ error }` (Chinese) with 413/422 when refused.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, CATALOG_MANAGERS)
  const t = serverT(request, user.locale)
  const kind = new URL(request.url).searchParams.get('kind') === 'media' ? 'media' : 'image'
  const ip = (context.ip as string | undefined) ?? null
  try {
    const { file } = await readUploadForm(request, { file: 'file' })
    if (!file) return Response.json({ error: t('lessonEditor.uploadFailed', { reason: '没有选文件' }) }, { status: 422 })
    const stored = kind === 'image' ? await uploadLessonImage(getDb(), user, ip, file) : await uploadLessonMedia(getDb(), user, ip, file)
    return Response.json(stored)
  } catch (error) {
    if (error instanceof UploadError) return Response.json({ error: error.message }, { status: 413 })
    if (error instanceof LessonUploadError) return Response.json({ error: error.describe(t) }, { status: error.code === 'too_large' ? 413 : 422 })
    return rethrowAsPage(error)
  }
}
