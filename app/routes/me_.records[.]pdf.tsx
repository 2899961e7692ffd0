import type { LoaderFunctionArgs } from '@remix-run/node'
import { myRecordDownload } from '#app/utils/records-documents.server.ts'

/** GET /me/records.pdf: the signed-in learner's or teacher's own record. */
export const loader = ({ request }: LoaderFunctionArgs) => myRecordDownload(request, 'pdf')
