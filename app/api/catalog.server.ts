/**
 * API v1 catalog endpoints: GET /api/v1/programs and GET /api/v1/groups/{code}.
 * Staff (coordinator, bureau, admin) see the classes and rounds in their
 * scope; learners and teachers see the ones they are enrolled in. Any other
 * group answers 404, like one that does not exist.
 */
import type { Prisma } from '#app/generated/prisma/client.ts'
import type { Role } from '#app/generated/prisma/enums.ts'
import { groupScopeWhere, scopesFor, type CurrentUser } from '#app/models/access.server.ts'
import { minutesToHours } from '#app/domain/requirements.ts'
import { beijingDate } from '#app/domain/time.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiUser } from './auth.server.ts'
import { ApiError, json, type ApiArgs } from './http.server.ts'
import { API_MESSAGES } from './messages.ts'

const STAFF: readonly Role[] = ['coordinator', 'bureau', 'admin']
const SELF: readonly Role[] = ['learner', 'teacher']

/** The groups a caller may read through the API; 403 for a caller with no such role. */
function visibleGroups(user: CurrentUser): Prisma.GroupWhereInput {
  const staff = scopesFor(user, STAFF)
  const access: Prisma.GroupWhereInput[] = []
  if (staff.length > 0) access.push(groupScopeWhere(staff))
  if (user.personId && user.grants.some((g) => SELF.includes(g.role))) access.push({ enrollments: { some: { personId: user.personId } } })
  if (access.length === 0) throw new ApiError('forbidden', API_MESSAGES.forbidden)
  return { OR: access }
}

const date = (d: Date) => beijingDate(d)

/** GET /api/v1/programs */
export async function listPrograms({ request }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const where = visibleGroups(user)
  const programs = await getDb().program.findMany({
    orderBy: { code: 'asc' },
    select: {
      code: true,
      name: true,
      minutesPerHour: true,
      groups: {
        where,
        orderBy: [{ startDate: 'desc' }, { code: 'asc' }],
        select: { code: true, name: true, kind: true, startDate: true, endDate: true, major: { select: { code: true } }, region: { select: { code: true } } },
      },
    },
  })
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
  const code = params.code ?? ''
  const group = await getDb().group.findFirst({
    where: { AND: [{ code }, visibleGroups(user)] },
    select: {
      code: true,
      name: true,
      kind: true,
      startDate: true,
      endDate: true,
      requiredMinutes: true,
      program: { select: { code: true, minutesPerHour: true } },
      region: { select: { code: true, name: true } },
      organization: { select: { code: true } },
      major: {
        select: {
          code: true,
          name: true,
          planItems: {
            where: { retiredAt: null, course: { retiredAt: null } },
            orderBy: [{ position: 'asc' }, { course: { code: 'asc' } }],
            select: {
              course: {
                select: {
                  code: true,
                  name: true,
                  credits: true,
                  kind: true,
                  tasks: { where: { retiredAt: null }, orderBy: [{ position: 'asc' }, { code: 'asc' }], select: { code: true, name: true, kind: true } },
                },
              },
            },
          },
        },
      },
    },
  })
  if (!group) throw new ApiError('not_found', API_MESSAGES.notFound)
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
