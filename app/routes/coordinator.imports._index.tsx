import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { requireRole } from '#app/auth/permissions.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { serverT } from '#app/i18n/locale.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { scopeLabel } from '#app/models/directory.server.ts'
import { APP_ERROR_STATUS } from '#app/models/errors.server.ts'
import { listRosterImports, MAX_ROSTER_BYTES, previewRosterImport, ROSTER_IMPORTERS, RosterImportError } from '#app/models/roster-import.server.ts'
import { UploadError } from '#app/models/uploads.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { formatInstant } from '#app/domain/time.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'
import { readUploadForm } from '#app/utils/uploads.server.ts'
import { pageLoad } from '#app/utils/page-errors.server.ts'

const ROLES = ROSTER_IMPORTERS

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'rosterImport.title') }]

/** GET /coordinator/imports: the upload form (xlsx or CSV, 20 MB) and the importer's recent imports. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ROLES)
  return pageLoad(async () => ({
    imports: await listRosterImports(getDb(), user),
    scope: scopeLabel(scopesFor(user, ROLES), serverT(request, user.locale)),
  }))
}

/** POST /coordinator/imports: the file is checked and every row previewed; then the preview page. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ROLES)
  const t = serverT(request, user.locale)
  try {
    const { file } = await readUploadForm(request, { file: 'file', maxFileBytes: MAX_ROSTER_BYTES })
    if (!file) throw new RosterImportError('no_file')
    const bytes = new Uint8Array(await file.arrayBuffer())
    const { id } = await previewRosterImport(user, { fileName: file.name, bytes, ip: (context.ip as string | undefined) ?? null })
    return redirect(`/coordinator/imports/${id}`)
  } catch (error) {
    if (error instanceof UploadError) return data({ error: t('rosterImport.error.too_large') }, { status: 413 })
    if (error instanceof RosterImportError) return data({ error: error.describe(t) }, { status: APP_ERROR_STATUS[error.kind] })
    throw error
  }
}

export default function RosterImportUpload() {
  const { imports, scope } = useLoaderData<typeof loader>()
  const error = useActionData<typeof action>()?.error
  const busy = useNavigation().state === 'submitting'
  const t = useT()
  const locale = useLocale()
  return (
    <div className="narrow">
      <p>
        <Link to="/coordinator">← {t('common.back')}</Link>
      </p>
      <h1>{t('rosterImport.title')}</h1>
      <p>{t('rosterImport.intro')}</p>
      <p className="muted">{t('rosterImport.columns')}</p>
      <p className="muted">{t('rosterImport.limits')}</p>
      <p className="muted">{t('rosterImport.scope', { scope })}</p>
      <Form method="post" encType="multipart/form-data" className="card" noValidate>
        {error ? (
          <p className="form-error" role="alert" id="file-error">
            {error}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="file">{t('rosterImport.file')}</label>
          <input
            id="file"
            name="file"
            type="file"
            required
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'file-error' : undefined}
          />
        </div>
        <button type="submit" className="block" disabled={busy}>
          {t('rosterImport.submit')}
        </button>
      </Form>
      <h2>{t('rosterImport.recent')}</h2>
      {imports.length === 0 ? (
        <p className="muted">{t('rosterImport.none')}</p>
      ) : (
        <Table headers={[t('rosterImport.col.file'), t('rosterImport.col.createdAt'), t('rosterImport.col.rows'), t('rosterImport.col.status')]}>
          {imports.map((i) => (
            <tr key={i.id}>
              <td>
                <Link to={`/coordinator/imports/${i.id}`}>{i.fileName}</Link>
              </td>
              <td>{formatInstant(new Date(i.createdAt), locale)}</td>
              <td>{i.totalRows}</td>
              <td>{t(`rosterImport.status.${i.status}`)}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  )
}
