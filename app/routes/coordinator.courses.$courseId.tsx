import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { conformProps, Field, SelectField } from '#app/components/ui/field.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { COURSE_KINDS, TASK_KINDS } from '#app/domain/catalog-codes.ts'
import { courseEditSchemas } from '#app/domain/catalog-forms.ts'
import { CATALOG_MANAGERS } from '#app/domain/roles.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { addTask, CatalogEditError, catalogEditor, courseForEdit, updateCourse, updateTask } from '#app/models/catalog.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad, rethrowAsPage } from '#app/utils/page-errors.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'catalog.courses.title') }]

/** One course: its fields and its 作业/实操. A content course says that the next content sync puts the file back. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, CATALOG_MANAGERS)
  return pageLoad(() => courseForEdit(getDb(), user, params.courseId ?? ''))
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, CATALOG_MANAGERS)
  const editor = await pageLoad(async () => catalogEditor(user, context.ip))
  const courseId = params.courseId ?? ''
  const t = serverT(request, user.locale)
  const submission = parseWithZod(await request.formData(), { schema: courseEditSchemas(t) })
  const intent = submission.payload.intent
  const taskId = typeof submission.payload.taskId === 'string' ? submission.payload.taskId : null
  if (submission.status !== 'success') return data({ intent, taskId, result: submission.reply(), done: null }, { status: 422 })
  const db = getDb()
  const v = submission.value
  try {
    if (v.intent === 'course') {
      await updateCourse(db, editor, courseId, { name: v.name, credits: v.credits, kind: v.kind, retired: v.retired === 'on' })
      return { intent, taskId, result: submission.reply(), done: t('catalog.courses.saved') }
    }
    if (v.intent === 'addTask') {
      await addTask(db, editor, courseId, { code: v.code, name: v.name, kind: v.kind })
      return { intent, taskId, result: submission.reply({ resetForm: true }), done: t('catalog.tasks.added', { name: v.name }) }
    }
    await updateTask(db, editor, courseId, v.taskId, { name: v.name, kind: v.kind, retired: v.retired === 'on' })
    return { intent, taskId, result: submission.reply(), done: t('catalog.tasks.saved', { name: v.name }) }
  } catch (error) {
    if (v.intent === 'addTask' && error instanceof CatalogEditError && error.code === 'code_taken') {
      return data(
        { intent, taskId, result: submission.reply({ fieldErrors: { code: [t('catalog.error.taskCodeTaken', { code: v.code })] } }), done: null },
        { status: 409 },
      )
    }
    return rethrowAsPage(error)
  }
}

export default function CourseDetail() {
  const { canEdit, course, contentFile, tasks, lessonList } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const t = useT()
  const schema = courseEditSchemas(t)
  const [courseForm, courseFields] = useForm({
    id: 'course',
    lastResult: actionData?.intent === 'course' ? actionData.result : undefined,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    defaultValue: { name: course.name, credits: course.credits, kind: course.kind, retired: course.retired ? 'on' : undefined },
  })
  const [taskForm, taskFields] = useForm({
    id: 'add-task',
    lastResult: actionData?.intent === 'addTask' ? actionData.result : undefined,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    defaultValue: { code: `${course.code}-T${tasks.length + 1}` },
  })
  const { key: retiredKey, ...retiredProps } = getInputProps(courseFields.retired, { type: 'checkbox', value: 'on' })
  const taskError = (id: string) => (actionData?.intent === 'task' && actionData.taskId === id ? actionData.result.error : undefined)
  return (
    <>
      <p>
        <Link to="/coordinator/courses">← {t('catalog.courses.title')}</Link>
      </p>
      <h1>
        {course.name} {course.retired ? <span className="tag">{t('catalog.courses.retired')}</span> : null}
      </h1>
      <p className="muted">
        <span className="mono">{course.code}</span> · {course.program} · {t('catalog.courses.lessons', { count: course.lessons })} ·{' '}
        {t('catalog.courses.plans', { count: course.plans })}
      </p>
      {contentFile ? (
        <p className="notice" role="note" data-testid="content-wins">
          {t('catalog.courses.contentWins', { file: `content/catalog/${contentFile}` })}
        </p>
      ) : null}
      {actionData?.done ? (
        <p className="notice" role="status">
          {actionData.done}
        </p>
      ) : null}
      {canEdit ? null : (
        <p className="notice" role="note">
          {t('catalog.readOnly')}
        </p>
      )}
      <fieldset disabled={!canEdit} className="plain">
        <Form method="post" className="card" {...getFormProps(courseForm)} style={{ maxWidth: 560 }}>
          <input type="hidden" name="intent" value="course" />
          <Field
            label={t('catalog.courses.name')}
            error={courseFields.name.errors}
            maxLength={50}
            {...conformProps(getInputProps(courseFields.name, { type: 'text' }))}
            id={courseFields.name.id}
          />
          <div className="row">
            <SelectField
              label={t('catalog.courses.kind')}
              error={courseFields.kind.errors}
              {...conformProps(getSelectProps(courseFields.kind))}
              id={courseFields.kind.id}
            >
              {COURSE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`catalog.courses.kind.${k}`)}
                </option>
              ))}
            </SelectField>
            <Field
              label={t('catalog.courses.credits')}
              error={courseFields.credits.errors}
              inputMode="decimal"
              {...conformProps(getInputProps(courseFields.credits, { type: 'text' }))}
              id={courseFields.credits.id}
            />
          </div>
          <div className="field">
            <label>
              <input {...retiredProps} key={retiredKey} /> {t('catalog.courses.retire')}
            </label>
            <div className="hint">{t('catalog.courses.retireHint')}</div>
          </div>
          <button type="submit" className="block">
            {t('catalog.courses.save')}
          </button>
        </Form>

        <h2>{t('lessonEditor.listTitle')}</h2>
        {lessonList.length === 0 ? <p className="card">{t('lessonEditor.none')}</p> : null}
        {lessonList.length ? (
          <ol className="card" data-testid="lesson-list" style={{ paddingLeft: '2.2rem' }}>
            {lessonList.map((l) => (
              <li key={l.id}>
                {l.title} <span className="muted">· {t('lessonEditor.minutes', { minutes: l.nominalMinutes })}</span>
                {l.fromContent ? <span className="muted"> · {t('lessonEditor.fromContent')}</span> : null}
                {canEdit ? (
                  <>
                    {' '}
                    · <Link to={`/coordinator/courses/${course.id}/lessons/${l.id}/edit`}>{t('lessonEditor.edit')}</Link>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        ) : null}
        {canEdit ? (
          <p>
            <Link to={`/coordinator/courses/${course.id}/lessons/new`} className="button secondary">
              {t('lessonEditor.new')}
            </Link>
          </p>
        ) : null}

        <h2>{t('catalog.tasks.title')}</h2>
        {tasks.length === 0 ? (
          <p className="card">{t('catalog.tasks.none')}</p>
        ) : (
          <Table headers={[t('catalog.tasks.code'), t('catalog.tasks.name'), t('catalog.tasks.kind'), '']}>
            {tasks.map((task) => {
              const errors = taskError(task.id)
              return (
                <tr key={task.id}>
                  <td className="mono">{task.code}</td>
                  <td colSpan={3}>
                    <Form method="post" className="row" aria-label={task.code}>
                      <input type="hidden" name="intent" value="task" />
                      <input type="hidden" name="taskId" value={task.id} />
                      <Field
                        label={t('catalog.tasks.name')}
                        name="name"
                        defaultValue={task.name}
                        maxLength={100}
                        id={`task-${task.id}-name`}
                        error={errors?.name}
                      />
                      <SelectField label={t('catalog.tasks.kind')} name="kind" defaultValue={task.kind} id={`task-${task.id}-kind`} error={errors?.kind}>
                        {TASK_KINDS.map((k) => (
                          <option key={k} value={k}>
                            {t(`catalog.tasks.kind.${k}`)}
                          </option>
                        ))}
                      </SelectField>
                      <div className="field">
                        <label>
                          <input type="checkbox" name="retired" value="on" defaultChecked={task.retired} /> {t('catalog.tasks.retire')}
                        </label>
                      </div>
                      <div className="field">
                        <button type="submit" className="secondary">
                          {t('catalog.tasks.save')}
                        </button>
                      </div>
                    </Form>
                  </td>
                </tr>
              )
            })}
          </Table>
        )}

        <h3>{t('catalog.tasks.add')}</h3>
        <Form method="post" className="card" {...getFormProps(taskForm)} style={{ maxWidth: 560 }}>
          <input type="hidden" name="intent" value="addTask" />
          <Field
            label={t('catalog.tasks.code')}
            error={taskFields.code.errors}
            autoComplete="off"
            maxLength={40}
            {...conformProps(getInputProps(taskFields.code, { type: 'text' }))}
            id={taskFields.code.id}
          />
          <Field
            label={t('catalog.tasks.name')}
            error={taskFields.name.errors}
            maxLength={100}
            {...conformProps(getInputProps(taskFields.name, { type: 'text' }))}
            id={taskFields.name.id}
          />
          <SelectField
            label={t('catalog.tasks.kind')}
            error={taskFields.kind.errors}
            {...conformProps(getSelectProps(taskFields.kind))}
            id={taskFields.kind.id}
          >
            <option value="">—</option>
            {TASK_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`catalog.tasks.kind.${k}`)}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="block">
            {t('catalog.tasks.add')}
          </button>
        </Form>
      </fieldset>
    </>
  )
}
