/**
 * GET /api/v1/stats/person-times (api-v1.md "Person-times"): the figures of
 * app/models/person-times.server.ts, the same ones the bureau's dashboard
 * shows, for coordinators, bureau users and admins within their scope.
 */
import { STATS_READERS } from '#app/domain/roles.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { personTimeStats, programCodes } from '#app/models/person-times.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiRole, requireApiUser } from './auth.server.ts'
import { ApiError, json, readQuery, type ApiArgs } from './http.server.ts'
import { API_MESSAGES } from './messages.ts'
import { PersonTimesQuery, STATS_MESSAGES } from './schemas-stats.ts'

export async function readPersonTimes({ request }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  requireApiRole(user, STATS_READERS)
  const query = readQuery(request, PersonTimesQuery)
  const db = getDb()
  if (query.programCode && !(await programCodes(db)).includes(query.programCode)) {
    throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { programCode: STATS_MESSAGES.programCode })
  }
  const stats = await personTimeStats(
    db,
    { from: query.from, to: query.to },
    {
      scopes: scopesFor(user, STATS_READERS),
      groupBy: query.groupBy,
      programCode: query.programCode ?? null,
      unknownLabel: query.groupBy === 'none' ? '合计' : '未填写',
    },
  )
  return json({
    rows: stats.rows,
    totals: stats.totals,
    from: query.from,
    to: query.to,
    groupBy: query.groupBy,
    ...(query.programCode ? { programCode: query.programCode } : {}),
  })
}
