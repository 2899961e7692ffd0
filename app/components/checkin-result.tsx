import { Link } from '@remix-run/react'
import { minutesToHours } from '#app/domain/requirements.ts'
import { formatInstant } from '#app/domain/time.ts'
import type { MessageKey } from '#app/i18n/index.ts'
import { useLocale, useT } from '#app/utils/i18n.ts'

/** What a learner's check-in action answers: the outcome, or an error code of the attendance catalog. */
export type CheckinAnswer =
  | {
      ok: true
      kind: 'checked_in' | 'checked_out' | 'too_soon' | 'already_done'
      /** ISO instant: check-in/out time, or the earlier check-in for too_soon. */
      at: string | null
      creditedMinutes: number
      minutesPerHour: number
      groupName: string
    }
  | { ok: false; error: MessageKey }

/** The result in big plain words, with a way home. */
export function CheckinResult({ answer }: { answer: CheckinAnswer }) {
  const t = useT()
  const locale = useLocale()
  const time = (iso: string | null) => (iso ? formatInstant(new Date(iso), locale).slice(-5) : '')
  const text = !answer.ok
    ? t(answer.error)
    : answer.kind === 'checked_in'
      ? t('attendance.result.checked_in', { time: time(answer.at) })
      : answer.kind === 'checked_out'
        ? t('attendance.result.checked_out', { hours: minutesToHours(answer.creditedMinutes, answer.minutesPerHour).toFixed(1) })
        : answer.kind === 'too_soon'
          ? t('attendance.result.too_soon', { time: time(answer.at) })
          : t('attendance.result.already_done', { hours: minutesToHours(answer.creditedMinutes, answer.minutesPerHour).toFixed(1) })
  const good = answer.ok && (answer.kind === 'checked_in' || answer.kind === 'checked_out')
  return (
    <div
      className={good ? 'notice' : answer.ok ? 'card' : 'form-error'}
      role={good ? 'status' : 'alert'}
      data-testid="checkin-result"
      style={{ fontSize: '1.6rem', fontWeight: 700, lineHeight: 1.4, textAlign: 'center', padding: '24px 14px' }}
    >
      {answer.ok ? <div style={{ fontSize: '1rem', fontWeight: 400 }}>{answer.groupName}</div> : null}
      {text}
    </div>
  )
}

export function HomeLink() {
  const t = useT()
  return (
    <p>
      <Link className="button secondary block" to="/me">
        {t('attendance.home')}
      </Link>
    </p>
  )
}
