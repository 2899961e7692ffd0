/** Words for 学时档案 entries, shared by the page, the PDF and the xlsx. */
import type { CycleStatus, RecordEntry } from '#app/domain/hours-record.ts'
import type { T } from '#app/i18n/index.ts'

export const categoryLabel = (t: T, category: RecordEntry['category']) => t(`records.category.${category}`)
export const sourceLabel = (t: T, source: RecordEntry['source']) => t(`records.source.${source}`)

/** "更正第 3 条：多记了半小时", or just the reason. */
export function entryNote(t: T, e: Pick<RecordEntry, 'reason' | 'correctsNo' | 'source' | 'minutes'>): string {
  const corrects = e.correctsNo !== null ? t('records.corrects', { no: e.correctsNo }) : null
  return [corrects, e.reason].filter(Boolean).join('：')
}

/** One decimal always (12.0, not 12), as the record's columns line up on it. */
export const hoursText = (hours: number) => hours.toFixed(1)

/** The program's name in the reader's language; the stored name for a program the catalog does not know. */
export function programLabel(t: T, code: string, storedName: string): string {
  return code === 'skills-credential' || code === 'teacher-training' ? t(`program.${code}`) : storedName
}

/** A cycle's line: 已结束，已达标 / 已结束，未达标 for an ended cycle, else 已达到 or 还差 N 学时 (app/domain/hours-record.ts cycleStatus). */
export function cycleStatusText(t: T, status: CycleStatus): string {
  return status.kind === 'ended_met'
    ? t('records.cycleEndedMet')
    : status.kind === 'ended_missed'
      ? t('records.cycleEndedMissed')
      : status.kind === 'met'
        ? t('records.cycleMet')
        : t('records.cycleMissing', { hours: hoursText(status.hours) })
}
