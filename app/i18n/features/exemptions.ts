/** Messages of one feature (exemptions); spread into the zh-CN and en catalogs. */
export const exemptionsZh = {
} as const

export const exemptionsEn: Record<keyof typeof exemptionsZh, string> = {
}
