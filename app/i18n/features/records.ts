/** Messages of one feature (records); spread into the zh-CN and en catalogs. */
export const recordsZh = {
} as const

export const recordsEn: Record<keyof typeof recordsZh, string> = {
}
