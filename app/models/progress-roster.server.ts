/**
 * A class's or round's progress roster for coordinators: every active
 * enrollee (of a round also those its end has completed) with each
 * requirement's earned / required and the pace, from loadProgress (bulk) —
 * the same numbers the learner sees.
 */
import { type Scope } from '#app/models/access.server.ts'
import { minutesToHours } from '#app/domain/requirements.ts'
import { sortAndFilterRoster, type RosterSort } from '#app/domain/roster.ts'
import type { Db } from '#app/utils/db.server.ts'
import { loadProgress } from './progress.server.ts'
import { findGroupInScope } from './groups.server.ts'
import { closeEndedRounds, closingDay } from './rounds.server.ts'

export type RosterCell = {
  code: string
  earnedHours: number
  requiredHours: number
  met: boolean
  missingHours: number
  missingMinutes: number
  count?: { earned: number; required: number }
}

/** Null when the group does not exist or lies outside the scopes (answer 404). */
export async function groupProgressRoster(db: Db, opts: { groupId: string; scopes: Scope[]; asOf: string; sort: RosterSort; behindOnly: boolean }) {
  const group = await findGroupInScope(db, opts.scopes, opts.groupId, { id: true, code: true, name: true, kind: true, region: { select: { name: true } } })
  if (!group) return null
  await closeEndedRounds(db, closingDay(), { groupId: group.id })
  const enrollments = await db.enrollment.findMany({
    where: { groupId: group.id, status: group.kind === 'round' ? { in: ['active', 'completed'] } : 'active' },
    select: { id: true, person: { select: { id: true, name: true } } },
  })
  const progress = await loadProgress(
    db,
    enrollments.map((e) => e.id),
    opts.asOf,
  )

  const columns = new Map<string, { code: string; label: string; blocking: boolean }>()
  const rows = enrollments.flatMap((e) => {
    const p = progress.get(e.id)
    if (!p) return []
    const mph = p.policy.minutesPerHour
    const cells: RosterCell[] = p.evaluation.requirements.map((r) => {
      if (!columns.has(r.code)) columns.set(r.code, { code: r.code, label: r.label, blocking: r.blocking })
      const missingMinutes = Math.max(0, (r.requiredMinutes ?? 0) - (r.earnedMinutes ?? 0))
      return {
        code: r.code,
        earnedHours: r.earnedHours ?? 0,
        requiredHours: r.requiredHours ?? 0,
        met: r.met,
        missingMinutes,
        missingHours: minutesToHours(missingMinutes, mph),
        ...(r.kind === 'min_count' ? { count: { earned: r.earnedCount ?? 0, required: r.requiredCount ?? 0 } } : {}),
      }
    })
    const pace = p.evaluation.pace
    const paceReq = p.evaluation.requirements.find((r) => r.code === pace.requirementCode)
    return [
      {
        enrollmentId: e.id,
        personId: e.person.id,
        name: e.person.name,
        cells,
        behind: pace.behind,
        expectedHours: minutesToHours(pace.expectedMinutes, mph),
        earnedMinutes: paceReq?.earnedMinutes ?? 0,
        missingMinutes: Math.max(0, (paceReq?.requiredMinutes ?? 0) - (paceReq?.earnedMinutes ?? 0)),
      },
    ]
  })
  return { group, total: rows.length, columns: [...columns.values()], rows: sortAndFilterRoster(rows, { sort: opts.sort, behindOnly: opts.behindOnly }) }
}
