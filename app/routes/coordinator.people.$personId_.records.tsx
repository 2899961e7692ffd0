import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { requirePersonInScope, requireRole } from '#app/auth/permissions.server.ts'
import { HoursRecordView } from '#app/components/hours-record.tsx'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import { loadHoursRecord } from '#app/models/records.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'records.title') }]

/** A person's 学时档案 as the coordinator sees it; a person out of scope is a 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, PEOPLE_MANAGERS)
  const person = await requirePersonInScope(user, params.personId ?? '', PEOPLE_MANAGERS)
  return { record: await loadHoursRecord(getDb(), person.id, beijingDate(new Date())) }
}

export default function PersonHoursRecord() {
  const { record } = useLoaderData<typeof loader>()
  const base = `/coordinator/people/${record.person.id}`
  return <HoursRecordView record={record} downloadBase={`${base}/records`} backTo={base} showName />
}
