import { Form, Link } from '@remix-run/react'
import { minutesToHours } from '#app/domain/requirements.ts'
import { formatInstant } from '#app/domain/time.ts'
import type { MessageKey } from '#app/i18n/index.ts'
import { useLocale, useT } from '#app/utils/i18n.ts'

/** The question of an early check-out: the confirmation it is answered with. */
export type EarlyCheckout = { ticket: string; fullMinutes: number; endsAt: string }

/** What a learner's check-in action answers: the outcome, or an error code of the attendance catalog. */
export type CheckinAnswer =
  | {
      ok: true
      /** confirm_early: nothing written yet, the learner is asked (early); undone: a check-out undone (creditedMinutes = taken back). */
      kind: 'checked_in' | 'checked_out' | 'too_soon' | 'already_done' | 'confirm_early' | 'undone'
      /** ISO instant: check-in/out time, or the earlier check-in for too_soon. */
      at: string | null
      creditedMinutes: number
      minutesPerHour: number
      groupName: string
      sessionId?: string
      /** The check-out may still be undone (the session runs). */
      undoable?: boolean
      early?: EarlyCheckout | null
    }
  | { ok: false; error: MessageKey }

const hoursOf = (minutes: number, minutesPerHour: number) => minutesToHours(minutes, minutesPerHour).toFixed(1)

/** The result in big plain words, with a way home; an undoable check-out offers its undo; an early one asks first. */
export function CheckinResult({ answer }: { answer: CheckinAnswer }) {
  const t = useT()
  const locale = useLocale()
  if (answer.ok && answer.kind === 'confirm_early' && answer.early && answer.sessionId) {
    return (
      <EarlyCheckoutQuestion
        sessionId={answer.sessionId}
        groupName={answer.groupName}
        creditedMinutes={answer.creditedMinutes}
        minutesPerHour={answer.minutesPerHour}
        early={answer.early}
      />
    )
  }
  const time = (iso: string | null) => (iso ? formatInstant(new Date(iso), locale).slice(-5) : '')
  const hours = answer.ok ? hoursOf(answer.creditedMinutes, answer.minutesPerHour) : ''
  const text = !answer.ok
    ? t(answer.error)
    : answer.kind === 'checked_in'
      ? t('attendance.result.checked_in', { time: time(answer.at) })
      : answer.kind === 'checked_out'
        ? t('attendance.result.checked_out', { hours })
        : answer.kind === 'too_soon'
          ? t('attendance.result.too_soon', { time: time(answer.at) })
          : answer.kind === 'undone'
            ? t('checkout.undo.done', { hours })
            : t('attendance.result.already_done', { hours })
  const good = answer.ok && (answer.kind === 'checked_in' || answer.kind === 'checked_out' || answer.kind === 'undone')
  return (
    <>
      <div
        className={good ? 'notice' : answer.ok ? 'card' : 'form-error'}
        role={good ? 'status' : 'alert'}
        data-testid="checkin-result"
        style={{ fontSize: '1.6rem', fontWeight: 700, lineHeight: 1.4, textAlign: 'center', padding: '24px 14px' }}
      >
        {answer.ok ? <div style={{ fontSize: '1rem', fontWeight: 400 }}>{answer.groupName}</div> : null}
        {text}
      </div>
      {answer.ok && answer.undoable && answer.sessionId && (answer.kind === 'checked_out' || answer.kind === 'already_done') ? (
        <UndoCheckoutForm sessionId={answer.sessionId} />
      ) : null}
    </>
  )
}

/**
 * "课还没结束，现在签退只记 X 学时": asked once before an early check-out,
 * a plain form (works without JavaScript). Staying is the big button; the
 * check-out is the outlined one.
 */
export function EarlyCheckoutQuestion(props: { sessionId: string; groupName: string; creditedMinutes: number; minutesPerHour: number; early: EarlyCheckout }) {
  const t = useT()
  const locale = useLocale()
  const { early } = props
  return (
    <section className="card" aria-labelledby="early-title" data-testid="early-checkout" style={{ borderColor: '#b45309', borderWidth: 2 }}>
      <h2 id="early-title" style={{ marginTop: 0, fontSize: '1.5rem' }}>
        <ClockIcon />
        {t('checkout.ask.title')}
      </h2>
      <p style={{ fontSize: '1.35rem', fontWeight: 700, lineHeight: 1.5, margin: '0 0 8px' }} data-testid="early-checkout-text">
        {t('checkout.ask.text', { hours: hoursOf(props.creditedMinutes, props.minutesPerHour) })}
      </p>
      <p style={{ fontSize: '1.1rem', margin: '0 0 16px' }}>
        {t('checkout.ask.full', { end: formatInstant(new Date(early.endsAt), locale).slice(-5), full: hoursOf(early.fullMinutes, props.minutesPerHour) })}
      </p>
      <p style={{ margin: '0 0 12px' }}>
        <Link className="button block" to="/me" style={{ fontSize: '1.25rem', minHeight: 64 }}>
          {t('checkout.ask.back')}
        </Link>
      </p>
      <Form method="post" action={`/checkin/${props.sessionId}`} replace>
        <input type="hidden" name="intent" value="confirm" />
        <input type="hidden" name="ticket" value={early.ticket} />
        <button type="submit" className="secondary block" style={{ fontSize: '1.25rem', minHeight: 64 }}>
          {t('checkout.ask.confirm')}
        </button>
      </Form>
      <p className="hint" style={{ fontSize: '1rem' }}>
        {t('checkout.ask.hint')}
      </p>
    </section>
  )
}

/** A clock beside the question (inline SVG: no icon font, no emoji font needed on the phone). */
function ClockIcon() {
  return (
    <svg aria-hidden="true" width="28" height="28" viewBox="0 0 24 24" style={{ verticalAlign: '-5px', marginRight: 8 }}>
      <circle cx="12" cy="12" r="10" fill="none" stroke="#b45309" strokeWidth="2.5" />
      <path d="M12 6v6l4 2" fill="none" stroke="#b45309" strokeWidth="2.5" strokeLinecap="round" />
    </svg>
  )
}

/** Undo of a mistaken check-out while the session runs (a plain POST form). */
export function UndoCheckoutForm({ sessionId }: { sessionId: string }) {
  const t = useT()
  return (
    <Form method="post" action={`/checkin/${sessionId}`} replace style={{ marginBottom: 14 }}>
      <input type="hidden" name="intent" value="undo" />
      <button type="submit" className="secondary block" style={{ fontSize: '1.2rem', minHeight: 56 }}>
        {t('checkout.undo.button')}
      </button>
      <p className="hint" style={{ fontSize: '1rem' }}>
        {t('checkout.undo.hint')}
      </p>
    </Form>
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
