import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { HoursRecordView } from '#app/components/hours-record.tsx'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { loadOwnHoursRecord } from '#app/models/hours-record.server.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'records.title') }]

/** The learner's or teacher's own 学时档案 (not nested in /me: me.tsx has no Outlet). */
export const loader = withMessages(['common', 'outcomes', 'program', 'records'], async ({ request }: LoaderFunctionArgs) => {
  const user = await requireRole(request, SELF_ROLES)
  return { record: await loadOwnHoursRecord(getDb(), user, beijingDate(new Date())) }
})

export default function MyHoursRecord() {
  const { record } = useLoaderData<typeof loader>()
  const t = useT()
  if (!record) {
    return (
      <div className="narrow">
        <h1>{t('records.title')}</h1>
        <p className="card">{t('records.noPerson')}</p>
      </div>
    )
  }
  return <HoursRecordView record={record} downloadBase="/me/records" backTo="/me" />
}
