import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFound, requireUser } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { graduationVerifierPaths } from '#app/models/certificates.server.ts'
import { evidenceKeyForViewer } from '#app/models/exemptions.server.ts'
import { uploadResponse } from '#app/models/uploads.server.ts'
import { getDb } from '#app/utils/db.server.ts'

/**
 * An exemption's evidence (photo inline, PDF as a download), only for its applicant, a coordinator whose
 * scope holds the class, or a prefecture verifier over it once a graduation certificate awaits or has its stamp; else 404.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const key = await evidenceKeyForViewer(getDb(), params.exemptionId ?? '', {
    personId: user.personId,
    scopes: scopesFor(user, PEOPLE_MANAGERS),
    verifierPaths: graduationVerifierPaths(user.grants),
  })
  if (!key) throw notFound()
  return uploadResponse(key)
}
