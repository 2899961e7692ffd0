/** Messages of one feature (online); spread into the zh-CN and en catalogs. */
export const onlineZh = {
} as const

export const onlineEn: Record<keyof typeof onlineZh, string> = {
}
