import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { BUREAU_VIEWERS } from '#app/domain/roles.ts'
import { checkTargetInput } from '#app/domain/targets.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { listProgramNames, listTargets, mayEditSomeTargets, updateTarget } from '#app/models/targets.server.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad, refusal } from '#app/utils/page-errors.server.ts'
import { TargetCard } from '#app/components/dashboard.tsx'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import bureauCss from '../styles/bureau.css?url'

const ROLES = BUREAU_VIEWERS

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: bureauCss }]
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'targets.title') }]

/** Targets of the bureau's jurisdiction with their progress; county bureau users and the admin edit them (issue 12). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const db = getDb()
  return pageLoad(async () => ({ targets: await listTargets(db, user), programs: await listProgramNames(db), mayEdit: mayEditSomeTargets(user) }))
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const form = await request.formData()
  const targetId = String(form.get('targetId') ?? '')
  const checked = checkTargetInput({ value: String(form.get('value') ?? ''), label: String(form.get('label') ?? '') })
  if (!checked.ok) return data({ ok: false as const, targetId, field: checked.field, message: t(checked.error) }, { status: 422 })
  try {
    await updateTarget(getDb(), user, targetId, checked.value, { ip: (context.ip as string | undefined) ?? null })
  } catch (error) {
    return refusal(error, t)
  }
  throw redirect(`/bureau/targets?saved=${encodeURIComponent(targetId)}#t-${encodeURIComponent(targetId)}`)
}

export default function Targets() {
  const { targets, programs, mayEdit } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const [params] = useSearchParams()
  const t = useT()
  const programName = (code: string) => programs.find((p) => p.code === code)?.name ?? code
  const failedId = result && 'targetId' in result ? result.targetId : null
  return (
    <>
      <p className="no-print">
        <Link to="/bureau">← {t('bureau.title')}</Link>
      </p>
      <h1>{t('targets.title')}</h1>
      <p className="muted">{t('targets.intro')}</p>
      {!mayEdit ? <p className="notice">{t('targets.readOnly')}</p> : null}
      {params.get('saved') ? (
        <p className="notice" role="status">
          {t('targets.saved')}
        </p>
      ) : null}
      {result && !('targetId' in result) ? <p className="form-error">{result.message}</p> : null}
      {targets.length === 0 ? <p className="muted">{t('targets.none')}</p> : null}
      <ul className="list targets">
        {targets.map((x) => (
          <TargetCard key={x.id} target={x} t={t} programName={programName}>
            {x.editable ? (
              <Form method="post" className="target-form" aria-label={x.label}>
                <input type="hidden" name="targetId" value={x.id} />
                <div className="field">
                  <label htmlFor={`v-${x.id}`}>{t('targets.col.value')}</label>
                  <input id={`v-${x.id}`} name="value" defaultValue={String(x.value)} inputMode="numeric" required />
                </div>
                <div className="field target-label">
                  <label htmlFor={`l-${x.id}`}>{t('targets.col.label')}</label>
                  <input id={`l-${x.id}`} name="label" defaultValue={x.label} maxLength={200} />
                </div>
                <button type="submit" className="secondary">
                  {t('targets.save')}
                </button>
                {failedId === x.id && result && 'message' in result ? <p className="form-error">{result.message}</p> : null}
              </Form>
            ) : null}
          </TargetCard>
        ))}
      </ul>
    </>
  )
}
