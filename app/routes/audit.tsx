import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { AUDIT_ACTIONS, AUDIT_ENTITIES, auditFilterParams, readAuditFilter } from '#app/domain/audit-log.ts'
import { AUDIT_READERS } from '#app/domain/roles.ts'
import { requireRole } from '#app/auth/permissions.server.ts'
import { formatInstant } from '#app/domain/time.ts'
import type { MessageKey } from '#app/i18n/index.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { AUDIT_EXPORT_MAX, listAuditEvents } from '#app/models/audit.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import auditCss from '../styles/audit.css?url'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: auditCss }]
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'audit.title') }]

/** Read-only audit log (admin: everything; a bureau: its own jurisdiction), filtered by GET parameters, a cursor page at a time. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, AUDIT_READERS)
  const params = new URL(request.url).searchParams
  const filter = readAuditFilter(params)
  const t = serverT(request, user.locale)
  return pageLoad(async () => {
    const page = await listAuditEvents(getDb(), user, { before: params.get('before'), filter, t, locale: getLocale(request, user.locale) })
    return { ...page, paged: params.has('before'), exportMax: AUDIT_EXPORT_MAX }
  })
}

export default function AuditLog() {
  const { events, next, filter, paged, exportMax } = useLoaderData<typeof loader>()
  const t = useT()
  const locale = useLocale()
  const query = auditFilterParams(filter)
  const filtered = Object.keys(query).length > 0
  const link = (extra: Record<string, string>) => `?${new URLSearchParams({ ...query, ...extra })}`
  const actionName = (code: string) => t(`audit.action.${code}` as MessageKey)
  const entityName = (code: string) => t(`audit.entity.${code}` as MessageKey)
  return (
    <>
      <h1>{t('audit.title')}</h1>
      <p className="muted">{t('audit.readOnly')}</p>

      <Form method="get" className="card audit-filters" aria-label={t('audit.filters')}>
        <div className="row">
          <div className="field">
            <label htmlFor="f-who">{t('audit.filter.who')}</label>
            <input id="f-who" name="who" defaultValue={filter.who} maxLength={30} aria-describedby="f-who-hint" />
            <p className="hint" id="f-who-hint">
              {t('audit.filter.whoHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor="f-person">{t('audit.filter.person')}</label>
            <input id="f-person" name="person" defaultValue={filter.person} maxLength={30} aria-describedby="f-person-hint" />
            <p className="hint" id="f-person-hint">
              {t('audit.filter.personHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor="f-action">{t('audit.filter.action')}</label>
            <select id="f-action" name="action" defaultValue={filter.action}>
              <option value="">{t('audit.filter.any')}</option>
              {[...AUDIT_ACTIONS]
                .sort((a, b) => actionName(a).localeCompare(actionName(b), 'zh-CN'))
                .map((a) => (
                  <option key={a} value={a}>
                    {actionName(a)}
                  </option>
                ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-entity">{t('audit.filter.entity')}</label>
            <select id="f-entity" name="entity" defaultValue={filter.entity}>
              <option value="">{t('audit.filter.any')}</option>
              {AUDIT_ENTITIES.map((e) => (
                <option key={e} value={e}>
                  {entityName(e)}
                </option>
              ))}
            </select>
          </div>
          <div className="field audit-date">
            <label htmlFor="f-from">{t('audit.filter.from')}</label>
            <input id="f-from" name="from" type="date" defaultValue={filter.from} />
          </div>
          <div className="field audit-date">
            <label htmlFor="f-to">{t('audit.filter.to')}</label>
            <input id="f-to" name="to" type="date" defaultValue={filter.to} />
          </div>
        </div>
        <div className="row">
          <button type="submit">{t('audit.filter.apply')}</button>
          {filtered ? (
            <Link className="button secondary" to="/audit">
              {t('audit.filter.clear')}
            </Link>
          ) : null}
          <a className="button secondary" href={`/audit.xlsx${filtered ? link({}) : ''}`} download>
            {t('audit.export')}
          </a>
        </div>
        <p className="hint">{t('audit.exportHint', { max: exportMax })}</p>
      </Form>

      {events.length === 0 ? (
        <p className="card">{filtered ? t('audit.none.filtered') : t('audit.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="audit-table" data-testid="audit-events">
            <thead>
              <tr>
                <th>{t('audit.at')}</th>
                <th>{t('audit.actor')}</th>
                <th>{t('audit.action')}</th>
                <th>{t('audit.entity')}</th>
                <th>{t('audit.details')}</th>
                <th>{t('audit.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} data-action={e.action}>
                  <td className="audit-at">{formatInstant(new Date(e.at), locale)}</td>
                  <td>
                    {e.actor.name}
                    {e.actor.roles ? <div className="muted">{e.actor.roles}</div> : null}
                  </td>
                  <td className="audit-action">{e.actionLabel}</td>
                  <td>
                    {e.entity.href ? <Link to={e.entity.href}>{e.entity.label}</Link> : e.entity.label}
                    {e.entity.about ? (
                      <div className="muted">{e.entity.aboutHref ? <Link to={e.entity.aboutHref}>{e.entity.about}</Link> : e.entity.about}</div>
                    ) : null}
                  </td>
                  <td>
                    {e.changes.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      <ul className="audit-changes">
                        {e.changes.map((c) => (
                          <li key={c.field}>
                            <span className="audit-field">{c.label}</span>：
                            {c.before !== null ? (
                              <>
                                <del>{c.before}</del> → <ins>{c.after ?? t('audit.cleared')}</ins>
                              </>
                            ) : (
                              <ins>{c.after}</ins>
                            )}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="mono">{e.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="row">
        {paged ? <Link to={link({})}>{t('audit.first')}</Link> : null}
        {next ? <Link to={link({ before: next })}>{t('common.next')}</Link> : null}
        <span className="muted">{t('audit.shown', { count: events.length })}</span>
      </p>
    </>
  )
}
