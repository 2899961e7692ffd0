/** Messages of one feature (attendance); spread into the zh-CN and en catalogs. */
export const attendanceZh = {
} as const

export const attendanceEn: Record<keyof typeof attendanceZh, string> = {
}
