/**
 * A class's (or round's) board for coordinators: every enrollee's outcome,
 * reasons, credits and whether they are at risk of 结业, from loadProgress
 * (bulk) — the same outcome the learner and the API see.
 */
import { type Scope } from '#app/models/access.server.ts'
import { CERTIFICATE_TYPES, certificateAllowed, type CertificateType } from '#app/domain/certificates.ts'
import { atRisk, type BoardFilter, type OutcomeStatus } from '#app/domain/outcomes.ts'
import { pageOf, PEOPLE_PAGE_SIZE } from '#app/domain/page-numbers.ts'
import type { Db } from '#app/utils/db.server.ts'
import { loadProgress, type EnrollmentProgress } from './progress.server.ts'
import { findGroupInScope } from './groups.server.ts'
import { closeEndedRounds, closingDay } from './rounds.server.ts'

export type BoardRow = {
  enrollmentId: string
  personId: string
  name: string
  status: OutcomeStatus
  atRisk: boolean
  periodEnd: string | null
  progress: EnrollmentProgress
  /** The certificate types the outcome allows now that the enrollment does not hold yet (the batch page's rule), issued from the row. */
  issuable: CertificateType[]
}

/** Null when the group does not exist or lies outside the scopes (answer 404). `page` counts from 1 (out of range: the nearest page), 30 a page. */
export async function groupOutcomeBoard(
  db: Db,
  opts: { groupId: string; scopes: Scope[]; asOf: string; filter: BoardFilter; page?: number; pageSize?: number },
) {
  const group = await findGroupInScope(db, opts.scopes, opts.groupId, { id: true, code: true, name: true, kind: true, region: { select: { name: true } } })
  if (!group) return null
  await closeEndedRounds(db, closingDay(), { groupId: group.id })
  const enrollments = await db.enrollment.findMany({
    where: { groupId: group.id },
    select: { id: true, person: { select: { id: true, name: true } }, certificates: { select: { type: true } } },
  })
  const progress = await loadProgress(
    db,
    enrollments.map((e) => e.id),
    opts.asOf,
  )
  const rows: BoardRow[] = enrollments.flatMap((e) => {
    const p = progress.get(e.id)
    if (!p) return []
    const periodEnd = p.facts.periodEnd ?? null
    return [
      {
        enrollmentId: e.id,
        personId: e.person.id,
        name: e.person.name,
        status: p.outcome.status,
        atRisk: atRisk({ status: p.outcome.status, periodEnd, asOf: opts.asOf, behindPace: p.evaluation.pace.behind }),
        periodEnd,
        progress: p,
        issuable: CERTIFICATE_TYPES.filter(
          (type) => !e.certificates.some((c) => c.type === type) && certificateAllowed(type, p.outcome.status, p.outcome.earlyGraduation),
        ),
      },
    ]
  })
  rows.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.enrollmentId.localeCompare(b.enrollmentId))
  const counts = {
    eligible: rows.filter((r) => r.status === 'eligible_for_graduation').length,
    atRisk: rows.filter((r) => r.atRisk).length,
    completion: rows.filter((r) => r.status === 'completion').length,
    withdrawn: rows.filter((r) => r.status === 'withdrawn').length,
    // Rounds (teacher training) are 合格 / 未合格, never 毕业 / 结业.
    roundComplete: rows.filter((r) => r.status === 'round_complete').length,
    roundIncomplete: rows.filter((r) => r.status === 'round_incomplete').length,
    inProgress: rows.filter((r) => r.status === 'in_progress').length,
  }
  // "eligible" is 可毕业 on a class and 合格 on a round.
  const passed = (s: OutcomeStatus) => s === 'eligible_for_graduation' || s === 'round_complete'
  const matching = rows.filter((r) => (opts.filter === 'eligible' ? passed(r.status) : opts.filter === 'at_risk' ? r.atRisk : true))
  const { rows: shown, ...paging } = pageOf(matching, opts.page ?? 1, opts.pageSize ?? PEOPLE_PAGE_SIZE)
  return { group, total: rows.length, counts, paging, rows: shown }
}
