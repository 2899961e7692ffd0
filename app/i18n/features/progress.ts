/** Messages of one feature (progress); spread into the zh-CN and en catalogs. */
export const progressZh = {
} as const

export const progressEn: Record<keyof typeof progressZh, string> = {
}
