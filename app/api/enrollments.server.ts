/**
 * API v1 endpoints on one enrollment: recording hours and reading progress.
 * Access follows the web UI (app/auth/permissions.server.ts): role first
 * (403), then jurisdiction — an enrollment outside the caller's scope
 * answers 404, exactly like one that does not exist.
 */
import type { Prisma } from '#app/generated/prisma/client.ts'
import type { Role } from '#app/generated/prisma/enums.ts'
import { groupScopeWhere, personScopeWhere, scopesFor, type CurrentUser, type Scope } from '#app/models/access.server.ts'
import { minutesToHours } from '#app/domain/requirements.ts'
import { beijingDate } from '#app/domain/time.ts'
import { appendHourEntry } from '#app/models/ledger.server.ts'
import { loadEnrollmentProgress } from '#app/models/progress.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiRole, requireApiUser } from './auth.server.ts'
import { ApiError, json, readJsonBody, readQuery, type ApiArgs } from './http.server.ts'
import { API_MESSAGES, apiMessage } from './messages.ts'
import { HoursRequest, ProgressQuery } from './schemas.ts'

/** Who may record hours through the API (as on the coordinator's pages). */
export const HOUR_RECORDERS: readonly Role[] = ['coordinator', 'admin']
/** Staff who may read progress in their scope. */
export const PROGRESS_READERS: readonly Role[] = ['coordinator', 'bureau', 'admin']
const SELF_ROLES: readonly Role[] = ['learner', 'teacher']

/**
 * Enrollments inside any of the scopes: the class or round lies in the
 * jurisdiction, or the person does (a township's teacher in a county round).
 */
export function enrollmentScopeWhere(scopes: Scope[]): Prisma.EnrollmentWhereInput {
  return { OR: [{ group: groupScopeWhere(scopes) }, { person: personScopeWhere(scopes) }] }
}

const ENROLLMENT_SELECT = {
  id: true,
  personId: true,
  program: { select: { code: true, minutesPerHour: true } },
} as const

function notFound(): ApiError {
  return new ApiError('not_found', API_MESSAGES.enrollmentNotFound)
}

/** Ids are 24 base32 characters; anything else cannot exist. */
const plausibleId = (id: string | undefined): id is string => typeof id === 'string' && /^[a-z0-9_-]{1,64}$/i.test(id)

/** An enrollment the caller may write to with one of `roles`: 403 without the role, 404 outside the scope. */
async function enrollmentForStaff(user: CurrentUser, id: string | undefined, roles: readonly Role[]) {
  requireApiRole(user, roles)
  if (!plausibleId(id)) throw notFound()
  const row = await getDb().enrollment.findFirst({
    where: { AND: [{ id }, enrollmentScopeWhere(scopesFor(user, roles))] },
    select: ENROLLMENT_SELECT,
  })
  if (!row) throw notFound()
  return row
}

/**
 * An enrollment the caller may read: their own (learner or teacher), or one
 * in the scope of their staff grants. A user with none of these roles is
 * refused (403); a learner asking for someone else's gets 404.
 */
async function enrollmentForReader(user: CurrentUser, id: string | undefined) {
  const staffScopes = scopesFor(user, PROGRESS_READERS)
  const isSelfRole = user.grants.some((g) => SELF_ROLES.includes(g.role))
  if (staffScopes.length === 0 && !(isSelfRole && user.personId)) throw new ApiError('forbidden', API_MESSAGES.forbidden)
  if (!plausibleId(id)) throw notFound()
  const access: Prisma.EnrollmentWhereInput[] = []
  if (isSelfRole && user.personId) access.push({ personId: user.personId })
  if (staffScopes.length > 0) access.push(enrollmentScopeWhere(staffScopes))
  const row = await getDb().enrollment.findFirst({ where: { AND: [{ id }, { OR: access }] }, select: ENROLLMENT_SELECT })
  if (!row) throw notFound()
  return row
}

