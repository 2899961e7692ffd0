import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { LessonEditorPage } from '#app/components/lesson-editor-page.tsx'
import { pageTitle } from '#app/utils/i18n.ts'
import { lessonEditorAction, lessonEditorLoader } from './coordinator.lesson-editor.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'lessonEditor.titleNew') }]

/** A new lesson at the end of the course, written in the Tiptap editor. */
export const loader = (args: LoaderFunctionArgs) => lessonEditorLoader(args, true)
export const action = (args: ActionFunctionArgs) => lessonEditorAction(args, true)

export default function NewLesson() {
  const page = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return <LessonEditorPage {...page} actionData={actionData} />
}
