import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { ScopeOptions } from '#app/components/scope-options.tsx'
import { Field, SelectField } from '#app/components/ui/field.tsx'
import { Table } from '#app/components/ui/table.tsx'
import { parseScope } from '#app/domain/grant-form.ts'
import { ACCOUNT_ADMINS } from '#app/domain/roles.ts'
import { beijingDate, formatInstant } from '#app/domain/time.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { listOrganizations, listRegions } from '#app/models/admin.server.ts'
import { createServiceAccountToken, listApiTokens, MAX_NOTE, revokeApiToken, SERVICE_ACCOUNT_ROLES } from '#app/models/api-tokens.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { refusal } from '#app/utils/page-errors.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'apiTokens.title') }]

/**
 * /admin/tokens — integration tokens of the API (issue 14): the admin creates
 * a service account with a role, a scope, an expiry and a note, and sees its
 * token once; the list shows each token's last use and revokes it (401 at
 * once). Works without JavaScript (plain POST forms).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ACCOUNT_ADMINS)
  const db = getDb()
  const [tokens, regions, organizations] = await Promise.all([listApiTokens(db), listRegions(db), listOrganizations(db)])
  // The roles and the note's length travel as data: the page's component may not import the server model.
  return { tokens, regions, organizations, roles: SERVICE_ACCOUNT_ROLES, maxNote: MAX_NOTE }
}

type ActionResult =
  | { ok: true; intent: 'create'; created: { username: string; token: string; expiresAt: string } }
  | { ok: true; intent: 'revoke' }
  | { ok: false; intent: string; message: string; field: string | null }

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, ACCOUNT_ADMINS)
  const t = serverT(request, admin.locale)
  const form = await request.formData()
  const text = (name: string) => String(form.get(name) ?? '')
  const intent = text('intent')
  const db = getDb()
  try {
    if (intent === 'revoke') {
      await revokeApiToken(db, admin, text('id'), context.ip)
      return data<ActionResult>({ ok: true, intent: 'revoke' })
    }
    const scope = parseScope(text('scope'))
    const created = await createServiceAccountToken(
      db,
      admin,
      {
        username: text('username'),
        role: text('role'),
        ...scope,
        canVerifyGraduation: text('canVerifyGraduation') === 'on',
        expiresOn: text('expiresOn'),
        note: text('note'),
        today: beijingDate(new Date()),
      },
      context.ip,
    )
    return data<ActionResult>({
      ok: true,
      intent: 'create',
      created: { username: created.username, token: created.token, expiresAt: created.expiresAt.toISOString() },
    })
  } catch (error) {
    const { data: refused, init } = refusal(error, t)
    return data<ActionResult>({ ok: false, intent, message: refused.message, field: refused.field }, init ?? undefined)
  }
}

export default function AdminTokens() {
  const { tokens, regions, organizations, roles, maxNote } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const t = useT()
  const locale = useLocale()
  const when = (iso: string | null) => (iso ? formatInstant(new Date(iso), locale) : t('apiTokens.neverUsed'))
  const errorOf = (field: string) => (result && !result.ok && result.intent === 'create' && result.field === field ? [result.message] : undefined)
  return (
    <>
      <p>
        <Link to="/admin">← {t('common.back')}</Link>
      </p>
      <h1>{t('apiTokens.title')}</h1>
      <p>{t('apiTokens.intro')}</p>
      <p>
        <Link to="/api/docs">{t('apiTokens.docsLink')}</Link>
      </p>
      {result?.ok && result.intent === 'create' ? (
        <div className="notice" role="status">
          <p>{t('apiTokens.created', { username: result.created.username, expires: formatInstant(new Date(result.created.expiresAt), locale) })}</p>
          <p>
            <code className="mono" style={{ wordBreak: 'break-all' }} data-testid="new-token">
              {result.created.token}
            </code>
          </p>
        </div>
      ) : null}
      {result?.ok && result.intent === 'revoke' ? (
        <p className="notice" role="status">
          {t('apiTokens.revoked')}
        </p>
      ) : null}
      {result && !result.ok && (result.intent !== 'create' || !result.field) ? (
        <p className="error" role="alert">
          {result.message}
        </p>
      ) : null}

      <h2>{t('apiTokens.new')}</h2>
      <Form method="post" className="card narrow">
        <input type="hidden" name="intent" value="create" />
        <Field
          label={t('apiTokens.username')}
          hint={t('apiTokens.usernameHint')}
          name="username"
          id="token-username"
          autoCapitalize="none"
          required
          error={errorOf('username')}
        />
        <SelectField label={t('apiTokens.role')} name="role" id="token-role" defaultValue="coordinator" error={errorOf('role')}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t('apiTokens.scope')} name="scope" id="token-scope" error={errorOf('scope')}>
          <ScopeOptions regions={regions} organizations={organizations} t={t} />
        </SelectField>
        <div className="field">
          <label>
            <input type="checkbox" name="canVerifyGraduation" /> {t('admin.canVerifyGraduation')}
          </label>
          {errorOf('canVerifyGraduation') ? (
            <div className="field-error" role="alert">
              {errorOf('canVerifyGraduation')}
            </div>
          ) : null}
        </div>
        <Field label={t('apiTokens.expiresOn')} type="date" name="expiresOn" id="token-expires" required error={errorOf('expiresOn')} />
        <Field label={t('apiTokens.note')} name="note" id="token-note" maxLength={maxNote} required error={errorOf('note')} />
        <button type="submit" className="block">
          {t('apiTokens.create')}
        </button>
      </Form>

      <h2>{t('apiTokens.list')}</h2>
      {tokens.length === 0 ? (
        <p>{t('apiTokens.none')}</p>
      ) : (
        <Table
          headers={[
            t('apiTokens.col.account'),
            t('apiTokens.col.grant'),
            t('apiTokens.col.note'),
            t('apiTokens.col.created'),
            t('apiTokens.col.expires'),
            t('apiTokens.col.lastUsed'),
            t('apiTokens.col.state'),
            '',
          ]}
        >
          {tokens.map((token) => (
            <tr key={token.id}>
              <td className="mono">{token.username}</td>
              <td>{token.grants.map((g) => `${t(`role.${g.role}`)} · ${g.scopeName ?? (g.role === 'admin' ? t('admin.scopeAll') : '—')}`).join('、')}</td>
              <td>{token.note}</td>
              <td>{when(token.createdAt)}</td>
              <td>{when(token.expiresAt)}</td>
              <td>
                {when(token.lastUsedAt)}
                {token.lastUsedIp ? <span className="muted"> ({token.lastUsedIp})</span> : null}
              </td>
              <td>{t(`apiTokens.state.${token.state}`)}</td>
              <td>
                {token.state === 'revoked' ? null : (
                  <Form method="post">
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="id" value={token.id} />
                    <button type="submit" className="secondary">
                      {t('apiTokens.revoke')}
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  )
}
