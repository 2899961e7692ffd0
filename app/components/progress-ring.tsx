import type { PaceView, RequirementView } from '#app/domain/progress-display.ts'
import { formatHours } from '#app/domain/progress-display.ts'
import { useT } from '#app/utils/i18n.ts'

const R = 30
const C = 2 * Math.PI * R

/** A ring in plain SVG (no JS, no web font): the share done, with the percent written inside; the learner home's and the progress pages' one ring. */
export function Ring({ percent, met, size = 72 }: { percent: number; met: boolean; size?: number }) {
  const clamped = Math.min(100, Math.max(0, percent))
  return (
    <svg className="ring" width={size} height={size} viewBox="0 0 72 72" aria-hidden="true" focusable="false">
      <circle cx="36" cy="36" r={R} fill="none" stroke="#d5dbe1" strokeWidth="8" />
      {clamped > 0 ? (
        <circle
          cx="36"
          cy="36"
          r={R}
          fill="none"
          stroke={met ? '#1e7a36' : '#1857a8'}
          strokeWidth="8"
          strokeLinecap={clamped < 100 ? 'round' : 'butt'}
          strokeDasharray={`${((C * clamped) / 100).toFixed(2)} ${C.toFixed(2)}`}
          transform="rotate(-90 36 36)"
        />
      ) : null}
      <text x="36" y="42" textAnchor="middle" fontSize="17" fontWeight="700" fill="#1c2430">
        {clamped}%
      </text>
    </svg>
  )
}

/** One requirement: ring + label + 已学/还差 in words, so it is never colour-only. */
export function RequirementProgress({ view }: { view: RequirementView }) {
  const t = useT()
  const met = view.kind === 'hours' ? view.display.met : view.met
  const percent = view.kind === 'hours' ? view.display.percent : view.percent
  return (
    <div className="req" data-testid={`requirement-${view.code}`}>
      <Ring percent={percent} met={met} />
      <div className="req-text">
        <div>
          <strong>{view.label}</strong>{' '}
          <span className={view.blocking ? 'tag tag-must' : 'tag'}>{t(view.blocking ? 'progress.blocking' : 'progress.advisory')}</span>
        </div>
        {view.kind === 'hours' ? (
          <div data-testid="earned">
            {t(view.compare ? 'progress.compare' : 'progress.earned', {
              earned: formatHours(view.display.earnedHours),
              required: formatHours(view.display.requiredHours),
            })}
          </div>
        ) : (
          <div data-testid="earned">{t('progress.count', { earned: view.earned, required: view.required })}</div>
        )}
        <div className={met ? 'req-met' : 'req-missing'} data-testid="missing">
          {met
            ? t('progress.met')
            : view.kind === 'count'
              ? null
              : view.display.missing.kind === 'minutes'
                ? t('progress.missingMinutes', { minutes: view.display.missing.minutes })
                : view.display.missing.kind === 'hours'
                  ? t('progress.missingHours', { hours: formatHours(view.display.missing.hours) })
                  : null}
        </div>
      </div>
    </div>
  )
}

/** Every requirement of one enrollment, and the pace when behind. */
export function ProgressPanel({ requirements, pace }: { requirements: RequirementView[]; pace: PaceView }) {
  const t = useT()
  return (
    <div className="progress">
      {pace.behind ? (
        <p className="pace-behind" role="status">
          {t('progress.behind', { hours: formatHours(pace.expectedHours) })}
        </p>
      ) : null}
      {requirements.length === 0 ? <p className="muted">{t('progress.none')}</p> : null}
      {requirements.map((r) => (
        <RequirementProgress key={r.code} view={r} />
      ))}
    </div>
  )
}
