import { useT } from '#app/utils/i18n.ts'

type Planned = { concentrated: number | null; online: number | null; school_based: number | null }
export type RoundProgrammeView = {
  requiredHours: number | null
  planned: Planned
  tags: readonly ('rural' | 'principal' | 'backbone' | 'head_teacher' | 'new_teacher' | 'inspector')[]
  modules: readonly { id: string; code: string; name: string; lessons: readonly unknown[]; nominalMinutes: number }[]
}

/** A round's tags as small labels (乡村, 校长, 骨干…). */
export function RoundTags({ tags }: { tags: RoundProgrammeView['tags'] }) {
  const t = useT()
  if (tags.length === 0) return null
  return (
    <span aria-label={t('rounds.tags')} data-testid="round-tags">
      {tags.map((tag) => (
        <span key={tag} className="tag">
          {t(`rounds.tag.${tag}`)}
        </span>
      ))}
    </span>
  )
}

/** The planned 学时 per kind, as one line ("集中面授 24 学时 · 线上学习 3 学时 · 校本研修 13 学时"), or null without a programme. */
export function PlannedHours({ planned }: { planned: Planned }) {
  const t = useT()
  const parts = (['concentrated', 'online', 'school_based'] as const).flatMap((kind) =>
    planned[kind] === null ? [] : [t('rounds.plan.line', { kind: t(`rounds.kind.${kind}`), hours: planned[kind]!.toFixed(1) })],
  )
  return parts.length ? <span data-testid="planned-hours">{parts.join(' · ')}</span> : null
}

/** The coordinator's view of a round's programme: tags, planned 学时 per kind and online modules. */
export function RoundProgrammeCard({ programme }: { programme: RoundProgrammeView }) {
  const t = useT()
  const empty = programme.modules.length === 0 && Object.values(programme.planned).every((h) => h === null)
  return (
    <section className="card" aria-labelledby="round-programme">
      <h2 id="round-programme" style={{ marginTop: 0 }}>
        {t('rounds.coordinator.programme')} <RoundTags tags={programme.tags} />
      </h2>
      {programme.requiredHours !== null ? <p className="muted">{t('rounds.coordinator.required', { hours: programme.requiredHours.toFixed(1) })}</p> : null}
      {empty ? <p>{t('rounds.coordinator.none')}</p> : null}
      <p>
        <PlannedHours planned={programme.planned} />
      </p>
      {programme.modules.length > 0 ? (
        <>
          <h3>{t('rounds.form.modules')}</h3>
          <ul data-testid="round-modules">
            {programme.modules.map((m) => (
              <li key={m.id}>
                {m.name} <span className="mono muted">{m.code}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  )
}
