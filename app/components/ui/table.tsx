import type { ReactNode } from 'react'

/**
 * A table with one header row; rows are the children (<tr>…). Wide tables scroll
 * sideways; with `cards`, below 600 px each row is a card instead (app/styles/app.css,
 * "Tables that are cards"): give each <td> a `data-label` (the column's name, shown
 * before the value), the name cell `className="cell-title"` and the buttons' cell
 * `className="cell-actions"`. One markup, no JavaScript.
 */
export function Table({ headers, children, cards = false, label }: { headers: ReactNode[]; children: ReactNode; cards?: boolean; label?: string }) {
  return (
    <div className={cards ? 'table-wrap cards-wrap' : 'table-wrap'}>
      <table className={cards ? 'cards' : undefined} aria-label={label}>
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )
}
