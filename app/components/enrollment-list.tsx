import { Link } from '@remix-run/react'
import { showDate } from '#app/utils/format.ts'
import { useLocale, useT } from '#app/utils/i18n.ts'

type Enrollment = {
  id: string
  status: 'active' | 'withdrawn' | 'graduated' | 'completed'
  startDate: string | Date
  periodEnd: string | Date | null
  studyYears: number | null
  program: { code: string }
  group: { name: string; kind: 'class' | 'round'; major: { name: string } | null }
}

/**
 * A person's classes and rounds as cards (learner home; the coordinator's person page, where
 * `hrefOf` links each to its record, or gives null for one the viewer may not open: plain text).
 */
export function EnrollmentList<E extends Enrollment>({ enrollments, hrefOf }: { enrollments: E[]; hrefOf?: (enrollment: E) => string | null }) {
  const t = useT()
  const locale = useLocale()
  return (
    <ul className="list">
      {enrollments.map((e) => (
        <li key={e.id}>
          <div className="muted">
            {t(`program.${e.program.code as 'skills-credential' | 'teacher-training'}`)} · {t(e.group.kind === 'class' ? 'me.class' : 'me.round')}
          </div>
          <strong>{linkOrText(hrefOf?.(e) ?? null, e.group.name)}</strong>
          {e.group.major ? (
            <div>
              {t('group.major')}：{e.group.major.name}
            </div>
          ) : null}
          <div>{t('enrollment.period', { start: showDate(e.startDate, locale), end: showDate(e.periodEnd, locale) })}</div>
          <div>
            <span className="tag">{t(`enrollment.status.${e.status}`)}</span>
            {e.studyYears ? <span className="tag">{t('enrollment.studyYears', { years: e.studyYears })}</span> : null}
          </div>
        </li>
      ))}
    </ul>
  )
}

const linkOrText = (href: string | null, text: string) => (href ? <Link to={href}>{text}</Link> : text)
