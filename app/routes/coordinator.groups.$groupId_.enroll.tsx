import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { notFound, requireRole } from '#app/auth/permissions.server.ts'
import { scopesFor } from '#app/models/access.server.ts'
import { Table } from '#app/components/ui/table.tsx'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate, formatDate, isIsoDate, dateOnly } from '#app/domain/time.ts'
import { getLocale, serverT } from '#app/i18n/locale.server.ts'
import { ENROLL_GROUP_SELECT, ENROLL_PAGE_SIZE, enrollMany, enrollRefusalMessage, listEnrollable } from '#app/models/enrollments.server.ts'
import { findGroupInScope } from '#app/models/groups.server.ts'
import { placementRegions } from '#app/models/people.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { pageTitle, useLocale, useT } from '#app/utils/i18n.ts'

const ROLES = PEOPLE_MANAGERS
const MAX_AT_ONCE = 500

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'enroll.link') }]

async function loadGroup(request: Request, groupId: string | undefined) {
  const user = await requireRole(request, ROLES)
  const scopes = scopesFor(user, ROLES)
  const group = await findGroupInScope(getDb(), scopes, groupId ?? '', ENROLL_GROUP_SELECT)
  if (!group) throw notFound()
  return { user, scopes, group }
}

/** People in scope not yet in the class or round, filtered by name, kind and township, to tick and enroll at once. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, scopes, group } = await loadGroup(request, params.groupId)
  const url = new URL(request.url)
  const q = url.searchParams.get('q')?.trim().slice(0, 30) || undefined
  const kindParam = url.searchParams.get('kind')
  const kind = kindParam === 'adult_learner' || kindParam === 'teacher' ? kindParam : undefined
  const regionId = url.searchParams.get('region') || undefined
  const db = getDb()
  // The townships a person in scope lives in: where a new person may be placed, by the one rule.
  const regions = await placementRegions(db, user)
  const region = regions.some((r) => r.id === regionId) ? regionId : undefined
  const { total, people } = await listEnrollable(db, { scopes, groupId: group.id, q, kind, regionId: region })
  const today = beijingDate(new Date())
  const groupStart = dateOnly(group.startDate)
  // "Active elsewhere" is said only where it stands in the way: one active enrollment at a time (not teacher rounds).
  const exclusive = group.program.enrollmentRule === 'one_active_per_program'
  return {
    group: {
      id: group.id,
      code: group.code,
      name: group.name,
      kind: group.kind,
      startDate: groupStart,
      endDate: group.endDate ? dateOnly(group.endDate) : null,
      programId: group.programId,
    },
    filters: { q: q ?? '', kind: kind ?? '', region: region ?? '' },
    regions,
    total,
    max: ENROLL_PAGE_SIZE,
    people: people.map((p) => ({
      id: p.id,
      name: p.name,
      idMasked: p.idMasked,
      kind: p.kind,
      region: p.region.name,
      activeElsewhere: exclusive ? (p.enrollments.find((e) => e.programId === group.programId)?.group.name ?? null) : null,
    })),
    defaultStart: today > groupStart && (!group.endDate || today <= dateOnly(group.endDate)) ? today : groupStart,
  }
}

type PersonResult = { personId: string; name: string; status: 'enrolled' | 'already_enrolled' | 'refused'; message: string | null; enrollmentId: string | null }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, scopes, group } = await loadGroup(request, params.groupId)
  const t = serverT(request, user.locale)
  const locale = getLocale(request, user.locale)
  const form = await request.formData()
  const startDate = String(form.get('startDate') ?? '')
  const personIds = form.getAll('personId').map(String).filter(Boolean).slice(0, MAX_AT_ONCE)
  if (!isIsoDate(startDate)) return data({ error: t('enroll.startDateInvalid'), results: null }, { status: 422 })
  if (personIds.length === 0) return data({ error: t('enroll.noneSelected'), results: null }, { status: 422 })
  const outcomes = await enrollMany(getDb(), { personIds, group, startDate, scopes, actorId: user.id, ip: context.ip })
  const results: PersonResult[] = outcomes.map((o) => ({
    personId: o.personId,
    name: o.name,
    status: o.status,
    message: o.status === 'refused' ? enrollRefusalMessage(t, o.refusal, locale) : null,
    enrollmentId: o.status === 'refused' ? null : o.enrollmentId,
  }))
  return { error: null, results }
}

export default function EnrollPage() {
  const { group, filters, regions, total, max, people, defaultStart } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const t = useT()
  const locale = useLocale()
  const results = actionData?.results ?? null
  const count = (s: PersonResult['status']) => results?.filter((r) => r.status === s).length ?? 0
  return (
    <>
      <p>
        <Link to={`/coordinator/groups/${group.id}`}>← {group.name}</Link>
      </p>
      <h1>{t('enroll.title', { group: group.name })}</h1>
      <p className="hint">{t('enroll.intro')}</p>

      {results ? (
        <section className="card" aria-live="polite" data-testid="enroll-results">
          <p className={count('refused') > 0 ? 'form-error' : 'notice'} role="status">
            {t('enroll.results', { enrolled: count('enrolled'), already: count('already_enrolled'), refused: count('refused') })}
          </p>
          <Table headers={[t('enroll.col.name'), t('enroll.col.result')]}>
            {results.map((r) => (
              <tr key={r.personId} data-testid="enroll-result">
                <td>{r.name || '—'}</td>
                <td>
                  <span className="tag">{t(`enroll.status.${r.status}`)}</span> {r.message}
                  {r.enrollmentId ? (
                    <>
                      {' '}
                      <Link to={`/coordinator/enrollments/${r.enrollmentId}`}>{t('enroll.open')}</Link>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </Table>
        </section>
      ) : null}
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}

      <Form method="get" className="card row">
        <div className="field">
          <label htmlFor="q">{t('enroll.filter.q')}</label>
          <input id="q" name="q" defaultValue={filters.q} maxLength={30} />
        </div>
        <div className="field">
          <label htmlFor="kind">{t('enroll.filter.kind')}</label>
          <select id="kind" name="kind" defaultValue={filters.kind}>
            <option value="">{t('enroll.filter.any')}</option>
            <option value="adult_learner">{t('person.kind.adult_learner')}</option>
            <option value="teacher">{t('person.kind.teacher')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="region">{t('enroll.filter.region')}</label>
          <select id="region" name="region" defaultValue={filters.region}>
            <option value="">{t('enroll.filter.any')}</option>
            {regions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="secondary">
          {t('enroll.filter.submit')}
        </button>
      </Form>

      <Form method="post">
        <p className="muted">{total > people.length ? t('enroll.count', { count: total, max }) : t('enroll.countAll', { count: total })}</p>
        {people.length === 0 ? (
          <p className="card">{t('enroll.empty')}</p>
        ) : (
          <Table headers={[t('enroll.col.pick'), t('enroll.col.name'), t('enroll.col.id'), t('enroll.col.kind'), t('enroll.col.region')]}>
            {people.map((p) => (
              <tr key={p.id}>
                <td>
                  <input type="checkbox" name="personId" value={p.id} id={`pick-${p.id}`} aria-label={p.name} style={{ width: 24, height: 24 }} />
                </td>
                <td>
                  <label htmlFor={`pick-${p.id}`}>{p.name}</label>
                  {p.activeElsewhere ? <div className="muted">{t('enroll.activeElsewhere', { group: p.activeElsewhere })}</div> : null}
                </td>
                <td className="mono">{p.idMasked}</td>
                <td>{t(`person.kind.${p.kind}`)}</td>
                <td>{p.region}</td>
              </tr>
            ))}
          </Table>
        )}
        <div className="card row" style={{ maxWidth: 560 }}>
          <div className="field">
            <label htmlFor="startDate">{t('enroll.startDate')}</label>
            <input id="startDate" name="startDate" type="date" defaultValue={defaultStart} min={group.startDate} max={group.endDate ?? undefined} required />
            <div className="hint">{t('enroll.startDateHint', { start: formatDate(group.startDate, locale) })}</div>
          </div>
          <button type="submit" disabled={busy || people.length === 0}>
            {t('enroll.submit')}
          </button>
        </div>
      </Form>
    </>
  )
}
