/**
 * 人次 and friends, defined once (../shared/api-v1.md "Person-times",
 * DESIGN.md §2.2, §11): the dashboard's SQL, the API, the exports and the
 * reports are checked against this definition (a property test compares
 * them on random ledgers).
 *
 * - 人次 (personTimes): one enrollment (a person in one class or round) whose
 *   net credited minutes dated within [from, to] are > 0.
 * - persons: distinct people among those enrollments — per row and in the
 *   totals, never a sum of rows.
 * - 人学时 (personHours): those enrollments' net minutes as 学时 (each in its
 *   program's minutes per 学时), one decimal.
 * - completions: certificates of type graduation, completion or training
 *   issued within [from, to] (Beijing date) and not revoked; a graduation
 *   certificate counts from its issue date, pending verification or not.
 */
export const COMPLETION_TYPES = ['graduation', 'completion', 'training'] as const

/**
 * The rows figures can be grouped into: county, township and school by the
 * person's home region or school; program; major, group by the class or round;
 * none (one row, key "all").
 */
export const STATS_GROUP_BYS = ['county', 'township', 'school', 'program', 'major', 'group', 'none'] as const
export type StatsGroupBy = (typeof STATS_GROUP_BYS)[number]
/** Groupings whose key is the person's own (home region, school, or none): each person has one key, so persons add up across rows. */
export const PERSON_KEYED_GROUP_BYS: readonly StatsGroupBy[] = ['county', 'township', 'school', 'none']

export type PersonTimeEnrollment = {
  enrollmentId: string
  personId: string
  minutesPerHour: number
  /** The row this enrollment falls in (its township, school, group… or "all"), with its label. */
  key: string
  label: string
}

export type PersonTimeEntry = { enrollmentId: string; minutes: number; date: string }
export type PersonTimeCertificate = { enrollmentId: string; type: string; issuedOn: string; revoked: boolean }

export type PersonTimeFigures = { personTimes: number; persons: number; personHours: number; completions: number }
export type PersonTimeRow = { key: string; label: string } & PersonTimeFigures
/** The figures that add up over rows (a chart of 人次 needs no distinct persons). */
export type PersonTimeCounts = Omit<PersonTimeFigures, 'persons'>

const inRange = (date: string, from: string, to: string) => date >= from && date <= to

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

/**
 * 人学时 exactly, whatever the programs' minutes per 学时: every enrollment's
 * minutes are scaled to the least common multiple `scale` of the minutes per
 * 学时 in play (minutes × scale / minutesPerHour, a whole number), summed as
 * integers, and the sum is rounded once to one decimal, half up. No floating
 * sum, so the SQL (which sums the same integers) and this agree to the last
 * digit.
 */
export function hoursScale(minutesPerHour: Iterable<number>): number {
  let l = 1
  for (const m of minutesPerHour) l = (l / gcd(l, m)) * m
  return l
}

/** minutes × scale / minutesPerHour: an integer when scale is a multiple of minutesPerHour. */
export const scaledMinutes = (minutes: number, minutesPerHour: number, scale: number) => minutes * (scale / minutesPerHour)

/** Σ scaled minutes → 学时 with one decimal, rounded half up (exact integer arithmetic). */
export function scaledToHours(scaled: number, scale: number): number {
  const tenths = Math.floor((20 * scaled + scale) / (2 * scale))
  return tenths / 10
}

export function countPersonTimes(input: {
  enrollments: PersonTimeEnrollment[]
  entries: PersonTimeEntry[]
  certificates: PersonTimeCertificate[]
  from: string
  to: string
}): { rows: PersonTimeRow[]; totals: PersonTimeFigures } {
  const { from, to } = input
  const net = new Map<string, number>()
  for (const e of input.entries) if (inRange(e.date, from, to)) net.set(e.enrollmentId, (net.get(e.enrollmentId) ?? 0) + e.minutes)
  const scale = hoursScale(new Set(input.enrollments.map((e) => e.minutesPerHour)))
  type Acc = { label: string; persons: Set<string>; personTimes: number; scaled: number; completions: number }
  const rows = new Map<string, Acc>()
  const acc = (key: string, label: string) => {
    let a = rows.get(key)
    if (!a) rows.set(key, (a = { label, persons: new Set(), personTimes: 0, scaled: 0, completions: 0 }))
    return a
  }
  const allPersons = new Set<string>()
  let totalTimes = 0
  let totalScaled = 0
  const byId = new Map(input.enrollments.map((e) => [e.enrollmentId, e]))
  for (const e of input.enrollments) {
    const minutes = net.get(e.enrollmentId) ?? 0
    if (minutes <= 0) continue
    const a = acc(e.key, e.label)
    a.personTimes++
    a.persons.add(e.personId)
    a.scaled += scaledMinutes(minutes, e.minutesPerHour, scale)
    allPersons.add(e.personId)
    totalTimes++
    totalScaled += scaledMinutes(minutes, e.minutesPerHour, scale)
  }
  let totalCompletions = 0
  for (const c of input.certificates) {
    if (c.revoked || !(COMPLETION_TYPES as readonly string[]).includes(c.type) || !inRange(c.issuedOn, from, to)) continue
    const e = byId.get(c.enrollmentId)
    if (!e) continue
    acc(e.key, e.label).completions++
    totalCompletions++
  }
  return {
    rows: [...rows.entries()]
      .map(([key, a]) => ({
        key,
        label: a.label,
        personTimes: a.personTimes,
        persons: a.persons.size,
        personHours: scaledToHours(a.scaled, scale),
        completions: a.completions,
      }))
      .sort((x, y) => x.key.localeCompare(y.key)),
    totals: { personTimes: totalTimes, persons: allPersons.size, personHours: scaledToHours(totalScaled, scale), completions: totalCompletions },
  }
}

/**
 * Progress against a target: the gap, and the pace needed to close it in the
 * time left (per month), as of `asOf` within the target's period [start, end].
 */
export function targetProgress(target: { value: number; periodStart: string; periodEnd: string }, actual: number, asOf: string) {
  const DAY = 86_400_000
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY
  const total = day(target.periodEnd) - day(target.periodStart) + 1
  const elapsed = Math.min(total, Math.max(0, day(asOf) - day(target.periodStart) + 1))
  const gap = Math.max(0, target.value - actual)
  const monthsLeft = Math.max(0, (total - elapsed) / 30.44)
  const expectedByNow = (target.value * elapsed) / total
  return {
    percent: target.value > 0 ? Math.min(100, Math.floor((actual / target.value) * 100)) : 100,
    gap,
    onTrack: actual >= expectedByNow,
    expectedByNow: Math.round(expectedByNow),
    /** Needed per month from now to reach the target; null when the period is over. */
    perMonthNeeded: monthsLeft > 0 ? Math.ceil(gap / monthsLeft) : null,
  }
}

/**
 * Enrolled (招生, the skills-plus-credential targets "3,000 by 2023"):
 * distinct people with an enrollment whose start date lies within [from, to];
 * a withdrawal later does not undo having been enrolled.
 */
export function countEnrolled(input: { enrollments: { personId: string; startDate: string }[]; from: string; to: string }): number {
  return new Set(input.enrollments.filter((e) => inRange(e.startDate, input.from, input.to)).map((e) => e.personId)).size
}
