/**
 * Code shapes and kinds of the catalog, without the YAML parser
 * (app/domain/catalog.ts), so browser forms can import them cheaply.
 */
/** Majors and programs: lower-case ASCII (planting, e-commerce). */
export const SLUG = /^[a-z][a-z0-9-]*$/
/** Courses, tasks, lessons, templates: upper-case ASCII letters, digits and "-" (SC-ZZ-101). */
export const CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/
export const COURSE_KINDS = ['culture', 'skill', 'internship'] as const
export type CourseKind = (typeof COURSE_KINDS)[number]
export const TASK_KINDS = ['assignment', 'practical'] as const
export type TaskKind = (typeof TASK_KINDS)[number]
