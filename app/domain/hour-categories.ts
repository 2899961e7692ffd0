/**
 * The kinds of 学时 the ledger records. Its own module without zod, so a page
 * that only names the categories (the 学时档案) does not bring the policy
 * schemas into the browser: zod's schemas probe `new Function` when built,
 * which the page's Content-Security-Policy refuses and reports.
 */
export const HOUR_CATEGORIES = ['concentrated', 'online', 'self_study', 'practical', 'school_based'] as const
export type HourCategory = (typeof HOUR_CATEGORIES)[number]
