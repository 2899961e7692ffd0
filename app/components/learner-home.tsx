/**
 * The learner home's ring (issue 13): a server-rendered SVG ring beside the
 * requirement's plain name and its words (what is missing and the pace, what
 * is done; made on the server, app/models/learner-home.server.ts), so the page
 * carries no formatting code and nothing here needs JavaScript.
 */
import { Icon } from './icons.tsx'
import { Ring } from './progress-ring.tsx'

export type HomeRingView = { code: string; label: string; percent: number; met: boolean; missingText: string; earnedText: string }

export function HomeRing({ ring }: { ring: HomeRingView }) {
  return (
    <div className="home-ring" data-testid={`requirement-${ring.code}`}>
      <Ring percent={ring.percent} met={ring.met} size={76} />
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
