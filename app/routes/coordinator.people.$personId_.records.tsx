import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { HoursRecordView } from '#app/components/hours-record.tsx'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { loadPersonHoursRecord } from '#app/models/hours-record.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { pageTitle } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'records.title') }]

/** A person's 学时档案 as the coordinator sees it; a person out of scope is a 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, PEOPLE_MANAGERS)
  return { record: await pageLoad(() => loadPersonHoursRecord(getDb(), user, params.personId ?? '', beijingDate(new Date()))) }
}

export default function PersonHoursRecord() {
  const { record } = useLoaderData<typeof loader>()
  const base = `/coordinator/people/${record.person.id}`
  return <HoursRecordView record={record} downloadBase={`${base}/records`} backTo={base} showName />
}