/** POST /api/v1/enrollments/{id}/hours: an audited adjustment, dated within the enrollment's period. */
export async function recordHours({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const enrollment = await enrollmentForStaff(user, params.id, HOUR_RECORDERS)
  const body = await readJsonBody(request, HoursRequest)
  const today = beijingDate(new Date())
  if (body.date > today) {
    throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { date: apiMessage('futureDate', { today }) })
  }
  const idempotencyKey = readIdempotencyKey(request)
  // The key is the caller's, per enrollment: kept as the entry's sourceRef.
  const sourceRef = idempotencyKey ? `api:${user.id}:${enrollment.id}:${idempotencyKey}` : null
  const { entry, created } = await getDb().$transaction(async (tx) => {
    if (sourceRef) {
      // Serializes retries of the same request; the first one's entry is the answer to all of them.
      await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${sourceRef}, 0))`
      const existing = await tx.hourEntry.findFirst({ where: { enrollmentId: enrollment.id, source: 'adjustment', sourceRef } })
      if (existing) {
        const same =
          existing.category === body.category &&
          existing.minutes === body.minutes &&
          existing.occurredOn.toISOString().slice(0, 10) === body.date &&
          existing.reason === body.reason
        if (!same) throw new ApiError('conflict', API_MESSAGES.idempotencyKeyReused)
        return { entry: existing, created: false }
      }
    }
    return appendHourEntry(tx, {
      enrollmentId: enrollment.id,
      category: body.category,
      minutes: body.minutes,
      date: body.date,
      source: 'adjustment',
      sourceRef,
      createdById: user.id,
      reason: body.reason,
      ip: context.ip,
      requireWithinPeriod: true,
    })
  })
  return json(
    {
      entryId: entry.id.toString(),
      enrollmentId: enrollment.id,
      category: entry.category,
      minutes: entry.minutes,
      hours: minutesToHours(entry.minutes, enrollment.program.minutesPerHour),
      date: entry.occurredOn.toISOString().slice(0, 10),
    },
    created ? 201 : 200,
  )
}

/** The optional `Idempotency-Key` header: 1–100 visible ASCII characters. */
function readIdempotencyKey(request: Request): string | null {
  const key = request.headers.get('idempotency-key')
  if (key === null) return null
  if (!/^[\x21-\x7e]{1,100}$/.test(key)) {
    throw new ApiError('validation_failed', API_MESSAGES.validationFailed, { 'Idempotency-Key': API_MESSAGES.idempotencyKeyFormat })
  }
  return key
}

/** GET /api/v1/enrollments/{id}/progress?asOf=YYYY-MM-DD */
export async function readProgress({ request, params }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const query = readQuery(request, ProgressQuery)
  const enrollment = await enrollmentForReader(user, params.id)
  const asOf = query.asOf ?? beijingDate(new Date())
  const progress = await loadEnrollmentProgress(getDb(), enrollment.id, asOf)
  if (!progress) throw notFound()
  const { enrollment: e, evaluation, facts, policy } = progress
  const hours = (minutes: number) => minutesToHours(minutes, policy.minutesPerHour)
  return json({
    enrollmentId: e.id,
    programCode: e.program.code,
    groupCode: e.group.code,
    groupName: e.group.name,
    status: e.status,
    asOf,
    startDate: facts.startDate,
    periodEnd: facts.periodEnd ?? null,
    minutesPerHour: policy.minutesPerHour,
    requirements: evaluation.requirements.map((r) => ({
      code: r.code,
      label: r.label,
      requiredHours: r.requiredHours ?? null,
      earnedHours: r.earnedHours ?? null,
      met: r.met,
      blocking: r.blocking,
      ...(r.requiredMinutes != null ? { requiredMinutes: r.requiredMinutes, earnedMinutes: r.earnedMinutes ?? 0 } : {}),
      ...(r.requiredCount != null ? { requiredCount: r.requiredCount, earnedCount: r.earnedCount ?? 0 } : {}),
      window: { start: r.window.start, end: r.window.end },
    })),
    pace: {
      requirementCode: evaluation.pace.requirementCode,
      expectedMinutes: evaluation.pace.expectedMinutes,
      earnedMinutes: evaluation.pace.earnedMinutes,
      expectedHours: hours(evaluation.pace.expectedMinutes),
      earnedHours: hours(evaluation.pace.earnedMinutes),
      behind: evaluation.pace.behind,
      shareOfPeriod: evaluation.pace.shareOfPeriod,
    },
    courses: progress.courses.map((c) => ({ code: c.code, name: c.name, credits: c.credits, kind: c.kind, state: c.state, tasksComplete: c.tasksComplete })),
    credits: { earned: progress.credits.earned, required: progress.credits.required },
    outcome: { status: progress.outcome.status, reasons: progress.outcome.reasons },
  })
}
