/** Messages of one feature (enrollment); spread into the zh-CN and en catalogs. */
export const enrollmentZh = {
} as const

export const enrollmentEn: Record<keyof typeof enrollmentZh, string> = {
}
