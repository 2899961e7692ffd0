import { Link } from '@remix-run/react'
import { cycleStatus, groupEntries, type CategoryTotal, type RecordEntry } from '#app/domain/hours-record.ts'
import type { T } from '#app/i18n/index.ts'
import { showDate } from '#app/utils/format.ts'
import { useLocale, useT } from '#app/utils/i18n.ts'
import { categoryLabel, cycleStatusText, entryNote, hoursText, programLabel, sourceLabel } from '#app/utils/hours-record-view.ts'

type Cycle = {
  code: string
  cycle: string
  start: string
  end: string | null
  current: boolean
  requiredHours: number
  earnedHours: number
  met: boolean
}

export type HoursRecordData = {
  person: { id: string; name: string; idMasked: string }
  asOf: string
  entries: RecordEntry[]
  programs: { programCode: string; programName: string; categories: CategoryTotal[]; hours: number; minutes: number; cycles: Cycle[] }[]
  pendingOnlineMinutes: number
}

/**
 * The 学时档案 (learner, teacher, and the coordinator's view of a person):
 * totals, 5-year cycles (newest first; an ended one says whether it was
 * reached), every entry grouped by cycle and year, newest first (each year
 * folds away: a plain <details>, no JavaScript), and the downloads. On a
 * phone each row shows as a card (CSS), on a desktop as a table row.
 */
export function HoursRecordView({
  record,
  downloadBase,
  backTo,
  showName = false,
}: {
  record: HoursRecordData
  downloadBase: string
  backTo: string
  showName?: boolean
}) {
  const t = useT()
  const locale = useLocale()
  return (
    <div className="records">
      <p>
        <Link className="button secondary" to={backTo}>
          <span aria-hidden="true">←</span> {t('common.back')}
        </Link>
      </p>
      <h1>{showName ? t('records.titleOf', { name: record.person.name }) : t('records.title')}</h1>
      <p className="muted">
        {t('records.intro')} {t('records.asOf', { date: showDate(record.asOf, locale) })}
      </p>
      <p className="records-downloads">
        {/* Plain links: resource routes, and they work with JavaScript off. */}
        <a className="button secondary" href={`${downloadBase}.pdf`} download>
          {t('records.downloadPdf')}
        </a>
        <a className="button secondary" href={`${downloadBase}.xlsx`} download>
          {t('records.downloadXlsx')}
        </a>
      </p>

      {record.programs.map((block) => (
        <section key={block.programCode} className="card" aria-label={programLabel(t, block.programCode, block.programName)}>
          <h2 className="records-block-title">
            {programLabel(t, block.programCode, block.programName)} · {t('records.totals')}
          </h2>
          <div className="stats" data-testid="category-totals">
            {block.categories.map((c) => (
              <div className="stat" key={c.category}>
                <b>{hoursText(c.hours)}</b>
                <span>
                  {categoryLabel(t, c.category)} · {t('records.col.hours')}
                </span>
              </div>
            ))}
            <div className="stat">
              <b data-testid="record-total">{hoursText(block.hours)}</b>
              <span>
                {t('records.total')} · {t('records.col.hours')}
              </span>
            </div>
          </div>
          {block.cycles.length > 0 ? (
            <>
              <h3>{t('records.cycles')}</h3>
              <ul className="list">
                {[...block.cycles].reverse().map((c) => (
                  <li key={c.cycle} data-testid={`cycle-${c.cycle}`}>
                    <strong>{t('records.cycle', { cycle: c.cycle })}</strong>
                    {c.current ? <span className="tag">{t('records.cycleCurrent')}</span> : null}
                    <div>{t('records.cycleProgress', { earned: hoursText(c.earnedHours), required: hoursText(c.requiredHours) })}</div>
                    <CycleStatusLine cycle={c} asOf={record.asOf} t={t} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ))}
      {record.pendingOnlineMinutes > 0 ? <p className="hint">{t('records.pendingOnline', { minutes: record.pendingOnlineMinutes })}</p> : null}

      <h2>{t('records.entries', { count: record.entries.length })}</h2>
      {record.entries.length === 0 ? (
        <p className="card">{t('records.none')}</p>
      ) : (
        groupEntries(
          record.entries,
          record.programs.flatMap((p) => p.cycles),
        ).map((group, gi) => (
          <section key={group.cycle ?? 'other'} aria-label={group.cycle ? t('records.cycleEntries', { cycle: group.cycle }) : t('records.byYear')}>
            {group.cycle ? <h3>{t('records.cycleEntries', { cycle: group.cycle })}</h3> : null}
            {group.years.map((y, yi) => (
              <details key={y.year} open={gi === 0 && yi === 0} className="records-year" data-testid={`year-${y.year}`}>
                <summary style={{ minHeight: 48, display: 'flex', alignItems: 'center', fontSize: '1.1rem', fontWeight: 600, cursor: 'pointer' }}>
                  {t('records.yearSummary', { year: y.year, count: y.entries.length })}
                </summary>
                <EntryTable entries={y.entries} t={t} locale={locale} />
              </details>
            ))}
          </section>
        ))
      )}
    </div>
  )
}

function CycleStatusLine({ cycle, asOf, t }: { cycle: Cycle; asOf: string; t: T }) {
  const status = cycleStatus(cycle, asOf)
  const text = cycleStatusText(t, status)
  return (
    <div className={status.kind === 'missing' || status.kind === 'ended_missed' ? 'muted' : ''} data-testid="cycle-status">
      {text}
    </div>
  )
}

function EntryTable({ entries, t, locale }: { entries: RecordEntry[]; t: T; locale: 'zh-CN' | 'en' }) {
  return (
    <table className="records-table">
      <thead>
        <tr>
          <th>{t('records.col.no')}</th>
          <th>{t('records.col.date')}</th>
          <th>{t('records.col.group')}</th>
          <th>{t('records.col.category')}</th>
          <th>{t('records.col.source')}</th>
          <th className="num">{t('records.col.hours')}</th>
          <th>{t('records.col.note')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => {
          const note = entryNote(t, e)
          return (
            <tr key={e.id} id={`entry-${e.no}`} className={e.minutes < 0 ? 'negative' : undefined} data-testid="record-entry">
              <td className="records-no">{t('records.entryNo', { no: e.no })}</td>
              <td className="records-date">{showDate(e.date, locale)}</td>
              <td data-label={t('records.col.group')}>{e.groupName}</td>
              <td data-label={t('records.col.category')}>{categoryLabel(t, e.category)}</td>
              <td data-label={t('records.col.source')}>{sourceLabel(t, e.source)}</td>
              <td className="num records-hours">
                <strong>{t('records.hours', { hours: hoursText(e.hours) })}</strong>{' '}
                <span className="muted">{t('records.minutes', { minutes: e.minutes })}</span>
              </td>
              <td data-label={t('records.col.note')} className={note ? undefined : 'records-empty'}>
                {e.correctsNo !== null ? <a href={`#entry-${e.correctsNo}`}>{t('records.corrects', { no: e.correctsNo })}</a> : null}
                {e.correctsNo !== null && e.reason ? '：' : null}
                {e.reason}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
