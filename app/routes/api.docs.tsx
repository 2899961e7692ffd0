import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { apiReference } from '#app/api/docs.server.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { STAFF_ROLES } from '#app/domain/roles.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'apiDocs.title') }]

let cached: ReturnType<typeof apiReference> | undefined

/**
 * /api/docs — the API reference for signed-in staff (issue 14): rendered on the
 * server from the served OpenAPI document (app/api/docs.server.ts), inside the
 * app's layout, with no script of its own and nothing from a CDN, so the
 * Content-Security-Policy of every page needs no exception. An API adapter
 * like app/routes/api.v1.* (eslint.config.js), because it reads app/api.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, STAFF_ROLES)
  cached ??= apiReference()
  return cached
}

const anchor = (id: string) => `op-${id}`

export default function ApiDocs() {
  const { intro, operations, schemas } = useLoaderData<typeof loader>()
  const t = useT()
  return (
    <>
      <h1>{t('apiDocs.title')}</h1>
      <p>
        {t('apiDocs.intro')} <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>
      </p>
      <p className="muted">{intro}</p>
      <h2>{t('apiDocs.operations')}</h2>
      <ul>
        {operations.map((o) => (
          <li key={o.id}>
            <a href={`#${anchor(o.id)}`} className="mono">
              {o.method} {o.path}
            </a>{' '}
            — {o.summary}
          </li>
        ))}
      </ul>
      {operations.map((o) => (
        <section key={o.id} id={anchor(o.id)} className="card">
          <h3 className="mono">
            {o.method} {o.path}
          </h3>
          <p>
            <strong>{o.summary}</strong> <span className="muted">（{o.public ? t('apiDocs.public') : t('apiDocs.auth')}）</span>
          </p>
          {o.description ? <p>{o.description}</p> : null}
          {o.parameters.length > 0 ? (
            <>
              <h4>{t('apiDocs.parameters')}</h4>
              <Table headers={[t('apiDocs.field'), t('apiDocs.type'), t('apiDocs.required'), t('apiDocs.description')]}>
                {o.parameters.map((p) => (
                  <tr key={`${p.in}:${p.name}`}>
                    <td className="mono">
                      {p.name} <span className="muted">({p.in})</span>
                    </td>
                    <td className="mono">{p.type}</td>
                    <td>{p.required ? '✓' : ''}</td>
                    <td>{p.description}</td>
                  </tr>
                ))}
              </Table>
            </>
          ) : null}
          {o.requestBody ? (
            <p>
              {t('apiDocs.requestBody')}:{' '}
              <a href={`#schema-${o.requestBody}`} className="mono">
                {o.requestBody}
              </a>
            </p>
          ) : null}
          <h4>{t('apiDocs.responses')}</h4>
          <Table headers={['HTTP', t('apiDocs.type'), t('apiDocs.description')]}>
            {o.responses.map((r) => (
              <tr key={r.status}>
                <td className="mono">{r.status}</td>
                <td className="mono">{r.schema && /^[A-Z]/.test(r.schema) ? <a href={`#schema-${r.schema}`}>{r.schema}</a> : r.schema}</td>
                <td>{r.description}</td>
              </tr>
            ))}
          </Table>
        </section>
      ))}
      <h2>{t('apiDocs.schemas')}</h2>
      {schemas.map((s) => (
        <section key={s.id} id={`schema-${s.id}`} className="card">
          <h3 className="mono">{s.id}</h3>
          {s.description ? <p>{s.description}</p> : null}
          {s.fields.length > 0 ? (
            <Table headers={[t('apiDocs.field'), t('apiDocs.type'), t('apiDocs.required'), t('apiDocs.description')]}>
              {s.fields.map((f) => (
                <tr key={f.name}>
                  <td className="mono">{f.name}</td>
                  <td className="mono">{f.type}</td>
                  <td>{f.required ? '✓' : ''}</td>
                  <td>{f.description}</td>
                </tr>
              ))}
            </Table>
          ) : (
            <p className="mono">{s.type}</p>
          )}
        </section>
      ))}
      <p>
        <Link to="/">← {t('common.back')}</Link>
      </p>
    </>
  )
}
