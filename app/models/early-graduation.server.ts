/**
 * Finding an early-graduation request for the API's decision endpoint
 * (POST /api/v1/early-graduation/{id}/decision). The rules of applying and
 * deciding are the records of study's (app/models/study-records.server.ts
 * requestEarlyGraduation / decideEarlyGraduation), shared with the pages.
 */
import type { Db, Tx } from '#app/utils/db.server.ts'
import { enrollmentAccessWhere, plausibleId, type CurrentUser } from './access.server.ts'
import { NotFoundError } from './errors.server.ts'
import { ACT_ON_RECORDS } from './study-records.server.ts'

/**
 * An early-graduation request the caller may decide: its enrollment's class or round in the
 * acting scope (NotFoundError otherwise, like an unknown id; ForbiddenError without a
 * coordinator or admin grant).
 */
export async function earlyGraduationRequestToDecide(db: Db | Tx, user: CurrentUser, requestId: unknown) {
  const where = enrollmentAccessWhere(user, ACT_ON_RECORDS)
  if (!plausibleId(requestId)) throw new NotFoundError('request')
  const request = await db.earlyGraduationRequest.findFirst({
    where: { id: requestId, enrollment: where },
    select: { id: true, enrollmentId: true, status: true },
  })
  if (!request) throw new NotFoundError('request')
  return request
}
