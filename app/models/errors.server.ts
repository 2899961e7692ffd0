/**
 * One error type for every refusal a model gives (DESIGN.md §9 "one way
 * through"): each aggregate's error extends `AppError`, says which of the
 * API's error codes it is (`kind`) and how to say it to a person
 * (`describe(t)`). It is mapped to an HTTP answer exactly twice: once for
 * the JSON API (app/api/http.server.ts `toErrorResponse`) and once for the
 * pages (app/utils/page-errors.server.ts).
 */
import type { T } from '#app/i18n/index.ts'

export type AppErrorKind = 'not_found' | 'forbidden' | 'validation_failed' | 'conflict' | 'not_eligible' | 'tasks_incomplete' | 'rate_limited'

/** HTTP status per kind, the same for pages and API (api-v1.md). */
export const APP_ERROR_STATUS: Record<AppErrorKind, number> = {
  not_found: 404,
  forbidden: 403,
  validation_failed: 422,
  conflict: 409,
  not_eligible: 409,
  tasks_incomplete: 409,
  rate_limited: 429,
}

export abstract class AppError extends Error {
  /** Which of the API's error codes this refusal is. */
  abstract get kind(): AppErrorKind
  /** The refusal in the reader's language. */
  abstract describe(t: T): string
  /** The input field the refusal is about, when there is one (a form field name). */
  get field(): string | undefined {
    return undefined
  }
  /**
   * Each input field the refusal concerns, with its message: by default `field` with the
   * refusal itself; an error about several fields at once (a form's) overrides this.
   */
  fieldMessages(t: T): Record<string, string> | undefined {
    return this.field ? { [this.field]: this.describe(t) } : undefined
  }
  /** Extra fields the API answer carries (e.g. `existingId`), never personal data of someone out of scope. */
  get extra(): Record<string, unknown> | undefined {
    return undefined
  }
}

export type MissingThing = 'enrollment' | 'person' | 'group' | 'certificate' | 'exemption' | 'request' | 'session' | 'course' | 'task' | 'record'

const NOT_FOUND_KEYS = {
  enrollment: 'errors.notFound.enrollment',
  person: 'errors.notFound.person',
  group: 'errors.notFound.group',
  certificate: 'errors.notFound.certificate',
  exemption: 'errors.notFound.exemption',
  request: 'errors.notFound.request',
  session: 'errors.notFound.session',
  course: 'errors.notFound.course',
  task: 'errors.notFound.task',
  record: 'errors.notFound.record',
} as const

/** Does not exist, or lies outside the caller's scope: the same answer either way (404). */
export class NotFoundError extends AppError {
  constructor(readonly thing: MissingThing = 'record') {
    super(`${thing} not found`)
    this.name = 'NotFoundError'
  }
  get kind(): AppErrorKind {
    return 'not_found'
  }
  describe(t: T) {
    return t(NOT_FOUND_KEYS[this.thing])
  }
}

/** The caller's role may not do this at all (403). */
export class ForbiddenError extends AppError {
  constructor() {
    super('forbidden')
    this.name = 'ForbiddenError'
  }
  get kind(): AppErrorKind {
    return 'forbidden'
  }
  describe(t: T) {
    return t('errors.forbidden')
  }
}
