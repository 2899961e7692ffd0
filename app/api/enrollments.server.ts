/**
 * API v1 endpoints on one enrollment: recording hours and reading progress.
 * Access is the models' (app/models/access.server.ts, DESIGN.md §11): role
 * first (403), then jurisdiction — an enrollment outside the caller's scope
 * answers 404, exactly like one that does not exist. Recording needs the
 * class or round in scope; reading also allows the person's home region.
 */
import { minutesToHours } from '#app/domain/requirements.ts'
import { PROGRESS_READERS } from '#app/domain/roles.ts'
import { beijingDate, dateOnly } from '#app/domain/time.ts'
import { findEnrollmentInScope } from '#app/models/access.server.ts'
import { NotFoundError } from '#app/models/errors.server.ts'
import { recordHourAdjustment } from '#app/models/ledger.server.ts'
import { loadEnrollmentProgress } from '#app/models/progress.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireApiUser } from './auth.server.ts'
import { json, readJsonBody, readQuery, type ApiArgs } from './http.server.ts'
import { idempotent } from './idempotency.server.ts'
import { HoursRequest, ProgressQuery } from './schemas.ts'

/** Who reads an enrollment's progress: staff in scope (reading rule), or the learner or teacher whose it is. */
const PROGRESS_ACCESS = { roles: PROGRESS_READERS, mode: 'read', allowSelf: true } as const

/**
 * POST /api/v1/enrollments/{id}/hours: an audited adjustment, dated within the enrollment's period.
 * An Idempotency-Key makes retries answer the first answer (app/api/idempotency.server.ts).
 */
export async function recordHours({ request, params, context }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  return idempotent(request, user, async () => {
    const body = await readJsonBody(request, HoursRequest)
    const { entry, minutesPerHour } = await recordHourAdjustment(getDb(), user, { enrollmentId: params.id, ...body, ip: context.ip })
    return json(
      {
        entryId: entry.id.toString(),
        enrollmentId: entry.enrollmentId,
        category: entry.category,
        minutes: entry.minutes,
        hours: minutesToHours(entry.minutes, minutesPerHour),
        date: dateOnly(entry.occurredOn),
      },
      201,
    )
  })
}

/** GET /api/v1/enrollments/{id}/progress?asOf=YYYY-MM-DD */
export async function readProgress({ request, params }: ApiArgs): Promise<Response> {
  const user = await requireApiUser(request)
  const query = readQuery(request, ProgressQuery)
  const db = getDb()
  const enrollment = await findEnrollmentInScope(db, user, params.id, PROGRESS_ACCESS, { id: true })
  const asOf = query.asOf ?? beijingDate(new Date())
  const progress = await loadEnrollmentProgress(db, enrollment.id, asOf)
  if (!progress) throw new NotFoundError('enrollment')
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
    outcome: {
      status: progress.outcome.status,
      reasons: progress.outcome.reasons,
      // api-v1.md: present while the period has not ended and every other graduation condition is met.
      ...(progress.outcome.earlyGraduation !== 'not_applicable' ? { earlyGraduation: progress.outcome.earlyGraduation } : {}),
    },
  })
}
