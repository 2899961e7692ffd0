import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { EnrollmentList } from '#app/components/enrollment-list.tsx'
import { listEnrollmentsOfPerson } from '#app/models/enrollments.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { useT } from '#app/utils/i18n.ts'

/** Learner and teacher home: their own enrollments, nothing else. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ['learner', 'teacher'])
  const enrollments = user.personId ? await listEnrollmentsOfPerson(getDb(), user.personId) : []
  return { name: user.displayName, enrollments }
}

export default function MyLearning() {
  const { name, enrollments } = useLoaderData<typeof loader>()
  const t = useT()
  return (
    <div className="narrow">
      <h1>{t('me.greeting', { name })}</h1>
      <h2>{t('me.title')}</h2>
      {enrollments.length === 0 ? <p className="card">{t('me.none')}</p> : null}
      <EnrollmentList enrollments={enrollments} />
    </div>
  )
}
