import type { Prisma } from '#app/generated/prisma/client.ts'
import {
  enrollmentScopeWhere,
  findPersonInScope,
  groupScopeWhere,
  personScopeWhere,
  scopesFor,
  type CurrentUser,
  type Scope,
} from '#app/models/access.server.ts'
import { enrollmentConflict, planEnrollment, type EnrollmentRefusal } from '#app/domain/enrollment.ts'
import { ENROLLMENT_ACTORS, PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { formatDate, dateOnly } from '#app/domain/time.ts'
import type { T } from '#app/i18n/index.ts'
import { isUniqueViolation, type Db, type Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { ensureAccountFor } from './accounts.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, NotFoundError, type AppErrorKind } from './errors.server.ts'
import { findGroupByCodeInScope, findGroupInScope } from './groups.server.ts'
import { currentPolicyVersion } from './policies.server.ts'
import { closeEndedRounds, closingDay } from './rounds.server.ts'

/**
 * A person's classes and rounds, current ones first (learner home and the coordinator's person page).
 * Rounds that have ended are closed first (closeEndedRounds), so they read as completed.
 */
export async function listEnrollmentsOfPerson(db: Db, personId: string) {
  await closeEndedRounds(db, closingDay(), { personId })
  return db.enrollment.findMany({
    where: { personId },
    orderBy: [{ status: 'asc' }, { startDate: 'desc' }],
    select: {
      id: true,
      groupId: true,
      status: true,
      startDate: true,
      periodEnd: true,
      studyYears: true,
      program: { select: { code: true } },
      group: { select: { name: true, code: true, kind: true, majorId: true, major: { select: { name: true } } } },
    },
  })
}

/**
 * The coordinator's person page: the person's classes and rounds, each with `mayAct`, whether the
 * caller may open its record of study (its class or round in their acting scope, DESIGN.md §11;
 * the record page answers 404 otherwise). A coordinator who reads the person through their home
 * township sees a county round, say, without a link into it.
 */
export async function listEnrollmentsOfPersonForStaff(db: Db, user: CurrentUser, personId: string) {
  const scopes = scopesFor(user, ENROLLMENT_ACTORS)
  const [enrollments, actable] = await Promise.all([
    listEnrollmentsOfPerson(db, personId),
    scopes.length === 0 ? [] : db.enrollment.findMany({ where: { AND: [{ personId }, enrollmentScopeWhere(scopes, 'act')] }, select: { id: true } }),
  ])
  const mayAct = new Set(actable.map((e) => e.id))
  return enrollments.map((e) => ({ ...e, mayAct: mayAct.has(e.id) }))
}

const day = (d: string) => new Date(`${d}T00:00:00Z`)

/** What enrolling needs to know of a class or round (the caller has checked it is in scope). */
export const ENROLL_GROUP_SELECT = {
  id: true,
  code: true,
  name: true,
  kind: true,
  startDate: true,
  endDate: true,
  programId: true,
  program: { select: { code: true, enrollmentRule: true } },
  region: { select: { path: true } },
} as const satisfies Prisma.GroupSelect

export type EnrollGroup = Prisma.GroupGetPayload<{ select: typeof ENROLL_GROUP_SELECT }>

/** Why an enrollment was not made: the domain's refusals, plus the database's. */
export type EnrollRefusal = EnrollmentRefusal | { code: 'active_in_program'; groupName: string } | { code: 'not_found' }

/** Refused by the rules: a 409 when the stored enrollments stand in the way, a 422 on the start date or the person otherwise. */
export class EnrollmentError extends AppError {
  constructor(readonly refusal: EnrollRefusal | { code: 'already_enrolled'; enrollmentId: string }) {
    super(refusal.code)
    this.name = 'EnrollmentError'
  }
  get kind(): AppErrorKind {
    const code = this.refusal.code
    return code === 'already_enrolled' || code === 'active_in_program' ? 'conflict' : code === 'not_found' ? 'not_found' : 'validation_failed'
  }
  /** The request field (api-v1.md: personId, startDate) a 422 concerns. */
  override get field() {
    if (this.kind !== 'validation_failed') return undefined
    return this.refusal.code === 'before_group_start' || this.refusal.code === 'after_group_end' ? 'startDate' : 'personId'
  }
  override get extra() {
    // The enrollment already made, so a client can go on with it (api-v1.md: 409 with existingId).
    return this.refusal.code === 'already_enrolled' ? { existingId: this.refusal.enrollmentId } : undefined
  }
  describe(t: T) {
    return enrollRefusalMessage(t, this.refusal, t('refusal.locale') === 'en' ? 'en' : 'zh-CN')
  }
}

const ENROLLMENT_RESULT_SELECT = {
  id: true,
  startDate: true,
  periodEnd: true,
  studyYears: true,
  status: true,
  personId: true,
} as const satisfies Prisma.EnrollmentSelect

/** Why the person cannot be enrolled right now in the group, judged from what is stored. */
async function storedConflict(db: Db | Tx, personId: string, group: EnrollGroup): Promise<EnrollmentError | null> {
  const held = await db.enrollment.findMany({
    where: { personId, OR: [{ groupId: group.id }, { programId: group.programId, status: 'active' }] },
    orderBy: { createdAt: 'asc' },
    select: { id: true, groupId: true, status: true, group: { select: { name: true } } },
  })
  const conflict = enrollmentConflict(
    group.program.enrollmentRule,
    group.id,
    held.map((e) => ({ enrollmentId: e.id, groupId: e.groupId, groupName: e.group.name, status: e.status })),
  )
  return conflict ? new EnrollmentError(conflict) : null
}

/**
 * Enrolls one person in a class or round, in one transaction, audited: study
 * years and period from the domain rules, the program's current policy
 * version. Throws EnrollmentError when already enrolled in that group, active
 * in another group of a program whose rule is one_active_per_program (the
 * partial unique index Enrollment_one_active_if_exclusive also refuses a
 * concurrent second one), or refused by the rules (window, age, kind).
 */
export async function enrollPerson(db: Db, opts: { personId: string; group: EnrollGroup; startDate: string; actorId: string | null; ip?: string | null }) {
  const { group } = opts
  const person = await db.person.findUnique({
    where: { id: opts.personId },
    select: { id: true, name: true, birthDate: true, kind: true, priorEducation: true },
  })
  if (!person) throw new EnrollmentError({ code: 'not_found' })
  const conflict = await storedConflict(db, person.id, group)
  if (conflict) throw conflict
  const decision = planEnrollment({
    programCode: group.program.code,
    groupKind: group.kind,
    groupStart: dateOnly(group.startDate),
    groupEnd: group.endDate ? dateOnly(group.endDate) : null,
    startDate: opts.startDate,
    person: { birthDate: dateOnly(person.birthDate), kind: person.kind, priorEducation: person.priorEducation },
  })
  if (!decision.ok) throw new EnrollmentError(decision.refusal)
  const { plan } = decision
  try {
    return await db.$transaction(async (tx) => {
      const enrollment = await tx.enrollment.create({
        data: {
          id: newId(),
          personId: person.id,
          groupId: group.id,
          programId: group.programId,
          policyVersion: await currentPolicyVersion(tx, group.programId),
          startDate: day(plan.startDate),
          periodEnd: plan.periodEnd ? day(plan.periodEnd) : null,
          studyYears: plan.studyYears,
        },
        select: ENROLLMENT_RESULT_SELECT,
      })
      await recordAudit(tx, {
        actorId: opts.actorId,
        action: 'enrollment.create',
        entityType: 'Enrollment',
        entityId: enrollment.id,
        after: { personId: person.id, groupCode: group.code, ...plan },
        ip: opts.ip,
        scopePath: group.region.path,
      })
      // Everyone enrolled has an account (DESIGN.md §11): made here, in the same transaction, when the person has none.
      await ensureAccountFor(tx, person.id, { actorId: opts.actorId, ip: opts.ip })
      return enrollment
    })
  } catch (error) {
    // A concurrent enrollment won the race: say which rule it broke, never a 500.
    if (isUniqueViolation(error)) throw (await storedConflict(db, person.id, group)) ?? new EnrollmentError({ code: 'active_in_program', groupName: '' })
    throw error
  }
}

/** The staff who enroll people: a person and a group both in their scope. */
const ENROLLERS = PEOPLE_MANAGERS

/**
 * Enrolls a person in a class or round on behalf of `user`, as the person page and the API
 * do: the person (by id) and the group (by id from a form, by code from the API) must both
 * lie in the caller's scope — NotFoundError otherwise, the same as when they do not exist.
 */
export async function enrollPersonAs(
  db: Db,
  user: CurrentUser,
  opts: { personId: unknown; group: { id: string } | { code: string }; startDate: string; ip?: string | null },
) {
  const person = await findPersonInScope(db, user, opts.personId, ENROLLERS, { id: true })
  const scopes = scopesFor(user, ENROLLERS)
  const group =
    'id' in opts.group
      ? await findGroupInScope(db, scopes, opts.group.id, ENROLL_GROUP_SELECT)
      : await findGroupByCodeInScope(db, scopes, opts.group.code, ENROLL_GROUP_SELECT)
  if (!group) throw new NotFoundError('group')
  const enrollment = await enrollPerson(db, { personId: person.id, group, startDate: opts.startDate, actorId: user.id, ip: opts.ip })
  return { enrollment, group }
}

/** Classes and rounds in the caller's scope the person is not in yet, newest first (the enroll-one page's choice). */
export async function groupsToEnrollIn(db: Db, user: CurrentUser, personId: string, take = 200) {
  const groups = await db.group.findMany({
    where: { AND: [groupScopeWhere(scopesFor(user, ENROLLERS)), { enrollments: { none: { personId } } }] },
    orderBy: [{ startDate: 'desc' }, { code: 'asc' }],
    select: { id: true, code: true, name: true, kind: true, startDate: true, endDate: true },
    take,
  })
  return groups.map((g) => ({
    id: g.id,
    code: g.code,
    name: g.name,
    kind: g.kind,
    startDate: dateOnly(g.startDate),
    endDate: g.endDate ? dateOnly(g.endDate) : null,
  }))
}

export type EnrollOutcome =
  | { personId: string; name: string; status: 'enrolled'; enrollmentId: string }
  | { personId: string; name: string; status: 'already_enrolled'; enrollmentId: string }
  | { personId: string; name: string; status: 'refused'; refusal: EnrollRefusal }

/**
 * Enrolls many people, one transaction each, and reports each person's
 * outcome. People outside `scopes` (or unknown ids) are reported as refused
 * (not_found); one refusal never stops the others.
 */
export async function enrollMany(
  db: Db,
  opts: { personIds: string[]; group: EnrollGroup; startDate: string; scopes: Scope[]; actorId: string | null; ip?: string | null },
): Promise<EnrollOutcome[]> {
  const ids = [...new Set(opts.personIds)]
  const people = await db.person.findMany({ where: { AND: [{ id: { in: ids } }, personScopeWhere(opts.scopes)] }, select: { id: true, name: true } })
  const nameOf = new Map(people.map((p) => [p.id, p.name]))
  const outcomes: EnrollOutcome[] = []
  for (const personId of ids) {
    const name = nameOf.get(personId)
    if (name === undefined) {
      outcomes.push({ personId, name: '', status: 'refused', refusal: { code: 'not_found' } })
      continue
    }
    try {
      const e = await enrollPerson(db, { personId, group: opts.group, startDate: opts.startDate, actorId: opts.actorId, ip: opts.ip })
      outcomes.push({ personId, name, status: 'enrolled', enrollmentId: e.id })
    } catch (error) {
      if (!(error instanceof EnrollmentError)) throw error
      const r = error.refusal
      outcomes.push(
        r.code === 'already_enrolled'
          ? { personId, name, status: 'already_enrolled', enrollmentId: r.enrollmentId }
          : { personId, name, status: 'refused', refusal: r },
      )
    }
  }
  return outcomes
}

export const ENROLL_PAGE_SIZE = 100

/**
 * People in scope who are not enrolled in the group (any status), for the
 * enroll page: filtered by (part of) a name, kind and township; 100 at most.
 */
export async function listEnrollable(db: Db, opts: { scopes: Scope[]; groupId: string; q?: string; kind?: 'adult_learner' | 'teacher'; regionId?: string }) {
  const where: Prisma.PersonWhereInput = {
    AND: [
      personScopeWhere(opts.scopes),
      { enrollments: { none: { groupId: opts.groupId } } },
      opts.q ? { name: { contains: opts.q } } : {},
      opts.kind ? { kind: opts.kind } : {},
      opts.regionId ? { OR: [{ regionId: opts.regionId }, { region: { parentId: opts.regionId } }] } : {},
    ],
  }
  const [total, people] = await Promise.all([
    db.person.count({ where }),
    db.person.findMany({
      where,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take: ENROLL_PAGE_SIZE,
      select: {
        id: true,
        name: true,
        idMasked: true,
        kind: true,
        birthDate: true,
        priorEducation: true,
        region: { select: { name: true } },
        enrollments: { where: { status: 'active' }, select: { programId: true, group: { select: { name: true } } } },
      },
    }),
  ])
  return { total, people }
}

/** Why an enrollment was refused, in the reader's words. */
export function enrollRefusalMessage(t: T, r: EnrollRefusal | { code: 'already_enrolled' }, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  switch (r.code) {
    case 'before_group_start':
      return t('enroll.refusal.before_group_start', { date: formatDate(r.groupStart, locale) })
    case 'after_group_end':
      return t('enroll.refusal.after_group_end', { date: formatDate(r.groupEnd, locale) })
    case 'too_young':
      return t('enroll.refusal.too_young', { age: r.age, min: r.min })
    case 'too_old':
      return t('enroll.refusal.too_old', { age: r.age })
    case 'active_in_program':
      return r.groupName ? t('enroll.refusal.active_in_program', { group: r.groupName }) : t('enroll.refusal.active_in_program_unknown')
    default:
      return t(`enroll.refusal.${r.code}`)
  }
}
