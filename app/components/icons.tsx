/**
 * Simple line icons beside words on the learner's pages (issue 13), never alone: the word carries
 * the meaning. Drawn by CSS masks in app/styles/app.css (.icon-<name>), in the text's colour, so
 * they add no JavaScript to a page.
 */
export type IconName = 'calendar' | 'place' | 'note' | 'book' | 'pen' | 'qr' | 'bell' | 'award' | 'check' | 'clock' | 'list' | 'people' | 'speaker' | 'stop'

export function Icon({ name }: { name: IconName }) {
  return <span className={`icon icon-${name}`} aria-hidden="true" />
}
