/**
 * The learner home's ring (issue 13): a server-rendered SVG ring beside the
 * requirement's plain name and its words (what is missing and the pace, what
 * is done; made on the server, app/models/learner-home.server.ts), so the page
 * carries no formatting code and nothing here needs JavaScript.
 */
import { Icon } from './icons.tsx'

const R = 30
const C = 2 * Math.PI * R

export function Ring({ percent, met }: { percent: number; met: boolean }) {
  const clamped = Math.min(100, Math.max(0, percent))
  return (
    <svg className="ring" width="76" height="76" viewBox="0 0 72 72" aria-hidden="true" focusable="false">
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

export type HomeRingView = { code: string; label: string; percent: number; met: boolean; missingText: string; earnedText: string }

export function HomeRing({ ring }: { ring: HomeRingView }) {
  return (
    <div className="home-ring" data-testid={`requirement-${ring.code}`}>
      <Ring percent={ring.percent} met={ring.met} />
      <div className="home-ring-text">
        <strong>{ring.label}</strong>
        <div className={ring.met ? 'req-met' : 'req-missing'} data-testid="missing">
          {ring.met ? <Icon name="check" /> : null}
          {ring.missingText}
        </div>
        <div className="home-sub" data-testid="earned">
          {ring.earnedText}
        </div>
      </div>
    </div>
  )
}
