/** Messages of one feature (catalog); spread into the zh-CN and en catalogs. */
export const catalogZh = {
} as const

export const catalogEn: Record<keyof typeof catalogZh, string> = {
}
