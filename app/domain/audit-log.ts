/**
 * The audit log as a person reads it (issue 15): every action code the code
 * writes (each has a Chinese name in app/i18n/features/audit-log.ts), the
 * kinds of record, what changed between `before` and `after`, and the
 * filters of the log page (GET, so they work without JavaScript). Pure.
 */
import { isIsoDate } from './time.ts'

/** Every action code recordAudit/recordAudits is given anywhere (audit-log.test.ts reads the sources to keep this complete). */
export const AUDIT_ACTIONS = [
  'account.created',
  'api.request',
  'api_token.create',
  'api_token.revoke',
  'attendance.checkout_undo',
  'attendance.code_failed',
  'attendance.code_throttled',
  'audit.export',
  'auth.password_check_failed',
  'auth.password_check_throttled',
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_in_throttled',
  'auth.sign_out',
  'auth.sign_out_everywhere',
  'auth.sms_code_locked',
  'auth.sms_code_requested',
  'auth.sms_code_send_failed',
  'card.issued',
  'card.revoked',
  'certificate.batch_create',
  'certificate.issue',
  'certificate.revoke',
  'certificate.verify',
  'course.create',
  'course.task.create',
  'course.task.update',
  'course.update',
  'early_graduation.approve',
  'early_graduation.reject',
  'early_graduation.request',
  'enrollment.create',
  'enrollment.round_closed',
  'enrollment.round_reopened',
  'enrollment.withdraw',
  'exemption.apply',
  'exemption.approve',
  'exemption.reject',
  'export.data',
  'export.household_register',
  'group.create',
  'group.update',
  'hours.correct',
  'hours.credit',
  'lesson.create',
  'lesson.media.upload',
  'lesson.update',
  'moral.record',
  'notification.preferences',
  'notification.retry',
  'person.create',
  'person.phone_change',
  'person.view_id_number',
  'region.create',
  'region.rename',
  'report.funding',
  'report.quarterly',
  'result.record',
  'roster_import.confirm',
  'roster_import.done',
  'roster_import.errors_download',
  'roster_import.preview',
  'self_study.approve',
  'self_study.reject',
  'session.cancel',
  'session.create',
  'target.update',
  'task.complete',
  'user.create',
  'user.disable',
  'user.enable',
  'user.password_change',
  'user.password_clear',
  'user.password_reset',
  'user.password_reset_by_sms',
  'user.role_change',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]
export const isAuditAction = (s: string): s is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(s)

/** The kinds of record an event names (AuditEvent.entityType). */
export const AUDIT_ENTITIES = [
  'ApiToken',
  'Attendance',
  'Certificate',
  'CertificateBatch',
  'ClassSession',
  'Course',
  'CourseResult',
  'CourseTask',
  'EarlyGraduationRequest',
  'Enrollment',
  'Exemption',
  'Export',
  'Group',
  'HourEntry',
  'Lesson',
  'LessonMedia',
  'MoralEvaluation',
  'NotificationDelivery',
  'NotificationPreference',
  'Person',
  'Region',
  'Report',
  'RosterImport',
  'SelfStudyLog',
  'SignInCard',
  'Target',
  'TaskCompletion',
  'User',
] as const
export type AuditEntity = (typeof AUDIT_ENTITIES)[number]
export const isAuditEntity = (s: string): s is AuditEntity => (AUDIT_ENTITIES as readonly string[]).includes(s)

/** Fields never worth a line of their own (ids the page links instead). */
const HIDDEN_FIELDS = new Set(['id', 'enrollmentId', 'personId', 'userId', 'hourEntryId'])

export type FieldChange = { field: string; before: unknown; after: unknown }

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
const asRecord = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)

/**
 * The fields that differ between `before` and `after`, in the order they first appear
 * (after's fields, then any only before had). A field only `after` has is a value set
 * (before undefined); one only `before` has, a value cleared. Non-objects compare whole.
 */
export function changedFields(before: unknown, after: unknown): FieldChange[] {
  const b = asRecord(before)
  const a = asRecord(after)
  if (!b && !a) return before === undefined && after === undefined ? [] : same(before, after) ? [] : [{ field: 'value', before, after }]
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].filter((k) => !HIDDEN_FIELDS.has(k))
  return keys.filter((k) => !b || !a || !same(b[k], a[k]) || !(k in b)).map((k) => ({ field: k, before: b?.[k], after: a?.[k] }))
}

/** A value as one short line: strings as they are, numbers, 是/否 left to the caller (booleans come back as booleans), lists joined, objects as compact JSON. */
export function shortValue(v: unknown, max = 120): string | boolean | null {
  if (v === undefined || v === null || v === '') return null
  if (typeof v === 'boolean') return v
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return String(v).slice(0, max)
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) {
    const text = v.join('、')
    return text.length > max ? `${text.slice(0, max)}…（共 ${v.length} 项）` : text
  }
  const text = JSON.stringify(v)
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/**
 * An hour correction's readable change: the corrected entry's minutes still standing before
 * this correction, and after it (the correction itself is `delta`, negative to take away).
 */
export function correctionChange(original: number, earlierCorrections: number, delta: number): FieldChange {
  const before = original + earlierCorrections
  return { field: 'minutes', before, after: before + delta }
}

export type AuditFilter = {
  /** A user's name or username, part of it (the actor). */
  who: string
  action: AuditAction | ''
  entity: AuditEntity | ''
  /** The person the record is about: a name, a phone number or ID number, the last four digits (the people search). */
  person: string
  /** YYYY-MM-DD, Beijing, inclusive. */
  from: string
  to: string
}

const text = (v: string | null, max: number) => (v ?? '').trim().slice(0, max)

/** The filters from the query string; anything unknown or malformed is dropped (no filter), never an error. */
export function readAuditFilter(params: URLSearchParams): AuditFilter {
  const action = text(params.get('action'), 60)
  const entity = text(params.get('entity'), 60)
  const date = (k: string) => {
    const v = text(params.get(k), 10)
    return isIsoDate(v) ? v : ''
  }
  let from = date('from')
  let to = date('to')
  if (from && to && from > to) [from, to] = [to, from]
  return {
    who: text(params.get('who'), 30),
    action: isAuditAction(action) ? action : '',
    entity: isAuditEntity(entity) ? entity : '',
    person: text(params.get('person'), 30),
    from,
    to,
  }
}

/** The filters as query parameters (only those set), for the paging and export links. */
export function auditFilterParams(f: AuditFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== ''))
}
