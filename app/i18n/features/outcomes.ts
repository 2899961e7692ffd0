/** Messages of one feature (outcomes); spread into the zh-CN and en catalogs. */
export const outcomesZh = {
} as const

export const outcomesEn: Record<keyof typeof outcomesZh, string> = {
}
