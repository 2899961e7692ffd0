/**
 * Classes (班级) and rounds (培训项目): the one model of the Group aggregate.
 * Every page, model and API handler finds a group here, and only inside the
 * caller's scope: a group outside it is answered like one that does not exist.
 */
import type { Prisma } from '#app/generated/prisma/client.ts'
import { STAFF_ROLES } from '#app/domain/roles.ts'
import { beijingDate, dateOnly } from '#app/domain/time.ts'
import { isUniqueViolation, type Db, type Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { groupScopeWhere, scopesFor, selfPersonId, type CurrentUser, type Scope } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { CatalogEditError } from './catalog.server.ts'
import { ForbiddenError, NotFoundError } from './errors.server.ts'

/**
 * A class or round by id, only inside the caller's scopes: null when it does not exist or lies
 * outside them (the caller answers 404 either way). Every group page and model finds its group here.
 */
export async function findGroupInScope<S extends Prisma.GroupSelect>(
  db: Db | Tx,
  scopes: Scope[],
  groupId: string,
  select: S,
): Promise<Prisma.GroupGetPayload<{ select: S }> | null> {
  const group = await db.group.findFirst({ where: { AND: [{ id: groupId }, groupScopeWhere(scopes)] }, select })
  return group as Prisma.GroupGetPayload<{ select: S }> | null
}

/** The same by the group's code (the API names classes and rounds by code): null when it does not exist or lies outside the scopes. */
export async function findGroupByCodeInScope<S extends Prisma.GroupSelect>(
  db: Db | Tx,
  scopes: Scope[],
  code: string,
  select: S,
): Promise<Prisma.GroupGetPayload<{ select: S }> | null> {
  const group = await db.group.findFirst({ where: { AND: [{ code }, groupScopeWhere(scopes)] }, select })
  return group as Prisma.GroupGetPayload<{ select: S }> | null
}

/** Classes and rounds in scope with their active enrollment counts (the coordinator's home). */
export async function listGroups(db: Db, opts: { scopes: Scope[] }) {
  return db.group.findMany({
    where: groupScopeWhere(opts.scopes),
    orderBy: [{ startDate: 'desc' }, { code: 'asc' }],
    select: {
      id: true,
      code: true,
      name: true,
      kind: true,
      startDate: true,
      endDate: true,
      program: { select: { code: true } },
      major: { select: { name: true } },
      region: { select: { name: true } },
      _count: { select: { enrollments: { where: { status: 'active' } } } },
    },
  })
}

const GROUP_EDIT_SELECT = {
  id: true,
  code: true,
  name: true,
  kind: true,
  majorId: true,
  regionId: true,
  organizationId: true,
  startDate: true,
  endDate: true,
  requiredMinutes: true,
  plannedConcentratedMinutes: true,
  plannedOnlineMinutes: true,
  plannedSchoolBasedMinutes: true,
  tags: true,
  roundCourses: { orderBy: { position: 'asc' as const }, select: { courseId: true } },
  program: { select: { minutesPerHour: true } },
  _count: { select: { enrollments: { where: { status: 'active' as const } } } },
} satisfies Prisma.GroupSelect

/** The class or round the edit form changes, in scope; NotFoundError otherwise. */
export async function findGroupForEdit(db: Db, scopes: Scope[], groupId: string) {
  const group = await findGroupInScope(db, scopes, groupId, GROUP_EDIT_SELECT)
  if (!group) throw new NotFoundError('group')
  return group
}

type Actor = { id: string; ip?: string | null }

export type GroupInput = {
  name: string
  majorId: string | null
  regionId: string
  organizationId: string | null
  startDate: Date
  endDate: Date | null
  requiredMinutes: number | null
  /** A round's programme and tags (classes: null and []): planned minutes per kind, tags, online modules in order. */
  plannedConcentratedMinutes: number | null
  plannedOnlineMinutes: number | null
  plannedSchoolBasedMinutes: number | null
  tags: string[]
  courseIds: string[]
}

/** What the audit records of a round's programme, next to groupAudit. */
const programmeAudit = (
  g: {
    plannedConcentratedMinutes: number | null
    plannedOnlineMinutes: number | null
    plannedSchoolBasedMinutes: number | null
    tags: string[]
  },
  courseIds: string[],
) => ({
  plannedConcentratedMinutes: g.plannedConcentratedMinutes,
  plannedOnlineMinutes: g.plannedOnlineMinutes,
  plannedSchoolBasedMinutes: g.plannedSchoolBasedMinutes,
  tags: g.tags,
  courseIds,
})

/** Replaces a round's online modules (RoundCourse) with `courseIds`, in that order. */
async function setRoundCourses(tx: Tx, groupId: string, courseIds: string[]) {
  await tx.roundCourse.deleteMany({ where: { groupId } })
  if (courseIds.length) await tx.roundCourse.createMany({ data: courseIds.map((courseId, position) => ({ groupId, courseId, position })) })
}

const groupAudit = (g: {
  code: string
  name: string
  kind: string
  majorId: string | null
  regionId: string
  organizationId: string | null
  startDate: Date
  endDate: Date | null
  requiredMinutes: number | null
}) => ({
  code: g.code,
  name: g.name,
  kind: g.kind,
  majorId: g.majorId,
  regionId: g.regionId,
  organizationId: g.organizationId,
  startDate: dateOnly(g.startDate),
  endDate: g.endDate ? dateOnly(g.endDate) : null,
  requiredMinutes: g.requiredMinutes,
})

/** A new class (skills-plus-credential) or round (teacher training); audited in the region's jurisdiction. */
export async function createGroup(db: Db, input: GroupInput & { code: string; kind: 'class' | 'round'; programId: string }, actor: Actor) {
  try {
    return await db.$transaction(async (tx) => {
      const { courseIds, ...row } = input
      const group = await tx.group.create({ data: { id: newId(), ...row }, include: { region: { select: { path: true } } } })
      await setRoundCourses(tx, group.id, courseIds)
      await recordAudit(tx, {
        actorId: actor.id,
        action: 'group.create',
        entityType: 'Group',
        entityId: group.id,
        after: { ...groupAudit(group), ...programmeAudit(group, courseIds) },
        ip: actor.ip,
        scopePath: group.region.path,
      })
      return group
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new CatalogEditError('code_taken')
    throw error
  }
}

/**
 * Changes a class or round (its code and kind stay); the major only while nobody is enrolled. A
 * round's active enrollments run to its new end date; moved to today or later, the enrollments
 * its close had completed run again (reopenExtendedRound).
 */
export async function updateGroup(db: Db, groupId: string, input: GroupInput, actor: Actor) {
  return db.$transaction(async (tx) => {
    const before = await tx.group.findUniqueOrThrow({
      where: { id: groupId },
      include: { roundCourses: { orderBy: { position: 'asc' }, select: { courseId: true } } },
    })
    if (before.majorId !== input.majorId && (await tx.enrollment.count({ where: { groupId, status: 'active' } })) > 0) {
      throw new CatalogEditError('major_locked')
    }
    const { courseIds, ...row } = input
    const after = await tx.group.update({ where: { id: groupId }, data: row, include: { region: { select: { path: true } } } })
    await setRoundCourses(tx, groupId, courseIds)
    if (after.kind === 'round' && after.endDate?.getTime() !== before.endDate?.getTime()) {
      await tx.enrollment.updateMany({ where: { groupId, status: 'active' }, data: { periodEnd: after.endDate } })
      await reopenExtendedRound(tx, after, actor)
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'group.update',
      entityType: 'Group',
      entityId: groupId,
      before: {
        ...groupAudit(before),
        ...programmeAudit(
          before,
          before.roundCourses.map((c) => c.courseId),
        ),
      },
      after: { ...groupAudit(after), ...programmeAudit(after, courseIds) },
      ip: actor.ip,
      scopePath: after.region.path,
    })
    return after
  })
}

/**
 * A round whose end date moves to today or later runs again: the enrollments its close had
 * completed (a frozen outcome, no certificate in force) are active again until the new end,
 * their frozen outcome let go, each audited. The nightly job closes them again when it passes.
 */
async function reopenExtendedRound(tx: Tx, round: { id: string; endDate: Date | null; region: { path: string } }, actor: Actor) {
  if (!round.endDate || dateOnly(round.endDate) < beijingDate(new Date())) return
  const closed = await tx.enrollment.findMany({
    where: { groupId: round.id, status: 'completed', frozenAt: { not: null }, certificates: { none: { status: { not: 'revoked' } } } },
    select: { id: true, finalOutcome: true, frozenAt: true },
  })
  if (closed.length === 0) return
  await tx.enrollment.updateMany({
    where: { id: { in: closed.map((e) => e.id) }, status: 'completed' },
    data: { status: 'active', finalOutcome: null, frozenAt: null, periodEnd: round.endDate },
  })
  for (const e of closed) {
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'enrollment.round_reopened',
      entityType: 'Enrollment',
      entityId: e.id,
      before: { status: 'completed', finalOutcome: e.finalOutcome, frozenAt: e.frozenAt?.toISOString() ?? null },
      after: { status: 'active', roundEnd: dateOnly(round.endDate) },
      ip: actor.ip,
      scopePath: round.region.path,
    })
  }
}

