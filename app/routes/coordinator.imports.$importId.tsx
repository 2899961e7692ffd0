import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useRevalidator } from '@remix-run/react'
import { useEffect } from 'react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { describeIssue, type RosterColumn } from '#app/domain/roster-import.ts'
import { enqueueRosterImport } from '#app/jobs/roster-import.ts'
import { serverT } from '#app/i18n/locale.server.ts'
import { APP_ERROR_STATUS } from '#app/models/errors.server.ts'
import { confirmRosterImport, getRosterImport, ROSTER_IMPORTERS, ROW_FILTERS, RosterImportError, type RowFilter } from '#app/models/roster-import.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useT } from '#app/utils/i18n.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

const ROLES = ROSTER_IMPORTERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'rosterImport.title') }]

/** GET /coordinator/imports/:id?show=refused&page=2: the preview (every row: what will happen and why), then the import's progress and result. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const url = new URL(request.url)
  const show = url.searchParams.get('show') as RowFilter | null
  const filter = show && ROW_FILTERS.includes(show) ? show : 'all'
  const page = Number(url.searchParams.get('page')) || 1
  return pageLoad(() => getRosterImport(getDb(), user, params.importId ?? '', { filter, page }))
}

/** POST: confirm the preview (or continue a failed import); large imports are queued as a job, small ones run now. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  const id = params.importId ?? ''
  try {
    await pageLoad(() =>
      confirmRosterImport(getDb(), user, id, { ip: (context.ip as string | undefined) ?? null, enqueue: (importId) => enqueueRosterImport(importId) }),
    )
  } catch (error) {
    if (error instanceof RosterImportError) return data({ error: error.describe(t) }, { status: APP_ERROR_STATUS[error.kind] })
    throw error
  }
  return redirect(`/coordinator/imports/${id}`)
}

const OUTCOME_CLASS = { new: 'ok', existing: 'muted', refused: 'error' } as const
const NOWRAP = { whiteSpace: 'nowrap' } as const

export default function RosterImportPage() {
  const { import: imp, rows, filter, page, pages } = useLoaderData<typeof loader>()
  const error = useActionData<typeof action>()?.error
  const t = useT()
  const running = imp.status === 'queued' || imp.status === 'importing'
  const revalidator = useRevalidator()
  useEffect(() => {
    if (!running) return
    const timer = setInterval(() => revalidator.state === 'idle' && revalidator.revalidate(), 3000)
    return () => clearInterval(timer)
  }, [running, revalidator])
  const labels = imp.header.labels
  const columnName = (c: RosterColumn) => labels[c] ?? t(`rosterImport.column.${c}`)
  const percent = imp.newRows ? Math.floor((100 * imp.processedRows) / imp.newRows) : 100
  const pageLink = (p: number) => `?${new URLSearchParams({ ...(filter !== 'all' ? { show: filter } : {}), page: String(p) })}`
  const columns = (Object.entries(imp.header.columns) as [RosterColumn, number][])
    .sort((a, b) => a[1] - b[1])
    .map(([c]) => columnName(c))
    .join('、')
  return (
    <>
      {running ? (
        <noscript>
          <meta httpEquiv="refresh" content="3" />
        </noscript>
      ) : null}
      <p>
        <Link to="/coordinator/imports">← {t('rosterImport.title')}</Link>
      </p>
      <h1>{t('rosterImport.preview.title', { file: imp.fileName })}</h1>
      <section className="card" aria-live="polite">
        <p>
          <strong data-testid="import-status">{t(`rosterImport.status.${imp.status}`)}</strong>
        </p>
        <p data-testid="import-summary">
          {t('rosterImport.preview.summary', {
            total: imp.totalRows,
            new: imp.newRows,
            existing: imp.existingRows,
            refused: imp.refusedRows,
            warnings: imp.warningRows,
          })}
        </p>
        <p className="muted">
          {t('rosterImport.preview.header', { row: imp.header.headerRow, columns })}
          {imp.encoding ? ` ${t('rosterImport.preview.encoding', { encoding: imp.encoding.toUpperCase() })}` : null}
        </p>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        {imp.status === 'previewed' ? (
          imp.newRows > 0 ? (
            <Form method="post">
              <p>{t('rosterImport.preview.confirmHint', { new: imp.newRows })}</p>
              <button type="submit" className="block">
                {t('rosterImport.preview.confirm', { new: imp.newRows })}
              </button>
            </Form>
          ) : (
            <Form method="post">
              <p>{t('rosterImport.preview.nothingToImport')}</p>
              <button type="submit" className="secondary">
                {t('rosterImport.preview.confirm', { new: 0 })}
              </button>
            </Form>
          )
        ) : null}
        {running || imp.status === 'failed' ? (
          <>
            <progress max={Math.max(1, imp.newRows)} value={imp.processedRows} style={{ width: '100%' }} aria-label={t('rosterImport.status.importing')} />
            <p data-testid="import-progress">{t('rosterImport.progress', { done: imp.processedRows, total: imp.newRows, percent })}</p>
            {running ? (
              <p>
                <Link to=".">{t('rosterImport.progress.refresh')}</Link>
              </p>
            ) : null}
          </>
        ) : null}
        {imp.status === 'failed' ? (
          <Form method="post">
            <p className="error">{t('rosterImport.failed', { error: imp.error ?? '' })}</p>
            <button type="submit">{t('rosterImport.retry')}</button>
          </Form>
        ) : null}
        {imp.status === 'done' ? <p data-testid="import-done">{t('rosterImport.done', { created: imp.createdCount, skipped: imp.skippedCount })}</p> : null}
        {imp.refusedRows > 0 || imp.skippedCount > 0 || imp.warningRows > 0 ? (
          <p>
            <a className="button secondary" href={`/coordinator/imports/${imp.id}/errors.xlsx`} download>
              {t('rosterImport.preview.errors')}
            </a>
          </p>
        ) : null}
        {imp.status === 'done' ? (
          <p>
            <Link to="/coordinator/imports">{t('rosterImport.preview.again')}</Link>
          </p>
        ) : null}
      </section>

      <Form method="get" className="row">
        <div className="field">
          <label htmlFor="show">{t('rosterImport.preview.filter')}</label>
          <select id="show" name="show" defaultValue={filter}>
            {ROW_FILTER_OPTIONS.map((f) => (
              <option key={f} value={f}>
                {t(`rosterImport.preview.filter.${f}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <button type="submit" className="secondary">
            {t('rosterImport.preview.filterSubmit')}
          </button>
        </div>
      </Form>
      {rows.length === 0 ? (
        <p className="card">{t('rosterImport.preview.noRows')}</p>
      ) : (
        <Table
          headers={[
            t('rosterImport.col.row'),
            t('rosterImport.col.name'),
            t('rosterImport.col.idNumber'),
            t('rosterImport.col.region'),
            t('rosterImport.col.outcome'),
            t('rosterImport.col.reason'),
          ]}
          cards
        >
          {rows.map((r) => (
            <tr key={r.rowNumber}>
              <td data-label={t('rosterImport.col.row')}>{r.rowNumber}</td>
              <td className="cell-title" style={NOWRAP}>
                {r.name}
              </td>
              <td className="mono" data-label={t('rosterImport.col.idNumber')}>
                {r.idMasked ?? ''}
              </td>
              <td data-label={t('rosterImport.col.region')} style={NOWRAP}>
                {r.regionName ?? ''}
              </td>
              <td className={OUTCOME_CLASS[r.outcome]} data-label={t('rosterImport.col.outcome')} style={NOWRAP}>
                {r.result && r.result !== 'created'
                  ? t(`rosterImport.result.${r.result as 'existing' | 'phone_taken'}`)
                  : r.result === 'created'
                    ? t('rosterImport.result.created')
                    : t(`rosterImport.outcome.${r.outcome}`)}
              </td>
              <td data-label={r.issues.length ? t('rosterImport.col.reason') : undefined}>
                {r.issues.map((i, k) => (
                  <div key={k} className={i.severity === 'error' ? 'error' : 'hint'}>
                    {columnName(i.column)}：{describeIssue(t, i)}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {pages > 1 ? (
        <p className="row">
          {page > 1 ? <Link to={pageLink(page - 1)}>{t('common.prev')}</Link> : null}
          <span className="muted">
            {page} / {pages}
          </span>
          {page < pages ? <Link to={pageLink(page + 1)}>{t('common.next')}</Link> : null}
        </p>
      ) : null}
    </>
  )
}

/** The filter's choices (the model's ROW_FILTERS, spelled out here so the client bundle imports no server module). */
const ROW_FILTER_OPTIONS = ['all', 'new', 'existing', 'refused', 'warning'] as const
