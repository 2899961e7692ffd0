import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { LessonEditorPage } from '#app/components/lesson-editor-page.tsx'
import { pageTitle } from '#app/utils/i18n.ts'
import { lessonEditorAction, lessonEditorLoader } from './coordinator.lesson-editor.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: data?.lesson ? `${data.lesson.title} · ${pageTitle(matches, 'lessonEditor.titleEdit')}` : pageTitle(matches, 'lessonEditor.titleEdit') },
]

/** One lesson of the course in the Tiptap editor. */
export const loader = (args: LoaderFunctionArgs) => lessonEditorLoader(args, false)
export const action = (args: ActionFunctionArgs) => lessonEditorAction(args, false)

export default function EditLesson() {
  const page = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return <LessonEditorPage {...page} actionData={actionData} />
}
