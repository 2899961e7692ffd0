/**
 * Charts drawn on the server as plain SVG (issue 12): they are in the HTML,
 * so they show with JavaScript off, print, and scale to a phone (viewBox,
 * width 100 %). Each bar is a link to the people behind it. Hand-made rather
 * than ECharts' server-side renderer: two chart kinds (columns over time,
 * bars per township or school) are a few dozen lines, the output is stable
 * for tests and screenshots, the text stays real CJK text in the page's own
 * font, and no charting library (ECharts with zrender) is added to the
 * server for it.
 */

export type Bar = { label: string; value: number; href?: string; highlight?: boolean; title?: string }

const fmt = (n: number) => n.toLocaleString('zh-CN')

/** Vertical columns (a trend): one per period, the selected ones in the brand colour. */
export function ColumnChart({ bars, title, height = 240 }: { bars: Bar[]; title: string; height?: number }) {
  // A narrow viewBox: on a 360 px phone the labels still come out at about 12 px.
  const width = 480
  const top = 28
  const bottom = 44
  const left = 8
  const max = Math.max(1, ...bars.map((b) => b.value))
  const slot = (width - left * 2) / Math.max(1, bars.length)
  const barW = Math.max(6, slot * 0.62)
  const plotH = height - top - bottom
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
      <title>{title}</title>
      <line x1={left} x2={width - left} y1={top + plotH} y2={top + plotH} stroke="#b8c0ca" strokeWidth="1" />
      {bars.map((b, i) => {
        const h = Math.round((b.value / max) * plotH)
        const x = left + i * slot + (slot - barW) / 2
        const y = top + plotH - h
        const body = (
          <>
            <title>{b.title ?? `${b.label}：${fmt(b.value)}`}</title>
            <rect x={x} y={y} width={barW} height={Math.max(h, b.value > 0 ? 2 : 0)} rx="3" fill={b.highlight === false ? '#a9c7b9' : '#1f6f50'} />
            <text x={x + barW / 2} y={y - 6} textAnchor="middle" fontSize="15" fill="#1c2430">
              {b.value > 0 ? fmt(b.value) : ''}
            </text>
            <text x={x + barW / 2} y={height - 16} textAnchor="middle" fontSize="18" fill="#5b6676">
              {b.label}
            </text>
          </>
        )
        return b.href ? (
          <a key={i} href={b.href}>
            {body}
          </a>
        ) : (
          <g key={i}>{body}</g>
        )
      })}
    </svg>
  )
}

/** Horizontal bars (a comparison): one row per township, school, class…, longest first as given. */
export function BarList({ bars, title }: { bars: Bar[]; title: string }) {
  const width = 420
  const rowH = 40
  const labelW = 150
  const valueW = 70
  const height = Math.max(1, bars.length) * rowH + 8
  const max = Math.max(1, ...bars.map((b) => b.value))
  const plotW = width - labelW - valueW
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      {bars.map((b, i) => {
        const y = 4 + i * rowH
        const w = Math.round((b.value / max) * plotW)
        const label = b.label.length > 8 ? `${b.label.slice(0, 7)}…` : b.label
        const body = (
          <>
            <title>{b.title ?? `${b.label}：${fmt(b.value)}`}</title>
            <text x={labelW - 10} y={y + rowH / 2 + 6} textAnchor="end" fontSize="18" fill="#1c2430">
              {label}
            </text>
            <rect x={labelW} y={y + 8} width={Math.max(w, b.value > 0 ? 2 : 0)} height={rowH - 16} rx="3" fill="#1f6f50" />
            <text x={labelW + w + 8} y={y + rowH / 2 + 6} fontSize="17" fill="#1c2430">
              {fmt(b.value)}
            </text>
          </>
        )
        return b.href ? (
          <a key={i} href={b.href}>
            {body}
          </a>
        ) : (
          <g key={i}>{body}</g>
        )
      })}
    </svg>
  )
}

/** A progress bar for a target: done share, and a tick where it should be by now. */
export function ProgressBar({ percent, expectedPercent, label }: { percent: number; expectedPercent: number; label: string }) {
  const p = Math.max(0, Math.min(100, percent))
  const e = Math.max(0, Math.min(100, expectedPercent))
  return (
    <svg className="progress-bar" viewBox="0 0 200 16" role="img" aria-label={label} preserveAspectRatio="none">
      <title>{label}</title>
      <rect x="0" y="2" width="200" height="12" rx="6" fill="#e5e9ee" />
      <rect x="0" y="2" width={p * 2} height="12" rx="6" fill={p >= e ? '#1f6f50' : '#c26a00'} />
      <line x1={e * 2} x2={e * 2} y1="0" y2="16" stroke="#1c2430" strokeWidth="2" />
    </svg>
  )
}
