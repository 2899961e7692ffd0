/**
 * API v1 catalog endpoints: GET /api/v1/programs and GET /api/v1/groups/{code}.
 * Staff (coordinator, bureau, admin) see the classes and rounds in their
 * scope; learners and teachers see the ones they are enrolled in. Any other
 * group answers 404, like one that does not exist (app/models/groups.server.ts
 * decides, for the pages too).
 */
import { decodeCursor, DEFAULT_PAGE_SIZE, pageOf } from '#app/domain/paging.ts'
import { minutesToHours } from '#app/domain/requirements.ts'
import { beijingDate, dateOnly, isIsoDate } from '#app/domain/time.ts'
import { findReadableGroupByCode, listGroupEnrollmentsPage, listProgramsWithReadableGroups } from '#app/models/groups.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiUser } from './auth.server.ts'
import { ApiError, json, readQuery, type ApiArgs } from './http.server.ts'
import { API_MESSAGES } from './messages.ts'
import { PageQuery } from './schemas-catalog.ts'

const date = (d: Date) => beijingDate(d)

/** GET /api/v1/programs */
export async function listPrograms({ request }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const programs = await listProgramsWithReadableGroups(getDb(), user)
  return json(
    programs.map((p) => ({
      code: p.code,
      name: p.name,
      minutesPerHour: p.minutesPerHour,
      groups: p.groups.map((g) => ({
        code: g.code,
        name: g.name,
        kind: g.kind,
        ...(g.major ? { majorCode: g.major.code } : {}),
        regionCode: g.region.code,
        startDate: date(g.startDate),
        ...(g.endDate ? { endDate: date(g.endDate) } : {}),
      })),
    })),
  )
}

/** GET /api/v1/groups/{code}: with a class's teaching plan (courses and their tasks). */
export async function readGroup({ request, params }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const group = await findReadableGroupByCode(getDb(), user, params.code ?? '')
  return json({
    code: group.code,
    name: group.name,
    programCode: group.program.code,
    kind: group.kind,
    ...(group.major ? { majorCode: group.major.code, majorName: group.major.name } : {}),
    regionCode: group.region.code,
    regionName: group.region.name,
    ...(group.organization ? { organizationCode: group.organization.code } : {}),
    startDate: date(group.startDate),
    ...(group.endDate ? { endDate: date(group.endDate) } : {}),
    ...(group.requiredMinutes != null ? { requiredHours: minutesToHours(group.requiredMinutes, group.program.minutesPerHour) } : {}),
    courses:
      group.kind === 'class' && group.major
        ? group.major.planItems.map(({ course: c }) => ({ code: c.code, name: c.name, credits: Number(c.credits), kind: c.kind, tasks: c.tasks }))
        : [],
  })
}

/** GET /api/v1/groups/{code}/enrollments?cursor&limit: staff only, the group in scope, ordered by startDate then id. */
export async function listGroupEnrollments({ request, params }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const query = readQuery(request, PageQuery)
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, 2)
  if (query.cursor !== undefined && (!after || !isIsoDate(after[0]!))) {
    throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { cursor: API_MESSAGES.cursorInvalid })
  }
  const limit = query.limit ?? DEFAULT_PAGE_SIZE
  const rows = await listGroupEnrollmentsPage(getDb(), user, params.code ?? '', { after, limit })
  const page = pageOf(rows, limit, (e) => [dateOnly(e.startDate), e.id])
  return json({
    items: page.items.map((e) => ({
      id: e.id,
      personId: e.personId,
      name: e.person.name,
      status: e.status,
      startDate: dateOnly(e.startDate),
      periodEnd: e.periodEnd ? dateOnly(e.periodEnd) : null,
    })),
    nextCursor: page.nextCursor,
  })
}
