import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useFetcher, useLoaderData } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { formatInstant } from '#app/domain/time.ts'
import { loadCheckinScreen } from '#app/models/checkin-screen.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'attendance.screen.title') }]
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

/**
 * The check-in screen for a projector or the coordinator's phone: a big QR
 * code of /checkin/<sessionId>?t=<token> and the 6-digit code, rotating every
 * 30 s. With JavaScript a fetcher reloads them at each rotation; without it a
 * <meta http-equiv="refresh"> reloads the page.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, PEOPLE_MANAGERS)
  const { session, state } = await pageLoad(() => loadCheckinScreen(getDb(), user, params.sessionId ?? ''))
  return {
    session: {
      id: session.id,
      startsAt: session.startsAt.toISOString(),
      endsAt: session.endsAt.toISOString(),
      venue: session.venue,
      group: session.group.name,
    },
    state,
  }
}

type State = Awaited<ReturnType<typeof loader>>['state']

export default function CheckinScreen() {
  const { session, state: initial } = useLoaderData<typeof loader>()
  const fetcher = useFetcher<State>()
  const [state, setState] = useState<State>(initial)
  const t = useT()
  const locale = useLocale()

  useEffect(() => {
    if (fetcher.data) setState(fetcher.data)
  }, [fetcher.data])
  useEffect(() => {
    const timer = setTimeout(() => fetcher.load(`/coordinator/sessions/${session.id}/checkin-code`), Math.max(1000, state.msToNext + 300))
    return () => clearTimeout(timer)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.step, state.msToNext, session.id])

  return (
    <div style={{ textAlign: 'center' }}>
      <noscript>
        <meta httpEquiv="refresh" content={String(Math.ceil(initial.msToNext / 1000) + 1)} />
      </noscript>
      <p style={{ textAlign: 'left' }}>
        <Link to={`/coordinator/sessions/${session.id}`}>← {t('attendance.screen.back')}</Link>
      </p>
      <h1>
        {session.group} · {t('attendance.screen.title')}
      </h1>
      <p className="muted">
        {formatInstant(new Date(session.startsAt), locale)}–{formatInstant(new Date(session.endsAt), locale).slice(-5)} · {session.venue}
      </p>
      {!state.open ? (
        <p className="form-error" role="alert">
          {t('attendance.screen.closed')}
        </p>
      ) : null}
      <p style={{ fontSize: '1.3rem', fontWeight: 600 }}>{t('attendance.screen.scan')}</p>
      <div className="row" style={{ justifyContent: 'center', alignItems: 'center', gap: 24 }}>
        <div
          data-testid="checkin-qr"
          data-url={state.url}
          role="img"
          aria-label={t('attendance.screen.title')}
          style={{ width: 'min(86vw, 62vh)', background: '#fff' }}
          dangerouslySetInnerHTML={{ __html: state.svg }}
        />
        <div>
          <p style={{ margin: 0 }}>{t('attendance.screen.code')}</p>
          <p
            data-testid="checkin-code"
            className="mono"
            style={{ fontSize: 'clamp(2.6rem, 9vw, 5.5rem)', fontWeight: 700, letterSpacing: '0.12em', margin: '6px 0' }}
          >
            {state.code}
          </p>
          <p style={{ fontSize: '1.2rem' }} data-testid="checkin-count" aria-live="polite">
            {t('attendance.screen.count', { checkedIn: state.checkedIn, checkedOut: state.checkedOut })}
          </p>
          <p className="hint">{t('attendance.screen.rotates')}</p>
        </div>
      </div>
    </div>
  )
}
