/** Messages of one feature (certificates); spread into the zh-CN and en catalogs. */
export const certificatesZh = {
} as const

export const certificatesEn: Record<keyof typeof certificatesZh, string> = {
}
