/**
 * An enrollment's outcome and courses in the reader's words, for pages (the
 * learner's course view, the learner home, the coordinator's class board).
 * The numbers and states come from loadProgress; this only words them.
 */
import { courseStateKey, formatReason, STATUS_KEYS, type OutcomeStatus } from '#app/domain/outcomes.ts'
import type { Locale, T } from '#app/i18n/index.ts'
import type { EnrollmentProgress } from './progress.server.ts'

export type OutcomeView = { status: OutcomeStatus; label: string; reasons: string[] }

export function outcomeView(p: Pick<EnrollmentProgress, 'outcome'>, t: T, locale: Locale): OutcomeView {
  return {
    status: p.outcome.status,
    label: t(STATUS_KEYS[p.outcome.status]),
    reasons: p.outcome.reasonData.map((r) => formatReason(r, t, locale)),
  }
}

export type CourseView = {
  code: string
  name: string
  kind: string
  credits: number
  state: EnrollmentProgress['courses'][number]['state']
  stateLabel: string
  tasksDone: number
  tasksTotal: number
  score: number | null
}

export function courseViews(p: Pick<EnrollmentProgress, 'courses'>, t: T): CourseView[] {
  return p.courses.map((c) => ({
    code: c.code,
    name: c.name,
    kind: t(`outcomes.kind.${c.kind}`),
    credits: c.credits,
    state: c.state,
    stateLabel: t(courseStateKey(c)),
    tasksDone: c.tasksDone,
    tasksTotal: c.tasksTotal,
    score: c.score ?? null,
  }))
}
