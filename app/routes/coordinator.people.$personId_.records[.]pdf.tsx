import type { LoaderFunctionArgs } from '@remix-run/node'
import { personRecordDownload } from '#app/utils/records-documents.server.ts'

/** GET /coordinator/people/:personId/records.pdf (404 out of scope). */
export const loader = ({ request, params }: LoaderFunctionArgs) => personRecordDownload(request, params.personId ?? '', 'pdf')
