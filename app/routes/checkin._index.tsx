import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useNavigation } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { SELF_ROLES } from '#app/domain/roles.ts'
import { CheckinResult, HomeLink, type CheckinAnswer } from '#app/components/checkin-result.tsx'
import type { MessageKey } from '#app/i18n/index.ts'
import { AttendanceError, scanAnswer, scanByCode } from '#app/models/attendance.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import { withMessages } from '#app/i18n/page-messages.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'attendance.code.title') }]

/** For phones that cannot scan: type the 6 digits shown beside the QR code. Works without JavaScript. */
export const loader = withMessages(['attendance', 'checkout'], async ({ request }: LoaderFunctionArgs) => {
  await requireRole(request, SELF_ROLES)
  return {}
})

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, SELF_ROLES)
  const form = await request.formData()
  // Digits only: phones may insert spaces or full-width digits.
  const code = String(form.get('code') ?? '')
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .slice(0, 12)
  if (!user.personId) return data<CheckinAnswer>({ ok: false, error: 'attendance.error.no_open_session' }, { status: 409 })
  if (!/^\d{6}$/.test(code)) return data<CheckinAnswer>({ ok: false, error: 'attendance.error.codeInvalid' }, { status: 422 })
  try {
    const outcome = await scanByCode(getDb(), { personId: user.personId, userId: user.id, code, ip: context.ip })
    return data<CheckinAnswer>(scanAnswer(outcome))
  } catch (error) {
    if (error instanceof AttendanceError) {
      const key: MessageKey =
        error.code === 'expired'
          ? 'attendance.error.codeExpired'
          : error.code === 'invalid' || error.code === 'future'
            ? 'attendance.error.codeInvalid'
            : (`attendance.error.${error.code}` as MessageKey)
      return data<CheckinAnswer>({ ok: false, error: key }, { status: error.code === 'throttled' ? 429 : 409 })
    }
    throw error
  }
}

export default function CheckinByCode() {
  const answer = useActionData<typeof action>()
  const busy = useNavigation().state !== 'idle'
  const t = useT()
  return (
    <div className="narrow">
      <h1>{t('attendance.code.title')}</h1>
      {answer ? <CheckinResult answer={answer} /> : null}
      <Form method="post" className="card" replace>
        <div className="field">
          <label htmlFor="code" style={{ fontSize: '1.2rem' }}>
            {t('attendance.code.label')}
          </label>
          <input
            id="code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={6}
            required
            className="mono"
            style={{ fontSize: '2.2rem', letterSpacing: '0.3em', textAlign: 'center' }}
            aria-describedby="code-hint"
          />
          <div className="hint" id="code-hint">
            {t('attendance.code.hint')}
          </div>
        </div>
        <button type="submit" className="block" disabled={busy} style={{ fontSize: '1.6rem', minHeight: 72 }}>
          {t('attendance.code.submit')}
        </button>
      </Form>
      <HomeLink />
    </div>
  )
}
