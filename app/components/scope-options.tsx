import type { T } from '#app/i18n/index.ts'

type Region = { id: string; code: string; name: string; level: string; path: string }
type Org = { id: string; code: string; name: string }

/** <option>s for a role's scope: everything, a region (indented by depth) or an organization. */
export function ScopeOptions({ regions, organizations, t }: { regions: Region[]; organizations: Org[]; t: T }) {
  return (
    <>
      <option value="">—</option>
      <option value="all">{t('admin.scopeAll')}</option>
      <optgroup label={t('admin.regions')}>
        {regions.map((r) => (
          <option key={r.id} value={`region:${r.id}`}>
            {'\u3000'.repeat(Math.max(0, r.path.split('/').length - 3))}
            {r.name}（{r.code}）
          </option>
        ))}
      </optgroup>
      <optgroup label={t('person.organization')}>
        {organizations.map((o) => (
          <option key={o.id} value={`org:${o.id}`}>
            {o.name}
          </option>
        ))}
      </optgroup>
    </>
  )
}
