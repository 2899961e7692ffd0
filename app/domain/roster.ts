/**
 * The coordinator's progress roster: sort and filter rows (pure; rows come
 * from the requirement engine through loadProgress).
 */
export type RosterSort = 'name' | 'earned' | 'missing'
export const ROSTER_SORTS: readonly RosterSort[] = ['name', 'earned', 'missing']

export type RosterRow = {
  name: string
  behind: boolean
  /** Of the pace requirement (the first blocking hour requirement). */
  earnedMinutes: number
  missingMinutes: number
}

export function parseRosterSort(value: string | null): RosterSort {
  return ROSTER_SORTS.includes(value as RosterSort) ? (value as RosterSort) : 'name'
}

const collator = new Intl.Collator('zh-CN')

/** Name A→Z (pinyin order); earned or missing hours most first, ties by name. */
export function sortAndFilterRoster<R extends RosterRow>(rows: readonly R[], { sort, behindOnly }: { sort: RosterSort; behindOnly: boolean }): R[] {
  const byName = (a: R, b: R) => collator.compare(a.name, b.name)
  const kept = behindOnly ? rows.filter((r) => r.behind) : [...rows]
  return kept.sort((a, b) => {
    if (sort === 'earned') return b.earnedMinutes - a.earnedMinutes || byName(a, b)
    if (sort === 'missing') return b.missingMinutes - a.missingMinutes || byName(a, b)
    return byName(a, b)
  })
}