// ─── Reading through the API ───────────────────────────────────────────────

/**
 * The classes and rounds a caller may read through the API: staff those in
 * their scopes, learners and teachers those they are enrolled in;
 * ForbiddenError for a caller with neither.
 */
export function readableGroupsWhere(user: CurrentUser): Prisma.GroupWhereInput {
  const access: Prisma.GroupWhereInput[] = []
  const staff = scopesFor(user, STAFF_ROLES)
  if (staff.length > 0) access.push(groupScopeWhere(staff))
  const self = selfPersonId(user)
  if (self) access.push({ enrollments: { some: { personId: self } } })
  if (access.length === 0) throw new ForbiddenError()
  return { OR: access }
}

/** Every program with the classes and rounds of it the caller may read (GET /api/v1/programs). */
export async function listProgramsWithReadableGroups(db: Db, user: CurrentUser) {
  const where = readableGroupsWhere(user)
  return db.program.findMany({
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
}

/** A class or round by code with its teaching plan (courses and their tasks), if the caller may read it; NotFoundError otherwise. */
export async function findReadableGroupByCode(db: Db, user: CurrentUser, code: string) {
  const group = await db.group.findFirst({
    where: { AND: [{ code }, readableGroupsWhere(user)] },
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
  if (!group) throw new NotFoundError('group')
  return group
}

/**
 * One page of a class's or round's enrollments (GET /api/v1/groups/{code}/enrollments):
 * staff only (ForbiddenError otherwise), the group in the caller's scope (NotFoundError
 * otherwise, like a group that does not exist), ordered by startDate then id; `after`
 * is the sort key of the previous page's last item (app/domain/paging.ts).
 */
export async function listGroupEnrollmentsPage(db: Db, user: CurrentUser, code: string, opts: { after: readonly string[] | null; limit: number }) {
  const scopes = scopesFor(user, STAFF_ROLES)
  if (scopes.length === 0) throw new ForbiddenError()
  const group = await findGroupByCodeInScope(db, scopes, code, { id: true })
  if (!group) throw new NotFoundError('group')
  const [afterDate, afterId] = opts.after ?? []
  const after: Prisma.EnrollmentWhereInput =
    afterDate && afterId
      ? { OR: [{ startDate: { gt: new Date(`${afterDate}T00:00:00Z`) } }, { startDate: new Date(`${afterDate}T00:00:00Z`), id: { gt: afterId } }] }
      : {}
  const rows = await db.enrollment.findMany({
    where: { AND: [{ groupId: group.id }, after] },
    orderBy: [{ startDate: 'asc' }, { id: 'asc' }],
    take: opts.limit + 1,
    select: { id: true, personId: true, status: true, startDate: true, periodEnd: true, person: { select: { name: true } } },
  })
  return rows
}
