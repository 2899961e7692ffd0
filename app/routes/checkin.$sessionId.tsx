import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { CheckinResult, HomeLink, type CheckinAnswer } from '#app/components/checkin-result.tsx'
import { formatInstant } from '#app/domain/time.ts'
import type { MessageKey } from '#app/i18n/index.ts'
import { AttendanceError, confirmEarlyCheckout, previewScan, scanAnswer, scanByToken, undoOwnCheckout } from '#app/models/attendance.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'attendance.me.entry') }]

const errorKey = (code: string) => `attendance.error.${code}` as MessageKey

/**
 * Opened from the phone camera (the QR's URL). Not signed in: requireRole
 * sends the learner to /login?redirectTo=<this URL>. A GET writes nothing: it
 * shows one big button (签到 or 签退) that posts; the POST checks in or out.
 * A check-out before the end that would credit less asks first ("课还没结束，
 * 现在签退只记 X 学时"; intent=confirm answers it); a check-out can be undone
 * until the session ends (intent=undo). All plain forms: no JavaScript needed.
 */
export const loader = withMessages(['attendance', 'checkout'], async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireRole(request, SELF_ROLES)
  const token = new URL(request.url).searchParams.get('t')?.slice(0, 120) ?? ''
  const preview = user.personId ? await previewScan(getDb(), { personId: user.personId, sessionId: params.sessionId ?? '', token }) : null
  if (!preview) return data({ token, session: null, error: errorKey('not_found'), next: null, status: null, question: null }, { status: 404 })
  const { session, verdict, decision, early, undoable } = preview
  const common = { minutesPerHour: session.group.program.minutesPerHour, groupName: session.group.name, sessionId: session.id }
  // Scanned again within a minute, or already checked out: say so, with no button.
  const status: CheckinAnswer | null =
    decision.kind === 'too_soon' || decision.kind === 'already_done'
      ? {
          ok: true,
          kind: decision.kind,
          at: decision.kind === 'too_soon' ? decision.checkedInAt.toISOString() : null,
          creditedMinutes: decision.kind === 'already_done' ? decision.creditedMinutes : 0,
          ...common,
          undoable: decision.kind === 'already_done' && undoable,
        }
      : null
  const question: CheckinAnswer | null = early
    ? {
        ok: true,
        kind: 'confirm_early',
        at: early.at.toISOString(),
        creditedMinutes: early.creditedMinutes,
        ...common,
        early: { ticket: early.ticket, fullMinutes: early.fullMinutes, endsAt: early.endsAt.toISOString() },
      }
    : null
  return {
    token,
    session: { group: session.group.name, startsAt: session.startsAt.toISOString(), endsAt: session.endsAt.toISOString(), venue: session.venue },
    error: status ? null : verdict.ok ? null : errorKey(verdict.reason),
    next: decision.kind === 'check_in' ? ('in' as const) : decision.kind === 'check_out' ? ('out' as const) : null,
    status,
    question,
  }
})

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  const form = await request.formData()
  const token = String(form.get('t') ?? '').slice(0, 120)
  const intent = form.get('intent')
  const sessionId = params.sessionId ?? ''
  if ((intent !== 'scan' && intent !== 'confirm' && intent !== 'undo') || !user.personId) {
    return data<CheckinAnswer>({ ok: false, error: errorKey('invalid') }, { status: 400 })
  }
  const db = getDb()
  try {
    if (intent === 'undo') {
      const undone = await undoOwnCheckout(db, user, { sessionId, ip: context.ip })
      return data<CheckinAnswer>({
        ok: true,
        kind: 'undone',
        at: null,
        creditedMinutes: undone.reversedMinutes,
        minutesPerHour: undone.minutesPerHour,
        groupName: undone.groupName,
        sessionId,
      })
    }
    const outcome =
      intent === 'confirm'
        ? await confirmEarlyCheckout(db, { personId: user.personId, userId: user.id, sessionId, ticket: String(form.get('ticket') ?? '') })
        : await scanByToken(db, { personId: user.personId, userId: user.id, sessionId, token })
    return data<CheckinAnswer>(scanAnswer(outcome))
  } catch (error) {
    if (error instanceof AttendanceError) {
      return data<CheckinAnswer>({ ok: false, error: errorKey(error.code) }, { status: error.code === 'not_found' ? 404 : 409 })
    }
    throw error
  }
}

export default function CheckinByQr() {
  const { token, session, error, next, status, question } = useLoaderData<typeof loader>()
  const answer = useActionData<typeof action>()
  const busy = useNavigation().state !== 'idle'
  const t = useT()
  const locale = useLocale()
  return (
    <div className="narrow">
      {/* Checking out is not "签到": the heading says what this scan does. */}
      <h1>{next === 'out' || question ? t('attendance.checkin.confirmOut') : t('attendance.checkin.title')}</h1>
      {session ? (
        <div className="card">
          <p style={{ fontSize: '1.2rem', fontWeight: 600, margin: 0 }}>{t('attendance.checkin.session', { group: session.group })}</p>
          <p className="muted" style={{ margin: '4px 0 0' }}>
            {t('attendance.checkin.when', {
              time: `${formatInstant(new Date(session.startsAt), locale)}–${formatInstant(new Date(session.endsAt), locale).slice(-5)}`,
              venue: session.venue,
            })}
          </p>
        </div>
      ) : null}
      {answer ? (
        <CheckinResult answer={answer} />
      ) : error ? (
        <CheckinResult answer={{ ok: false, error }} />
      ) : question ? (
        <CheckinResult answer={question} />
      ) : next ? (
        <Form method="post" replace>
          <input type="hidden" name="intent" value="scan" />
          <input type="hidden" name="t" value={token} />
          <button type="submit" className="block" disabled={busy} style={{ fontSize: '2rem', padding: '22px 10px', minHeight: 96 }}>
            {next === 'in' ? t('attendance.checkin.confirmIn') : t('attendance.checkin.confirmOut')}
          </button>
          <p className="hint" style={{ textAlign: 'center' }}>
            {t('attendance.checkin.confirmHint')}
          </p>
          {next === 'out' ? <p style={{ textAlign: 'center' }}>{t('attendance.checkin.outHint')}</p> : null}
        </Form>
      ) : status ? (
        <CheckinResult answer={status} />
      ) : null}
      {(answer && !answer.ok) || error ? <p className="hint">{t('attendance.checkin.scanHint')}</p> : null}
      <p>
        <Link to="/checkin">{t('attendance.code.link')}</Link>
      </p>
      <HomeLink />
    </div>
  )
}
